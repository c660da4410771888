from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from tandem.core.i18n import _t
from tandem.services.context import Services
from tandem.storage.models import Handoff, Message

from .conftest import start_chat


def messages(client: TestClient, cid: str, headers: dict[str, str], after: int = 0) -> list[dict]:
    r = client.get(f"/api/conversations/{cid}/messages", params={"after": after}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["messages"]


def test_question_gets_a_cited_answer_from_the_help_center(client: TestClient) -> None:
    cid, h = start_chat(client)
    body = {"body": "How long does a refund take?", "client_id": "m1"}
    r = client.post(f"/api/conversations/{cid}/messages", json=body, headers=h)
    assert r.status_code == 201 and r.json()["seq"] == 1
    msgs = messages(client, cid, h)
    assert [m["author"] for m in msgs] == ["customer", "ai"]
    cites = msgs[1]["meta"]["citations"]
    assert cites and "refund" in (cites[0]["article_id"] + cites[0]["title"]).lower()
    page = client.get(f"/help/{cites[0]['article_id']}")
    assert page.status_code == 200 and cites[0]["title"].split()[0] in page.text


def test_unanswerable_question_is_honest_and_offers_a_human(client: TestClient) -> None:
    cid, h = start_chat(client)
    client.post(f"/api/conversations/{cid}/messages", json={"body": "What is the airspeed of an unladen swallow?"},
                headers=h)
    reply = messages(client, cid, h)[-1]
    assert reply["author"] == "ai" and reply["meta"]["no_answer"] is True
    assert "person" in reply["body"].lower() and not reply["meta"]["citations"]


def test_retried_message_is_stored_once(client: TestClient, services: Services) -> None:
    cid, h = start_chat(client)
    first = client.post(f"/api/conversations/{cid}/messages", json={"body": "hello", "client_id": "abc"}, headers=h)
    again = client.post(f"/api/conversations/{cid}/messages", json={"body": "hello", "client_id": "abc"}, headers=h)
    assert first.json()["seq"] == again.json()["seq"] and again.json()["duplicate"] is True
    with services.work() as work:
        stored = work.session.scalars(select(Message).where(Message.client_id == "abc")).all()
    assert len(stored) == 1


NO_AGENT = ("No agent is online right now. You keep your place in the queue and we have alerted our on-demand team; "
            "we will tell you as soon as someone joins.")
PLACE = "You are number {position} in the queue for a person."


def test_request_for_a_human_in_free_text_queues_even_with_no_agent_online(client: TestClient,
                                                                          services: Services) -> None:
    for text, lang in [("I want to talk to a real person", "en"), ("Jag vill prata med en människa", "sv"),
                       ("Ich möchte mit einem Mitarbeiter sprechen", "de"), ("je veux parler à un conseiller", "fr"),
                       ("quiero hablar con una persona", "es"), ("voglio parlare con un operatore", "it"),
                       ("ik wil met een medewerker praten", "nl"), ("quero falar com um atendente", "pt"),
                       ("chcę rozmawiać z konsultantem", "pl"), ("haluan puhua ihmisen kanssa", "fi")]:
        cid, h = start_chat(client, language=lang)
        client.post(f"/api/conversations/{cid}/messages", json={"body": text}, headers=h)
        state = client.get(f"/api/conversations/{cid}", headers=h).json()
        assert state["state"] == "waiting_human", text
        assert state["queue"]["position"] >= 1 and state["queue"]["agents_online"] == 0
        assert state["queue"]["eta_seconds"] is None
        # the position and the honest "nobody is online" come in the customer's language
        assert state["queue"]["explanation"] == _t(lang, NO_AGENT)
        assert state["queue"]["text"].startswith(_t(lang, PLACE, position=state["queue"]["position"]))
        assert (lang == "en") == ("No agent is online" in state["queue"]["text"]), text
        with services.work() as work:
            entry = work.session.scalars(select(Handoff).where(Handoff.conversation_id == cid)).one()
        assert entry.status == "waiting" and entry.reason == "customer_request"


def test_button_always_queues_and_is_idempotent(client: TestClient, services: Services) -> None:
    cid, h = start_chat(client)
    for _ in range(2):
        r = client.post(f"/api/conversations/{cid}/handoff", headers=h)
        assert r.status_code == 202 and r.json()["state"] == "waiting_human"
    with services.work() as work:
        assert len(work.session.scalars(select(Handoff).where(Handoff.conversation_id == cid)).all()) == 1


def test_card_numbers_are_masked_before_storage(client: TestClient, services: Services) -> None:
    cid, h = start_chat(client)
    client.post(f"/api/conversations/{cid}/messages", json={"body": "my card 4111 1111 1111 1111 was charged"},
                headers=h)
    with services.work() as work:
        bodies = " ".join(m.body for m in work.session.scalars(select(Message)))
    assert "4111 1111 1111 1111" not in bodies and "•••• 1111" in bodies


def test_bad_input_gets_clear_errors_and_changes_nothing(client: TestClient, services: Services) -> None:
    cid, h = start_chat(client)
    url = f"/api/conversations/{cid}/messages"
    bad = client.post(url, content=b"{not json", headers={**h, "Content-Type": "application/json"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "malformed_json"
    huge = client.post(url, json={"body": "x" * 4001}, headers=h)
    assert huge.status_code == 422 and "4000" in huge.json()["error"]["message"]
    empty = client.post(url, json={"body": "   "}, headers=h)
    assert empty.status_code == 422 and empty.json()["error"]["message"] == "message is empty"
    extra = client.post(url, json={"body": "hi", "admin": True}, headers=h)
    assert extra.status_code == 422
    wrong = client.post(url, json={"body": "hi"}, headers={"X-Conversation-Token": "nope"})
    assert wrong.status_code == 401
    unknown = client.get("/api/conversations/conv_missing", headers=h)
    assert unknown.status_code == 401 and unknown.json()["error"]["code"] == "unauthorized"
    assert client.post(f"/api/conversations/{cid}/rating", json={"score": 5}, headers=h).status_code == 409
    assert messages(client, cid, h) == []


def test_other_customers_token_cannot_read(client: TestClient) -> None:
    a, ha = start_chat(client)
    b, hb = start_chat(client)
    client.post(f"/api/conversations/{a}/messages", json={"body": "secret question about refunds"}, headers=ha)
    assert client.get(f"/api/conversations/{a}/messages", headers=hb).status_code == 401


def test_end_and_rate(client: TestClient) -> None:
    cid, h = start_chat(client)
    client.post(f"/api/conversations/{cid}/messages", json={"body": "how do I update my card?"}, headers=h)
    assert client.post(f"/api/conversations/{cid}/end", headers=h).json()["state"] == "resolved"
    assert client.post(f"/api/conversations/{cid}/rating", json={"score": 0}, headers=h).status_code == 422
    r = client.post(f"/api/conversations/{cid}/rating", json={"score": 4, "comment": "quick"}, headers=h)
    assert r.status_code == 200 and r.json()["rating"] == 4
    after = client.post(f"/api/conversations/{cid}/messages", json={"body": "hello?"}, headers=h)
    assert after.status_code == 409
