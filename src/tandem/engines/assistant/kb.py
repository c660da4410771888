"""Knowledge-base retrieval: Okapi BM25 over titles, example questions and bodies, Snowball-stemmed per language.

The help center's language is detected from its articles (English when unsure); a question is stemmed both in its
own detected language and in the help center's, so "Rechnungen" meets "Rechnung" in a German help center and
"refunds" meets "refund" in an English one whatever language detection says about a short question.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

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


# ISO 639-1 -> Snowball algorithm (snowballstemmer ships these; other languages are left unstemmed)
SNOWBALL = {
    "en": "english", "sv": "swedish", "no": "norwegian", "nb": "norwegian", "nn": "norwegian", "da": "danish",
    "fi": "finnish", "de": "german", "fr": "french", "es": "spanish", "it": "italian", "nl": "dutch",
    "pl": "polish", "pt": "portuguese", "ro": "romanian", "hu": "hungarian", "tr": "turkish", "ru": "russian",
    "el": "greek", "ar": "arabic", "id": "indonesian", "hi": "hindi", "cs": "czech", "ca": "catalan",
    "et": "estonian", "lt": "lithuanian", "eu": "basque", "ga": "irish", "hy": "armenian", "sr": "serbian",
    "ta": "tamil", "ne": "nepali", "fa": "persian",
}


@lru_cache(maxsize=64)
def _stemmer(language: str) -> snowballstemmer.Stemmer | None:
    algorithm = SNOWBALL.get(language.split("-")[0].lower())
    if algorithm is None or algorithm not in snowballstemmer.algorithms():
        return None
    return snowballstemmer.stemmer(algorithm)


def terms(text: str, language: str = "en") -> list[str]:
    """Split text into stemmed (Snowball, in `language`), accent-folded, stop-word-free terms."""
    words = [w for w in _WORD.findall(text.casefold()) if len(w) > 1]
    stemmer = _stemmer(language)
    if stemmer is not None:
        words = stemmer.stemWords(words)
    return [t for t in (fold(w) for w in words) if t not in _STOP and len(t) > 1]


def detect(text: str, default: str = "en") -> str:
    """The language of a text (writing system, then fastText); `default` when unsure."""
    from tandem.engines.assistant.nlu.language import detect_language

    return detect_language(text, default=default)


class KnowledgeBase:
    """A BM25 index; title and questions weigh more than the body."""

    def __init__(self, articles: Sequence[KnowledgeArticle], k1: float = 1.4, b: float = 0.6,
                 language: str | None = None, out_of_scope: Sequence[str] = ()) -> None:
        self.articles = tuple(articles)
        # the company's own examples of questions no article answers (retrieval compares questions with them)
        self.out_of_scope = tuple(out_of_scope)
        self.language = language or _majority_language(self.articles)
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

    def _doc_terms(self, article: KnowledgeArticle) -> Counter[str]:
        lang = self.language
        counts = Counter(terms(article.body, lang))
        for _ in range(3):
            counts.update(terms(article.title, lang))
            counts.update(terms(" ".join(article.questions), lang))
        counts.update(terms(" ".join(article.tags).replace("-", " "), lang) * 2)
        return counts

    def query_terms(self, query: str, language: str | None = None) -> set[str]:
        """The question's terms, stemmed in the help center's language and in the question's own."""
        found = set(terms(query, self.language))
        other = language or detect(query, default=self.language)
        if other != self.language:
            found |= set(terms(query, other))
        return found

    def get(self, article_id: str) -> KnowledgeArticle | None:
        return self._by_id.get(article_id)

    def search(self, query: str, limit: int = 3, language: str | None = None) -> list[Hit]:
        """Return the best articles for a query, best first, with raw BM25 scores."""
        q = self.query_terms(query, language)
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
        q = self.query_terms(query)
        if not q:
            return 0.0
        doc = self._docs[self._index[article.id]]
        weight = {t: self._idf.get(t, self._unseen_idf) for t in q}
        return sum(w for t, w in weight.items() if t in doc) / sum(weight.values())


def _majority_language(articles: Sequence[KnowledgeArticle]) -> str:
    """The language most articles are written in (title and opening of the body); English when unsure."""
    if not articles:
        return "en"
    votes = Counter(detect(f"{a.title}. {a.body[:300]}") for a in articles[:50])
    return votes.most_common(1)[0][0]
