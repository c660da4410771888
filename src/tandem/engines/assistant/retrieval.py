"""Hybrid help-center retrieval: sentence-embedding similarity to titles and example questions, BM25 beside it.

Embeddings carry meaning ("I didn't receive my order" finds 'order not received' without shared words); BM25
keeps exact terms (fee amounts, product words) from being ignored. The embedding model is injected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from tandem.engines.assistant.kb import KnowledgeArticle, KnowledgeBase


class Embed(Protocol):
    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True, slots=True)
class Retrieved:
    article: KnowledgeArticle
    similarity: float
    lexical: float


class HybridRetriever:
    """Score articles by their best-matching title or example question, with BM25 as a tie-breaker."""

    def __init__(self, kb: KnowledgeBase, embedder: Embed, lexical_weight: float = 0.02) -> None:
        self.kb = kb
        self.embedder = embedder
        self.lexical_weight = lexical_weight
        texts: list[str] = []
        owners: list[int] = []
        for i, article in enumerate(kb.articles):
            for text in (article.title, *article.questions):
                texts.append(text)
                owners.append(i)
        self._owners = np.asarray(owners)
        self._vectors = embedder.embed(texts)

    def search(self, query: str, limit: int = 3) -> list[Retrieved]:
        """Return the best articles, best first."""
        vector = self.embedder.embed([query])[0]
        sims = self._vectors @ vector
        best = np.full(len(self.kb.articles), -1.0)
        np.maximum.at(best, self._owners, sims)
        lexical = {h.article.id: h.score for h in self.kb.search(query, limit=len(self.kb.articles))}
        scored = [
            Retrieved(a, float(best[i]), lexical.get(a.id, 0.0)) for i, a in enumerate(self.kb.articles)
        ]
        scored.sort(key=lambda r: r.similarity + self.lexical_weight * min(r.lexical, 10.0), reverse=True)
        return scored[:limit]
