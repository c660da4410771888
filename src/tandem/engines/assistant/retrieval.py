"""Hybrid help-center retrieval for any company's help center, in any language the customer writes.

Two signals per article, fused into one score the answer threshold applies to:

- **dense**: multilingual-e5-small similarity between the question ("query: ...") and the article's passages
  ("passage: ..."): its title, its title with its tags, each example question, and its body cut into passages
  along its sections (each prefixed with the title and the section heading). The article's dense score is its
  best passage fused with the mean over its passages (`MEAN_WEIGHT`). The encoder is multilingual, so a Swedish
  question finds an English article.
- **lexical**: Okapi BM25 (`kb.KnowledgeBase`) with Snowball stemming in the help center's language and the
  question's, saturated to 0..1 (`bm25 / (bm25 + LEXICAL_HALF)`), so exact product words (PUK, eSIM, STAC) count.
  A question in another language than an English help center also gets the BM25 of the English words of the
  customer-service concepts it names (`glossary.py`, a hand-written vocabulary in 14 languages), times
  `GLOSS_WEIGHT`, so "remboursement" meets "refund" on the lexical side too.

fused = dense + lexical_weight × lexical ranks the articles. Whether the best one answers the question is a
calibrated probability: a logistic model over
- the best fused score;
- how far it stands above the mean of this question's scores for all articles (e5 similarities are high for any
  text in the domain, so the gap adds to the level);
- whether the question is not in the help center's language (cross-lingual similarities run lower);
- the question's similarity to its nearest **off-topic reference** question (`data/retrieval/unanswerable.txt`:
  generic questions help centers do not answer, and the unanswerable questions of the fitting sets; plus the
  company's own `out_of_scope.txt` examples, `KnowledgeBase.out_of_scope`), so "do you sell tablets" or "what time
  does the shop close" is recognised by what it resembles, not only by what it lacks;
- the **off-topic level**: the best fused score in standard deviations above the best fused scores the generic
  reference questions reach on *this* help center (computed when the retriever is built), so a help center whose
  articles pull every question up (one broad domain, long bodies) is judged against its own off-topic scores.
The coefficients and the threshold were fitted on fourteen help centers (Brightwave, Ferngrove, the demo's Kestrel,
Sundrail, Tidecar, Larkspur, Thymewell, Brackenfit, Parcelwren, Quillmoor, Tallowgate, Wrenholt, Morlenhaus and
Hollyburn, all fitting data now) with bench/retrieval_tune.py, the threshold the best min(abstain precision,
abstain recall) with each help center left out of fitting in turn; see docs/assistant.md.

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
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from tandem.engines.assistant import glossary as glossary_module
from tandem.engines.assistant.kb import KnowledgeArticle, KnowledgeBase, detect

log = logging.getLogger(__name__)

PASSAGE_CHARS = 600  # a section longer than this is cut at paragraph boundaries
RECIPE = "v2"  # bump when passages() changes, so cached vectors are not reused for different text
LEXICAL_HALF = 6.0
LEXICAL_WEIGHT = 0.06
# a question in another language than an English help center: BM25 of the English words of the glossary concepts
# it names (glossary.py), times GLOSS_WEIGHT, joins its own BM25 before saturation
GLOSS_WEIGHT = 0.75
# an article's dense score: (its best passage + MEAN_WEIGHT x the mean over all its passages) / (1 + MEAN_WEIGHT), so
# a question that one section matches well and the rest of the article agrees with beats one stray close passage
MEAN_WEIGHT = 0.5
# P(the question is answerable) = sigmoid(A_FUSED*best fused + A_GAP*(best fused - mean fused over articles)
#     + A_OTHER_LANGUAGE*[question not in the help center's language] + A_REFERENCE*(nearest off-topic reference)
#     + A_LEVEL*(best fused - mean off-topic level) / sd of the off-topic levels + B)
# where the off-topic levels are the best fused scores the generic reference questions reach on this help center
A_FUSED, A_GAP, A_OTHER_LANGUAGE, A_REFERENCE, A_LEVEL, B = 21.695, 19.114, 1.810, -44.497, 1.073, 18.856
THRESHOLD = 0.70
REFERENCE_PATH = Path(__file__).resolve().parents[2] / "data" / "retrieval" / "unanswerable.txt"
LEXICAL_ONLY_THRESHOLD = 0.04  # no encoder: lexical_weight x saturated BM25 alone (BM25 about 4 and up)
_HEADING = re.compile(r"^#{1,6}\s+(.*)$")
# e-mail addresses, links and long numbers (order, account, phone numbers) say nothing about which article answers
# a question, and pull an off-topic question's similarities up; they are dropped before searching
_NOISE = re.compile(r"\S+@\S+\.\w+|https?://\S+|\b\d[\d -]{4,}\d\b")
# reference-question vectors per encoder and reference list, shared by every retriever in the process
_REFERENCE_MEMO: weakref.WeakKeyDictionary[Encoder, dict[str, np.ndarray]] = weakref.WeakKeyDictionary()


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
    """The texts an article is searched by: its title, its title with its tags, its example questions, and its body
    by section."""
    out = [article.title]
    if article.tags:  # short keywords: they help a question in another language most (e5 matches them across)
        out.append(f"{article.title}. " + ", ".join(t.replace("-", " ").replace("_", " ") for t in article.tags))
    out.extend(article.questions)
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


def reference_questions(path: Path = REFERENCE_PATH) -> list[str]:
    """The off-topic reference questions: one a line, `#` comments and blank lines skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        log.warning("cannot read the off-topic reference questions at %s", path)
        return []
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


