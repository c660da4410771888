"""Surge HTTP API: who may see what, opt-in settings, notices, and the staffing page."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tandem.core.clock import FakeClock
from tandem.services import surge
from tandem.services.context import Services

SUPERVISOR_ONLY = ["/api/surge/status", "/api/surge/history", "/api/surge/forecast", "/api/surge/roster"]


@pytest.mark.parametrize("path", SUPERVISOR_ONLY)
def test_staffing_views_are_for_supervisors_only(client: TestClient, auth: Any, path: str) -> None:
    assert client.get(path).status_code == 401
    assert client.get(path, headers=auth("ana")).status_code == 403
    assert client.get(path, headers=auth("sam")).status_code == 200


def test_agent_endpoints_need_a_session(client: TestClient, seeded: Services) -> None:
    for path in ("/api/surge/current", "/api/surge/notices", "/api/surge/notifications"):
        assert client.get(path).status_code == 401
    assert client.put("/api/surge/notifications", json={"opted_in": True}).status_code == 401


def test_status_history_and_current_follow_the_loop(client: TestClient, auth: Any, synth: Any) -> None:
    sam, ana = auth("sam"), auth("ana")
    assert client.get("/api/surge/current", headers=ana).json()["level"] == "NONE"
    assert client.get("/api/surge/status", headers=sam).json()["state"] is None
    synth.arrivals(60, escalated=60)
    synth.step()
    current = client.get("/api/surge/current", headers=ana).json()
    assert current == {"level": "HIGH", "bonus": "2.00", "message": "Surge: HIGH, +$2.00 per conversation"}
    status = client.get("/api/surge/status", headers=sam).json()
    assert status["level"] == "HIGH" and status["state"]["required"] > status["state"]["online"] == 0
    assert status["stale"] is False and status["shortfall"] == 1.0
    synth.clear_arrivals()
    synth.step()
    states = client.get("/api/surge/history", headers=sam).json()["states"]
    assert [s["level"] for s in states] == ["HIGH", "NONE"]
    assert client.get("/api/surge/history?hours=0", headers=sam).status_code == 422


def test_opt_in_and_notices_are_per_agent(client: TestClient, auth: Any, services: Services) -> None:
    ana, ben = auth("ana"), auth("ben")
    assert client.get("/api/surge/notifications", headers=ana).json() == {"opted_in": False, "webhook_url": None,
                                                                         "has_webhook_secret": False}
    r = client.put("/api/surge/notifications", json={"opted_in": True, "webhook_url": "ftp://x"}, headers=ana)
    assert r.status_code == 422
    r = client.put("/api/surge/notifications", json={"opted_in": True}, headers=ana)
    assert r.status_code == 200 and r.json()["opted_in"] is True
    loop = surge.SurgeLoop(services)
    from tandem.storage.models import Conversation, Handoff

    with services.work() as work:
        for i in range(30):
            work.session.add(Conversation(id=f"api-{i}", token_digest="x", state="ai", created_at=work.now - i,
                                          updated_at=work.now))
            work.session.flush()
            work.session.add(Handoff(id=f"h-api-{i}", conversation_id=f"api-{i}", reason="r", language="en",
                                     status="closed", requested_at=work.now - i, queued_since=work.now - i))
    assert loop.step() is not None
    loop.sender.close(wait=True)
    notices = client.get("/api/surge/notices", headers=ana).json()["notices"]
    assert [n["message"] for n in notices] == ["Surge: HIGH, +$2.00 per conversation"]
    assert client.get("/api/surge/notices", headers=ben).json()["notices"] == []


def test_staffing_page_and_banner_are_served(client: TestClient) -> None:
    page = client.get("/staffing")
    assert page.status_code == 200 and '<script src="/static/staffing.js"></script>' in page.text
    script = client.get("/static/staffing.js").text  # the page's script is a file (CSP: script-src 'self')
    assert "/api/surge/history" in script and "cdn" not in (page.text + script).lower()
    banner = client.get("/static/surge-banner.js")
    assert banner.status_code == 200 and "per conversation" in banner.text
    assert '<script src="/static/surge-banner.js"></script>' in client.get("/agent").text


def test_on_my_way_answers_only_my_recent_surge_notice(client: TestClient, auth: Any, services: Services,
                                                       clock: FakeClock) -> None:
    from decimal import Decimal

    from tandem.services import notify
    from tandem.storage.models import Agent
    from tandem.storage.models_surge import SurgeNotice

    ana, ben = auth("ana"), auth("ben")
    with services.work() as work:
        ana_id = work.session.scalars(select(Agent.id).where(Agent.email == "ana@agents.example")).one()
        notice = SurgeNotice(agent_id=ana_id, at=work.now, level="HIGH", bonus=Decimal("2.00"), kind="surge",
                             message="Surge: HIGH, +$2.00 per conversation", webhook="none", attempts=0)
        work.session.add(notice)
        work.session.flush()
        nid = notice.id
    assert client.post(f"/api/surge/notices/{nid}/ack", headers=ben).status_code == 404  # not ben's
    assert client.post("/api/surge/notices/999999/ack", headers=ana).status_code == 404
    assert client.post("/api/surge/notices/0/ack", headers=ana).status_code == 422
    assert client.post(f"/api/surge/notices/{nid}/ack").status_code == 401
    clock.advance(30)
    first = client.post(f"/api/surge/notices/{nid}/ack", headers=ana)
    assert first.status_code == 200 and first.json()["acked_at"] == clock.now()
    clock.advance(30)
    again = client.post(f"/api/surge/notices/{nid}/ack", headers=ana).json()
    assert again["acked_at"] == first.json()["acked_at"]  # the first answer stands
    listed = client.get("/api/surge/notices", headers=ana).json()["notices"]
    assert listed[0]["kind"] == "surge" and listed[0]["acked_at"] == first.json()["acked_at"]
    clock.advance(notify.ACK_WINDOW_S)
    late = client.post(f"/api/surge/notices/{nid}/ack", headers=ana)
    assert late.status_code == 409 and "over" in late.json()["error"]["message"]
