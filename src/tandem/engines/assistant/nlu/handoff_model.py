"""The learned backstop for "wants a human": logistic regression on multilingual-e5-small query vectors.

It runs only on messages the rules in `handoff.py` did not match, and only adds requests: it can never veto a
rule. The fitted weights (384 coefficients, an intercept and the threshold chosen on the dev split) are
committed in `tandem/data/handoff/backstop.npz`, so the server trains nothing at start-up; `handoff_training`
rebuilds them from the corpus in `evals/handoff_corpus/` and a test checks that re-training reproduces them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from tandem.engines.assistant.nlu.multilingual import DIMENSIONS, MultilingualEmbedder, shared_multilingual

WEIGHTS = Path(__file__).resolve().parents[3] / "data" / "handoff" / "backstop.npz"
MAX_CHARS = 600  # a request for a person is short; the head of a long message is enough and keeps latency flat


class BackstopUnavailable(RuntimeError):
    """The weights file is missing or malformed; callers keep the rules' answer."""


@dataclass(frozen=True)
class Backstop:
    """A linear classifier over e5 query vectors; `threshold` applies to the probability."""

    coef: np.ndarray  # (384,) float32
    intercept: float
    threshold: float
    corpus_sha256: str = ""

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """P(request for a person) for each row of an (n, 384) array of unit vectors."""
        logits = vectors.astype(np.float64) @ self.coef.astype(np.float64) + self.intercept
        return 1.0 / (1.0 + np.exp(-logits))

    def score(self, text: str, embedder: MultilingualEmbedder | None = None) -> float:
        """The probability for one customer message (raises EncoderUnavailable if the model cannot load)."""
        encoder = embedder if embedder is not None else shared_multilingual()
        return float(self.probabilities(encoder.queries([text[:MAX_CHARS]]))[0])

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(
            path,
            coef=self.coef.astype(np.float32),
            intercept=np.float64(self.intercept),
            threshold=np.float64(self.threshold),
            corpus_sha256=np.str_(self.corpus_sha256),
        )


def load(path: Path = WEIGHTS) -> Backstop:
    """Read fitted weights; a missing or malformed file raises BackstopUnavailable."""
    try:
        with np.load(path, allow_pickle=False) as data:
            coef = np.asarray(data["coef"], dtype=np.float32)
            backstop = Backstop(coef, float(data["intercept"]), float(data["threshold"]),
                                str(data["corpus_sha256"]))
    except Exception as exc:  # OSError, KeyError, ValueError from a damaged file
        raise BackstopUnavailable(f"handoff backstop weights unreadable at {path}: {exc}") from exc
    if coef.shape != (DIMENSIONS,) or not np.isfinite(coef).all() or not 0.0 < backstop.threshold < 1.0:
        raise BackstopUnavailable(f"handoff backstop weights at {path} have the wrong shape or values")
    return backstop


@lru_cache(maxsize=1)
def shared_backstop() -> Backstop:
    """The process-wide backstop (weights are a few kilobytes; the encoder is shared)."""
    return load()
