"""Two real `tandem serve` replicas on loopback sharing PostgreSQL and Redis (docs/targets.md: R5, R7, R8).

Each test starts its own replicas on a fresh database and finishes in well under a minute.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text
from websockets.asyncio.client import ClientConnection, connect

from .conftest import AGENT_PASSWORD, CLIENT_LIMITS, Replica, TcpProxy, migrate_and_create_agent

pytestmark = pytest.mark.timeout(60)
AGENT_EMAIL = "ada@agents.example"


async def recv_until(ws: ClientConnection, predicate: Callable[[dict[str, Any]], bool],
                     timeout_s: float = 15.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError("expected event not received")
        event = json.loads(await asyncio.wait_for(ws.recv(), left))
        if predicate(event):
            return event


async def agent_login(http: httpx.AsyncClient, replica: Replica) -> tuple[str, dict[str, str]]:
    r = await http.post(replica.base + "/api/agent/login", json={"email": AGENT_EMAIL, "password": AGENT_PASSWORD})
    assert r.status_code == 200, r.text
    token = r.json()["token"]
    auth = {"Authorization": "Bearer " + token}
    r = await http.put(replica.base + "/api/agent/me/presence", json={"presence": "available"}, headers=auth)
    assert r.status_code == 200, r.text
    return token, auth


async def start_chat(http: httpx.AsyncClient, replica: Replica) -> tuple[str, str]:
    r = await http.post(replica.base + "/api/conversations", json={"language": "en"})
    assert r.status_code == 201, r.text
    return r.json()["id"], r.json()["token"]


async def open_agent_socket(replica: Replica, token: str) -> ClientConnection:
    ws = await connect(replica.ws_base + "/ws/agent")
    await ws.send(json.dumps({"type": "auth", "token": token}))
    assert (await recv_until(ws, lambda e: True))["type"] == "hello"
    return ws


async def open_customer_socket(replica: Replica, cid: str, token: str, after: int = 0) -> ClientConnection:
    ws = await connect(f"{replica.ws_base}/ws/conversations/{cid}")
    await ws.send(json.dumps({"type": "auth", "token": token, "after": after}))
    return ws


def lease_row(db_url: str) -> dict[str, Any] | None:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(text("select holder, token from leases where name = 'dispatcher'")).first()
            return {"holder": row[0], "token": row[1]} if row else None
    finally:
        engine.dispose()


def wait_for_leader(db_url: str, token: int, timeout_s: float = 20.0) -> float:
    """Wait until the dispatcher lease has been taken with this fencing token; return when (monotonic)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        row = lease_row(db_url)
        if row is not None and row["holder"] is not None and row["token"] >= token:
            return time.monotonic()
        time.sleep(0.05)
    raise AssertionError(f"no replica took the dispatcher lease (token {token}) in {timeout_s}s")


