"""Object-level authorization: agents only on their own conversations; supervisors for canned CRUD and takeover."""

from __future__ import annotations

import pytest

from tandem.storage.models import AuditEntry

from .conftest import Desk

AGENT_ROUTES = [
    ("GET", "/card", None),
    ("POST", "/suggestions", None),
    ("GET", "/canned", None),
    ("POST", "/actions", {"action": "pause_payment", "order_id": "ord_maya_pay4", "days": 3}),
    ("POST", "/transfer", {"language": "fr"}),
    ("GET", "/whispers", None),
]


@pytest.mark.parametrize(("method", "path", "body"), AGENT_ROUTES)
def test_an_agent_gets_404_on_a_conversation_that_is_not_theirs(desk: Desk, method: str, path: str,
                                                                body: dict | None) -> None:
    ana, ben = desk.login("ana"), desk.login("ben")
    cid, _ = desk.chat("I need to pause my payment")
    desk.claim(cid, ana)
    theirs = desk.wb(method, f"/conversations/{cid}{path}", ben, json=body)
    missing = desk.wb(method, f"/conversations/conv_nope{path}", ben, json=body)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["error"]["message"] == missing.json()["error"]["message"]
    assert desk.wb(method, f"/conversations/{cid}{path}", ana, json=body).status_code in (200, 201)


def test_without_a_token_every_workbench_route_is_401(desk: Desk) -> None:
    cid, _ = desk.chat("hello")
    assert desk.client.get(f"/api/workbench/conversations/{cid}/card").status_code == 401
    assert desk.client.get("/api/workbench/live").status_code == 401


def test_a_supervisor_reads_any_card_but_acts_only_on_their_own(desk: Desk) -> None:
    ana, sam = desk.login("ana"), desk.login("sam", presence=None)
    cid, _ = desk.chat("When is my next payment due?")
    desk.claim(cid, ana)
    assert desk.wb("GET", f"/conversations/{cid}/card", sam).status_code == 200
    action = {"action": "pause_payment", "order_id": "ord_maya_pay4", "days": 3}
    assert desk.wb("POST", f"/conversations/{cid}/actions", sam, json=action).status_code == 404
    assert desk.wb("POST", f"/conversations/{cid}/suggestions", sam).status_code == 404


def test_canned_response_crud_is_for_supervisors_and_placeholders_fill_per_customer(desk: Desk) -> None:
    ana, sam = desk.login("ana"), desk.login("sam", presence=None)
    body = {"title": "Next payment", "shortcut": "next-due",
            "body": "Hi {customer_name}, your order {order_id} is next due on {due_date}. {unknown}"}
    assert desk.wb("POST", "/canned", ana, json=body).status_code == 403
    created = desk.wb("POST", "/canned", sam, json=body)
    assert created.status_code == 201, created.text
    canned_id = created.json()["id"]
    assert desk.wb("POST", "/canned", sam, json=body).status_code == 409  # the shortcut is taken
    assert desk.wb("PATCH", f"/canned/{canned_id}", ana, json={"title": "x"}).status_code == 403
    assert desk.wb("DELETE", f"/canned/{canned_id}", ana).status_code == 403
    patched = desk.wb("PATCH", f"/canned/{canned_id}", sam, json={"title": "When is my payment due"})
    assert patched.status_code == 200 and patched.json()["title"] == "When is my payment due"
    assert [c["id"] for c in desk.wb("GET", "/canned?q=payment", ana).json()["canned"]] == [canned_id]
    assert desk.wb("GET", "/canned?q=zebra", ana).json()["canned"] == []

    cid, _ = desk.chat("When do I pay?")
    desk.claim(cid, ana)
    [filled] = desk.wb("GET", f"/conversations/{cid}/canned", ana).json()["canned"]
    assert filled["filled"].startswith("Hi Maya, your order ord_maya_")
    assert "{due_date}" not in filled["filled"] and "{unknown}" in filled["filled"]

    assert desk.wb("DELETE", f"/canned/{canned_id}", sam).status_code == 200
    assert desk.wb("DELETE", f"/canned/{canned_id}", sam).status_code == 404


def test_takeover_is_for_supervisors_and_moves_the_chat_to_them(desk: Desk) -> None:
    ana, ben, sam = desk.login("ana"), desk.login("ben"), desk.login("sam", presence=None)
    cid, token = desk.chat("My refund is missing")
    desk.claim(cid, ana)
    assert desk.wb("POST", f"/conversations/{cid}/takeover", ben).status_code == 403
    assert desk.client.get("/api/agent/me", headers=sam).json()["presence"] == "offline"
    r = desk.wb("POST", f"/conversations/{cid}/takeover", sam)
    # taking over makes the supervisor available, so heartbeats protect the customer like any agent's chat
    assert desk.client.get("/api/agent/me", headers=sam).json()["presence"] == "available"
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "with_human"
    mine = desk.client.get("/api/agent/conversations", headers=ana).json()["conversations"]
    assert cid not in [c["id"] for c in mine]
    assert desk.wb("GET", f"/conversations/{cid}/card", ana).status_code == 404
    reply = desk.client.post(f"/api/agent/conversations/{cid}/messages", json={"body": "Sam here, taking over."},
                             headers=sam)
    assert reply.status_code == 201
    bodies = [m["body"] for m in desk.client.get(f"/api/conversations/{cid}/messages", headers=token)
              .json()["messages"]]
    assert "Sam here, taking over." in bodies
    assert desk.client.get("/api/agent/me", headers=ana).json()["load"] == 0
    assert desk.wb("POST", f"/conversations/{cid}/takeover", sam).status_code == 409
    with desk.services.work() as work:
        actions = [a.action for a in work.session.query(AuditEntry).filter(AuditEntry.subject == cid)]
    assert "conversation.takeover" in actions


def test_the_live_view_is_for_supervisors_and_lists_long_waits(desk: Desk, clock) -> None:  # type: ignore[no-untyped-def]
    ana, sam = desk.login("ana"), desk.login("sam", presence=None)
    waiting, _ = desk.chat("hello?")
    taken, _ = desk.chat("hi")
    desk.claim(taken, ana)
    clock.advance(300)
    assert desk.wb("GET", "/live", ana).status_code == 403
    live = desk.wb("GET", "/live?long_wait_s=120", sam).json()
    states = {c["id"]: c["state"] for c in live["conversations"]}
    assert states[waiting] == "waiting_human" and states[taken] == "with_human"
    assert [c["id"] for c in live["long_waiting"]] == [waiting]
    assert desk.wb("GET", "/suggestions/stats", ana).status_code == 403
