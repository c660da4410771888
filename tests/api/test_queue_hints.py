"""Queue hints on the agent sockets (issue 17): coalesced to at most one per window with the burst's last state
always delivered, sent only to the consoles whose agent could take the work that moved, and carrying no
conversation id."""

from __future__ import annotations

import contextlib
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tandem.api import ws as ws_module
from tandem.engines.routing import RoutingConfig
from tandem.services import conversations, queue
from tandem.services.context import Services
from tandem.services.routing_live import QueueReach

from .conftest import go, login, start_chat, tick

pytestmark = pytest.mark.timeout(60)
WINDOW_S = 0.25


@pytest.fixture(autouse=True)
def _short_hint_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ws_module, "HINT_WINDOW_S", WINDOW_S)


def _console(stack: contextlib.ExitStack, client: TestClient, email: str) -> tuple[Any, str]:
    sock = stack.enter_context(client.websocket_connect("/ws/agent"))
    sock.send_json({"type": "auth", "token": login(client, email)["Authorization"][7:]})
    hello = sock.receive_json()
    assert hello["type"] == "hello"
    return sock, hello["agent_id"]


def _frames_until_marker(services: Services, sock: Any, agent_id: str) -> list[dict[str, Any]]:
    services.bus.publish(f"agent:{agent_id}", {"type": "marker"})
    frames = []
    while (event := sock.receive_json())["type"] != "marker":
        frames.append(event)
    return frames


def _hints(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in frames if f["type"] in ("queue.changed", "agents.changed")]


def test_reach_is_the_routers_rule_at_the_most_relaxed_wait() -> None:
    config = RoutingConfig()
    verified_en = QueueReach(config, {"payments": 2, "fraud": 2}, frozenset({"en"}))
    senior_de = QueueReach(config, {"fraud": 3}, frozenset({"de"}))
    new_sv = QueueReach(config, {"payments": 1}, frozenset({"sv"}))
    assert verified_en.covers("payments", "en")
    assert verified_en.covers("payments", "sv")  # English is every language's fallback after 120 s
    assert not verified_en.covers("fraud", "en")  # sensitive: seniors only, at any wait
    assert not verified_en.covers("refunds", "en")  # not certified
    assert senior_de.covers("fraud", "de") and not senior_de.covers("fraud", "sv")
    assert new_sv.covers("payments", "sv")  # a new agent's tier is accepted after 60 s
    assert not new_sv.covers("payments", "en")  # English does not fall back to Swedish
    assert verified_en.covers(None, "en") == verified_en.covers("account", "en") is False  # general = account


def test_a_burst_says_queue_changed_to_whom_it_concerns() -> None:
    config = RoutingConfig()
    fraud_only = QueueReach(config, {"fraud": 3}, frozenset({"en"}))
    payments_only = QueueReach(config, {"payments": 2}, frozenset({"en"}))
    burst = ws_module._Burst.of([{"type": "queue.changed", "cells": [["fraud", "en"]]},
                                 {"type": "queue.changed", "cells": [["fraud", "sv"], ["fraud", "en"]]}])
    assert burst.kind_for(fraud_only) == "queue.changed"
    assert burst.kind_for(payments_only) is None
    assert burst.kind_for(None) == "queue.changed"  # a customer's socket: every change
    with_agents = ws_module._Burst.of([{"type": "queue.changed", "cells": [["fraud", "en"]]},
                                       {"type": "agents.changed"}])
    assert with_agents.kind_for(payments_only) == "agents.changed"
    assert with_agents.kind_for(fraud_only) == "queue.changed"
    no_cells = ws_module._Burst.of([{"type": "queue.changed", "conversation_id": "c1"}])
    assert no_cells.kind_for(payments_only) == "queue.changed"  # a change that names no cell concerns everyone


def test_an_ineligible_console_gets_no_hint_of_a_sensitive_escalation(client: TestClient, seeded: Services) -> None:
    """A fraud case (seniors only) is escalated: Ana (senior) is told the queue changed, Ben (verified) is told
    nothing, and neither frame names the conversation."""
    with contextlib.ExitStack() as stack:
        ana, ana_id = _console(stack, client, "ana@agents.example")
        ben, ben_id = _console(stack, client, "ben@agents.example")
        with seeded.work() as work:
            conv, _ = conversations.create(work, language="en")
            queue.request_human(work, conv, reason="customer_button", topic="fraud")
        time.sleep(WINDOW_S * 2.5)
        ana_hints = _hints(_frames_until_marker(seeded, ana, ana_id))
        ben_hints = _hints(_frames_until_marker(seeded, ben, ben_id))
    assert ana_hints == [{"type": "queue.changed"}]
    assert ben_hints == []


