"""Embeddings, the calibrated classifier and the NLU facade (loads the real MiniLM model; a few seconds)."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import numpy as np
import pytest

from tandem.domain.skills import Topic
from tandem.engines.assistant.nlu.classifier import TextClassifier, fit_temperature, softmax
from tandem.engines.assistant.nlu.embeddings import Embedder
from tandem.engines.assistant.nlu.intents import Intent
from tandem.engines.assistant.nlu.understanding import NLU, TRAINING_CSV, Understanding


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder()


@pytest.fixture(scope="module")
def small_training_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stratified sample of the shipped training set, so the module trains in seconds."""
    with open(TRAINING_CSV, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rng = random.Random(3)
    by_intent: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_intent.setdefault(row["intent"], []).append(row)
    sample = [r for group in by_intent.values() for r in rng.sample(group, min(len(group), 40))]
    path = tmp_path_factory.mktemp("train") / "intents.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["text", "intent", "source"])
        writer.writeheader()
        writer.writerows(sample)
    return path


@pytest.fixture(scope="module")
def nlu(small_training_csv: Path, embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> NLU:
    return NLU(tmp_path_factory.mktemp("cache"), embedder=embedder, training_csv=small_training_csv)


def test_embeddings_are_unit_length_and_batch_independent(embedder: Embedder) -> None:
    texts = ["where is my refund", "I want to pause my payment plan for a month please", "hi"]
    batch = embedder.embed(texts)
    single = np.vstack([embedder.embed([t]) for t in texts])
    assert batch.shape == (3, 384)
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
    assert np.allclose(batch, single, atol=1e-4)


def test_embeddings_place_paraphrases_closer(embedder: Embedder) -> None:
    a, b, c = embedder.embed(["my card was stolen", "someone took my card", "when is my next payment"])
    assert a @ b > a @ c


def test_softmax_rows_sum_to_one() -> None:
    probs = softmax(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]))
    assert np.allclose(probs.sum(axis=1), 1.0) and probs[0].argmax() == 2


def test_temperature_recovers_overconfident_scores() -> None:
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 3, 600)
    scores = rng.normal(0, 1, (600, 3))
    scores[np.arange(600), truth] += 1.0  # informative but noisy
    assert fit_temperature(scores * 10, truth) > fit_temperature(scores, truth) * 5


def test_classifier_learns_separable_labels(embedder: Embedder) -> None:
    texts = [f"refund for order {i}" for i in range(20)] + [f"my card {i} was stolen" for i in range(20)]
    labels = ["refund"] * 20 + ["fraud"] * 20
    model = TextClassifier().fit(texts, labels, embedder.embed(texts))
    probe = ["I want a refund for my order", "someone stole my card"]
    assert model.predict(probe, embedder.embed(probe)) == ["refund", "fraud"]
    assert np.allclose(model.predict_proba(probe, embedder.embed(probe)).sum(axis=1), 1.0)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("when is my next installment due", Intent.PAYMENT_SCHEDULE),
        ("my card was stolen yesterday", Intent.FRAUD),
        ("where is my refund? I sent the item back", Intent.REFUND_STATUS),
        ("please delete my account", Intent.CLOSE_ACCOUNT),
        ("thank you so much", Intent.THANKS),
    ],
)
def test_nlu_reads_product_intents(nlu: NLU, text: str, intent: Intent) -> None:
    result = nlu.understand(text)
    assert isinstance(result, Understanding)
    assert result.intent is intent
    assert 0 < result.confidence <= 1


def test_nlu_fills_language_topic_and_cues(nlu: NLU) -> None:
    result = nlu.understand("SOMEONE HACKED MY ACCOUNT!!!", previous=["hello"])
    assert result.language == "en"
    assert result.topic is Topic.FRAUD
    assert result.sentiment <= 0
    assert {"shouting", "exclamation_run"} <= {cue.value for cue in result.frustration}
    assert [s.value for s in result.sensitive] == ["fraud"]


def test_nlu_caches_the_fitted_model(nlu: NLU, small_training_csv: Path, embedder: Embedder) -> None:
    nlu.classifier()
    cache_dir = nlu._cache_dir
    assert cache_dir is not None and len(list(cache_dir.glob("*.pkl"))) == 1
    again = NLU(cache_dir, embedder=embedder, training_csv=small_training_csv)
    texts = ["can I change my due date", "I was charged a late fee"]
    assert [again.understand(t).intent for t in texts] == [nlu.understand(t).intent for t in texts]
