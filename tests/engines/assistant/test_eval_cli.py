"""`tandem eval intents` and `tandem eval handoff` on tiny files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from tandem.cli.eval import eval_group, handoff_scores


def write_csv(path: Path, rows: list[tuple[str, str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("text", "category"))
        writer.writerows(rows)
    return path


def test_eval_intents_prints_accuracy(tmp_path: Path) -> None:
    train = [(f"where is my refund number {i}", "refund") for i in range(12)]
    train += [(f"my card {i} was stolen by someone", "fraud") for i in range(12)]
    test = [("I want my refund", "refund"), ("someone stole my card", "fraud"), ("refund please", "fraud")]
    result = CliRunner().invoke(
        eval_group,
        ["intents", "--train", str(write_csv(tmp_path / "a.csv", train)), "--test",
         str(write_csv(tmp_path / "b.csv", test)), "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["n"] == 3 and abs(scores["accuracy"] - 2 / 3) < 1e-3
    assert 0 < scores["macro_f1"] < 1


def test_eval_handoff_reports_per_language_recall(tmp_path: Path) -> None:
    lines = [
        {"text": "I want to talk to a human", "wants_human": True, "language": "en"},
        {"text": "jag vill prata med en människa", "wants_human": True, "language": "sv"},
        {"text": "your agent was rude", "wants_human": False},
        {"text": "where is my refund", "wants_human": True, "language": "en"},
    ]
    path = tmp_path / "h.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    result = CliRunner().invoke(eval_group, ["handoff", "--test", str(path), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["precision"] == 1.0 and scores["recall"] == round(2 / 3, 4) and scores["n"] == 4
    assert scores["recall_by_language"] == {"en": 0.5, "sv": 1.0}


def test_handoff_scores_count_false_positives() -> None:
    rows = [{"text": "a", "wants_human": False}, {"text": "b", "wants_human": True}]
    scores = handoff_scores(rows, [True, True])
    assert scores["false_positives"] == 1 and scores["precision"] == 0.5 and scores["recall"] == 1.0


def test_eval_intents_cross_validates_without_test_file(tmp_path: Path) -> None:
    rows = [(f"where is my refund number {i}", "refund") for i in range(10)]
    rows += [(f"my card {i} was stolen by someone", "fraud") for i in range(10)]
    train = write_csv(tmp_path / "a.csv", rows)
    result = CliRunner().invoke(eval_group, ["intents", "--train", str(train), "--folds", "2", "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["n"] == 20 and len(scores["folds"]) == 2 and scores["accuracy"] == 1.0
