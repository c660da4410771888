"""`tandem eval retrieval`: the metrics' definitions on hand-made rankings, and the command on a small help center."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from tandem.cli import main
from tandem.cli.eval_retrieval import retrieval_scores


@dataclass
class _A:
    id: str


def _rank(*pairs: tuple[str, float]) -> list[tuple[_A, float]]:
    return [(_A(i), s) for i, s in pairs]


def test_metrics_follow_their_definitions() -> None:
    rows = [
        {"question": "q1", "article_id": "a", "lang": "en"},   # right at 1, above threshold: answered right
        {"question": "q2", "article_id": "b", "lang": "de"},   # right at 2: recall@3, mrr 1/2
        {"question": "q3", "article_id": "c", "lang": "en"},   # right at 1 but below threshold: abstained wrongly
        {"question": "q4", "article_id": None, "lang": "en"},  # null and abstained: true abstention
        {"question": "q5", "article_id": None, "lang": "de"},  # null but answered: missed abstention
    ]
    ranked = [
        _rank(("a", 0.9), ("b", 0.5)),
        _rank(("a", 0.8), ("b", 0.7), ("c", 0.1)),
        _rank(("c", 0.4), ("a", 0.3)),
        _rank(("a", 0.2)),
        _rank(("b", 0.7)),
    ]
    out = retrieval_scores(rows, ranked, threshold=0.6)
    assert out["accuracy_at_1"] == pytest.approx(2 / 3, abs=1e-4)
    assert out["recall_at_3"] == 1.0
    assert out["answer_accuracy"] == pytest.approx(1 / 3, abs=1e-4)
    assert out["mrr"] == pytest.approx((1 + 0.5 + 1) / 3, abs=1e-4)
    assert out["abstain_precision"] == 0.5  # abstained on q3 and q4; only q4 is null
    assert out["abstain_recall"] == 0.5     # q4 of q4, q5
    assert out["n"] == 5
    assert out["by_language"]["de"]["accuracy_at_1"] == 0.0
    assert out["by_language"]["de"]["abstain_recall"] == 0.0
    assert out["non_english"]["n"] == 2


def _kb(tmp: Path) -> Path:
    kb = tmp / "kb"
    kb.mkdir()
    (kb / "roaming.md").write_text(
        "---\ntitle: Using your phone abroad\ntags: [roaming]\n---\n"
        "Calls, texts and data work in Europe at no extra cost. Switch on data roaming in your phone's settings.\n"
    )
    (kb / "voicemail.md").write_text(
        "---\ntitle: Setting up voicemail\n---\nCall 121 to listen to your voicemail messages and set a greeting.\n"
    )
    return kb


def test_command_reports_every_metric(tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        '{"question": "will my data work in spain", "article_id": "roaming", "lang": "en"}\n'
        '{"question": "how do i listen to my voicemail", "article_id": "voicemail"}\n'
        '{"question": "what is the capital of peru", "article_id": null}\n'
    )
    result = CliRunner().invoke(main, ["eval", "retrieval", "--kb", str(_kb(tmp_path)), "--test", str(questions),
                                       "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    for key in ("accuracy_at_1", "recall_at_3", "answer_accuracy", "mrr", "abstain_precision", "abstain_recall",
                "n", "by_language"):
        assert key in out
    assert out["n"] == 3
    assert out["accuracy_at_1"] == 1.0
    assert set(out["by_language"]) == {"en", "unknown"}


def test_unknown_article_id_is_an_error(tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"question": "x", "article_id": "nope"}\n')
    result = CliRunner().invoke(main, ["eval", "retrieval", "--kb", str(_kb(tmp_path)), "--test", str(questions)])
    assert result.exit_code != 0
    assert "line 1: article_id 'nope' is not in the help center" in result.output


def test_command_reads_the_folders_out_of_scope_list(tmp_path: Path) -> None:
    """The help center's out_of_scope.txt reaches the live answerer through the command, as `tandem kb import`
    stores it: the same in-domain question is answered without the list and declined with it."""
    kb = _kb(tmp_path)
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        '{"question": "does my phone work on a cruise ship at sea", "article_id": null, "lang": "en"}\n'
        '{"question": "will my data work in spain", "article_id": "roaming", "lang": "en"}\n'
    )
    args = ["eval", "retrieval", "--kb", str(kb), "--test", str(questions), "--json"]
    without = json.loads(CliRunner().invoke(main, args).output)
    (kb / "out_of_scope.txt").write_text("# questions we do not answer\ndoes my phone work on a cruise ship at sea\n")
    with_list = json.loads(CliRunner().invoke(main, args).output)
    assert without["abstain_recall"] == 0.0
    assert with_list["abstain_recall"] == 1.0
    assert with_list["answer_accuracy"] == 1.0  # the answerable question is still answered
