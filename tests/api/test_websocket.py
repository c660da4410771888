from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tandem.api.app import create_app
from tandem.services import flows
from tandem.services.context import Services

from .conftest import go, login, start_chat

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(autouse=True)
def _short_hint_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """The coalescing tests wait out a few windows; a shorter one than the served 1 s keeps them quick."""
    from tandem.api import ws

    monkeypatch.setattr(ws, "HINT_WINDOW_S", 0.25)


def receive_until(ws, predicate, limit: int = 50) -> dict:  # type: ignore[no-untyped-def]
    for _ in range(limit):
        event = ws.receive_json()
        if predicate(event):
            return event
    raise AssertionError("event not received")


def test_reconnect_receives_everything_after_last_seq_in_order(client: TestClient) -> None:
    cid, h = start_chat(client)
    for question in ("How long does a refund take?", "Can I pause my payment?", "What is the late fee?"):
        client.post(f"/api/conversations/{cid}/messages", json={"body": question}, headers=h)
    stored = client.get(f"/api/conversations/{cid}/messages", headers=h).json()["messages"]
    assert [m["author"] for m in stored] == ["customer", "ai"] * 3
    with client.websocket_connect(f"/ws/conversations/{cid}") as ws:
        ws.send_json({"type": "auth", "token": h["X-Conversation-Token"], "after": 2})
        seqs = []
        while len(seqs) < 4:
            event = ws.receive_json()
            if event["type"] == "message":
                seqs.append(event["message"]["seq"])
    assert seqs == [3, 4, 5, 6]


def test_ws_message_is_acked_after_storage_and_retry_is_stored_once(client: TestClient) -> None:
    cid, h = start_chat(client)
    with client.websocket_connect(f"/ws/conversations/{cid}") as ws:
        ws.send_json({"type": "auth", "token": h["X-Conversation-Token"], "after": 0})
        ws.send_json({"type": "message", "body": "what is a late fee?", "client_id": "c-1"})
        ws.send_json({"type": "message", "body": "what is a late fee?", "client_id": "c-1"})
        events: list[dict] = []  # acks and the assistant's reply may arrive in any order
        while len([e for e in events if e["type"] == "ack"]) < 2 or not any(
                e["type"] == "message" and e["message"]["author"] == "ai" for e in events):
            events.append(ws.receive_json())
    ack, again = [e for e in events if e["type"] == "ack"]
    [reply] = [e for e in events if e["type"] == "message" and e["message"]["author"] == "ai"]
    assert ack["seq"] == again["seq"] == 1 and ack["duplicate"] is False and again["duplicate"] is True
    assert reply["message"]["meta"]["citations"]
    stored = client.get(f"/api/conversations/{cid}/messages", headers=h).json()["messages"]
    assert [m["author"] for m in stored].count("customer") == 1


def test_ws_rejects_wrong_token_and_bad_frames(client: TestClient) -> None:
    cid, h = start_chat(client)
    with client.websocket_connect(f"/ws/conversations/{cid}") as ws:
        ws.send_json({"type": "auth", "token": "forged"})
        assert ws.receive_json()["error"]["code"] == "unauthorized"
    with client.websocket_connect(f"/ws/conversations/{cid}") as ws:
        ws.send_json({"type": "auth", "token": h["X-Conversation-Token"]})
        ws.send_text("{broken")
        assert receive_until(ws, lambda e: e["type"] == "error")["error"]["message"] == "frame is not valid JSON"
        ws.send_json({"type": "message", "body": ""})
        assert receive_until(ws, lambda e: e["type"] == "error")["error"]["code"] == "invalid_input"


