"""What an operator's embedding-model folder (`models.embedding`) must hold, checked without loading it.

Two layouts are read, both offline (nothing is ever downloaded):

- an ONNX export: `model.onnx` (or `onnx/model.onnx`) and the `tokenizer.json` of the same model;
- a sentence-transformers folder (it has `modules.json`): used through its ONNX export in `onnx/model.onnx`
  (what `SentenceTransformer(..., backend="onnx")` writes), so PyTorch is not needed.

Optional in the folder: `1_Pooling/config.json` (mean pooling unless it says CLS) and
`config_sentence_transformers.json` with `"prompts": {"query": ..., "passage": ...}` (E5 models want
"query: " and "passage: "; without prompts no prefix is added).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class ModelFolderError(ValueError):
    """The folder cannot be used; the message says what is missing."""


@dataclass(frozen=True, slots=True)
class ModelFolder:
    root: Path
    onnx: Path
    tokenizer: Path
    kind: str  # "onnx" | "sentence-transformers"


def inspect_model_folder(root: Path) -> ModelFolder:
    """Locate the ONNX graph and the tokenizer in `root`, or raise ModelFolderError saying what is missing."""
    if not root.exists():
        raise ModelFolderError(f"{root}: no such folder")
    if not root.is_dir():
        raise ModelFolderError(f"{root}: not a folder (give the folder that holds model.onnx and tokenizer.json)")
    kind = "sentence-transformers" if (root / "modules.json").is_file() else "onnx"
    graphs = [p for p in (root / "model.onnx", root / "onnx" / "model.onnx") if p.is_file()]
    if not graphs:
        if kind == "sentence-transformers":
            raise ModelFolderError(
                f"{root}: a sentence-transformers folder without an ONNX export (onnx/model.onnx); export it with "
                "SentenceTransformer(path, backend='onnx').save_pretrained(path) - PyTorch weights are not loaded")
        raise ModelFolderError(f"{root}: missing model.onnx (or onnx/model.onnx)")
    tokenizer = root / "tokenizer.json"
    if not tokenizer.is_file():
        raise ModelFolderError(f"{root}: missing tokenizer.json (the fast-tokenizer file saved with the model)")
    return ModelFolder(root, graphs[0], tokenizer, kind)
