"""When the Redis listener reconnects, open WebSockets are told to resync (close 1012) and resume by seq."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tandem.api.app import create_app
from tandem.api.ws import RESYNC_CLOSE_CODE
from tandem.bus.redis_bus import RedisBus
from tandem.core.settings import Settings
from tandem.services.bootstrap import build_services
from tandem.services.context import Services

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def redis_services(tmp_path: Path, redis_url: str) -> Iterator[Services]:
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 't.sqlite3'}", env="test",
                        redis_url=redis_url, intent_model=False)  # no classifier warm-up thread needed
    services = build_services(settings)
    yield services
    services.db.dispose()


def test_listener_reconnect_closes_sockets_for_resync_and_they_resume(redis_services: Services,
                                                                       redis_url: str) -> None:
    bus = redis_services.bus
    assert isinstance(bus, RedisBus)  # TANDEM_REDIS_URL selects the Redis bus
    with TestClient(create_app(redis_services, run_dispatcher=False)) as client:
        r = client.post("/api/conversations", json={"language": "en"})
        cid, h = r.json()["id"], {"X-Conversation-Token": r.json()["token"]}
        with client.websocket_connect(f"/ws/conversations/{cid}") as ws:
            ws.send_json({"type": "auth", "token": h["X-Conversation-Token"], "after": 0})
            assert ws.receive_json()["type"] == "status"
            admin = redis.Redis.from_url(redis_url)
            for c in admin.client_list():
                if c.get("name") == bus.client_name:
                    admin.client_kill_filter(_id=c["id"])
            admin.close()
            assert ws.receive_json()["type"] == "resync"
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
            assert closed.value.code == RESYNC_CLOSE_CODE
        # a message stored while the client was away arrives when it reconnects with its last seq
        r = client.post(f"/api/conversations/{cid}/messages", json={"body": "what is the late fee?"}, headers=h)
        assert r.status_code == 201, r.text
        deadline = time.monotonic() + 10
        while bus.reconnects == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        with client.websocket_connect(f"/ws/conversations/{cid}") as ws:
            ws.send_json({"type": "auth", "token": h["X-Conversation-Token"], "after": 0})
            first = ws.receive_json()
            assert first["type"] == "message" and first["message"]["seq"] == 1
            assert first["message"]["body"] == "what is the late fee?"
