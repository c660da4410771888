"""The learned backstop for "wants a human": logistic regression on multilingual-e5-small query vectors.

It runs only on messages the rules in `handoff.py` did not match, and only adds requests: it can never veto a
rule. The fitted weights (an intercept, the threshold chosen on the dev split, and 384 coefficients over the
whole message's vector, or 768 over the whole message's and its final clause's vectors) are committed in
`tandem/data/handoff/backstop.npz`, so the server trains nothing at start-up; `handoff_training` rebuilds them
from the corpus in `evals/handoff_corpus/` and a test checks that re-training reproduces them.

v15 adds a second model in the same file: logistic regression over hashed character 2-5-grams (`handoff_chars`),
for short, romanised, txt-speak and unmarked messages the encoder reads poorly. The backstop's probability is the
average of the two models' (weights in `Backstop.combine`); the character model costs well under a millisecond.

Why the final clause: a request after a problem statement ("my account has been locked since Monday, can I talk
to someone at yours?") has a whole-message vector that is mostly about the problem. The final clause's vector is
a second input of the same logistic model (not a maximum over fragments, which read parts of ordinary messages as
requests); for a message of one clause both inputs are the same vector and the encoder runs once.

Why the first clause (v11): customers also ask first and explain after ("can a colleague look at it? the refund
is still missing"), where the final clause is the problem. The first clause's vector is a third input (1,152
weights); the first and final clauses go through the encoder in one second batch, and only when they differ
from the whole message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from tandem.engines.assistant.nlu import handoff_chars
from tandem.engines.assistant.nlu.multilingual import DIMENSIONS, MultilingualEmbedder, shared_multilingual

WEIGHTS = Path(__file__).resolve().parents[3] / "data" / "handoff" / "backstop.npz"
MAX_CHARS = 600  # a request for a person is short; the head of a long message is enough and keeps latency flat
# a clause ends after sentence or clause punctuation (Latin, CJK, Arabic, Devanagari danda, Greek question mark)
_CLAUSE_END = re.compile(r"[.!?;,:…。！？；，、؟،।\u037e]+\s*|\n+")
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")
MIN_CLAUSE_WORDS = 3  # "please?", "thanks!" or "asap" alone say too little: such a tail takes the clause before it
MIN_CLAUSE_CHARS = 5  # the same for text written without spaces (Chinese, Japanese, Thai)


class BackstopUnavailable(RuntimeError):
    """The weights file is missing or malformed; callers keep the rules' answer."""


@dataclass(frozen=True)
class Backstop:
    """A linear classifier over e5 query vectors; `threshold` applies to the probability."""

    coef: np.ndarray  # (384,), (768,) or (1152,) float32: the whole message's weights, the final clause's, the first's
    intercept: float
    threshold: float
    corpus_sha256: str = ""
    # v15: a logistic model over hashed character n-grams (`handoff_chars`), its probability averaged with the
    # encoder model's: (1 - char_weight) * p_e5 + char_weight * p_chars. None: the encoder model alone.
    char_coef: np.ndarray | None = None  # (handoff_chars.SLOTS,)
    char_intercept: float = 0.0
    char_weight: float = 0.0

    @property
    def uses_final_clause(self) -> bool:
        return self.coef.shape[0] >= 2 * DIMENSIONS

    @property
    def uses_first_clause(self) -> bool:
        return self.coef.shape == (3 * DIMENSIONS,)

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """P(request for a person) for each row of an (n, 384), (n, 768) or (n, 1152) array of features (see
        `features`)."""
        logits = vectors.astype(np.float64) @ self.coef.astype(np.float64) + self.intercept
        return 1.0 / (1.0 + np.exp(-logits))

    def features(self, texts: list[str], encoder: MultilingualEmbedder) -> np.ndarray:
        """The model's input for each text: its e5 query vector, with 768 weights its final clause's too, and with
        1,152 its first clause's after those."""
        return features(texts, encoder, with_final_clause=self.uses_final_clause,
                        with_first_clause=self.uses_first_clause)

    def char_probabilities(self, texts: list[str]) -> np.ndarray | None:
        """P(request) from the character n-gram model alone, or None without one."""
        if self.char_coef is None:
            return None
        return 1.0 / (1.0 + np.exp(-handoff_chars.logits(texts, self.char_coef, self.char_intercept)))

    def combine(self, encoder_probabilities: np.ndarray, char_probabilities: np.ndarray | None) -> np.ndarray:
        """The backstop's probability from its two models' (the encoder model's alone without a char model)."""
        if char_probabilities is None:
            return encoder_probabilities
        return (1.0 - self.char_weight) * encoder_probabilities + self.char_weight * char_probabilities

    def score(self, text: str, embedder: MultilingualEmbedder | None = None) -> float:
        """The probability for one customer message (raises EncoderUnavailable if the model cannot load)."""
        encoder = embedder if embedder is not None else shared_multilingual()
        p = self.combine(self.probabilities(self.features([text], encoder)), self.char_probabilities([text]))
        return float(p[0])

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = {
            "coef": self.coef.astype(np.float32), "intercept": np.asarray(self.intercept, dtype=np.float64),
            "threshold": np.asarray(self.threshold, dtype=np.float64), "corpus_sha256": np.asarray(self.corpus_sha256),
        }
        if self.char_coef is not None:
            # float16 halves the file (the weights are small numbers; the refit test compares them by cosine)
            arrays.update(char_coef=self.char_coef.astype(np.float16),
                          char_intercept=np.asarray(self.char_intercept, dtype=np.float64),
                          char_weight=np.asarray(self.char_weight, dtype=np.float64))
        np.savez_compressed(path, **arrays)  # type: ignore[arg-type]  # numpy's stub takes allow_pickle for **kwds


