"""`tandem eval`: measure the assistant's intent classifier and its "wants a human" rules on labelled files."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import click


@click.group(name="eval")
def eval_group() -> None:
    """Evaluate assistant models on labelled data."""


@eval_group.command("intents")
@click.option("--train", "train_path", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--test", "test_path", type=click.Path(exists=True, path_type=Path), default=None)
@click.option("--folds", type=int, default=5, show_default=True, help="Cross-validate on --train when no --test.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def intents(train_path: Path, test_path: Path | None, folds: int, as_json: bool) -> None:
    """Train on a CSV (text,category) and report accuracy and macro-F1 on another, or cross-validate."""
    from tandem.engines.assistant.nlu.embeddings import Embedder

    embedder = Embedder(threads=2)
    texts, labels = read_labelled_csv(train_path)
    vectors = embedder.embed(texts)
    if test_path is None:
        _report(cross_validate(texts, labels, vectors, folds), as_json)
        return
    test_texts, test_labels = read_labelled_csv(test_path)
    _report(score_split(texts, labels, vectors, test_texts, test_labels, embedder.embed(test_texts)), as_json)


def score_split(
    texts: list[str], labels: list[str], vectors: Any, test_texts: list[str], test_labels: list[str], test_vectors: Any
) -> dict[str, Any]:
    """Fit on one split and score the other."""
    from sklearn.metrics import accuracy_score, f1_score

    from tandem.engines.assistant.nlu.classifier import ClassifierSettings, TextClassifier

    model = TextClassifier(ClassifierSettings(calibration_share=0)).fit(texts, labels, vectors)
    predicted = model.predict(test_texts, test_vectors)
    return {
        "accuracy": round(float(accuracy_score(test_labels, predicted)), 4),
        "macro_f1": round(float(f1_score(test_labels, predicted, average="macro")), 4),
        "n": len(test_labels),
    }


def cross_validate(texts: list[str], labels: list[str], vectors: Any, folds: int) -> dict[str, Any]:
    """Stratified k-fold scores (mean over folds, and each fold's accuracy)."""
    from sklearn.model_selection import StratifiedKFold

    splitter = StratifiedKFold(folds, shuffle=True, random_state=0)
    runs = []
    for fit_idx, held_idx in splitter.split(texts, labels):
        fit_t, fit_l = [texts[i] for i in fit_idx], [labels[i] for i in fit_idx]
        held_t, held_l = [texts[i] for i in held_idx], [labels[i] for i in held_idx]
        runs.append(score_split(fit_t, fit_l, vectors[fit_idx], held_t, held_l, vectors[held_idx]))
    return {
        "accuracy": round(sum(r["accuracy"] for r in runs) / folds, 4),
        "macro_f1": round(sum(r["macro_f1"] for r in runs) / folds, 4),
        "n": len(labels),
        "folds": [r["accuracy"] for r in runs],
    }


@eval_group.command("handoff")
@click.option("--test", "test_path", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--errors", is_flag=True, help="Also list misclassified lines.")
def handoff(test_path: Path, as_json: bool, errors: bool) -> None:
    """Score wants_human() on JSON lines {"text", "wants_human", optional "language"}."""
    from tandem.engines.assistant.handoff import wants_human

    rows = read_jsonl(test_path)
    predicted = [wants_human(str(row["text"])) is not None for row in rows]
    result = handoff_scores(rows, predicted)
    if errors:
        result["errors"] = [
            {"text": row["text"], "expected": bool(row["wants_human"])}
            for row, guess in zip(rows, predicted, strict=True)
            if guess != bool(row["wants_human"])
        ]
    _report(result, as_json)


def handoff_scores(rows: list[dict[str, Any]], predicted: list[bool]) -> dict[str, Any]:
    """Precision, recall, F1 and per-language recall of handoff predictions."""
    truth = [bool(row["wants_human"]) for row in rows]
    tp = sum(t and p for t, p in zip(truth, predicted, strict=True))
    fp = sum(p and not t for t, p in zip(truth, predicted, strict=True))
    fn = sum(t and not p for t, p in zip(truth, predicted, strict=True))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "n": len(rows),
        "positives": tp + fn,
        "false_positives": fp,
        "recall_by_language": _recall_by_language(rows, predicted),
    }


def _recall_by_language(rows: list[dict[str, Any]], predicted: list[bool]) -> dict[str, float]:
    """Recall on positives, grouped by the rows' language field."""
    hits: dict[str, list[bool]] = defaultdict(list)
    for row, guess in zip(rows, predicted, strict=True):
        if row["wants_human"]:
            hits[str(row.get("language", "unknown"))].append(guess)
    return {lang: round(sum(v) / len(v), 4) for lang, v in sorted(hits.items())}


def read_labelled_csv(path: Path) -> tuple[list[str], list[str]]:
    """Read a CSV with columns text and category."""
    with open(path, encoding="utf-8-sig") as handle:
        rows = [(row["text"], row["category"]) for row in csv.DictReader(handle)]
    return [text for text, _ in rows], [label for _, label in rows]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Read JSON lines, skipping blank lines."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _report(result: dict[str, Any], as_json: bool) -> None:
    """Print a result as JSON or as aligned lines."""
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    for key, value in result.items():
        click.echo(f"{key:20} {value}")