def test_agent_socket_gets_offers_and_logout_closes_it(client: TestClient, seeded: Services) -> None:
    from .conftest import tick

    ana = login(client, "ana@agents.example")
    go(client, ana, "available")
    with client.websocket_connect("/ws/agent") as ws:
        ws.send_json({"type": "auth", "token": ana["Authorization"][7:]})
        assert ws.receive_json()["type"] == "hello"
        cid, h = start_chat(client)
        client.post(f"/api/conversations/{cid}/handoff", headers=h)
        tick(seeded)
        offer = receive_until(ws, lambda e: e["type"] == "offer")
        assert offer["offer"]["conversation_id"] == cid
        client.post("/api/agent/logout", headers=ana)
        closed = receive_until(ws, lambda e: e["type"] == "session.closed")
        assert closed["reason"] == "logged out"


def test_binary_frame_gets_an_error_not_a_dropped_socket(client: TestClient) -> None:
    cid, h = start_chat(client)
    with client.websocket_connect(f"/ws/conversations/{cid}") as ws:
        ws.send_json({"type": "auth", "token": h["X-Conversation-Token"]})
        ws.send_bytes(b"\x00\x01")
        assert "binary" in receive_until(ws, lambda e: e["type"] == "error")["error"]["message"]
        ws.send_json({"type": "ping"})
        assert receive_until(ws, lambda e: e["type"] == "pong")["type"] == "pong"


def test_retry_after_the_conversation_ended_is_acknowledged_again(client: TestClient) -> None:
    cid, h = start_chat(client)
    first = client.post(f"/api/conversations/{cid}/messages", json={"body": "hi there", "client_id": "k1"}, headers=h)
    client.post(f"/api/conversations/{cid}/end", headers=h)
    again = client.post(f"/api/conversations/{cid}/messages", json={"body": "hi there", "client_id": "k1"}, headers=h)
    assert again.status_code == 201 and again.json()["seq"] == first.json()["seq"] and again.json()["duplicate"]


def _frames_until_marker(ws, services: Services, cid: str, burst: list[tuple[str, dict]]) -> list[dict]:  # type: ignore[no-untyped-def]  # noqa: E501
    """Publish a burst of events, wait out the coalescing window, then a marker; return what came before it."""
    import time

    from tandem.api.ws import HINT_WINDOW_S

    for topic, event in burst:
        services.bus.publish(topic, event)
    time.sleep(HINT_WINDOW_S * 2.5)
    services.bus.publish(f"conv:{cid}", {"type": "marker"})
    frames = []
    while (event := ws.receive_json())["type"] != "marker":
        frames.append(event)
    return frames


def test_a_burst_of_queue_hints_becomes_one_refresh_plus_one_trailing(client: TestClient, seeded: Services) -> None:
    cid, h = start_chat(client)
    client.post(f"/api/conversations/{cid}/handoff", headers=h)  # nobody is online: it stays in the queue
    with client.websocket_connect(f"/ws/conversations/{cid}") as ws:
        ws.send_json({"type": "auth", "token": h["X-Conversation-Token"], "after": 0})
        receive_until(ws, lambda e: e["type"] == "status")
        burst = [("queue", {"type": "queue.changed", "conversation_id": f"other-{i}"}) for i in range(40)]
        frames = _frames_until_marker(ws, seeded, cid, burst)
    statuses = [f for f in frames if f["type"] == "status"]
    # one at once and one trailing (a very slow machine may split the burst, never 40 refreshes)
    assert 2 <= len(statuses) <= 6
    assert statuses[-1]["state"] == "waiting_human" and statuses[-1]["queue"]["position"] == 1


def test_queue_hints_do_not_refresh_a_conversation_that_is_not_waiting(client: TestClient, seeded: Services) -> None:
    cid, h = start_chat(client)
    with client.websocket_connect(f"/ws/conversations/{cid}") as ws:
        ws.send_json({"type": "auth", "token": h["X-Conversation-Token"], "after": 0})
        assert receive_until(ws, lambda e: e["type"] == "status")["state"] == "ai"
        burst = [("queue", {"type": "queue.changed", "conversation_id": f"other-{i}"}) for i in range(10)]
        frames = _frames_until_marker(ws, seeded, cid, burst)
    assert [f for f in frames if f["type"] == "status"] == []


