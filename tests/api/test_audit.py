"""The audit log has no gaps for sign-in and taking work, and supervisors can read it (issue 14, finding 16)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tandem.core.clock import FakeClock
from tandem.services import dispatch
from tandem.services.context import Services

from .conftest import go, login, start_chat


def entries(client: TestClient, sup: dict[str, str], **params: Any) -> dict[str, Any]:
    r = client.get("/api/audit", params=params, headers=sup)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_sign_in_and_taking_work_are_audited_and_readable(client: TestClient, seeded: Services,
                                                          clock: FakeClock) -> None:
    sam = login(client, "sam@agents.example")
    t0 = clock.now()
    assert client.post("/api/agent/login", json={"email": "ana@agents.example", "password": "wrong-one"}
                       ).status_code == 401
    assert client.post("/api/agent/login", json={"email": "nobody@x.example", "password": "wrong-one"}
                       ).status_code == 401
    ana = login(client, "ana@agents.example")
    ana_id = client.get("/api/agent/me", headers=ana).json()["id"]
    go(client, ana, "available")
    clock.advance(5)
    claimed, h = start_chat(client)
    client.post(f"/api/conversations/{claimed}/handoff", headers=h)
    assert client.post(f"/api/agent/conversations/{claimed}/claim", headers=ana).status_code == 200
    offered, h2 = start_chat(client)
    client.post(f"/api/conversations/{offered}/handoff", headers=h2)
    assert dispatch.tick(seeded) == 1
    [offer] = client.get("/api/agent/offers", headers=ana).json()["offers"]
    assert client.post(f"/api/agent/offers/{offer['id']}/accept", headers=ana).status_code == 200
    assert client.get("/api/workbench/live", headers=sam).status_code == 200
    assert client.post("/api/agent/logout", headers=ana).status_code == 200

    mine = entries(client, sam, actor=ana_id)["entries"]
    assert [e["action"] for e in reversed(mine)] == [
        "agent.login_failed", "agent.login", "conversation.claim", "offer.accept", "agent.logout"]
    assert {e["subject"] for e in mine if e["action"] in ("conversation.claim", "offer.accept")} == {claimed, offered}
    stranger = entries(client, sam, action="agent.login_failed")["entries"]
    assert len(stranger) == 2 and all("nobody" not in str(e) for e in stranger)  # no typed address stored
    assert stranger[0]["subject"].startswith("email:")
    assert entries(client, sam, action="live_view.read")["entries"][0]["actor"] != ana_id
    # filters: subject, time range (half open), pagination by cursor
    assert [e["action"] for e in entries(client, sam, subject=claimed)["entries"]] == ["conversation.claim"]
    assert all(e["at"] < t0 + 5 for e in entries(client, sam, since=t0, until=t0 + 5)["entries"])
    assert {e["action"] for e in entries(client, sam, since=t0 + 5)["entries"]} >= {"conversation.claim"}
    first = entries(client, sam, actor=ana_id, limit=2)
    second = entries(client, sam, actor=ana_id, limit=2, cursor=first["next_cursor"])
    third = entries(client, sam, actor=ana_id, limit=2, cursor=second["next_cursor"])
    assert [e["id"] for e in first["entries"] + second["entries"] + third["entries"]] == [e["id"] for e in mine]
    assert third["next_cursor"] is None
    # reading the log is itself audited
    assert entries(client, sam, action="audit.read")["entries"]


def test_only_supervisors_read_the_audit_log_and_bad_filters_are_refused(client: TestClient,
                                                                         seeded: Services) -> None:
    ana, sam = login(client, "ana@agents.example"), login(client, "sam@agents.example")
    assert client.get("/api/audit", headers=ana).status_code == 403
    assert client.get("/api/audit").status_code == 401
    assert client.get("/api/audit", params={"since": 10, "until": 5}, headers=sam).status_code == 422
    assert client.get("/api/audit", params={"limit": 501}, headers=sam).status_code == 422
    assert client.get("/api/audit", params={"cursor": 0}, headers=sam).status_code == 422
    schema = client.get("/openapi.json").json()
    assert "AuditPage" in schema["components"]["schemas"]  # a typed response model, documented


def test_logging_in_purges_the_agents_dead_sessions(client: TestClient, seeded: Services, clock: FakeClock) -> None:
    """Issue 14, finding 19: expired and logged-out sessions are deleted, not left to pile up."""
    from sqlalchemy import func, select

    from tandem.storage.models import AgentSession

    def sessions() -> int:
        with seeded.work() as work:
            return int(work.session.scalar(select(func.count()).select_from(AgentSession)) or 0)

    ben = login(client, "ben@agents.example")
    logged_out = login(client, "ana@agents.example")
    client.post("/api/agent/logout", headers=logged_out)
    for _ in range(3):
        login(client, "ana@agents.example")
    assert sessions() == 4  # ben's live one and ana's three live ones: her logged-out session is gone
    clock.advance(seeded.settings.agent_token_ttl_s + 1)  # all of them expire
    fresh = login(client, "ana@agents.example")
    assert sessions() == 2  # ana's expired sessions went at her login; ben's waits for his own next login
    assert client.get("/api/agent/me", headers=fresh).status_code == 200
    assert client.get("/api/agent/me", headers=ben).status_code == 401
