"""API fixtures: an app over real storage with the dispatcher driven by hand (deterministic)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tandem.api.app import create_app
from tandem.backend.seed import seed_demo
from tandem.demo.agents import DEMO_PASSWORD, seed_agents
from tandem.services import dispatch
from tandem.services.context import Services


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    app = create_app(services, run_dispatcher=False)
    with TestClient(app) as c:
        yield c


@pytest.fixture
def seeded(services: Services) -> Services:
    seed_agents(services)
    assert services.backend is not None
    seed_demo(services.backend)  # type: ignore[arg-type]
    return services


def tick(services: Services) -> int:
    """Run one dispatcher pass."""
    return dispatch.tick(services)


def start_chat(client: TestClient, **body: Any) -> tuple[str, dict[str, str]]:
    r = client.post("/api/conversations", json={"language": "en", **body})
    assert r.status_code == 201, r.text
    data = r.json()
    return data["id"], {"X-Conversation-Token": data["token"]}


def login(client: TestClient, email: str) -> dict[str, str]:
    r = client.post("/api/agent/login", json={"email": email, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": "Bearer " + r.json()["token"]}


def go(client: TestClient, auth: dict[str, str], presence: str) -> None:
    r = client.put("/api/agent/me/presence", json={"presence": presence}, headers=auth)
    assert r.status_code == 200, r.text