def test_customer_on_a_and_agent_on_b_complete_a_conversation(
        fresh_pg: str, redis_url: str, replicas: list[Replica], tmp_path: Path) -> None:
    migrate_and_create_agent(fresh_pg, AGENT_EMAIL)
    a, b = Replica("a", fresh_pg, redis_url, tmp_path), Replica("b", fresh_pg, redis_url, tmp_path)
    replicas += [a, b]
    a.wait_ready()
    b.wait_ready()

    async def scenario() -> None:
        async with httpx.AsyncClient(timeout=10, limits=CLIENT_LIMITS) as http:
            token, auth = await agent_login(http, b)
            agent_ws = await open_agent_socket(b, token)
            cid, ctoken = await start_chat(http, a)
            cust = await open_customer_socket(a, cid, ctoken)
            await cust.send(json.dumps({"type": "message", "body": "I want to talk to a person", "client_id": "c1"}))
            ack = await recv_until(cust, lambda e: e["type"] == "ack")
            r = await http.post(f"{a.base}/api/conversations/{cid}/handoff", headers={"X-Conversation-Token": ctoken})
            assert r.status_code == 202, r.text
            offer = await recv_until(agent_ws, lambda e: e["type"] == "offer" and e["offer"]["conversation_id"] == cid)
            r = await http.post(f"{b.base}/api/agent/offers/{offer['offer']['id']}/accept", headers=auth)
            assert r.status_code == 200, r.text
            # the customer on A learns through Redis that an agent on B joined
            await recv_until(cust, lambda e: e["type"] == "state" and e["state"] == "with_human")
            r = await http.post(f"{b.base}/api/agent/conversations/{cid}/messages",
                                json={"body": "Hi, Ada here from replica B", "client_id": "a1"}, headers=auth)
            assert r.status_code == 201, r.text
            reply = await recv_until(cust, lambda e: e["type"] == "message" and e["message"]["author"] == "agent")
            assert reply["message"]["body"] == "Hi, Ada here from replica B"
            assert reply["message"]["seq"] == r.json()["seq"] > ack["seq"]
            r = await http.post(f"{b.base}/api/agent/conversations/{cid}/resolve", headers=auth)
            assert r.status_code == 200 and r.json()["state"] == "resolved", r.text
            await recv_until(cust, lambda e: e["type"] == "state" and e["state"] == "resolved")
            await cust.close()
            await agent_ws.close()
            stored = (await http.get(f"{a.base}/api/conversations/{cid}/messages",
                                     headers={"X-Conversation-Token": ctoken})).json()["messages"]
            bodies = [(m["author"], m["body"]) for m in stored]
            assert ("customer", "I want to talk to a person") in bodies
            assert ("agent", "Hi, Ada here from replica B") in bodies
            assert [m["seq"] for m in stored] == list(range(1, len(stored) + 1))

    asyncio.run(scenario())


def test_killing_the_dispatching_replica_hands_over_and_loses_nothing(
        fresh_pg: str, redis_url: str, replicas: list[Replica], tmp_path: Path) -> None:
    migrate_and_create_agent(fresh_pg, AGENT_EMAIL, capacity=3)
    a = Replica("a", fresh_pg, redis_url, tmp_path)
    replicas.append(a)
    a.wait_ready()
    wait_for_leader(fresh_pg, 1)  # A started first, so A dispatches
    b = Replica("b", fresh_pg, redis_url, tmp_path)
    replicas.append(b)
    b.wait_ready()
    assert lease_row(fresh_pg)["token"] == 1  # type: ignore[index]  # B is a standby

    async def scenario() -> dict[str, float]:
        async with httpx.AsyncClient(timeout=10, limits=CLIENT_LIMITS) as http:
            token, auth = await agent_login(http, b)
            agent_ws = await open_agent_socket(b, token)
            # customer 1 talks to A: acknowledged messages, a handoff dispatched by A, an agent on B
            cid, ctoken = await start_chat(http, a)
            h = {"X-Conversation-Token": ctoken}
            cust = await open_customer_socket(a, cid, ctoken)
            acked: dict[int, str] = {}
            for n in range(3):
                body = f"message {n} {uuid.uuid4().hex[:6]}"
                await cust.send(json.dumps({"type": "message", "body": body, "client_id": f"m{n}"}))
                acked[(await recv_until(cust, lambda e: e["type"] == "ack"))["seq"]] = body
            assert (await http.post(f"{a.base}/api/conversations/{cid}/handoff", headers=h)).status_code == 202
            offer = await recv_until(agent_ws, lambda e: e["type"] == "offer" and e["offer"]["conversation_id"] == cid)
            r = await http.post(f"{b.base}/api/agent/offers/{offer['offer']['id']}/accept", headers=auth)
            assert r.status_code == 200, r.text
            r = await http.post(f"{b.base}/api/agent/conversations/{cid}/messages",
                                json={"body": "agent before the crash"}, headers=auth)
            acked[r.json()["seq"]] = "agent before the crash"

            killed = time.monotonic()
            a.kill9()  # the dispatcher dies mid-conversation, with a customer socket open on it
            with pytest.raises(Exception):  # noqa: B017 - the socket to the dead replica is gone
                await recv_until(cust, lambda e: False, timeout_s=5)

            # a new escalation after the crash, on the survivor, must still be offered
            cid2, ctoken2 = await start_chat(http, b)
            escalated = time.monotonic()
            r = await http.post(f"{b.base}/api/conversations/{cid2}/handoff", headers={"X-Conversation-Token": ctoken2})
            assert r.status_code == 202, r.text
            offer2 = await recv_until(
                agent_ws, lambda e: e["type"] == "offer" and e["offer"]["conversation_id"] == cid2, timeout_s=20)
            offered = time.monotonic()
            assert (await http.post(f"{b.base}/api/agent/offers/{offer2['offer']['id']}/accept",
                                    headers=auth)).status_code == 200

            # customer 1 reconnects to B with its last seq 0: everything acknowledged is there, in order
            cust = await open_customer_socket(b, cid, ctoken)
            seen: dict[int, str] = {}
            while not set(acked) <= set(seen):
                event = await recv_until(cust, lambda e: e["type"] == "message")
                seen[event["message"]["seq"]] = event["message"]["body"]
            assert all(seen[seq] == body for seq, body in acked.items())
            assert list(seen) == sorted(seen)
            # and the agent on B keeps the conversation and can still answer through the survivor
            r = await http.post(f"{b.base}/api/agent/conversations/{cid}/messages",
                                json={"body": "agent after the crash"}, headers=auth)
            assert r.status_code == 201, r.text
            after = await recv_until(cust, lambda e: e["type"] == "message" and e["message"]["author"] == "agent"
                                     and e["message"]["body"] == "agent after the crash")
            assert after["message"]["seq"] > max(acked)
            await cust.close()
            await agent_ws.close()
            return {"killed": killed, "escalated": escalated, "offered": offered}

    times = asyncio.run(scenario())
    row = lease_row(fresh_pg)
    assert row is not None and row["token"] == 2  # B took over with a higher fencing token
    print(f"\nkill -9 -> offer for an escalation made after the kill: {times['offered'] - times['killed']:.2f}s "
          f"(escalated {times['escalated'] - times['killed']:.2f}s after the kill)")


