"""The conversation's language follows the customer, with hysteresis, and routes the queue entry from then on."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from tandem.engines.assistant.nlu.language import follow_language
from tandem.services.context import Services
from tandem.storage.models import Handoff

from .conftest import start_chat


def test_one_short_word_does_not_switch_but_a_sentence_or_two_in_a_row_do() -> None:
    assert follow_language("sv", "ok") == "sv"
    assert follow_language("sv", "thanks, ok") == "sv"
    assert follow_language("sv", "Can you tell me when my next payment is due?") == "en"
    assert follow_language("en", "när ska jag betala nästa gång?") == "sv"
    assert follow_language("de", "merci beaucoup", lambda: "bonjour, je voudrais payer") == "fr"
    assert follow_language("de", "merci beaucoup", lambda: "danke schön, alles klar") == "de"
    assert follow_language("nb", "Jeg lurer på når neste betaling forfaller") == "nb"  # 'no' detected: same language


def test_a_waiting_customer_who_switches_is_rerouted_and_told_in_the_new_language(client: TestClient,
                                                                                 services: Services) -> None:
    cid, h = start_chat(client, language="sv")
    waiting = client.post(f"/api/conversations/{cid}/handoff", json={"reason": "customer_button"}, headers=h).json()
    assert waiting["language"] == "sv" and waiting["queue"]["text"].startswith("Du är nummer")
    client.post(f"/api/conversations/{cid}/messages", json={"body": "ok"}, headers=h)
    assert client.get(f"/api/conversations/{cid}", headers=h).json()["language"] == "sv"
    client.post(f"/api/conversations/{cid}/messages",
                json={"body": "Entschuldigung, ich spreche lieber Deutsch, wie lange dauert es noch?"}, headers=h)
    state = client.get(f"/api/conversations/{cid}", headers=h).json()
    assert state["language"] == "de" and state["queue"]["text"].startswith("Sie sind Nummer")
    with services.work() as work:
        entry = work.session.scalars(select(Handoff).where(Handoff.conversation_id == cid)).one()
    assert entry.language == "de"  # the dispatcher offers it to German-speaking agents from now on