def test_agent_socket_coalesces_queue_hints_but_forwards_surge_at_once(client: TestClient, seeded: Services) -> None:
    ana = login(client, "ana@agents.example")
    with client.websocket_connect("/ws/agent") as ws:
        ws.send_json({"type": "auth", "token": ana["Authorization"][7:]})
        hello = ws.receive_json()
        assert hello["type"] == "hello"
        for i in range(40):
            seeded.bus.publish("queue", {"type": "queue.changed", "conversation_id": f"c{i}"})
        seeded.bus.publish("queue", {"type": "surge", "level": "high", "previous": "normal"})
        seeded.bus.publish("queue", {"type": "agents.changed"})
        import time

        from tandem.api.ws import HINT_WINDOW_S

        time.sleep(HINT_WINDOW_S * 2.5)
        seeded.bus.publish(f"agent:{hello['agent_id']}", {"type": "marker"})
        frames = []
        while (event := ws.receive_json())["type"] != "marker":
            frames.append(event)
    kinds = [f["type"] for f in frames]
    assert kinds.count("surge") == 1
    hints = [k for k in kinds if k in ("queue.changed", "agents.changed")]
    # the trailing hint stands for the rest of the burst: a queue change among it makes it a queue.changed
    assert 2 <= len(hints) <= 6 and hints[-1] == "queue.changed"
    assert all(f == {"type": f["type"]} for f in frames if f["type"] in ("queue.changed", "agents.changed"))


def test_one_queue_subscription_serves_every_socket_and_a_burst_wakes_each_a_few_times(
        client: TestClient, seeded: Services) -> None:
    """The queue topic reaches sockets through one bus subscription per process, coalesced there once: a burst
    of 40 hints reaches each of three consoles and a waiting customer two to six times, not 40 times each, and
    the subscription ends with the last socket."""
    import contextlib
    import time

    from tandem.api.ws import HINT_WINDOW_S

    bus_subs = seeded.bus._subs  # type: ignore[attr-defined]  # the in-process bus of the test services
    cid, h = start_chat(client)
    client.post(f"/api/conversations/{cid}/handoff", headers=h)  # nobody is online: it waits
    with contextlib.ExitStack() as stack:
        consoles = []
        for email in ("ana@agents.example", "ben@agents.example", "carla@agents.example"):
            ws = stack.enter_context(client.websocket_connect("/ws/agent"))
            ws.send_json({"type": "auth", "token": login(client, email)["Authorization"][7:]})
            consoles.append((ws, ws.receive_json()["agent_id"]))
        customer = stack.enter_context(client.websocket_connect(f"/ws/conversations/{cid}"))
        customer.send_json({"type": "auth", "token": h["X-Conversation-Token"], "after": 0})
        receive_until(customer, lambda e: e["type"] == "status")
        assert len(bus_subs["queue"]) == 1  # not one per socket
        for i in range(40):
            seeded.bus.publish("queue", {"type": "queue.changed", "conversation_id": f"c{i}"})
        time.sleep(HINT_WINDOW_S * 2.5)
        for ws, agent_id in consoles:
            seeded.bus.publish(f"agent:{agent_id}", {"type": "marker"})
            frames = []
            while (event := ws.receive_json())["type"] != "marker":
                frames.append(event)
            hints = [f for f in frames if f["type"] == "queue.changed"]
            assert 2 <= len(hints) <= 6 and hints[-1] == {"type": "queue.changed"}  # no conversation id
        seeded.bus.publish(f"conv:{cid}", {"type": "marker"})
        statuses = []
        while (event := customer.receive_json())["type"] != "marker":
            statuses.append(event)
        assert 2 <= len([s for s in statuses if s["type"] == "status"]) <= 6
        assert 2 <= client.app.state.queue_hints.fanned_out <= 6  # type: ignore[attr-defined]
    for _ in range(100):  # the sockets' handlers finish just after the client side closes
        if "queue" not in bus_subs:
            break
        time.sleep(0.05)
    assert "queue" not in bus_subs


