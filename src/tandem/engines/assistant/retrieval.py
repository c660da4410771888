"""Hybrid help-center retrieval for any company's help center, in any language the customer writes.

Two signals per article, fused into one score the answer threshold applies to:

- **dense**: multilingual-e5-small similarity between the question ("query: ...") and the article's passages
  ("passage: ..."): its title, each example question, and its body cut into passages along its sections (each
  prefixed with the title and the section heading). The article's dense score is its best passage. The encoder is
  multilingual, so a Swedish question finds an English article.
- **lexical**: Okapi BM25 (`kb.KnowledgeBase`) with Snowball stemming in the help center's language and the
  question's, saturated to 0..1 (`bm25 / (bm25 + LEXICAL_HALF)`), so exact product words (PUK, eSIM, STAC) count.

fused = dense + lexical_weight × lexical ranks the articles. Whether the best one answers the question is a
calibrated probability: a logistic model over the best fused score, how far it stands above the mean of this
question's scores for all articles (e5 similarities are high for any text in the domain, so the gap adds to the
level; a z-score did better on the dev set but not on the demo help center, whose many near-duplicate payment
articles make any top score stand out), and whether the question is not in the help center's language
(cross-lingual similarities run lower).
The weight, the coefficients and the threshold were fitted on the dev part of the Brightwave evaluation set
(evals/retrieval/brightwave, bench/retrieval_tune.py) and checked on the demo help center; see docs/assistant.md.

Passage vectors are cached on disk per article, keyed by the article's content hash and the passage recipe, so a
restart or a re-import embeds only the articles that changed.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from tandem.engines.assistant.kb import KnowledgeArticle, KnowledgeBase, detect

log = logging.getLogger(__name__)

PASSAGE_CHARS = 600  # a section longer than this is cut at paragraph boundaries
RECIPE = "v1"  # bump when passages() changes, so cached vectors are not reused for different text
LEXICAL_HALF = 6.0
LEXICAL_WEIGHT = 0.06
# P(best article answers) = sigmoid(A_FUSED*fused + A_GAP*(fused - mean fused over articles)
#                                   + A_OTHER_LANGUAGE*[question not in the help center's language] + B)
A_FUSED, A_GAP, A_OTHER_LANGUAGE, B = 20.045, 20.412, 0.684, -18.341
THRESHOLD = 0.5
LEXICAL_ONLY_THRESHOLD = 0.04  # no encoder: lexical_weight x saturated BM25 alone (BM25 about 4 and up)
_HEADING = re.compile(r"^#{1,6}\s+(.*)$")


class Encoder(Protocol):
    def queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def passages(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True, slots=True)
class Retrieved:
    article: KnowledgeArticle
    similarity: float  # what the answer threshold applies to: calibrated probability (lexical score without encoder)
    lexical: float  # raw BM25
    dense: float = 0.0
    fused: float = 0.0


def passages(article: KnowledgeArticle) -> list[str]:
    """The texts an article is searched by: its title, its example questions, and its body by section."""
    out = [article.title, *article.questions]
    heading = ""
    chunk: list[str] = []

    def flush() -> None:
        text = " ".join(" ".join(chunk).split())
        if text:
            prefix = f"{article.title}. {heading}. " if heading else f"{article.title}. "
            out.append(prefix + text)
        chunk.clear()

    for block in (b.strip() for b in article.body.split("\n\n")):
        if not block:
            continue
        match = _HEADING.match(block.splitlines()[0])
        if match:
            flush()
            heading = match.group(1).strip()
            block = "\n".join(block.splitlines()[1:]).strip()
            if not block:
                continue
        if chunk and sum(len(c) for c in chunk) + len(block) > PASSAGE_CHARS:
            flush()
        chunk.append(_plain(block))
    flush()
    return out


def _plain(block: str) -> str:
    """Markdown table rows and emphasis to plain words."""
    lines = []
    for line in block.splitlines():
        stripped = line.strip()
        if stripped.startswith("|"):
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            if all(set(c) <= set("-: ") for c in cells):
                continue
            stripped = ", ".join(cells)
        lines.append(stripped.replace("**", "").replace("__", ""))
    return " ".join(lines)


def article_key(article: KnowledgeArticle, model: str) -> str:
    """Cache key of an article's passage vectors: content, passage recipe and model."""
    payload = "\x1f".join([RECIPE, model, *passages(article)])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class VectorCache:
    """Passage vectors on disk, one .npy file per article key; a missing or unreadable file is recomputed."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    def get(self, key: str) -> np.ndarray | None:
        if self.directory is None:
            return None
        path = self.directory / f"{key}.npy"
        try:
            return np.load(path, allow_pickle=False)
        except (OSError, ValueError):
            return None

    def put(self, key: str, vectors: np.ndarray) -> None:
        if self.directory is None:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                np.save(handle, vectors.astype(np.float32), allow_pickle=False)
            os.replace(tmp, self.directory / f"{key}.npy")
        except OSError:
            log.warning("cannot write the help-center vector cache in %s", self.directory, exc_info=True)


class HybridRetriever:
    """Rank articles by fused dense + lexical score; with no encoder, lexical only."""

    def __init__(self, kb: KnowledgeBase, encoder: Encoder | None, *, cache_dir: Path | None = None,
                 model_name: str = "multilingual-e5-small", lexical_weight: float = LEXICAL_WEIGHT) -> None:
        self.kb = kb
        self.encoder = encoder
        self.lexical_weight = lexical_weight
        self.cache = VectorCache(cache_dir)
        self.embedded = self.reused = 0
        owners: list[int] = []
        blocks: list[np.ndarray] = []
        if encoder is not None:
            for i, article in enumerate(kb.articles):
                vectors = self._article_vectors(article, encoder, model_name)
                blocks.append(vectors)
                owners.extend([i] * len(vectors))
        self._owners = np.asarray(owners, dtype=np.int64)
        self._vectors = np.vstack(blocks) if blocks else np.zeros((0, 384), dtype=np.float32)

    def _article_vectors(self, article: KnowledgeArticle, encoder: Encoder, model: str) -> np.ndarray:
        key = article_key(article, model)
        texts = passages(article)
        cached = self.cache.get(key)
        if cached is not None and cached.shape[0] == len(texts):
            self.reused += 1
            return cached
        vectors = np.asarray(encoder.passages(texts), dtype=np.float32)
        self.cache.put(key, vectors)
        self.embedded += 1
        return vectors

    def search(self, query: str, limit: int = 3) -> list[Retrieved]:
        """The best articles for the question, best first."""
        n = len(self.kb.articles)
        if n == 0:
            return []
        language = detect(query, default=self.kb.language)
        lexical = {h.article.id: h.score for h in self.kb.search(query, limit=n, language=language)}
        raw = np.array([lexical.get(a.id, 0.0) for a in self.kb.articles], dtype=np.float64)
        fused = self.lexical_weight * raw / (raw + LEXICAL_HALF)
        dense = np.zeros(n, dtype=np.float64)
        if self.encoder is None or not len(self._vectors):
            confidence = fused
        else:
            vector = np.asarray(self.encoder.queries([query]), dtype=np.float32)[0]
            best = np.full(n, -1.0, dtype=np.float32)
            np.maximum.at(best, self._owners, self._vectors @ vector)
            dense = best.astype(np.float64)
            fused = fused + dense
            gap = fused - float(fused.mean())
            other = 1.0 if language != self.kb.language else 0.0
            logits = A_FUSED * fused + A_GAP * gap + A_OTHER_LANGUAGE * other + B
            confidence = np.array([1 / (1 + math.exp(-x)) for x in logits])
        order = np.argsort(-fused, kind="stable")[:limit]
        return [
            Retrieved(self.kb.articles[i], float(confidence[i]), float(raw[i]), float(dense[i]), float(fused[i]))
            for i in order
        ]
