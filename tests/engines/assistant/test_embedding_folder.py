"""models.embedding: the operator's own embedding model from a folder on disk (issue 15 item 7).

The test builds a tiny ONNX sentence encoder itself (a word-level tokenizer and an embedding table whose rows are
one-hot per topic word, mean-pooled), so which article it ranks first is known without any shipped model.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402
from tokenizers.models import WordLevel  # noqa: E402
from tokenizers.pre_tokenizers import Whitespace  # noqa: E402

from tandem.core.settings import ConfigError, load_settings  # noqa: E402
from tandem.engines.assistant.kb import KnowledgeArticle, KnowledgeBase  # noqa: E402
from tandem.engines.assistant.nlu.folder_encoder import FolderEncoder  # noqa: E402
from tandem.services.bootstrap import build_answerer  # noqa: E402

WORDS = ["[PAD]", "[UNK]", "query:", "passage:", "parcel", "courier", "invoice", "refund", "password", "login"]
# three "meanings": delivery (parcel, courier), money (invoice, refund), access (password, login)
MEANING = {"parcel": 0, "courier": 0, "invoice": 1, "refund": 1, "password": 2, "login": 2}


def build_folder(root: Path, *, layout: str = "onnx") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    vocab = {w: i for i, w in enumerate(WORDS)}
    tokenizer = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = Whitespace()
    tokenizer.save(str(root / "tokenizer.json"))
    table = np.full((len(WORDS), 4), 0.01, dtype=np.float32)
    table[:, 3] = 0.05  # filler words point a little along a fourth axis
    for word, axis in MEANING.items():
        table[vocab[word]] = 0.0
        table[vocab[word], axis] = 1.0
    graph = helper.make_graph(
        [helper.make_node("Gather", ["table", "input_ids"], ["last_hidden_state"])],
        "tiny-encoder",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"])],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "seq", 4])],
        [helper.make_tensor("table", TensorProto.FLOAT, table.shape, table.flatten().tolist())],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    if layout == "sentence-transformers":
        (root / "modules.json").write_text(json.dumps([{"idx": 0, "name": "0", "path": "",
                                                        "type": "sentence_transformers.models.Transformer"}]))
        (root / "onnx").mkdir()
        onnx.save(model, str(root / "onnx" / "model.onnx"))
        (root / "config_sentence_transformers.json").write_text(
            json.dumps({"prompts": {"query": "query: ", "passage": "passage: "}}))
    else:
        onnx.save(model, str(root / "model.onnx"))
    return root


@pytest.mark.parametrize("layout", ["onnx", "sentence-transformers"])
def test_folder_encoder_embeds_by_meaning(tmp_path: Path, layout: str) -> None:
    encoder = FolderEncoder(build_folder(tmp_path / "model", layout=layout))
    q = encoder.queries(["where is my parcel"])
    p = encoder.passages(["courier", "refund", "login"])
    assert q.shape == (1, 4) and p.shape == (3, 4)
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-5)
    assert int(np.argmax(p @ q[0])) == 0


def test_retrieval_uses_the_configured_folder(tmp_path: Path) -> None:
    folder = build_folder(tmp_path / "model")
    kb = KnowledgeBase([
        KnowledgeArticle("shipping", "Courier", "delivery", "courier courier"),
        KnowledgeArticle("billing", "Refund", "payments", "refund invoice"),
        KnowledgeArticle("access", "Login", "account", "password login"),
    ])
    answerer = build_answerer(kb, tmp_path / "vectors", embedding=folder)
    encoder = answerer.retriever.encoder
    assert isinstance(encoder, FolderEncoder) and encoder.folder.root == folder
    # "parcel" occurs in no article, so only the tiny model's vectors can put the courier article first
    assert answerer.rank("parcel parcel", limit=3)[0][0].id == "shipping"
    # vectors cached under the folder model's name are not mistaken for the shipped model's
    assert any((tmp_path / "vectors").glob("*.npy"))


def test_config_points_at_the_folder_and_names_what_is_missing(tmp_path: Path) -> None:
    build_folder(tmp_path / "model")
    config = tmp_path / "tandem.toml"
    config.write_text('[models]\nembedding = "model"\n')
    assert load_settings(config).models.embedding == tmp_path / "model"

    (tmp_path / "model" / "tokenizer.json").unlink()
    with pytest.raises(ConfigError, match=r"models\.embedding: .*missing tokenizer\.json"):
        load_settings(config)
    config.write_text('[models]\nembedding = "nowhere"\n')
    with pytest.raises(ConfigError, match=r"models\.embedding: .*nowhere: no such folder"):
        load_settings(config)
    (tmp_path / "st").mkdir()
    (tmp_path / "st" / "modules.json").write_text("[]")
    config.write_text('[models]\nembedding = "st"\n')
    with pytest.raises(ConfigError, match=r"models\.embedding: .*without an ONNX export"):
        load_settings(config)
