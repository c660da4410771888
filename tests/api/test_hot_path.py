"""The requests of one escalate -> offer -> accept -> reply -> resolve cycle: how many transactions and conversation
row writes each costs (issue 17, item 3), and which of them wake the dispatcher."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import event

from tandem.api.app import DispatchLoop
from tandem.core.clock import FakeClock
from tandem.services import queue
from tandem.services.context import Services
from tandem.services.leader import Lease
from tandem.testing.sql import statements

from .conftest import go, login, start_chat, tick


@contextmanager
def counted(services: Services) -> Iterator[dict[str, int]]:
    """Commits and `UPDATE conversations` statements on this test's own engine while the block runs."""
    seen = {"commits": 0, "conversation_updates": 0}

    def commit(_conn: Any) -> None:
        seen["commits"] += 1

    def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        if sql.lstrip().upper().startswith("UPDATE CONVERSATIONS"):
            seen["conversation_updates"] += 1

    engine = services.db.engine
    event.listen(engine, "commit", commit)
    event.listen(engine, "before_cursor_execute", statement)
    try:
        yield seen
    finally:
        event.remove(engine, "commit", commit)
        event.remove(engine, "before_cursor_execute", statement)


def cost(services: Services, call: Callable[[], httpx.Response], status: int) -> dict[str, int]:
    with counted(services) as seen:
        r = call()
    assert r.status_code == status, r.text
    return seen


def test_each_request_of_a_cycle_is_one_transaction_writing_the_conversation_once_per_change(
        client: TestClient, seeded: Services) -> None:
    cid, customer = start_chat(client)
    ana = login(client, "ana@agents.example")
    go(client, ana, "available")
    # the request itself, then a read of the wait estimate; the conversation row: its state, with the handoff
    # message's number in the same UPDATE
    assert cost(seeded, lambda: client.post(f"/api/conversations/{cid}/handoff", headers=customer), 202) == \
        {"commits": 2, "conversation_updates": 1}
    assert tick(seeded) == 1
    [offer] = client.get("/api/agent/offers", headers=ana).json()["offers"]
    # the session is checked in the request's own transaction; the row: taken, with the "joined" message's number
    assert cost(seeded, lambda: client.post(f"/api/agent/offers/{offer['id']}/accept", headers=ana), 200) == \
        {"commits": 1, "conversation_updates": 1}
    reply = cost(seeded, lambda: client.post(f"/api/agent/conversations/{cid}/messages", headers=ana,
                                             json={"body": "Hello, I can help."}), 201)
    assert reply == {"commits": 1, "conversation_updates": 1}  # the sequence number and updated_at together
    assert cost(seeded, lambda: client.post(f"/api/agent/conversations/{cid}/resolve", headers=ana), 200) == \
        {"commits": 1, "conversation_updates": 1}


def test_the_handoff_answer_reports_the_queue_from_the_request_itself(client: TestClient, seeded: Services) -> None:
    cid, customer = start_chat(client)
    first = client.post(f"/api/conversations/{cid}/handoff", headers=customer).json()
    assert first["state"] == "waiting_human" and first["queue"]["position"] == 1
    again = client.post(f"/api/conversations/{cid}/handoff", headers=customer).json()  # already queued
    assert again["state"] == "waiting_human" and again["queue"]["position"] == 1
    ana = login(client, "ana@agents.example")
    go(client, ana, "available")
    assert tick(seeded) == 1
    [offer] = client.get("/api/agent/offers", headers=ana).json()["offers"]
    assert client.post(f"/api/agent/offers/{offer['id']}/accept", headers=ana).status_code == 200
    taken = client.post(f"/api/conversations/{cid}/handoff", headers=customer).json()
    assert taken["state"] == "with_human" and taken["queue"] is None


def test_a_taken_conversation_does_not_wake_the_dispatcher(client: TestClient, seeded: Services) -> None:
    pokes: list[int] = []
    seeded.on_queue_change = lambda room_only: pokes.append(1)
    cid, customer = start_chat(client)
    ana = login(client, "ana@agents.example")
    go(client, ana, "available")
    pokes.clear()
    client.post(f"/api/conversations/{cid}/handoff", headers=customer)
    assert len(pokes) == 1  # a new entry waits: a pass soon
    assert tick(seeded) == 1
    [offer] = client.get("/api/agent/offers", headers=ana).json()["offers"]
    client.post(f"/api/agent/offers/{offer['id']}/accept", headers=ana)
    assert len(pokes) == 1  # taken: nothing new to offer
    client.post(f"/api/agent/conversations/{cid}/resolve", headers=ana)
    assert len(pokes) == 2  # a slot freed: a pass soon


