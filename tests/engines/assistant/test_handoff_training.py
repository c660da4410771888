"""Re-training the backstop from the corpus in the repository reproduces the committed weights."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tandem.engines.assistant.nlu.handoff_model import shared_backstop
from tandem.engines.assistant.nlu.handoff_training import choose_threshold, read_tsv, train
from tandem.engines.assistant.nlu.multilingual import shared_multilingual

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.slow
@pytest.mark.timeout(1800)  # about 3,350 texts through the encoder: ~2.5 min of CPU, 5+ min on a loaded machine
def test_retraining_reproduces_the_committed_weights() -> None:
    fitted, report = train(REPO, shared_multilingual())
    committed = shared_backstop()
    cosine = float(fitted.coef @ committed.coef / np.linalg.norm(fitted.coef) / np.linalg.norm(committed.coef))
    assert cosine > 0.999
    assert abs(fitted.intercept - committed.intercept) < 0.05 * max(1.0, abs(committed.intercept))
    assert abs(fitted.threshold - committed.threshold) <= 0.02
    assert report["dev_recall"] >= 0.9


def test_threshold_is_the_middle_of_the_best_tied_range() -> None:
    labels = [True, True, False, False]
    probabilities = np.array([0.9, 0.6, 0.3, 0.1])
    threshold, precision, recall = choose_threshold([False] * 4, probabilities, labels)
    assert precision == 1.0 and recall == 1.0 and 0.3 < threshold <= 0.6


def test_corpus_lines_are_checked(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("en\tyes\tI want a human\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.tsv:1"):
        read_tsv(bad)


def test_corpus_covers_thirty_languages_with_both_labels() -> None:
    rows = read_tsv(REPO / "evals/handoff_corpus/train.tsv")
    languages = {r.language for r in rows}
    assert len(languages) >= 30
    for language in languages:
        labels = {r.label for r in rows if r.language == language}
        assert labels == {True, False}, language
