"""`tandem train intents`: a company's own intents, cross-validated, stored, and used by the live assistant."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from tandem.cli import main
from tandem.core.clock import FakeClock
from tandem.core.settings import ConfigError, Intents, Settings
from tandem.engines.assistant.base import TurnContext
from tandem.engines.assistant.nlu.company_intents import load, read_examples
from tandem.engines.assistant.nlu.multilingual import shared_multilingual
from tandem.services.bootstrap import build_services
from tandem.services.context import Services

DATA = Path(__file__).parent / "data"
TRAIN, HELD_OUT = DATA / "wheelhouse_intents.csv", DATA / "wheelhouse_intents_test.csv"


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    out = tmp_path_factory.mktemp("intents") / "wheelhouse.npz"
    result = CliRunner().invoke(main, ["train", "intents", "--data", str(TRAIN), "--out", str(out), "--json"],
                                env={"TANDEM_ENV": "test"})
    assert result.exit_code == 0, result.output
    return out, json.loads(result.output)


def test_training_reports_cross_validation_and_the_model_labels_unseen_messages(
        trained: tuple[Path, dict[str, object]]) -> None:
    out, report = trained
    assert report["examples"] == 60 and report["intents"] == 5 and report["folds"] == 5
    assert report["cv_accuracy"] >= 0.8  # type: ignore[operator]
    per_intent = report["per_intent"]
    assert isinstance(per_intent, dict) and set(per_intent) == {"unlock_problem", "billing_question",
                                                                 "damaged_bike", "lost_item", "account_access"}
    model = load(out)
    # a held-out file written with the training file, before any training: 15 messages, 5 of them not English
    held_out = read_examples(HELD_OUT, min_examples=1)
    labels = model.classify([e.text for e in held_out], shared_multilingual())
    correct = sum(label == e.intent for (label, _), e in zip(labels, held_out, strict=True))
    assert correct >= 13, [(e.text, label) for (label, _), e in zip(labels, held_out, strict=True)]


@contextmanager
def live(model: Path, topics: dict[str, str], tmp_path: Path) -> Iterator[Services]:
    """The services of a company whose config points at `model` and maps its intents to `topics`."""
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 't.sqlite3'}", env="test",
                        demo=True, intent_model=False, intents=Intents(model=model, topics=topics))
    services = build_services(settings, FakeClock())
    try:
        yield services
    finally:
        services.db.dispose()


def test_the_live_assistant_records_the_company_intent_and_routing_maps_it(
        trained: tuple[Path, dict[str, object]], tmp_path: Path) -> None:
    out, _ = trained
    with live(out, {"lost_item": "account", "billing_question": "payments"}, tmp_path) as services:
        turn = services.assistant.respond(TurnContext("conv_1", "I left my backpack on the bike yesterday", "en"))
        assert turn.intent == "lost_item"
        german = services.assistant.respond(TurnContext("conv_2", "Warum wurde ich zweimal belastet?", "de"))
        assert german.intent == "billing_question" and turn.escalation is None and german.escalation is None
    unknown = Settings(data_dir=tmp_path, env="test", demo=True, intent_model=False,
                       intents=Intents(model=out, topics={"stolen_bike": "account"}))
    with pytest.raises(ConfigError, match="stolen_bike"):
        build_services(unknown, FakeClock())


def test_an_intent_mapped_to_a_sensitive_topic_goes_to_a_senior_person_at_once(
        trained: tuple[Path, dict[str, object]], tmp_path: Path) -> None:
    out, _ = trained
    # the company says a damaged bike may mean an injury: its topic needs the senior tier
    with live(out, {"damaged_bike": "hardship", "lost_item": "account"}, tmp_path) as services:
        assert "hardship" in services.settings.sensitive_topics
        broken = services.assistant.respond(TurnContext("conv_1", "The front brake of my bike snapped", "en"))
        assert broken.intent == "damaged_bike" and broken.escalation == "sensitive_topic"
        lost = services.assistant.respond(TurnContext("conv_2", "I left my backpack on the bike yesterday", "en"))
        assert lost.intent == "lost_item" and lost.escalation is None  # a plain intent is still answered


@pytest.mark.parametrize(("csv", "expected"), [
    ("text,label\nhello,greet\n", "must name the columns 'text' and 'intent'"),
    ("text,intent\n,unlock_problem\n", ":2: empty text"),
    ("text,intent\nmy bike,Unlock Problem\n", ":2: intent 'Unlock Problem'"),
    ("text,intent\n" + "".join(f"a{i},one\n" for i in range(5)) + "b,two\n", "intent 'two' has 1 example(s)"),
    ("text,intent\nsame text,one\nSame  text,two\n", ":3: the same text is labelled 'one' on line 2"),
])
def test_bad_training_data_is_refused_with_the_line_and_writes_nothing(tmp_path: Path, csv: str,
                                                                        expected: str) -> None:
    data, out = tmp_path / "bad.csv", tmp_path / "model.npz"
    data.write_text(csv, encoding="utf-8")
    result = CliRunner().invoke(main, ["train", "intents", "--data", str(data), "--out", str(out)],
                                env={"TANDEM_ENV": "test"})
    assert result.exit_code == 1 and expected in result.output, result.output
    assert "nothing written" in result.output and not out.exists()


def test_a_file_that_is_not_a_model_is_a_config_error(tmp_path: Path) -> None:
    bogus = tmp_path / "model.npz"
    shutil.copy(TRAIN, bogus)
    settings = Settings(data_dir=tmp_path, env="test", demo=True, intent_model=False, intents=Intents(model=bogus))
    with pytest.raises(ConfigError, match="intents.model: .*cannot read the intent model"):
        build_services(settings, FakeClock())


def test_the_threshold_is_where_out_of_fold_predictions_reach_the_target_precision() -> None:
    import numpy as np

    from tandem.engines.assistant.nlu.company_intents import choose_threshold

    confidence = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05])
    correct = np.array([True, True, True, True, True, True, True, True, False, False])
    assert choose_threshold(confidence, correct) == (0.2, 1.0, 0.8)
    # 9 of all 10 right: 90% is reached with the last one, so every prediction counts
    assert choose_threshold(confidence, np.array([True] * 9 + [False]))[0] == 0.05
