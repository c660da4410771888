"""`tandem eval`: measure the assistant's intent classifier and its "wants a human" detection on labelled files."""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
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
@click.option("--test", "test_path", type=click.Path(exists=True, path_type=Path), required=True,
              help="JSON lines {text, wants_human, optional lang/language}, or TSV language<TAB>0|1<TAB>text.")
@click.option("--rules-only", is_flag=True, help="Score the rules alone, without the learned backstop.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--errors", is_flag=True, help="Also list misclassified lines.")
def handoff(test_path: Path, rules_only: bool, as_json: bool, errors: bool) -> None:
    """Score request-for-a-person detection (rules, then the backstop unless --rules-only), per language."""
    from tandem.engines.assistant.human_request import detect_request

    try:
        rows = read_handoff_rows(test_path)
    except (ValueError, KeyError) as exc:
        raise click.ClickException(f"{test_path}: {exc}") from exc
    found = [detect_request(str(row["text"]), use_model=not rules_only) for row in rows]
    predicted = [f is not None for f in found]
    result = handoff_scores(rows, predicted)
    result["by_layer"] = dict(sorted(Counter(f.layer for f in found if f is not None).items()))
    result["language_source"] = dict(sorted(Counter(str(row["language_source"]) for row in rows).items()))
    if errors:
        result["errors"] = [
            {"text": row["text"], "expected": bool(row["wants_human"]), "language": row["language"],
             **({"layer": f.layer, "score": f.score} if f is not None else {})}
            for row, f, guess in zip(rows, found, predicted, strict=True)
            if guess != bool(row["wants_human"])
        ]
    _report(result, as_json)


def read_handoff_rows(path: Path) -> list[dict[str, Any]]:
    """Labelled lines with a language each: given as `lang` or `language`, else detected from the text."""
    if path.suffix == ".tsv":
        raw = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 3 or parts[1] not in ("0", "1"):
                raise ValueError(f"line {number}: expected language<TAB>0|1<TAB>text")
            raw.append({"language": parts[0], "wants_human": parts[1] == "1", "text": parts[2]})
    else:
        raw = read_jsonl(path)
    rows = []
    for number, row in enumerate(raw, start=1):
        if "text" not in row or "wants_human" not in row:
            raise ValueError(f"line {number}: needs 'text' and 'wants_human'")
        given = row.get("lang") or row.get("language")
        language = str(given) if given else guess_language(str(row["text"]))
        rows.append({**row, "language": language, "language_source": "given" if given else "detected"})
    return rows


def guess_language(text: str) -> str:
    """ISO 639-1 code of the text's language (writing system, then fastText), or 'unknown'."""
    from tandem.engines.assistant.nlu.language import detect_language, fasttext_guesses

    script = detect_language(text, default="")
    if script:
        return script
    try:
        code, score = fasttext_guesses(text, k=1)[0]
    except Exception:  # no model available: say so rather than guess
        return "unknown"
    return code if score >= 0.3 else "unknown"


def handoff_scores(rows: list[dict[str, Any]], predicted: list[bool]) -> dict[str, Any]:
    """Precision, recall, F1, and recall and precision per language of handoff predictions."""
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
        "languages": len({_language_of(row) for row in rows}),
        "recall_by_language": _by_language(rows, predicted, recall=True),
        "precision_by_language": _by_language(rows, predicted, recall=False),
    }


def _language_of(row: dict[str, Any]) -> str:
    return str(row.get("lang") or row.get("language") or "unknown")


def _by_language(rows: list[dict[str, Any]], predicted: list[bool], *, recall: bool) -> dict[str, float | None]:
    """Recall (over true requests) or precision (over predicted requests) per language; None when undefined."""
    hits: dict[str, list[bool]] = defaultdict(list)
    languages = set()
    for row, guess in zip(rows, predicted, strict=True):
        language = _language_of(row)
        languages.add(language)
        if recall and row["wants_human"]:
            hits[language].append(guess)
        elif not recall and guess:
            hits[language].append(bool(row["wants_human"]))
    if recall:
        return {lang: round(sum(v) / len(v), 4) for lang, v in sorted(hits.items())}
    return {lang: (round(sum(hits[lang]) / len(hits[lang]), 4) if hits[lang] else None) for lang in sorted(languages)}


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


def _add_retrieval() -> None:
    from tandem.cli.eval_retrieval import retrieval

    eval_group.add_command(retrieval)


_add_retrieval()
