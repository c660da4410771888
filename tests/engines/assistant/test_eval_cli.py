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


def test_eval_handoff_reads_lang_or_detects_it_and_reports_precision(tmp_path: Path) -> None:
    lines = [
        {"text": "Ich möchte bitte mit einem Mitarbeiter sprechen", "wants_human": True, "lang": "de"},
        {"text": "quiero hablar con un humano", "wants_human": True},  # no language: detected as es
        {"text": "mi esposo quiere pagar la factura del mes pasado", "wants_human": False},
        {"text": "jag vill prata med en människa", "wants_human": True, "language": "sv"},
    ]
    path = tmp_path / "h.jsonl"
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    result = CliRunner().invoke(eval_group, ["handoff", "--test", str(path), "--json", "--rules-only"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["recall_by_language"] == {"de": 1.0, "es": 1.0, "sv": 1.0}
    assert scores["precision_by_language"] == {"de": 1.0, "es": 1.0, "sv": 1.0}
    assert scores["language_source"] == {"detected": 2, "given": 2} and scores["by_layer"] == {"rule": 3}


def test_eval_handoff_reads_tsv_and_rejects_bad_lines(tmp_path: Path) -> None:
    good = tmp_path / "h.tsv"
    good.write_text("# comment\nfr\t1\tje veux parler à un conseiller\nfr\t0\tmerci beaucoup\n", encoding="utf-8")
    result = CliRunner().invoke(eval_group, ["handoff", "--test", str(good), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["recall_by_language"] == {"fr": 1.0} and scores["precision_by_language"] == {"fr": 1.0}
    bad = tmp_path / "bad.tsv"
    bad.write_text("fr\tmaybe\tbonjour\n", encoding="utf-8")
    result = CliRunner().invoke(eval_group, ["handoff", "--test", str(bad)])
    assert result.exit_code != 0 and "line 1" in result.output


def test_precision_by_language_counts_false_positives() -> None:
    rows = [{"text": "a", "wants_human": False, "language": "en"}, {"text": "b", "wants_human": True, "language": "en"},
            {"text": "c", "wants_human": False, "language": "fi"}]
    scores = handoff_scores(rows, [True, True, False])
    assert scores["precision_by_language"] == {"en": 0.5, "fi": None} and scores["recall_by_language"] == {"en": 1.0}
