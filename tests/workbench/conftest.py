"""Workbench fixtures: the real app over real storage (SQLite and PostgreSQL), with demo agents and accounts.

Conversations reach agents through `claim`, so no test depends on the dispatcher's timing or routing policy.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tandem.api.app import create_app
from tandem.backend.seed import seed_demo
from tandem.demo.agents import DEMO_PASSWORD, seed_agents
from tandem.services.context import Services


@dataclass
class Desk:
    """Small verbs over the HTTP API, so each test reads like the story it checks."""

    client: TestClient
    services: Services

    def login(self, who: str, presence: str | None = "available") -> dict[str, str]:
        r = self.client.post("/api/agent/login", json={"email": f"{who}@agents.example", "password": DEMO_PASSWORD})
        assert r.status_code == 200, r.text
        auth = {"Authorization": "Bearer " + r.json()["token"]}
        if presence:
            r = self.client.put("/api/agent/me/presence", json={"presence": presence}, headers=auth)
            assert r.status_code == 200, r.text
        return auth

    def chat(self, *texts: str, language: str = "en", customer: str | None = "cus_demo_maya",
             reason: str = "customer_button") -> tuple[str, dict[str, str]]:
        body: dict[str, Any] = {"language": language}
        if customer:
            body["customer_ref"] = customer
        r = self.client.post("/api/conversations", json=body)
        assert r.status_code == 201, r.text
        cid, token = r.json()["id"], {"X-Conversation-Token": r.json()["token"]}
        assert self.client.post(f"/api/conversations/{cid}/handoff", json={"reason": reason},
                                headers=token).status_code == 202
        for i, text in enumerate(texts):
            r = self.client.post(f"/api/conversations/{cid}/messages", json={"body": text, "client_id": f"c{i}"},
                                 headers=token)
            assert r.status_code == 201, r.text
        return cid, token

    def claim(self, cid: str, auth: dict[str, str]) -> None:
        r = self.client.post(f"/api/agent/conversations/{cid}/claim", headers=auth)
        assert r.status_code == 200, r.text

    def wb(self, method: str, path: str, auth: dict[str, str], **kw: Any) -> Any:
        return self.client.request(method, "/api/workbench" + path, headers=auth, **kw)


@pytest.fixture
def desk(services: Services) -> Iterator[Desk]:
    seed_agents(services)
    assert services.backend is not None
    seed_demo(services.backend)  # type: ignore[arg-type]
    app = create_app(services, run_dispatcher=False)
    with TestClient(app) as client:
        yield Desk(client, services)
