"""Invite links (issue 15 item 5): in signup_mode = "invite" a supervisor makes a single-use, expiring link
(optionally for one address, with the languages to serve); sign-up succeeds only with a valid unused unexpired
unrevoked invite; agents cannot make invites; every step is audited; sign-up stays rate limited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tandem.api.app import create_app
from tandem.core.clock import FakeClock
from tandem.demo.agents import seed_agents
from tandem.services.context import Services
from tandem.storage.models import Agent, AuditEntry

from .conftest import login


@pytest.fixture
def invite_client(services: Services) -> Iterator[TestClient]:
    services.settings = services.settings.model_copy(update={"signup_mode": "invite", "rate_limit": False})
    seed_agents(services)
    with TestClient(create_app(services, run_dispatcher=False)) as c:
        yield c


def _signup(client: TestClient, email: str, invite: str | None = None, **extra: Any) -> Any:
    body = {"name": "New Agent", "email": email, "password": "long enough password", "languages": ["en"],
            "topics": [], "country": "SE", "timezone": "Europe/Stockholm", **extra}
    if invite is not None:
        body["invite"] = invite
    return client.post("/api/workforce/signup", json=body)


def test_a_valid_invite_signs_up_once(invite_client: TestClient, services: Services) -> None:
    sam = login(invite_client, "sam@agents.example")
    made = invite_client.post("/api/workforce/invites", json={"languages": ["sv", "fi"], "ttl_s": 3600}, headers=sam)
    assert made.status_code == 201, made.text
    invite = made.json()
    assert invite["status"] == "open" and invite["url"].endswith("/signup?invite=" + invite["token"])
    assert _signup(invite_client, "new@agents.example").status_code == 403  # no invite
    assert _signup(invite_client, "new@agents.example", "not-a-token").json()["error"]["details"]["reason"] \
        == "invalid"
    assert _signup(invite_client, "new@agents.example", invite["token"]).status_code == 202
    with services.work() as work:
        agent = work.session.scalars(select(Agent).where(Agent.email == "new@agents.example")).one()
        assert sorted(agent.languages) == ["fi", "sv"] and agent.role == "agent"  # the invite's languages
    again = _signup(invite_client, "other@agents.example", invite["token"])
    assert again.status_code == 403 and again.json()["error"]["details"]["reason"] == "used"
    listed = invite_client.get("/api/workforce/invites", headers=sam).json()["invites"]
    assert listed[0]["status"] == "used" and listed[0]["used_by"] == agent.id and "token" not in listed[0]
    with services.work() as work:
        actions = set(work.session.scalars(select(AuditEntry.action).where(AuditEntry.subject == invite["id"])))
        assert actions == {"invite.created", "invite.used"}


def test_expired_revoked_and_other_address_invites_are_refused(invite_client: TestClient, services: Services,
                                                               clock: FakeClock) -> None:
    sam = login(invite_client, "sam@agents.example")

    def make(**body: Any) -> dict[str, Any]:
        r = invite_client.post("/api/workforce/invites", json={"ttl_s": 600, **body}, headers=sam)
        assert r.status_code == 201, r.text
        return dict(r.json())

    expiring, revoked, personal = make(), make(), make(email="Rosa@Agents.example")
    clock.advance(601)
    r = _signup(invite_client, "a@agents.example", expiring["token"])
    assert r.status_code == 403 and r.json()["error"]["details"]["reason"] == "expired"
    assert invite_client.delete(f"/api/workforce/invites/{revoked['id']}", headers=sam).json()["status"] == "revoked"
    r = _signup(invite_client, "b@agents.example", revoked["token"])
    assert r.status_code == 403 and r.json()["error"]["details"]["reason"] == "invalid"
    personal = make(email="Rosa@Agents.example")
    r = _signup(invite_client, "someone@agents.example", personal["token"])
    assert r.status_code == 403 and r.json()["error"]["details"]["reason"] == "other_address"
    assert _signup(invite_client, "rosa@agents.example", personal["token"]).status_code == 202


def test_only_supervisors_make_list_or_revoke_invites(invite_client: TestClient) -> None:
    ana = login(invite_client, "ana@agents.example")
    assert invite_client.post("/api/workforce/invites", json={}, headers=ana).status_code == 403
    assert invite_client.get("/api/workforce/invites", headers=ana).status_code == 403
    assert invite_client.delete("/api/workforce/invites/inv_x", headers=ana).status_code == 403
    assert invite_client.post("/api/workforce/invites", json={}).status_code == 401
    sam = login(invite_client, "sam@agents.example")
    too_long = invite_client.post("/api/workforce/invites", json={"ttl_s": 10**9}, headers=sam)
    assert too_long.status_code == 422 and "invite_ttl_s" in too_long.json()["error"]["message"]
    assert invite_client.delete("/api/workforce/invites/inv_missing", headers=sam).status_code == 404


def test_sign_up_with_an_invite_is_rate_limited_like_sign_up(services: Services) -> None:
    services.settings = services.settings.model_copy(update={"signup_mode": "invite", "rate_limit": True})
    with TestClient(create_app(services, run_dispatcher=False)) as client:
        codes = [_signup(client, f"x{i}@agents.example", "no-such-invite").status_code for i in range(7)]
    assert codes[:5] == [403] * 5 and codes[5:] == [429, 429]
