"""NLU: what a customer message is about (intent, topic), in which language, and how the customer feels."""

from __future__ import annotations

import csv
import hashlib
import logging
import pickle
import threading
from collections.abc import Sequence
from pathlib import Path

from tandem.domain.skills import Topic
from tandem.engines.assistant.nlu.classifier import ClassifierSettings, TextClassifier
from tandem.engines.assistant.nlu.embeddings import DATA_DIR, Embedder, shared_embedder
from tandem.engines.assistant.nlu.intents import TOPIC_OF, Intent
from tandem.engines.assistant.nlu.language import detect_language
from tandem.engines.assistant.nlu.multilingual import EncoderUnavailable
from tandem.engines.assistant.nlu.multilingual_intents import MultilingualIntents
from tandem.engines.assistant.nlu.result import Understanding
from tandem.engines.assistant.nlu.sensitive import TOPIC_OF_SENSITIVITY, Sensitivity, sensitivities
from tandem.engines.assistant.nlu.signals import FrustrationCue, frustration_cues, sentiment

TRAINING_CSV = DATA_DIR / "intents" / "product_intents.csv"
MODEL_VERSION = "product-intents-1"
PRODUCT_SETTINGS = ClassifierSettings(balanced=True)
log = logging.getLogger(__name__)


class NLU:
    """Product-intent classifier plus language, sentiment and cue detection; trains once, then caches."""

    def __init__(
        self,
        cache_dir: Path | None = None,
        *,
        embedder: Embedder | None = None,
        training_csv: Path = TRAINING_CSV,
        multilingual: MultilingualIntents | None = None,
    ) -> None:
        self._cache_dir = cache_dir
        # other languages: e5 logistic regression, used once prepare_multilingual() has loaded it
        self._multilingual = multilingual
        self._multilingual_ready = threading.Event()
        self._embedder = embedder or shared_embedder()
        self._training_csv = training_csv
        self._classifier: TextClassifier | None = None
        self._lock = threading.Lock()

    def understand(self, text: str, previous: Sequence[str] = (), language_hint: str = "en") -> Understanding:
        """Read one message, given the customer's earlier messages in this conversation."""
        language = detect_language(text, default=language_hint)
        # the multilingual model only when both the message and the conversation are in another language: an
        # English message misread as Italian in an English chat keeps the English classifier
        other = language if language_hint.split("-")[0] != "en" else "en"
        intent, confidence = self._other_language(text, other) or self._english(text)
        polarity = sentiment(text)
        cues = frustration_cues(text, previous, polarity)
        if intent is Intent.COMPLAINT:
            cues = (*cues, FrustrationCue.COMPLAINT)
        sensitive = sensitivities(text)
        return Understanding(
            language=language,
            intent=intent,
            topic=topic_of(intent, sensitive),
            confidence=round(confidence, 4),
            sentiment=polarity,
            frustration=cues,
            sensitive=sensitive,
        )

    def _english(self, text: str) -> tuple[Intent, float]:
        classifier = self.classifier()
        probs = classifier.predict_proba([text], self._embedder.embed([text]))[0]
        best = int(probs.argmax())
        return Intent(classifier.labels[best]), float(probs[best])

    def _other_language(self, text: str, language: str) -> tuple[Intent, float] | None:
        """The multilingual model's reading of a non-English message; None: use the English classifier."""
        if language == "en" or self._multilingual is None or not self._multilingual_ready.is_set():
            return None
        try:
            label, probability = self._multilingual.classify([text])[0]
        except EncoderUnavailable:
            return None
        return Intent(label), probability

    def prepare_multilingual(self) -> bool:
        """Load or train the multilingual intent model (call in the background); False when it cannot load."""
        if self._multilingual is None:
            return False
        try:
            self._multilingual.model()
        except EncoderUnavailable as exc:
            log.warning("multilingual intents unavailable; other languages use the English classifier: %s", exc)
            return False
        self._multilingual_ready.set()
        return True

    def classifier(self) -> TextClassifier:
        """Return the fitted product-intent classifier, loading or training it on first use."""
        with self._lock:
            if self._classifier is None:
                self._classifier = self._load() or self._train()
            return self._classifier

    def _cache_path(self) -> Path | None:
        """Where the fitted model is cached; the name changes whenever the training data does."""
        if self._cache_dir is None:
            return None
        digest = hashlib.sha256(self._training_csv.read_bytes() + MODEL_VERSION.encode()).hexdigest()[:16]
        return self._cache_dir / f"{MODEL_VERSION}-{digest}.pkl"

    def _load(self) -> TextClassifier | None:
        """Load a cached model written by this code for this training data, if there is one."""
        path = self._cache_path()
        if path is None or not path.exists():
            return None
        try:
            with open(path, "rb") as handle:
                model = pickle.load(handle)  # our own file, named by the hash of its inputs
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
            log.warning("ignoring unreadable intent model cache %s: %s", path, exc)
            return None
        return model if isinstance(model, TextClassifier) else None

    def _train(self) -> TextClassifier:
        """Fit the product-intent classifier from the shipped training set and cache it."""
        texts, labels = read_training_csv(self._training_csv)
        model = TextClassifier(PRODUCT_SETTINGS).fit(texts, labels, self._embedder.embed(texts))
        path = self._cache_path()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".tmp")
            with open(temporary, "wb") as handle:
                pickle.dump(model, handle)
            temporary.replace(path)
        return model


def topic_of(intent: Intent, sensitive: Sequence[Sensitivity]) -> Topic | None:
    """The intent's topic, unless a sensitive keyword names a topic that needs more care."""
    return TOPIC_OF_SENSITIVITY[sensitive[0]] if sensitive else TOPIC_OF[intent]


def read_training_csv(path: Path) -> tuple[list[str], list[str]]:
    """Read (text, intent) columns of a training CSV."""
    with open(path, encoding="utf-8") as handle:
        rows = [(row["text"], row["intent"]) for row in csv.DictReader(handle) if row["text"].strip()]
    return [text for text, _ in rows], [label for _, label in rows]