def final_clause(text: str) -> str:
    """The message's last clause of some substance, as typed ("..., can I talk to someone at yours?"), or the whole
    (cut) message when it has only one."""
    text = text[:MAX_CHARS].strip()
    starts = [m.end() for m in _CLAUSE_END.finditer(text) if m.end() < len(text)]
    for start in reversed(starts):
        tail = text[start:].strip()
        if len(tail.split()) >= MIN_CLAUSE_WORDS or (
            _UNSPACED.search(tail) is not None and len(tail.replace(" ", "")) >= MIN_CLAUSE_CHARS
        ):
            return tail
    return text


def _substantial(clause: str) -> bool:
    return len(clause.split()) >= MIN_CLAUSE_WORDS or (
        _UNSPACED.search(clause) is not None and len(clause.replace(" ", "")) >= MIN_CLAUSE_CHARS
    )


def first_clause(text: str) -> str:
    """The message's first clause of some substance ("can a colleague look at it?" in "can a colleague look at it?
    the refund is still missing"): clauses are joined from the start until they say enough (a greeting such as
    "hi," takes the clause after it); the whole (cut) message when it has only one clause."""
    text = text[:MAX_CHARS].strip()
    for match in _CLAUSE_END.finditer(text):
        if match.end() >= len(text):
            break
        head = text[:match.start()].strip()
        if _substantial(head):
            return text[:match.end()].strip()
    return text


def features(texts: list[str], encoder: MultilingualEmbedder, *, with_final_clause: bool,
             with_first_clause: bool = False) -> np.ndarray:
    """(n, 384) whole-message query vectors; (n, 768) with each final clause's vector after them; (n, 1152) with
    each first clause's after those. A clause that is the whole message reuses its vector, and the clauses that
    differ go through the encoder together in one second batch."""
    heads = [text[:MAX_CHARS] for text in texts]
    whole = encoder.queries(heads)
    if not with_final_clause:
        return whole
    blocks = [whole]
    wanted: list[tuple[int, int, str]] = []  # (block, row, clause) to encode
    for block, cut in enumerate((final_clause, first_clause) if with_first_clause else (final_clause,), start=1):
        blocks.append(whole.copy())
        for i, head in enumerate(heads):
            clause = cut(head)
            if clause != head.strip():
                wanted.append((block, i, clause))
    if wanted:
        unique = list(dict.fromkeys(clause for _, _, clause in wanted))
        encoded = dict(zip(unique, encoder.queries(unique), strict=True))
        for block, i, clause in wanted:
            blocks[block][i] = encoded[clause]
    return np.hstack(blocks)


def load(path: Path = WEIGHTS) -> Backstop:
    """Read fitted weights; a missing or malformed file raises BackstopUnavailable."""
    try:
        with np.load(path, allow_pickle=False) as data:
            coef = np.asarray(data["coef"], dtype=np.float32)
            chars = "char_coef" in data.files
            backstop = Backstop(coef, float(data["intercept"]), float(data["threshold"]),
                                str(data["corpus_sha256"]),
                                np.asarray(data["char_coef"], dtype=np.float32) if chars else None,
                                float(data["char_intercept"]) if chars else 0.0,
                                float(data["char_weight"]) if chars else 0.0)
    except Exception as exc:  # OSError, KeyError, ValueError from a damaged file
        raise BackstopUnavailable(f"handoff backstop weights unreadable at {path}: {exc}") from exc
    shapes = ((DIMENSIONS,), (2 * DIMENSIONS,), (3 * DIMENSIONS,))
    if coef.shape not in shapes or not np.isfinite(coef).all() or not 0.0 < backstop.threshold < 1.0:
        raise BackstopUnavailable(f"handoff backstop weights at {path} have the wrong shape or values")
    char = backstop.char_coef
    if char is not None and (char.shape != (handoff_chars.SLOTS,) or not np.isfinite(char).all()
                             or not 0.0 <= backstop.char_weight <= 1.0):
        raise BackstopUnavailable(f"handoff backstop character weights at {path} have the wrong shape or values")
    return backstop


@lru_cache(maxsize=1)
def shared_backstop() -> Backstop:
    """The process-wide backstop (the weights are about 1 MB in memory; the encoder is shared)."""
    return load()
