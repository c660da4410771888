"""Workforce API fixtures: the app over real storage (SQLite and PostgreSQL), dispatcher passes run by hand."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tandem.api.app import create_app
from tandem.demo.agents import DEMO_PASSWORD, seed_agents
from tandem.demo.certification import load_bank
from tandem.domain.skills import Tier, Topic
from tandem.services import agents as agent_service
from tandem.services import dispatch
from tandem.services.context import Services

PASSWORD = "correct horse battery"


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    seed_agents(services)
    app = create_app(services, run_dispatcher=False)
    with TestClient(app) as c:
        yield c


def use_policy(services: Services, **changes: Any) -> None:
    """Run the rest of the test with these certification and tier rules."""
    policy = services.settings.certification.model_copy(update=changes)
    services.settings = services.settings.model_copy(update={"certification": policy})


def tick(services: Services) -> int:
    return dispatch.tick(services)


def signup(client: TestClient, email: str, **fields: Any) -> tuple[str, dict[str, str]]:
    """Sign a gig agent up; return their id and bearer header."""
    body = {"name": email.split("@")[0].title(), "email": email, "password": PASSWORD, "languages": ["en"],
            "topics": ["account"], "country": "SE", "timezone": "Europe/Stockholm", **fields}
    r = client.post("/api/workforce/signup", json=body)
    assert r.status_code == 202, r.text
    r = client.post("/api/agent/login", json={"email": email, "password": body["password"]})
    assert r.status_code == 200, r.text
    return r.json()["agent"]["id"], {"Authorization": "Bearer " + r.json()["token"]}


def login(client: TestClient, email: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    r = client.post("/api/agent/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": "Bearer " + r.json()["token"]}


def grant(services: Services, agent_id: str, topic: Topic = Topic.ACCOUNT, tier: Tier = Tier.VERIFIED) -> None:
    """Give a skill directly (verified by default: routing offers tier `new` only after a minute of waiting)."""
    with services.work() as work:
        agent_service.grant_skill(work, agent_id, topic, tier, granted_by="test")


def go(client: TestClient, auth: dict[str, str], presence: str) -> None:
    r = client.put("/api/agent/me/presence", json={"presence": presence}, headers=auth)
    assert r.status_code == 200, r.text


def waiting_chat(client: TestClient) -> tuple[str, dict[str, str]]:
    r = client.post("/api/conversations", json={"language": "en"})
    assert r.status_code == 201, r.text
    cid, headers = r.json()["id"], {"X-Conversation-Token": r.json()["token"]}
    assert client.post(f"/api/conversations/{cid}/handoff", headers=headers).status_code == 202
    return cid, headers


def right_answers(questions: list[dict[str, Any]], topic: Topic) -> dict[str, int]:
    key = {q.id: q.answer for q in load_bank(topic)}
    return {q["id"]: key[q["id"]] for q in questions}


def wrong_answers(questions: list[dict[str, Any]], topic: Topic) -> dict[str, int]:
    key = {q.id: q.answer for q in load_bank(topic)}
    return {q["id"]: (key[q["id"]] + 1) % len(q["choices"]) for q in questions}
