"""Readiness: /readyz answers 200 only while the database answers and the event bus is connected."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from tandem.bus.redis_bus import RedisBus
from tandem.services.context import Services
from tandem.storage.db import Database


def test_ready_when_the_database_answers_and_the_bus_is_connected(client: TestClient) -> None:
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json() == {"ready": True, "database": "ok", "bus": "ok"}
    assert client.get("/healthz").json()["ok"] is True  # liveness is separate


def test_not_ready_when_the_database_is_unreachable(client: TestClient, services: Services,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    down = Database("postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=1")  # nothing listens
    monkeypatch.setattr(services, "db", down)
    try:
        r = client.get("/readyz")
    finally:
        down.dispose()
    assert r.status_code == 503 and r.headers["retry-after"] == "2"
    body = r.json()
    assert body["ready"] is False and body["database"].startswith("unreachable (") and body["bus"] == "ok"
    assert "127.0.0.1" not in r.text and "postgres@" not in r.text  # never the URL or its credentials


def test_not_ready_when_the_database_hangs(client: TestClient, services: Services,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services.db, "ping", lambda: time.sleep(3))  # it would answer "ok" after 3 s
    r = client.get("/readyz")
    # answered at the 2 s timeout: had it waited for the database, the check would read "ok"
    assert r.status_code == 503 and r.json()["database"] == "no answer within 2 s"


def test_not_ready_while_the_redis_bus_is_disconnected(client: TestClient, services: Services,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    never_connected = RedisBus("redis://127.0.0.1:1/0")  # its listener never subscribed
    assert never_connected.healthy is False
    monkeypatch.setattr(services, "bus", never_connected)
    r = client.get("/readyz")
    assert r.status_code == 503 and r.json()["bus"].startswith("disconnected")
