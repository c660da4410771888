"""Knowledge-base retrieval: Okapi BM25 over titles, example questions and bodies."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOP = frozenset(
    "a an the and or but if to of in on at for with by from is are was were be been am do does did i you "
    "my me we our your it its this that these those can could would should will shall how what when where "
    "why which who whom there here have has had not no so than too very just about into out up please hi "
    "hello thanks thank any some get got".split()
)


@dataclass(frozen=True, slots=True)
class KnowledgeArticle:
    id: str
    title: str
    topic: str
    body: str
    questions: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Hit:
    article: KnowledgeArticle
    score: float


def fold(text: str) -> str:
    """Lower-case and strip accents, so 'Réfund' and 'refund' meet."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _stem(word: str) -> str:
    # a light suffix stripper: enough to meet 'refunds'/'refunded'/'refunding' without a dependency
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def terms(text: str) -> list[str]:
    """Split text into stemmed, stop-word-free terms."""
    return [_stem(w) for w in _WORD.findall(fold(text)) if w not in _STOP and len(w) > 1]


class KnowledgeBase:
    """A BM25 index; title and questions weigh more than the body."""

    def __init__(self, articles: Sequence[KnowledgeArticle], k1: float = 1.4, b: float = 0.6) -> None:
        self.articles = tuple(articles)
        self._k1, self._b = k1, b
        self._docs = [self._doc_terms(a) for a in self.articles]
        self._avg_len = sum(sum(d.values()) for d in self._docs) / max(1, len(self._docs))
        df: Counter[str] = Counter()
        for doc in self._docs:
            df.update(doc.keys())
        n = len(self._docs)
        self._idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self._by_id = {a.id: a for a in self.articles}
        self._index = {a.id: i for i, a in enumerate(self.articles)}
        # a query word the help center never uses counts as rare (and so as missing), not as free
        self._unseen_idf = math.log(1 + (n + 0.5) / 0.5)

    @staticmethod
    def _doc_terms(article: KnowledgeArticle) -> Counter[str]:
        counts = Counter(terms(article.body))
        for _ in range(3):
            counts.update(terms(article.title))
            counts.update(terms(" ".join(article.questions)))
        counts.update(terms(" ".join(article.tags)) * 2)
        return counts

    def get(self, article_id: str) -> KnowledgeArticle | None:
        return self._by_id.get(article_id)

    def search(self, query: str, limit: int = 3) -> list[Hit]:
        """Return the best articles for a query, best first, with raw BM25 scores."""
        q = set(terms(query))
        if not q:
            return []
        scored = [(self._score(q, doc), i) for i, doc in enumerate(self._docs)]
        scored = [(s, i) for s, i in scored if s > 0]
        scored.sort(reverse=True)
        return [Hit(self.articles[i], s) for s, i in scored[:limit]]

    def _score(self, query: set[str], doc: Counter[str]) -> float:
        length = sum(doc.values())
        norm = self._k1 * (1 - self._b + self._b * length / self._avg_len)
        total = 0.0
        for term in query:
            tf = doc.get(term, 0)
            if tf:
                total += self._idf[term] * tf * (self._k1 + 1) / (tf + norm)
        return total

    def coverage(self, query: str, article: KnowledgeArticle) -> float:
        """Share of the query's idf mass that the article contains (0..1): a scale-free confidence."""
        q = set(terms(query))
        if not q:
            return 0.0
        doc = self._docs[self._index[article.id]]
        weight = {t: self._idf.get(t, self._unseen_idf) for t in q}
        return sum(w for t, w in weight.items() if t in doc) / sum(weight.values())