def test_database_outage_answers_503_and_recovers_without_restart(
        fresh_pg: str, replicas: list[Replica], tmp_path: Path) -> None:
    migrate_and_create_agent(fresh_pg, AGENT_EMAIL)
    port = int(fresh_pg.rsplit(":", 1)[1].split("/", 1)[0])
    proxy = TcpProxy(port)
    try:
        via_proxy = fresh_pg.replace(f":{port}/", f":{proxy.port}/")
        a = Replica("a", via_proxy, None, tmp_path)
        replicas.append(a)
        a.wait_ready()
        with httpx.Client(base_url=a.base, timeout=15, limits=CLIENT_LIMITS) as http:
            r = http.post("/api/conversations", json={"language": "en"})
            assert r.status_code == 201, r.text
            cid, h = r.json()["id"], {"X-Conversation-Token": r.json()["token"]}

            proxy.sever()
            cut = time.monotonic()
            for call in (lambda: http.post("/api/conversations", json={"language": "en"}),
                         lambda: http.get(f"/api/conversations/{cid}", headers=h),
                         lambda: http.post(f"/api/conversations/{cid}/handoff", headers=h)):
                r = call()
                assert r.status_code == 503, r.text
                assert r.headers["Retry-After"] == "2"
                assert r.json()["error"]["code"] == "unavailable"
            answered_503_in = time.monotonic() - cut
            ready = http.get("/readyz")  # a load balancer takes the replica out meanwhile
            assert ready.status_code == 503 and ready.json()["database"] != "ok", ready.text

            proxy.restore()
            restored = time.monotonic()
            while True:
                r = http.get(f"/api/conversations/{cid}", headers=h)
                if r.status_code == 200:
                    break
                assert r.status_code == 503 and time.monotonic() - restored < 10, r.text
                time.sleep(0.1)
            recovered_in = time.monotonic() - restored
            assert http.post("/api/conversations", json={"language": "en"}).status_code == 201
            assert http.get("/readyz").json() == {"ready": True, "database": "ok", "bus": "ok"}
            assert a.proc.poll() is None  # the same process, no restart
        print(f"\nthree requests answered 503 in {answered_503_in:.2f}s; recovered {recovered_in:.2f}s after restore")
    finally:
        proxy.close()
