"""The character n-gram model of the handoff backstop (v15): stable hashing, unit vectors, the weights file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tandem.engines.assistant.nlu import handoff_chars, handoff_training
from tandem.engines.assistant.nlu.handoff_model import Backstop, BackstopUnavailable, load, shared_backstop


def test_ngrams_are_read_from_normalised_text() -> None:
    assert handoff_chars.normalise("  Ｈｕｍａｎ\tPLEASE \n") == " human please "
    a_index, a_values = handoff_chars.hashed("Human   please")
    b_index, b_values = handoff_chars.hashed("human please")
    assert np.array_equal(a_index, b_index) and np.allclose(a_values, b_values)


def test_vectors_have_unit_length_and_sorted_unique_buckets() -> None:
    index, values = handoff_chars.hashed("真人客服 please, 真人客服")
    assert np.all(np.diff(index) > 0) and index.max() < handoff_chars.SLOTS
    assert abs(float(np.linalg.norm(values)) - 1.0) < 1e-9
    assert handoff_chars.hashed("   ")[0].size == 0


def test_buckets_do_not_depend_on_the_process() -> None:
    """CRC-32, not Python's salted hash(): the committed weights must mean the same in every process."""
    index, _ = handoff_chars.hashed("ab")
    # " a", "ab", "b ", " ab", "ab ", " ab " (n = 2..4 of " ab ")
    expected = sorted({__import__("zlib").crc32(g.encode()) & (handoff_chars.SLOTS - 1)
                       for g in (" a", "ab", "b ", " ab", "ab ", " ab ")})
    assert index.tolist() == expected


def test_sparse_matrix_matches_the_run_time_scoring() -> None:
    texts = ["can i talk to a person", "wo ist meine rückerstattung", "人工客服"]
    rng = np.random.default_rng(0)
    coef = rng.normal(size=handoff_chars.SLOTS).astype(np.float32)
    dense = handoff_chars.matrix(texts) @ coef.astype(np.float64) + 0.25
    assert np.allclose(dense, handoff_chars.logits(texts, coef, 0.25))


def test_combined_probability_is_the_weighted_average() -> None:
    backstop = Backstop(np.zeros(768, dtype=np.float32), 0.0, 0.5, "",
                        np.zeros(handoff_chars.SLOTS, dtype=np.float32), 2.0, 0.25)
    p_chars = backstop.char_probabilities(["anything"])
    assert p_chars is not None and abs(float(p_chars[0]) - 1 / (1 + np.exp(-2.0))) < 1e-9
    combined = backstop.combine(np.array([0.5]), p_chars)
    assert abs(float(combined[0]) - (0.75 * 0.5 + 0.25 * float(p_chars[0]))) < 1e-9
    encoder_only = Backstop(np.zeros(768, dtype=np.float32), 0.0, 0.5)
    assert encoder_only.char_probabilities(["x"]) is None
    assert encoder_only.combine(np.array([0.3]), None)[0] == 0.3


def test_weights_round_trip_and_damaged_char_weights_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "backstop.npz"
    char = np.linspace(-1, 1, handoff_chars.SLOTS).astype(np.float32)
    Backstop(np.ones(768, dtype=np.float32), 0.1, 0.6, "abc", char, -1.5, 0.5).save(path)
    loaded = load(path)
    assert loaded.char_coef is not None and np.allclose(loaded.char_coef, char, atol=1e-3)
    assert (loaded.char_intercept, loaded.char_weight, loaded.threshold) == (-1.5, 0.5, 0.6)
    np.savez(path, coef=np.ones(768, dtype=np.float32), intercept=0.0, threshold=0.5, corpus_sha256="x",
             char_coef=np.zeros(10, dtype=np.float16), char_intercept=0.0, char_weight=0.5)
    with pytest.raises(BackstopUnavailable, match="character weights"):
        load(path)


def test_committed_weights_carry_the_char_model_as_the_training_design_says() -> None:
    backstop = shared_backstop()
    if handoff_training.CHAR_WEIGHT > 0:
        assert backstop.char_coef is not None and backstop.char_weight == handoff_training.CHAR_WEIGHT
    else:
        assert backstop.char_coef is None
