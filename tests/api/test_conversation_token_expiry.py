"""Customer conversation tokens expire after a stretch without activity; a conversation in use goes on
(issue 14, finding 17)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tandem.core.clock import FakeClock
from tandem.services.context import Services

from .conftest import start_chat


def test_an_idle_token_expires_with_a_clear_401(client: TestClient, services: Services, clock: FakeClock) -> None:
    cid, h = start_chat(client)
    idle = services.settings.conversation_token_idle_s
    clock.advance(idle - 60)
    assert client.get(f"/api/conversations/{cid}", headers=h).status_code == 200  # reading is not activity
    clock.advance(120)
    r = client.get(f"/api/conversations/{cid}", headers=h)
    assert r.status_code == 401 and r.json()["error"]["details"] == {"expired": True}
    assert "start a new conversation" in r.json()["error"]["message"]
    assert client.post(f"/api/conversations/{cid}/messages", json={"body": "hi"}, headers=h).status_code == 401
    with client.websocket_connect(f"/ws/conversations/{cid}") as ws:
        ws.send_json({"type": "auth", "token": h["X-Conversation-Token"], "after": 0})
        assert ws.receive_json()["error"]["details"] == {"expired": True}


def test_a_conversation_in_use_never_expires(client: TestClient, services: Services, clock: FakeClock) -> None:
    cid, h = start_chat(client)
    idle = services.settings.conversation_token_idle_s
    for i in range(3):  # three stretches of 2/3 of the idle time, each ended by a message: 2x the limit in all
        clock.advance(idle * 2 / 3)
        r = client.post(f"/api/conversations/{cid}/messages", json={"body": f"still here {i}"}, headers=h)
        assert r.status_code == 201, r.text
    assert client.get(f"/api/conversations/{cid}", headers=h).status_code == 200
