from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tandem.services.context import Services
from tandem.storage.models import Conversation, Handoff, Message

from .conftest import start_chat


@pytest.mark.parametrize(
    ("messages", "reason", "topic"),
    [
        (["I lost my job and I can't pay my installments"], "sensitive_topic", "hardship"),
        (["Someone used my card for a purchase I never made, I think it's fraud"], "sensitive_topic", "fraud"),
        (["My husband passed away last month, what happens to his account?"], "vulnerability", None),
        (["How long does a refund take?", "THAT DIDN'T HELP AT ALL!!! This is useless!!!"], "frustration", None),
        (["Write me a poem about the sea", "Which football team will win the league?"], "low_confidence", None),
    ],
)
def test_the_assistant_hands_over_by_itself(client: TestClient, services: Services, messages: list[str],
                                            reason: str, topic: str | None) -> None:
    cid, h = start_chat(client)
    for text in messages:
        client.post(f"/api/conversations/{cid}/messages", json={"body": text}, headers=h)
    state = client.get(f"/api/conversations/{cid}", headers=h).json()
    assert state["state"] == "waiting_human"
    with services.work() as work:
        conv = work.session.get(Conversation, cid)
        assert conv is not None and conv.escalation_reason == reason
        if topic:
            assert conv.topic == topic


def test_ordinary_questions_do_not_escalate(client: TestClient) -> None:
    cid, h = start_chat(client)
    for text in ("How long does a refund take?", "Can I pause a payment?", "thanks!"):
        client.post(f"/api/conversations/{cid}/messages", json={"body": text}, headers=h)
    assert client.get(f"/api/conversations/{cid}", headers=h).json()["state"] == "ai"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("¿Algún agente humano me podría atender, por favor?", "es"),  # was answered "would you like a person?"
        ("Finns det någon riktig person där som kan hjälpa mig?", "sv"),
        ("Könnte sich bitte ein Mensch bei Ihnen meinen Fall anschauen?", "de"),
        ("请问有真人客服吗？", "zh"),
        ("I want to talk to a human", "en"),
    ],
)
def test_a_typed_request_in_any_language_is_queued_with_its_layer(client: TestClient, services: Services,
                                                                  text: str, language: str) -> None:
    cid, h = start_chat(client)
    client.post(f"/api/conversations/{cid}/messages", json={"body": text}, headers=h)
    assert client.get(f"/api/conversations/{cid}", headers=h).json()["state"] == "waiting_human"
    with services.work() as work:
        entry = work.session.scalars(select(Handoff).where(Handoff.conversation_id == cid)).one()
        assert entry.reason == "customer_request" and entry.language == language
        assert entry.detected_by in ("rule", "model") and entry.detection_score is not None
        assert 0.0 < entry.detection_score <= 1.0
        note = [m for m in work.session.scalars(select(Message).where(Message.conversation_id == cid))
                if (m.meta or {}).get("event") == "handoff"]
        assert note and note[0].meta["detected_by"] == entry.detected_by
    metrics = client.get("/metrics").text
    assert f'tandem_handoff_requests_detected_total{{layer="{entry.detected_by}",language="{language}"}} 1' in metrics


def test_mentions_of_people_are_answered_not_queued(client: TestClient) -> None:
    cid, h = start_chat(client)
    client.post(f"/api/conversations/{cid}/messages", json={"body": "the agent told me my refund comes in five days"},
                headers=h)
    assert client.get(f"/api/conversations/{cid}", headers=h).json()["state"] == "ai"


def test_a_request_in_another_script_switches_the_reply_language_at_once(client: TestClient,
                                                                         services: Services) -> None:
    cid, h = start_chat(client, language="sv")
    client.post(f"/api/conversations/{cid}/messages", json={"body": "转人工"}, headers=h)  # one "word": no hysteresis
    with services.work() as work:
        entry = work.session.scalars(select(Handoff).where(Handoff.conversation_id == cid)).one()
        conv = work.session.get(Conversation, cid)
        assert entry.detected_by == "rule" and entry.language == "zh" and conv is not None and conv.language == "zh"


def test_a_short_ambiguous_request_keeps_the_conversation_language(client: TestClient, services: Services) -> None:
    cid, h = start_chat(client, language="sv")
    client.post(f"/api/conversations/{cid}/messages", json={"body": "agent!"}, headers=h)
    with services.work() as work:
        entry = work.session.scalars(select(Handoff).where(Handoff.conversation_id == cid)).one()
        assert entry.detected_by == "rule" and entry.language == "sv"