def test_a_coalesced_burst_always_delivers_its_last_state(client: TestClient, seeded: Services) -> None:
    """Ben's only concern in a burst is its last event, after the first (which does not concern him) was sent
    at once: he still gets one hint, trailing. Ana, concerned by all of it, gets the first at once and one
    trailing, never forty."""
    with contextlib.ExitStack() as stack:
        ana, ana_id = _console(stack, client, "ana@agents.example")
        ben, ben_id = _console(stack, client, "ben@agents.example")
        burst = [{"type": "queue.changed", "conversation_id": f"c{i}", "cells": [["fraud", "en"]]} for i in range(39)]
        burst.append({"type": "queue.changed", "conversation_id": "c39", "cells": [["payments", "fr"]]})
        for event in burst:
            seeded.bus.publish("queue", event)
        time.sleep(WINDOW_S * 2.5)
        ana_hints = _hints(_frames_until_marker(seeded, ana, ana_id))
        ben_hints = _hints(_frames_until_marker(seeded, ben, ben_id))
    assert 2 <= len(ana_hints) <= 6 and ana_hints[-1] == {"type": "queue.changed"}
    assert ben_hints == [{"type": "queue.changed"}]


def test_a_new_certification_reaches_the_hints_at_the_next_session_check(
        client: TestClient, seeded: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ben is made senior while his console is open: from the session check that follows (every
    SESSION_RECHECK_S, on a ping) he is told of fraud cases too."""
    from tandem.services import agents as agent_service

    monkeypatch.setattr(ws_module, "SESSION_RECHECK_S", 0.0)  # every ping re-reads the session
    fraud = {"type": "queue.changed", "cells": [["fraud", "en"]]}
    with contextlib.ExitStack() as stack:
        ben, ben_id = _console(stack, client, "ben@agents.example")
        seeded.bus.publish("queue", fraud)
        time.sleep(WINDOW_S * 2.5)
        assert _hints(_frames_until_marker(seeded, ben, ben_id)) == []
        with seeded.work() as work:
            agent_service.grant_skill(work, ben_id, "fraud", 3, granted_by="test")
        ben.send_json({"type": "ping"})
        assert ben.receive_json()["type"] == "pong"  # the check ran before the pong
        seeded.bus.publish("queue", fraud)
        time.sleep(WINDOW_S * 2.5)
        assert _hints(_frames_until_marker(seeded, ben, ben_id)) == [{"type": "queue.changed"}]


def test_a_cycles_queue_events_name_their_cells(client: TestClient, seeded: Services,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Hand-off, accept and resolve each say which (topic, language) cell changed, so the hint can be filtered;
    the dispatcher's own reading of the events ("dispatch") is unchanged."""
    published: list[tuple[str, dict[str, Any]]] = []
    real = seeded.bus.publish_many

    def record(events: Any) -> None:
        published.extend(events)
        real(events)

    monkeypatch.setattr(seeded.bus, "publish_many", record)
    ana = login(client, "ana@agents.example")
    go(client, ana, "available")
    cid, h = start_chat(client, language="sv")
    assert client.post(f"/api/conversations/{cid}/handoff", headers=h).status_code == 202
    tick(seeded)
    offer = client.get("/api/agent/offers", headers=ana).json()["offers"][0]
    assert client.post(f"/api/agent/offers/{offer['id']}/accept", headers=ana).status_code == 200
    assert client.post(f"/api/agent/conversations/{cid}/resolve", headers=ana).status_code == 200
    changes = [e for topic, e in published if topic == "queue" and e["type"] == "queue.changed"
               and e.get("conversation_id") == cid]
    assert len(changes) == 3
    assert all(e["cells"] == [["account", "sv"]] for e in changes)
    assert [e.get("dispatch", True) for e in changes] == [True, False, "room"]
