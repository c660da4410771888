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
@click.option("--test", "test_path", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def intents(train_path: Path, test_path: Path, as_json: bool) -> None:
    """Train on a CSV (text,category) and report accuracy and macro-F1 on another."""
    from sklearn.metrics import accuracy_score, f1_score

    from tandem.engines.assistant.nlu.classifier import TextClassifier
    from tandem.engines.assistant.nlu.embeddings import Embedder

    train_texts, train_labels = read_labelled_csv(train_path)
    test_texts, test_labels = read_labelled_csv(test_path)
    embedder = Embedder(threads=2)
    model = TextClassifier().fit(train_texts, train_labels, embedder.embed(train_texts))
    predicted = model.predict(test_texts, embedder.embed(test_texts))
    result = {
        "accuracy": round(float(accuracy_score(test_labels, predicted)), 4),
        "macro_f1": round(float(f1_score(test_labels, predicted, average="macro")), 4),
        "n": len(test_labels),
    }
    _report(result, as_json)


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