def test_hint_coalescer_acts_at_once_then_keeps_one_trailing() -> None:
    from tandem.api.ws import _Hints

    hints = _Hints(window_s=1.0)
    assert hints.due_in(0.0) is None
    assert hints.offer({"n": 1}, 10.0) is True
    assert hints.offer({"n": 2}, 10.2) is False and hints.offer({"n": 3}, 10.4) is False
    assert hints.due_in(10.5) == pytest.approx(0.5)
    assert hints.take(11.0) == [{"n": 2}, {"n": 3}] and hints.due_in(11.0) is None
    assert hints.offer({"n": 4}, 11.5) is False  # still inside the window that the trailing action opened
    assert hints.offer({"n": 5}, 12.1) is True and hints.due_in(12.1) is None


def test_shutdown_waits_for_an_assistant_turn_still_running(services: Services,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The customer's socket closes and the server stops while the assistant is still answering: the turn finishes
    (and commits) before shutdown lets go of the database, instead of holding a connection into a disposed pool."""
    finished: list[str] = []

    def slow_turn(_services: Services, conversation_id: str, _message: object) -> None:
        time.sleep(0.5)
        finished.append(conversation_id)

    monkeypatch.setattr(flows, "assistant_turn", slow_turn)
    with TestClient(create_app(services, run_dispatcher=False)) as client:
        cid, h = start_chat(client)
        with client.websocket_connect(f"/ws/conversations/{cid}") as ws:
            ws.send_json({"type": "auth", "token": h["X-Conversation-Token"], "after": 0})
            ws.send_json({"type": "message", "body": "what is a late fee?", "client_id": "c-1"})
            while ws.receive_json()["type"] != "ack":
                pass
        assert finished == []  # still answering when the socket closed
    assert finished == [cid]


def test_a_reconnecting_console_resumes_its_session_without_hashing_a_password(
        client: TestClient, seeded: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    """Login verifies Argon2 once, in the bounded login pool; every later socket (re)connect, ping and REST call
    of the console resumes with the token. A reconnect that hashed would turn a deploy into a login storm."""
    import threading

    from argon2 import PasswordHasher

    from tandem.services import agents as agent_service

    verified: list[str] = []

    class CountingHasher(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:  # noqa: A002  (argon2's name)
            verified.append(threading.current_thread().name)
            return super().verify(hash, password)

    monkeypatch.setattr(agent_service, "_HASHER", CountingHasher())
    writers: list[str] = []
    real_open_session = agent_service.open_session

    def recording_open_session(*args: Any, **kwargs: Any) -> Any:
        writers.append(threading.current_thread().name)
        return real_open_session(*args, **kwargs)

    monkeypatch.setattr(agent_service, "open_session", recording_open_session)
    ana = login(client, "ana@agents.example")
    assert len(verified) == 1 and verified[0].startswith("tandem-argon2")  # off the loop, in the login pool
    # the session is written at normal priority: a low-priority thread holding SQLite's write turn would make
    # every offer and message wait for it
    assert len(writers) == 1 and not writers[0].startswith("tandem-argon2")
    go(client, ana, "available")
    for _ in range(3):  # the socket drops and the console reconnects with the same token
        with client.websocket_connect("/ws/agent") as ws:
            ws.send_json({"type": "auth", "token": ana["Authorization"][7:]})
            assert ws.receive_json()["type"] == "hello"
            ws.send_json({"type": "ping"})
            assert receive_until(ws, lambda e: e["type"] == "pong")["type"] == "pong"
        assert client.get("/api/agent/me", headers=ana).status_code == 200
        assert client.post("/api/agent/me/heartbeat", headers=ana).status_code == 200
    assert len(verified) == 1
    # the counter is live: a wrong password is verified (and refused) like any login
    wrong = client.post("/api/agent/login", json={"email": "ana@agents.example", "password": "not-her-password"})
    assert wrong.status_code == 401 and len(verified) == 2


def test_the_login_pool_is_bounded_and_yields_the_cpu() -> None:
    """A burst of logins verifies at most hash_threads() passwords at once, on threads (and Argon2's own threads,
    which inherit it) at a lower CPU priority than the event loop and request workers that carry offers."""
    import os
    import sys
    import threading

    from tandem.services import agents as agent_service

    assert agent_service.HASH_POOL._max_workers == agent_service.hash_threads(os.cpu_count())
    assert [agent_service.hash_threads(n) for n in (None, 1, 2, 4, 8)] == [1, 1, 1, 2, 4]
    if not sys.platform.startswith("linux"):
        return

    def priority() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    here = priority()
    assert agent_service.HASH_POOL.submit(priority).result() == min(19, here + agent_service.HASH_NICE)
    assert here == 19 or agent_service.HASH_POOL.submit(priority).result() > here
    assert agent_service.make_hash_pool(1, nice=0).submit(priority).result() == here


def test_agent_pings_read_the_session_once_a_minute_and_close_it_when_it_expires(
        client: TestClient, seeded: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    """A ping is a heartbeat; the session is read from the database at most every SESSION_RECHECK_S (a logout
    closes the socket at once by its event), and an expired session closes at the next ping without a read."""
    from sqlalchemy import update

    from tandem.api import ws as ws_module
    from tandem.core.ids import token_digest
    from tandem.services import agents as agent_service
    from tandem.storage.models import AgentSession

    clock = seeded.clock
    reads: list[float] = []
    real = agent_service.authenticate_session

    def counting(work: Any, token: str | None) -> Any:
        reads.append(work.now)
        return real(work, token)

    monkeypatch.setattr(agent_service, "authenticate_session", counting)
    beats: list[float] = []
    real_beat = seeded.heartbeats.beat

    def recording_beat(agent_ids: Any, at: float) -> None:
        beats.append(at)
        real_beat(agent_ids, at)

    monkeypatch.setattr(seeded.heartbeats, "beat", recording_beat)
    ana = login(client, "ana@agents.example")
    token = ana["Authorization"][7:]
    with client.websocket_connect("/ws/agent") as ws:
        ws.send_json({"type": "auth", "token": token})
        assert ws.receive_json()["type"] == "hello"
        assert len(reads) == 1
        for _ in range(5):  # five pings 10 s apart: heartbeats, no database read
            clock.advance(10)
            ws.send_json({"type": "ping"})
            assert receive_until(ws, lambda e: e["type"] == "pong")["type"] == "pong"
            assert beats[-1] == clock.now()
        assert len(reads) == 1
        # the session is revoked behind the socket's back (no event): the next read finds it
        with seeded.work() as work:
            work.session.execute(update(AgentSession).where(AgentSession.token_digest == token_digest(token))
                                 .values(revoked=True))
        clock.advance(ws_module.SESSION_RECHECK_S - 50 + 1)
        ws.send_json({"type": "ping"})
        assert receive_until(ws, lambda e: e["type"] == "error")["error"]["code"] == "unauthorized"
        assert len(reads) == 2
    second = login(client, "ana@agents.example")
    with client.websocket_connect("/ws/agent") as ws:
        ws.send_json({"type": "auth", "token": second["Authorization"][7:]})
        assert ws.receive_json()["type"] == "hello"
        reads.clear()
        clock.advance(seeded.settings.agent_token_ttl_s)  # expired: closed at this ping, nothing read
        ws.send_json({"type": "ping"})
        assert receive_until(ws, lambda e: e["type"] == "error")["error"]["code"] == "unauthorized"
        assert reads == []
