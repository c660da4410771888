"""The operator's own sentence-embedding model from a folder on disk (`models.embedding` in the config).

Same seam as the shipped multilingual model (`queries` / `passages`, unit-length float32 rows), read through
onnxruntime and the model's `tokenizer.json`; the folder layouts are described in `tandem.core.model_folder`.
Nothing is downloaded: a folder that lacks a file is refused at start with the file named.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from tandem.core.model_folder import ModelFolder, inspect_model_folder
from tandem.engines.assistant.nlu.multilingual import MAX_CHARS, RECENT_QUERIES

MAX_TOKENS = 512
BATCH = 16


def _prompts(root: Path) -> tuple[str, str]:
    try:
        config = json.loads((root / "config_sentence_transformers.json").read_text("utf-8"))
    except (OSError, ValueError):
        return "", ""
    prompts = config.get("prompts") or {}
    return str(prompts.get("query", "")), str(prompts.get("passage", prompts.get("document", "")))


def _cls_pooling(root: Path) -> bool:
    try:
        config = json.loads((root / "1_Pooling" / "config.json").read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return bool(config.get("pooling_mode_cls_token")) and not config.get("pooling_mode_mean_tokens")


class FolderEncoder:
    """Embed with an ONNX sentence encoder from a folder; loads lazily, safe to share between threads."""

    def __init__(self, root: Path, *, threads: int = 1) -> None:
        self.folder: ModelFolder = inspect_model_folder(root)
        self._threads = threads
        self._lock = threading.Lock()
        self._session: Any = None
        self._tokenizer: Any = None
        self._query_prefix, self._passage_prefix = _prompts(root)
        self._cls = _cls_pooling(root)
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()

    @property
    def name(self) -> str:
        """Identifies the model for the passage-vector cache: the folder and a hash of the graph file's bytes."""
        digest = hashlib.sha256(self.folder.onnx.read_bytes()).hexdigest()[:16]
        return f"folder:{self.folder.root.resolve()}:{digest}"

    def _load(self) -> tuple[Any, Any]:
        if self._session is None:
            import onnxruntime as ort
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(self.folder.tokenizer))
            tokenizer.enable_truncation(MAX_TOKENS)
            pad_id = tokenizer.padding["pad_id"] if tokenizer.padding else 0
            tokenizer.enable_padding(pad_id=pad_id)
            options = ort.SessionOptions()
            options.intra_op_num_threads = self._threads
            options.inter_op_num_threads = 1
            self._session = ort.InferenceSession(str(self.folder.onnx), options, providers=["CPUExecutionProvider"])
            self._tokenizer = tokenizer
        return self._session, self._tokenizer

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self._query_prefix + t for t in texts], single=len(texts) == 1)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self._passage_prefix + t for t in texts], single=False)

    def _encode(self, texts: list[str], *, single: bool) -> np.ndarray:
        cleaned = [(t if t.strip() else ".")[:MAX_CHARS] for t in texts]
        with self._lock:
            if single and cleaned[0] in self._recent:
                self._recent.move_to_end(cleaned[0])
                return self._recent[cleaned[0]].copy()
            session, tokenizer = self._load()
            rows = [self._batch(session, tokenizer, cleaned[i:i + BATCH]) for i in range(0, len(cleaned), BATCH)]
            out = np.vstack(rows) if rows else np.zeros((0, 0), dtype=np.float32)
            if single:
                self._recent[cleaned[0]] = out.copy()
                if len(self._recent) > RECENT_QUERIES:
                    self._recent.popitem(last=False)
        return out

    def _batch(self, session: Any, tokenizer: Any, texts: list[str]) -> np.ndarray:
        encodings = tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        available = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        feeds = {i.name: available[i.name] for i in session.get_inputs() if i.name in available}
        output = np.asarray(session.run(None, feeds)[0], dtype=np.float32)
        if output.ndim == 2:  # the graph pools itself (a sentence_embedding output)
            pooled = output
        elif self._cls:
            pooled = output[:, 0, :]
        else:
            weights = mask[:, :, None].astype(np.float32)
            pooled = (output * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
