"""v18 rules: Croatian frames beyond call-backs and bare words (give me / talk to / put me through to a person, is
anyone there, not a bot), and two verbs negated right after the request: Turkish "-mayın", Japanese "なくて大丈夫"."""

from __future__ import annotations

import pytest

from tandem.engines.assistant.handoff import read_request

CROATIAN = [
    "dajte mi nekoga živog, ovo ne ide",
    "daj mi savjetnika molim te",
    "htjela bih popričati s nekim od vas o ratama",
    "mogu li razgovarati sa službenikom",
    "preusmjerite me na korisničku službu",
    "ima li ikoga tu",
    "jel ima itko",
    "neću s automatom",
    "pravu osobu molim",
]


@pytest.mark.parametrize("text", CROATIAN)
def test_croatian_requests(text: str) -> None:
    request, declined = read_request(text)
    assert declined is None and request is not None, text


@pytest.mark.parametrize("text", [
    "je li itko koristio moju karticu bez dopuštenja",  # has anyone used my card: a question, not a request
    "daj mi broj računa za uplatu",  # give me the account number
    "savjetnik mi je rekao da će kamata biti skinuta",  # the advisor told me...
])
def test_croatian_near_misses(text: str) -> None:
    assert read_request(text)[0] is None


@pytest.mark.parametrize(("text", "language"), [
    ("operatöre bağlamayın, çözüldü", "tr"),
    ("担当者につながなくても大丈夫です", "ja"),
    ("ne želim razgovarati s operaterom, samo mi recite iznos", "hr"),
])
def test_negated_right_after_or_before(text: str, language: str) -> None:
    request, declined = read_request(text)
    assert request is None, request
    assert declined is not None and declined.language == language


@pytest.mark.parametrize("text", ["operatöre bağlayın lütfen", "担当者につないでください"])
def test_the_positive_forms_stay_requests(text: str) -> None:
    assert read_request(text)[0] is not None
