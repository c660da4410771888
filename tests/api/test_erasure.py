"""Erasure is complete (issue 14, finding 12): nothing tied to the customer survives, open chats close, tokens
stop working, anonymous chats are found by id and token, and the erasure is recorded without personal data."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tandem.services import conversations, privacy
from tandem.services.context import Services
from tandem.storage.models import AuditEntry, Conversation, Handoff
from tandem.storage.models_quality import ReviewScore, ReviewTask
from tandem.storage.models_workbench import ReplySuggestion, Whisper
from tandem.storage.models_workforce import LedgerEntry

from .conftest import go, login, start_chat

REF, ORDER = "cus_demo_maya", "ord_maya_pay4"


def _everything(services: Services) -> str:
    """Every row of every table Tandem and the demo backend keep, as one string."""
    from sqlalchemy import MetaData

    out = []
    with services.db.engine.connect() as conn:
        meta = MetaData()
        meta.reflect(conn)
        for table in meta.sorted_tables:
            if table.name in ("demo_customers", "demo_orders", "demo_order_items", "demo_installments",
                              "demo_refunds", "demo_cards", "demo_payments"):
                continue  # the account itself is the company's record, not Tandem's
            out += [f"{table.name}: {tuple(row)}" for row in conn.execute(table.select())]
    return "\n".join(out)


def test_erasing_a_customer_leaves_nothing_tied_to_them(client: TestClient, seeded: Services) -> None:
    cid, token = start_chat(client, customer_ref=REF)
    client.post(f"/api/conversations/{cid}/messages", json={"body": f"Please pause {ORDER}, I'm Maya"}, headers=token)
    client.post(f"/api/conversations/{cid}/handoff", json={"reason": "customer_button"}, headers=token)
    ana, sam = login(client, "ana@agents.example"), login(client, "sam@agents.example")
    go(client, ana, "available")
    assert client.post(f"/api/agent/conversations/{cid}/claim", headers=ana).status_code == 200
    client.post(f"/api/workbench/conversations/{cid}/actions", headers=ana,
                json={"action": "pause_payment", "order_id": ORDER, "days": 7})
    client.post(f"/api/workbench/conversations/{cid}/suggestions", headers=ana)
    client.post(f"/api/workbench/conversations/{cid}/whispers", json={"body": "Maya sounds upset"}, headers=sam)
    ana_id = client.get("/api/agent/me", headers=ana).json()["id"]
    assert client.post(f"/api/workforce/agents/{ana_id}/adjustments", headers=sam,
                       json={"amount": "1.00", "note": "Maya chat bonus", "conversation_id": cid}).status_code == 201
    client.get(f"/api/privacy/customers/{REF}/export", headers=sam)
    with seeded.work() as work:  # what the assistant understood, and a QA review with a comment
        conv = conversations.get(work, cid)
        conv.intent, conv.topic, conv.sentiment = "kb:pause-a-payment", "payments", -0.4
        work.session.add(ReviewTask(id="rvt_maya", conversation_id=cid, handled_by="human", intent=conv.intent,
                                    status="done", created_at=work.now, pay=Decimal("0")))
        work.session.flush()
        work.session.add(ReviewScore(task_id="rvt_maya", reviewer_id=ana_id, correct=True, complete=True,
                                     policy_safe=True, tone=4, should_have_escalated=False, passed=True,
                                     comment="Maya's order was late", at=work.now))
    assert seeded.backend is not None and seeded.backend.audit_log(REF)  # type: ignore[attr-defined]
    before = _everything(seeded)
    assert "Maya" in before and ORDER in before and REF in before

    r = client.delete(f"/api/privacy/customers/{REF}", headers=sam)
    assert r.status_code == 200 and r.json()["erased_conversations"] == 1 and r.json()["backend_log_rows"] >= 1
    left = _everything(seeded)
    for needle in ("Maya", ORDER, REF, "pause-a-payment", "upset"):
        assert needle not in left, [line for line in left.splitlines() if needle in line][:5]
    with seeded.work() as work:
        conv = conversations.get(work, cid)
        assert conv.state == "resolved" and conv.assignee_id is None  # the open chat was closed
        assert (conv.intent, conv.topic, conv.sentiment, conv.escalation_reason) == (None, None, None, None)
        assert work.session.scalars(select(ReviewScore.comment)).one() == privacy.ERASED
        assert {n for n in work.session.scalars(select(LedgerEntry.note)) if n} == {privacy.ERASED}
        assert all(b == privacy.ERASED for b in work.session.scalars(select(ReplySuggestion.body)))
        assert all(b == privacy.ERASED for b in work.session.scalars(select(Whisper.body)))
        erased = work.session.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.erase")).one()
        assert erased.subject == privacy.pseudonym(REF) and erased.detail == {"conversations": 1}
    assert client.get("/api/agent/me", headers=ana).json()["load"] == 0
    assert client.get(f"/api/conversations/{cid}", headers=token).status_code == 401  # the token is revoked
    assert client.post(f"/api/conversations/{cid}/messages", json={"body": "still here?"}, headers=token
                       ).status_code == 401


def test_an_anonymous_chat_is_found_by_its_id_and_token(client: TestClient, seeded: Services) -> None:
    cid, token = start_chat(client)
    other, other_token = start_chat(client)
    client.post(f"/api/conversations/{cid}/messages", json={"body": "I am Jo Example, jo@example.org"},
                headers=token)
    client.post(f"/api/conversations/{cid}/handoff", json={"reason": "customer_button"}, headers=token)
    sam = login(client, "sam@agents.example")
    url = f"/api/privacy/conversations/{cid}"
    assert client.delete(url, headers={**sam, **other_token}).status_code == 404  # another chat's token
    assert client.delete(url, headers=sam).status_code == 401  # no token
    assert client.delete(url, headers={**login(client, "ana@agents.example"), **token}).status_code == 403
    r = client.delete(url, headers={**sam, **token})
    assert r.status_code == 200 and r.json() == {"erased_conversations": 1}
    assert "jo@example.org" not in _everything(seeded) and "Jo Example" not in _everything(seeded)
    with seeded.work() as work:
        conv = work.session.get(Conversation, cid)
        assert conv is not None and conv.state == "abandoned"  # it was waiting: the queue entry is closed
        assert work.session.scalars(select(Handoff.status).where(Handoff.conversation_id == cid)).one() == "abandoned"
    assert client.get(f"/api/conversations/{cid}", headers=token).status_code == 401
    assert client.get(f"/api/conversations/{other}", headers=other_token).status_code == 200


@pytest.mark.timeout(30)  # without the fix the socket stays open and the read below waits for ever
def test_erasure_closes_the_customers_open_websockets(client: TestClient, seeded: Services) -> None:
    cid, token = start_chat(client, customer_ref=REF)
    sam = login(client, "sam@agents.example")
    with client.websocket_connect(f"/ws/conversations/{cid}") as ws:
        ws.send_json({"type": "auth", "token": token["X-Conversation-Token"], "after": 0})
        assert ws.receive_json()["type"] == "status"
        assert client.delete(f"/api/privacy/customers/{REF}", headers=sam).status_code == 200
        frames = []
        while True:  # the state change first, then the closing error frame
            frame = ws.receive_json()
            frames.append(frame)
            if frame["type"] == "error":
                break
        assert frames[-1]["error"]["details"] == {"erased": True}
        closed = ws.receive()
        assert closed["type"] == "websocket.close" and closed["code"] == 4401
