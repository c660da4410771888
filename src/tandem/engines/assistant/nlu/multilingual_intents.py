"""Product intents in languages other than English, through the multilingual encoder (multilingual-e5-small).

The English classifier (MiniLM + n-grams) stays for English. For a message detected in another language, a
logistic regression on e5 "query:" embeddings of the English training examples classifies it: e5 places a
Swedish question near its English paraphrase, so English examples teach every language the encoder knows.
Training embeds at most PER_INTENT examples of each intent (the hand-written BNPL seeds first), about 700
texts: roughly 10-20 s on one core at first start, then the fitted model is cached like the English one.
Accuracy on the hand-written translated sample (evals/intents_multilingual.tsv) is in docs/assistant.md.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import pickle
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from tandem.engines.assistant.nlu.embeddings import DATA_DIR
from tandem.engines.assistant.nlu.multilingual import MultilingualEmbedder

log = logging.getLogger(__name__)
MODEL_VERSION = "multilingual-intents-2"
# hand-written seed sentences in the 11 other languages of the catalogs (not the evaluation sample's sentences)
SEEDS_CSV = DATA_DIR / "intents" / "multilingual_seeds.csv"
PER_INTENT = 32
C = 10.0
# softmax temperature on the model's log-probabilities, picked on the dev half of the translated sample: at 0.3,
# 85% of dev answers with confidence >= 0.8 (the account tools' hint threshold) are right
TEMPERATURE = 0.3


@dataclass
class MultilingualIntentModel:
    """A fitted logistic regression over e5 query vectors; predicts (intent, probability)."""

    model: LogisticRegression

    def predict(self, vectors: np.ndarray) -> list[tuple[str, float]]:
        sharpened = np.exp(np.log(self.model.predict_proba(vectors) + 1e-12) / TEMPERATURE)
        probs = sharpened / sharpened.sum(axis=1, keepdims=True)
        best = probs.argmax(axis=1)
        return [(str(self.model.classes_[i]), float(probs[row, i])) for row, i in enumerate(best)]


def training_sample(path: Path, per_intent: int = PER_INTENT) -> tuple[list[str], list[str]]:
    """Up to `per_intent` examples of each intent, hand-written seeds first, then the file's order."""
    with open(path, encoding="utf-8") as handle:
        rows = [(r["text"], r["intent"], r.get("source", "")) for r in csv.DictReader(handle) if r["text"].strip()]
    rows.sort(key=lambda r: r[2] != "seed")  # stable: seeds first, otherwise file order
    taken: dict[str, int] = {}
    texts, labels = [], []
    for text, intent, _ in rows:
        if taken.get(intent, 0) < per_intent:
            taken[intent] = taken.get(intent, 0) + 1
            texts.append(text)
            labels.append(intent)
    return texts, labels


class MultilingualIntents:
    """Classify non-English messages into product intents; trains once per training file, then caches."""

    def __init__(self, encoder: MultilingualEmbedder, training_csv: Path, cache_dir: Path | None = None,
                 seeds_csv: Path | None = SEEDS_CSV) -> None:
        self._encoder = encoder
        self._training_csv = training_csv
        self._seeds_csv = seeds_csv
        self._cache_dir = cache_dir
        self._model: MultilingualIntentModel | None = None
        self._lock = threading.Lock()

    def classify(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """(intent, probability) for each text; raises EncoderUnavailable when the encoder cannot load."""
        model = self.model()
        return model.predict(self._encoder.queries(list(texts)))

    def model(self) -> MultilingualIntentModel:
        with self._lock:
            if self._model is None:
                self._model = self._load() or self._train()
            return self._model

    def _cache_path(self) -> Path | None:
        if self._cache_dir is None:
            return None
        seeds = self._seeds_csv.read_bytes() if self._seeds_csv is not None else b""
        key = self._training_csv.read_bytes() + seeds + f"{MODEL_VERSION}-{PER_INTENT}-{C}".encode()
        return self._cache_dir / f"{MODEL_VERSION}-{hashlib.sha256(key).hexdigest()[:16]}.pkl"

    def _load(self) -> MultilingualIntentModel | None:
        path = self._cache_path()
        if path is None or not path.exists():
            return None
        try:
            with open(path, "rb") as handle:
                model = pickle.load(handle)  # our own file, named by the hash of its inputs
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
            log.warning("ignoring unreadable multilingual intent cache %s: %s", path, exc)
            return None
        return model if isinstance(model, MultilingualIntentModel) else None

    def _train(self) -> MultilingualIntentModel:
        texts, labels = training_sample(self._training_csv)
        if self._seeds_csv is not None:
            seed_texts, seed_labels = training_sample(self._seeds_csv, per_intent=10_000)
            texts, labels = texts + seed_texts, labels + seed_labels
        model = MultilingualIntentModel(
            LogisticRegression(C=C, max_iter=2000, class_weight="balanced").fit(self._encoder.queries(texts), labels))
        path = self._cache_path()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".tmp")
            with open(temporary, "wb") as handle:
                pickle.dump(model, handle)
            temporary.replace(path)
        return model
