"""Through the API: the assistant acts on the signed-in customer's account and records what it did."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tandem.backend.demo import DemoBackend
from tandem.services.context import Services

from .conftest import start_chat

MAYA = "cus_demo_maya"


def ai_messages(client: TestClient, cid: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    messages = client.get(f"/api/conversations/{cid}/messages", headers=headers).json()["messages"]
    return [m for m in messages if m["author"] == "ai"]


def say(client: TestClient, cid: str, headers: dict[str, str], text: str) -> dict[str, Any]:
    r = client.post(f"/api/conversations/{cid}/messages", json={"body": text}, headers=headers)
    assert r.status_code == 201, r.text
    return ai_messages(client, cid, headers)[-1]


def test_pause_after_a_clarifying_question_is_done_and_recorded(client: TestClient, seeded: Services) -> None:
    backend = seeded.backend
    assert isinstance(backend, DemoBackend)
    cid, h = start_chat(client, customer_ref=MAYA)
    question = say(client, cid, h, "Please pause my payment for 7 days")
    assert question["meta"]["actions"] == [{"action": "pause_payment", "order": None, "outcome": "clarify",
                                            "policy": None}]
    assert "Northwind Outfitters" in question["body"] and "Lumen Home" in question["body"]
    done = say(client, cid, h, "Northwind")
    assert done["meta"]["actions"] == [{"action": "pause_payment", "order": "ord_maya_pay4", "outcome": "done",
                                        "policy": "allowed"}]
    assert backend.get_order(MAYA, "ord_maya_pay4").pauses_used == 1
    due = [i.due_on for i in backend.payment_schedule(MAYA, "ord_maya_pay4") if i.paid_on is None][0]
    assert f"{due.day} {due:%b %Y}" in done["body"]
    assert client.get(f"/api/conversations/{cid}", headers=h).json()["state"] == "ai"


def test_a_refusal_is_explained_and_the_next_message_reaches_a_person(client: TestClient, seeded: Services) -> None:
    cid, h = start_chat(client, customer_ref=MAYA)
    denied = say(client, cid, h, "pause ord_maya_pay4 for 30 days")
    assert denied["meta"]["actions"][0]["outcome"] == "denied"
    assert denied["meta"]["actions"][0]["policy"] == "days_out_of_range"
    assert "1 to 14 days" in denied["body"]
    client.post(f"/api/conversations/{cid}/messages", json={"body": "ok then"}, headers=h)
    assert client.get(f"/api/conversations/{cid}", headers=h).json()["state"] == "waiting_human"


def test_schedule_is_shown_with_amounts(client: TestClient, seeded: Services) -> None:
    cid, h = start_chat(client, customer_ref=MAYA)
    reply = say(client, cid, h, "Show me the payment schedule of my laptop order")
    assert reply["meta"]["actions"][0]["order"] == "ord_maya_fin"
    assert "$99.91" in reply["body"] and "Late fees outstanding: $7.00" in reply["body"]


def test_anonymous_chat_is_asked_to_sign_in(client: TestClient, seeded: Services) -> None:
    cid, h = start_chat(client)
    reply = say(client, cid, h, "pause my payment for 7 days")
    assert reply["meta"]["actions"][0]["outcome"] == "sign_in_required"
    assert "sign in" in reply["body"]