@dataclass(frozen=True, slots=True)
class Scores:
    """One question's scores for every article (in the help center's order) and its answer-model features."""

    fused: np.ndarray
    dense: np.ndarray
    lexical: np.ndarray  # raw BM25
    language: str
    reference: float  # similarity to the nearest off-topic reference question (-1 without an encoder)
    query: np.ndarray | None  # the question's vector (None without an encoder)


def search_text(query: str) -> str:
    """The question as searched: without e-mail addresses, links and long numbers (as written if nothing is left)."""
    cleaned = " ".join(_NOISE.sub(" ", query).split())
    return cleaned if cleaned else query


def answer_probability(fused_best: float, fused_mean: float, other_language: bool, reference: float,
                       level: float = 0.0) -> float:
    """P(the question is answerable by the best article), the logistic answer model above; `level` is the best
    fused score standardised against this help center's off-topic levels (`HybridRetriever.off_topic_level`)."""
    x = (A_FUSED * fused_best + A_GAP * (fused_best - fused_mean) + A_OTHER_LANGUAGE * float(other_language)
         + A_REFERENCE * reference + A_LEVEL * level + B)
    return 1 / (1 + math.exp(-x)) if x > -700 else 0.0


class HybridRetriever:
    """Rank articles by fused dense + lexical score; with no encoder, lexical only."""

    def __init__(self, kb: KnowledgeBase, encoder: Encoder | None, *, cache_dir: Path | None = None,
                 model_name: str = "multilingual-e5-small", lexical_weight: float = LEXICAL_WEIGHT,
                 reference: Sequence[str] | None = None,
                 glossary: glossary_module.Glossary | None | bool = True) -> None:
        """`glossary`: the cross-lingual glossary for the lexical side (True: the shipped one; None or False:
        none)."""
        self.kb = kb
        self.glossary = glossary_module.load() if glossary is True else (glossary or None)
        self._index = {a.id: i for i, a in enumerate(kb.articles)}
        self.encoder = encoder
        self.lexical_weight = lexical_weight
        self.cache = VectorCache(cache_dir)
        self.embedded = self.reused = 0
        owners: list[int] = []
        blocks: list[np.ndarray] = []
        self.reference_vectors = np.zeros((0, 384), dtype=np.float32)
        generic = reference_questions() if reference is None else list(reference)
        if encoder is not None:
            for i, article in enumerate(kb.articles):
                vectors = self._article_vectors(article, encoder, model_name)
                blocks.append(vectors)
                owners.extend([i] * len(vectors))
            # the company's own out-of-scope examples join the generic ones (after them: the levels use only those)
            texts = generic + [q for q in kb.out_of_scope if q not in set(generic)]
            if texts:
                self.reference_vectors = self._reference_vectors(texts, encoder, model_name)
        self._owners = np.asarray(owners, dtype=np.int64)
        self._vectors = np.vstack(blocks) if blocks else np.zeros((0, 384), dtype=np.float32)
        # every article has at least its title as a passage, and its passages are consecutive rows
        self._starts = np.flatnonzero(np.r_[True, self._owners[1:] != self._owners[:-1]]) if owners else self._owners
        self._counts = np.diff(np.r_[self._starts, len(self._owners)])
        # how high off-topic questions score on this help center: the generic reference questions' best fused scores
        self.reference_levels = self._levels(generic)
        spread = float(self.reference_levels.std()) if len(self.reference_levels) > 1 else 0.0
        self._level_mean = float(self.reference_levels.mean()) if len(self.reference_levels) else 0.0
        self._level_sd = spread if spread > 1e-6 else 1.0

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

    def _reference_vectors(self, texts: list[str], encoder: Encoder, model: str) -> np.ndarray:
        """The reference questions as query vectors (they are compared with questions): kept per encoder in the
        process and on disk like passages, so a reload or a restart does not embed them again."""
        key = hashlib.sha256("\x1f".join(["reference", RECIPE, model, *texts]).encode("utf-8")).hexdigest()
        try:
            memo = _REFERENCE_MEMO.setdefault(encoder, {})
        except TypeError:  # an encoder that cannot be weakly referenced
            memo = {}
        cached = memo.get(key)
        if cached is None:
            cached = self.cache.get(key)
        if cached is None or cached.shape[0] != len(texts):
            cached = np.asarray(encoder.queries(texts), dtype=np.float32)
            self.cache.put(key, cached)
        memo[key] = cached
        return cached

    def reference_scores(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The reference questions' dense scores and raw BM25 for every article (texts x articles), as `scores`
        computes them for a question (their vectors are `reference_vectors`)."""
        n = len(self.kb.articles)
        dense = np.full((len(texts), n), -1.0)
        raw = np.zeros((len(texts), n))
        if not n or not len(self._vectors):
            return dense, raw
        dense = self._article_scores(self.reference_vectors[: len(texts)] @ self._vectors.T)
        for k, text in enumerate(texts):
            cleaned = search_text(text)
            raw[k] = self._lexical(cleaned, detect(cleaned, default=self.kb.language))
        return dense, raw

    def _lexical(self, query: str, language: str) -> np.ndarray:
        """Raw BM25 for every article: the question's own, plus GLOSS_WEIGHT x the BM25 of the English words of
        the glossary concepts it names when it is in another language than an English help center."""
        n = len(self.kb.articles)
        raw = np.zeros(n, dtype=np.float64)
        for hit in self.kb.search(query, limit=n, language=language):
            raw[self._index[hit.article.id]] = hit.score
        if self.glossary is not None and language != self.kb.language and self.kb.language == "en":
            english = self.glossary.english(query, language)
            if english:
                for hit in self.kb.search(" ".join(english), limit=n, language="en"):
                    raw[self._index[hit.article.id]] += GLOSS_WEIGHT * hit.score
        return raw

    def _article_scores(self, sims: np.ndarray) -> np.ndarray:
        """Passage similarities (questions x passages) to article scores (questions x articles): the best passage
        and the mean over the article's passages, weighted by MEAN_WEIGHT."""
        best = np.maximum.reduceat(sims, self._starts, axis=1).astype(np.float64)
        mean = np.add.reduceat(sims, self._starts, axis=1).astype(np.float64) / self._counts
        return (best + MEAN_WEIGHT * mean) / (1 + MEAN_WEIGHT)

    def _levels(self, texts: Sequence[str]) -> np.ndarray:
        if not self.kb.articles or not len(self._vectors) or not len(self.reference_vectors):
            return np.zeros(0)
        dense, raw = self.reference_scores(texts)
        return (dense + self.lexical_weight * raw / (raw + LEXICAL_HALF)).max(axis=1)

    def off_topic_level(self, fused_best: float) -> float:
        """The best fused score in standard deviations above the off-topic questions' mean on this help center."""
        return (fused_best - self._level_mean) / self._level_sd

    def scores(self, query: str) -> Scores:
        """The question's fused, dense and lexical score for every article, and its language and reference score."""
        query = search_text(query)
        n = len(self.kb.articles)
        language = detect(query, default=self.kb.language)
        raw = self._lexical(query, language)
        fused = self.lexical_weight * raw / (raw + LEXICAL_HALF)
        dense = np.zeros(n, dtype=np.float64)
        if self.encoder is None or not len(self._vectors):
            return Scores(fused, dense, raw, language, -1.0, None)
        vector = np.asarray(self.encoder.queries([query]), dtype=np.float32)[0]
        dense = self._article_scores((self._vectors @ vector)[None, :])[0]
        reference = float((self.reference_vectors @ vector).max()) if len(self.reference_vectors) else -1.0
        return Scores(fused + dense, dense, raw, language, reference, vector)

    def search(self, query: str, limit: int = 3) -> list[Retrieved]:
        """The best articles for the question, best first."""
        if not self.kb.articles:
            return []
        s = self.scores(query)
        if s.query is None:
            confidence = s.fused
        else:
            mean = float(s.fused.mean())
            other = s.language != self.kb.language
            confidence = np.array([answer_probability(float(f), mean, other, s.reference,
                                                      self.off_topic_level(float(f))) for f in s.fused])
        order = np.argsort(-s.fused, kind="stable")[:limit]
        return [
            Retrieved(self.kb.articles[i], float(confidence[i]), float(s.lexical[i]), float(s.dense[i]),
                      float(s.fused[i]))
            for i in order
        ]
