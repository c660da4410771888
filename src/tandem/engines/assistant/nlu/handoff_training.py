"""Fit the handoff backstop from the corpus in the repository and choose its threshold on the dev split.

    python -m tandem.engines.assistant.nlu.handoff_training [--repo .] [--out src/tandem/data/handoff/backstop.npz]

Training rows: `evals/handoff_corpus/train.tsv` (35 languages, requests and hard negatives), the hand-written
lines of `evals/handoff_handwritten.tsv`, and from `tandem/data/intents/product_intents.csv` the `talk_to_human`
rows as requests and every second other row as product-question negatives (four fifths of the file; the last
fifth goes to dev). Dev rows: `evals/handoff_corpus/dev.tsv` and that last fifth.

Selection on dev only, for the whole pipeline (rules first, the model on what they miss): the regularisation C
and the threshold with the highest recall at precision >= 0.97; among tied thresholds the middle one. The test
split (`evals/handoff_corpus/test.tsv`) is never read here.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tandem.engines.assistant.handoff import wants_human
from tandem.engines.assistant.nlu.handoff_model import WEIGHTS, Backstop
from tandem.engines.assistant.nlu.multilingual import MultilingualEmbedder

PRODUCT_INTENTS = Path(__file__).resolve().parents[3] / "data" / "intents" / "product_intents.csv"
C_GRID = (1.0, 3.0, 10.0, 30.0, 100.0)
THRESHOLDS = tuple(round(0.05 + 0.01 * i, 2) for i in range(91))
MIN_PRECISION = 0.97


@dataclass(frozen=True)
class Row:
    text: str
    label: bool
    language: str


def read_tsv(path: Path) -> list[Row]:
    """Rows of `language<TAB>0|1<TAB>text`; lines starting with '#' are comments."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[1] not in ("0", "1") or not parts[2].strip():
            raise ValueError(f"{path}:{number}: expected 'language<TAB>0|1<TAB>text', got {line!r}")
        rows.append(Row(parts[2].strip(), parts[1] == "1", parts[0].strip()))
    return rows


def product_rows() -> tuple[list[Row], list[Row]]:
    """The product-intent examples split four fifths / one fifth by row number (train / dev)."""
    with open(PRODUCT_INTENTS, encoding="utf-8") as handle:
        records = list(csv.DictReader(handle))
    train, dev = [], []
    for i, record in enumerate(records):
        row = Row(record["text"], record["intent"] == "talk_to_human", "en")
        if i % 5 == 4:
            dev.append(row)
        elif row.label or i % 2 == 0:
            train.append(row)
    return train, dev


def corpus(repo: Path) -> tuple[list[Row], list[Row]]:
    """The training and dev rows, in a fixed order."""
    product_train, product_dev = product_rows()
    train = read_tsv(repo / "evals/handoff_corpus/train.tsv") + read_tsv(repo / "evals/handoff_handwritten.tsv")
    dev = read_tsv(repo / "evals/handoff_corpus/dev.tsv")
    return train + product_train, dev + product_dev


def fingerprint(rows: Sequence[Row]) -> str:
    digest = hashlib.sha256()
    for row in rows:
        digest.update(f"{row.language}\t{int(row.label)}\t{row.text}\n".encode())
    return digest.hexdigest()


def fit(vectors: np.ndarray, labels: Sequence[bool], c: float) -> tuple[np.ndarray, float]:
    """Class-balanced L2 logistic regression; returns (coef, intercept)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000, solver="lbfgs")
    model.fit(vectors, np.asarray(labels, dtype=int))
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def pipeline_scores(rule_hits: Sequence[bool], probabilities: np.ndarray, labels: Sequence[bool],
                    threshold: float) -> tuple[float, float]:
    """Precision and recall of rules-then-model at one threshold."""
    predicted = [hit or p >= threshold for hit, p in zip(rule_hits, probabilities, strict=True)]
    tp = sum(p and t for p, t in zip(predicted, labels, strict=True))
    fp = sum(p and not t for p, t in zip(predicted, labels, strict=True))
    fn = sum(t and not p for p, t in zip(predicted, labels, strict=True))
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0)


def choose_threshold(rule_hits: Sequence[bool], probabilities: np.ndarray,
                     labels: Sequence[bool]) -> tuple[float, float, float]:
    """The middle of the thresholds with the best recall at precision >= MIN_PRECISION: (t, precision, recall)."""
    scored = [(t, *pipeline_scores(rule_hits, probabilities, labels, t)) for t in THRESHOLDS]
    allowed = [s for s in scored if s[1] >= MIN_PRECISION] or [max(scored, key=lambda s: (s[1], s[2]))]
    best = max(s[2] for s in allowed)
    tied = [s for s in allowed if s[2] == best]
    return tied[len(tied) // 2]


def train(repo: Path, embedder: MultilingualEmbedder) -> tuple[Backstop, dict[str, object]]:
    """Fit on train, choose C and the threshold on dev, then return the backstop and a dev report."""
    train_rows, dev_rows = corpus(repo)
    train_vectors = embedder.queries([r.text for r in train_rows])
    dev_vectors = embedder.queries([r.text for r in dev_rows])
    train_labels = [r.label for r in train_rows]
    dev_labels = [r.label for r in dev_rows]
    dev_rules = [wants_human(r.text) is not None for r in dev_rows]
    results = []
    for c in C_GRID:
        coef, intercept = fit(train_vectors, train_labels, c)
        probabilities = Backstop(coef, intercept, 0.5).probabilities(dev_vectors)
        threshold, precision, recall = choose_threshold(dev_rules, probabilities, dev_labels)
        results.append((recall, precision, -c, c, coef, intercept, threshold))
    recall, precision, _, c, coef, intercept, threshold = max(results, key=lambda r: r[:3])
    backstop = Backstop(coef, intercept, threshold, fingerprint(train_rows + dev_rows))
    report = {
        "train_rows": len(train_rows), "dev_rows": len(dev_rows), "C": c, "threshold": threshold,
        "dev_precision": round(precision, 4), "dev_recall": round(recall, 4),
        "dev_by_C": {str(r[3]): {"recall": round(r[0], 4), "precision": round(r[1], 4), "threshold": r[6]}
                     for r in results},
        "dev_rules_only": dict(zip(("precision", "recall"),
                                   (round(x, 4) for x in pipeline_scores(dev_rules, np.zeros(len(dev_rows)),
                                                                         dev_labels, 1.1)), strict=True)),
    }
    return backstop, report


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=Path("."))
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    backstop, report = train(args.repo, MultilingualEmbedder(threads=args.threads))
    backstop.save(args.out)
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