@pytest.mark.parametrize("text", ["human please", "agent please", "operator pls"])
def test_a_short_latin_request_does_not_switch_an_established_language(client: TestClient, services: Services,
                                                                      text: str) -> None:
    # two words are enough for the language detector to say English, but not enough for the conversation to
    # follow (docs/assistant.md, hysteresis): the Swedish customer is answered and routed in Swedish
    cid, h = start_chat(client, language="sv")
    client.post(f"/api/conversations/{cid}/messages", json={"body": "Hej, jag har en fråga om min faktura"}, headers=h)
    client.post(f"/api/conversations/{cid}/messages", json={"body": text}, headers=h)
    with services.work() as work:
        entry = work.session.scalars(select(Handoff).where(Handoff.conversation_id == cid)).one()
        conv = work.session.get(Conversation, cid)
        assert entry.reason == "customer_request" and entry.language == "sv"
        assert conv is not None and conv.language == "sv"


def test_a_handoff_reason_outside_the_escalation_reasons_is_refused(client: TestClient) -> None:
    cid, token = start_chat(client)
    r = client.post(f"/api/conversations/{cid}/handoff", json={"reason": "made_up_reason"}, headers=token)
    assert r.status_code == 422
    assert client.post(f"/api/conversations/{cid}/handoff", json={"reason": "vulnerability"},
                       headers=token).status_code == 202


def _backstop_says_yes(monkeypatch: pytest.MonkeyPatch) -> None:
    from tandem.engines.assistant.human_request import MODEL, HumanRequest
    from tandem.services import flows

    monkeypatch.setattr(flows, "detect_request", lambda text, **_: HumanRequest(MODEL, 0.6, "en", "backstop p=0.600"))


@pytest.mark.parametrize(
    ("text", "reason", "topic"),
    [
        ("Someone used my card for a purchase I never made, I think it's fraud", "sensitive_topic", "fraud"),
        ("THAT DIDN'T HELP AT ALL!!! This is useless!!! Absolutely terrible!!!", "frustration", None),
    ],
)
def test_the_assistants_own_reason_outranks_the_backstops_reading(client: TestClient, services: Services,
                                                                  monkeypatch: pytest.MonkeyPatch, text: str,
                                                                  reason: str, topic: str | None) -> None:
    """A message the learned backstop reads as a request and the assistant escalates for a sensitive topic or
    frustration keeps the assistant's reason and topic: they route (a senior agent), the backstop only guesses."""
    _backstop_says_yes(monkeypatch)
    cid, h = start_chat(client)
    client.post(f"/api/conversations/{cid}/messages", json={"body": text}, headers=h)
    assert client.get(f"/api/conversations/{cid}", headers=h).json()["state"] == "waiting_human"
    with services.work() as work:
        conv = work.session.get(Conversation, cid)
        assert conv is not None and conv.escalation_reason == reason
        if topic:
            assert conv.topic == topic


def test_the_backstops_request_stands_when_the_assistant_would_answer(client: TestClient, services: Services,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _backstop_says_yes(monkeypatch)
    cid, h = start_chat(client)
    client.post(f"/api/conversations/{cid}/messages", json={"body": "How long does a refund take?"}, headers=h)
    assert client.get(f"/api/conversations/{cid}", headers=h).json()["state"] == "waiting_human"
    with services.work() as work:
        entry = work.session.scalars(select(Handoff).where(Handoff.conversation_id == cid)).one()
        assert entry.reason == "customer_request" and entry.detected_by == "model" and entry.detection_score == 0.6
        ai = [m for m in work.session.scalars(select(Message).where(Message.conversation_id == cid))
              if m.author == "ai"]
        assert ai == []  # the assistant read the message, but its answer is not sent once the customer is queued


def test_an_action_taken_while_the_backstops_request_waits_is_shown_first(client: TestClient, seeded: Services,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The assistant reads a backstop request too; if it acted on the account, the customer sees the result before
    being queued (an action is never taken unseen)."""
    _backstop_says_yes(monkeypatch)
    cid, h = start_chat(client, customer_ref="cus_demo_maya")
    client.post(f"/api/conversations/{cid}/messages", json={"body": "pause ord_maya_pay4 for 7 days"}, headers=h)
    assert client.get(f"/api/conversations/{cid}", headers=h).json()["state"] == "waiting_human"
    messages = client.get(f"/api/conversations/{cid}/messages", headers=h).json()["messages"]
    acted = [m for m in messages if m["author"] == "ai" and (m["meta"] or {}).get("actions")]
    assert acted and acted[0]["meta"]["actions"][0]["action"] == "pause_payment"
    handoff = [m for m in messages if (m["meta"] or {}).get("event") == "handoff"]
    assert handoff and handoff[0]["seq"] > acted[0]["seq"] and handoff[0]["meta"]["reason"] == "customer_request"
