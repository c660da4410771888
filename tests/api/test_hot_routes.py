"""The hot requests' light session check (`agents.Caller`) refuses exactly what the full one refused, at once, and
putting the cycle's routes first in their routers (api/hot.py) changes which route answers no request."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from sqlalchemy import update
from starlette.routing import Match

from tandem.api import routes_agent, routes_customer
from tandem.api.hot import hot_first
from tandem.core.clock import FakeClock
from tandem.services.bootstrap import build_services
from tandem.services.context import Services
from tandem.storage.models import Agent

from .conftest import go, login, start_chat, tick


def _assigned(client: TestClient, seeded: Services) -> tuple[str, dict[str, str], str]:
    """A conversation ana accepted; (conversation id, ana's headers, another pending offer's conversation id)."""
    ana = login(client, "ana@agents.example")
    go(client, ana, "available")
    cid, customer = start_chat(client)
    assert client.post(f"/api/conversations/{cid}/handoff", headers=customer).status_code == 202
    tick(seeded)
    [offer] = client.get("/api/agent/offers", headers=ana).json()["offers"]
    assert client.post(f"/api/agent/offers/{offer['id']}/accept", headers=ana).status_code == 200
    other, other_customer = start_chat(client)
    assert client.post(f"/api/conversations/{other}/handoff", headers=other_customer).status_code == 202
    tick(seeded)
    return cid, ana, other


def _hot_requests(client: TestClient, cid: str, auth: dict[str, str], offer_id: str) -> list[int]:
    return [client.post(f"/api/agent/offers/{offer_id}/accept", headers=auth).status_code,
            client.post(f"/api/agent/offers/{offer_id}/decline", headers=auth).status_code,
            client.post(f"/api/agent/conversations/{cid}/messages", headers=auth, json={"body": "hi"}).status_code,
            client.post(f"/api/agent/conversations/{cid}/resolve", headers=auth).status_code,
            client.post(f"/api/agent/conversations/{cid}/handback", headers=auth).status_code]


def _pending_offer(client: TestClient, auth: dict[str, str]) -> str:
    [offer] = client.get("/api/agent/offers", headers=auth).json()["offers"]
    return str(offer["id"])


def test_a_logged_out_session_is_refused_at_once_by_every_hot_request(client: TestClient, seeded: Services) -> None:
    cid, ana, _ = _assigned(client, seeded)
    offer_id = _pending_offer(client, ana)
    assert client.post("/api/agent/logout", headers=ana).status_code == 200
    assert _hot_requests(client, cid, ana, offer_id) == [401] * 5


def test_an_account_disabled_by_another_process_is_refused_at_once(client: TestClient, seeded: Services,
                                                                   clock: FakeClock) -> None:
    cid, ana, _ = _assigned(client, seeded)
    offer_id = _pending_offer(client, ana)
    # `tandem users disable` runs in its own process, on its own engine: nothing in this server hears of it
    elsewhere = build_services(seeded.settings, clock, with_demo_backend=False)
    try:
        with elsewhere.work() as work:
            work.session.execute(update(Agent).where(Agent.email == "ana@agents.example").values(active=False))
    finally:
        elsewhere.db.dispose()
    codes = _hot_requests(client, cid, ana, offer_id)
    assert codes == [401] * 5
    r = client.post(f"/api/agent/conversations/{cid}/messages", headers=ana, json={"body": "hi"})
    assert r.json()["error"]["message"] == "agent account is disabled"


def test_an_expired_session_is_refused_and_a_dead_session_is_401_before_any_404(
        client: TestClient, seeded: Services, clock: FakeClock) -> None:
    cid, ana, _ = _assigned(client, seeded)
    offer_id = _pending_offer(client, ana)
    ben = login(client, "ben@agents.example")
    # a live session on someone else's or a missing conversation: the same 404
    for target in (cid, "conv_missing"):
        for path in ("resolve", "handback"):
            assert client.post(f"/api/agent/conversations/{target}/{path}", headers=ben).status_code == 404
        r = client.post(f"/api/agent/conversations/{target}/messages", headers=ben, json={"body": "x"})
        assert r.status_code == 404
    assert client.post(f"/api/agent/offers/{offer_id}/accept", headers=ben).status_code == 404
    # a forged token: 401, whether the conversation exists or not
    forged = {"Authorization": "Bearer not-a-session"}
    for target in (cid, "conv_missing"):
        assert client.post(f"/api/agent/conversations/{target}/resolve", headers=forged).status_code == 401
    clock.advance(seeded.settings.agent_token_ttl_s + 1)
    assert _hot_requests(client, cid, ana, offer_id) == [401] * 5


def test_the_light_check_lets_the_cycle_through(client: TestClient, seeded: Services) -> None:
    cid, ana, other = _assigned(client, seeded)
    offer_id = _pending_offer(client, ana)
    assert client.post(f"/api/agent/offers/{offer_id}/decline", headers=ana,
                       json={"reason": "busy"}).status_code == 200
    r = client.post(f"/api/agent/conversations/{cid}/messages", headers=ana, json={"body": "Hello"})
    assert r.status_code == 201 and r.json()["seq"] > 0
    assert client.post(f"/api/agent/conversations/{cid}/resolve", headers=ana).json() == {"state": "resolved"}
    assert other != cid


def test_the_joined_message_takes_the_next_number_with_the_assignment(client: TestClient, seeded: Services) -> None:
    cid, ana, _ = _assigned(client, seeded)
    r = client.post(f"/api/agent/conversations/{cid}/messages", headers=ana, json={"body": "Hello"})
    assert r.status_code == 201
    detail = client.get(f"/api/agent/conversations/{cid}", headers=ana).json()
    seqs = [m["seq"] for m in detail["messages"]]
    assert seqs == list(range(1, len(seqs) + 1)) and detail["last_seq"] == seqs[-1]
    events = [m["meta"].get("event") for m in detail["messages"]]
    assert events[-2:] == ["agent_joined", None] and events.count("agent_joined") == 1
    assert r.json()["seq"] == seqs[-1]


def _sample_path(path_format: str) -> str:
    return re.sub(r"\{[^}:]+(:path)?\}", "x1", path_format)


def _flat_routes(app: Any) -> list[Any]:
    """The app's routes in the order a request tries them, included routers expanded (FastAPI 0.165 keeps an
    included router as one entry of `app.routes`)."""
    flat: list[Any] = []
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        flat.extend(contexts() if contexts is not None else [route])
    return flat


def test_every_route_still_answers_its_own_paths(client: TestClient) -> None:
    # with the hot routes moved first, no route may match another's method and path: then order decides nothing
    routes = _flat_routes(client.app)
    checked = 0
    for route in routes:
        path_format, methods = getattr(route, "path_format", None), getattr(route, "methods", None)
        if path_format is None or not methods:
            continue
        for method in sorted(methods):
            scope = {"type": "http", "method": method, "path": _sample_path(path_format), "root_path": "",
                     "headers": [], "query_string": b""}
            full = [r for r in routes if r.matches(scope)[0] == Match.FULL]
            assert full and full[0] is route, (method, path_format, full[:2])
            checked += 1
    assert checked > 100  # every API route, not only the few of the app's own table


def test_the_cycle_routes_come_first() -> None:
    agent = [r.endpoint for r in routes_agent.router.routes][:3]  # type: ignore[attr-defined]
    assert agent == [routes_agent.accept_offer, routes_agent.reply, routes_agent.resolve]
    customer = [r.endpoint for r in routes_customer.router.routes][:2]  # type: ignore[attr-defined]
    assert customer == [routes_customer.create_conversation, routes_customer.request_human]


def test_hot_first_names_what_it_cannot_find() -> None:
    router = APIRouter()

    @router.get("/a")
    def a() -> None: ...

    def b() -> None: ...

    with pytest.raises(ValueError, match="not routes of this router: b"):
        hot_first(router, a, b)