def test_wait_estimates_share_the_floor_for_a_second(client: TestClient, seeded: Services, clock: FakeClock) -> None:
    """The aggregates over every available agent and the day's handle times are read once per FLOOR_TTL_S, not for
    every handoff answer; after that they are read again and see the agent who came online meanwhile."""
    aggregates: list[str] = []

    def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        if "sum(agents.capacity)" in sql.lower():
            aggregates.append(sql)

    event.listen(seeded.db.engine, "before_cursor_execute", statement)
    try:
        answers = []
        for _ in range(3):
            cid, h = start_chat(client)
            answers.append(client.post(f"/api/conversations/{cid}/handoff", headers=h).json()["queue"])
            clock.advance(0.1)
        assert len(aggregates) == 1 and [a["position"] for a in answers] == [1, 2, 3]
        assert {a["agents_online"] for a in answers} == {0}
        go(client, login(client, "ana@agents.example"), "available")
        clock.advance(queue.FLOOR_TTL_S)
        cid, h = start_chat(client)
        later = client.post(f"/api/conversations/{cid}/handoff", headers=h).json()["queue"]
        assert len(aggregates) == 2 and later["agents_online"] == 1 and later["position"] == 4
    finally:
        event.remove(seeded.db.engine, "before_cursor_execute", statement)



def test_a_pass_making_an_offer_writes_the_conversation_row_once(client: TestClient, seeded: Services) -> None:
    """The offer's conditional UPDATE reserves the conversation and moves it to `offered` in one statement (it was
    a reserve, then a transition: two writes of the row); the customer still sees the state change."""
    cid, customer = start_chat(client)
    ana = login(client, "ana@agents.example")
    go(client, ana, "available")
    assert client.post(f"/api/conversations/{cid}/handoff", headers=customer).status_code == 202
    with counted(seeded) as seen:
        assert tick(seeded) == 1
    assert seen == {"commits": 1, "conversation_updates": 1}
    assert client.get(f"/api/conversations/{cid}", headers=customer).json()["state"] == "offered"


def test_the_statements_of_a_cycle(client: TestClient, seeded: Services) -> None:
    """The statements of a live pass and of accept, first reply and resolve (bench/cycle_statements.py counts the
    same over many cycles), pinned so that they cannot creep back. Until 4 Dec 2026: pass 10, accept 10, resolve
    10; until 5 Dec 2026: accept 9, first reply 5, resolve 9."""
    cid, customer = start_chat(client)
    ana = login(client, "ana@agents.example")
    go(client, ana, "available")
    dispatcher = DispatchLoop(seeded, Lease(seeded.db, "dispatcher"))
    seeded.on_routing_change = dispatcher.live.note
    assert dispatcher.loop.run_once() is True  # takes the lease and restores the engine: nothing waits yet
    assert client.post(f"/api/conversations/{cid}/handoff", headers=customer).status_code == 202
    dispatcher._next_reviews = float("inf")  # within a second of the last look for idle seniors
    engine = seeded.db.engine
    with statements(engine) as seen:
        assert dispatcher.loop.run_once() is True
    # the lease fence and renewal; whether any offer is due or review work stale; the new conversation with its
    # waiting entry and that entry's offers; the surge bonus; the reserving UPDATE; the offer
    assert len(seen) == 6, seen
    [offer] = client.get("/api/agent/offers", headers=ana).json()["offers"]
    with statements(engine) as seen:
        assert client.post(f"/api/agent/offers/{offer['id']}/accept", headers=ana).status_code == 200
    # the session; the offer taken (ownership, deadline and state in one UPDATE); the agent's load; the
    # conversation, taking the "joined" message's number in the same UPDATE; the other pending offers; the entry;
    # the "joined" message; the audit record
    assert len(seen) == 8, seen
    with statements(engine) as seen:
        assert client.post(f"/api/agent/conversations/{cid}/messages", headers=ana,
                           json={"body": "Hello", "client_id": "c1"}).status_code == 201
    # the session with the conversation (one statement); the client id; the sequence number; the message
    assert len(seen) == 4, seen
    with statements(engine) as seen:
        assert client.post(f"/api/agent/conversations/{cid}/resolve", headers=ana).status_code == 200
    # the session with the conversation; the stint's offer; the ledger; the skills for the tier (ana can rise in
    # none: her record is not read); the conversation's UPDATE; the entry closed in one UPDATE; the agent's load
    assert len(seen) == 7, seen
