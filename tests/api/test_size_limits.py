"""Request-size limits: HTTP bodies answer 413 before parsing, WebSocket frames past the limit get an error frame
(in-process) or a 1009 close from the real server (issue 14, finding 7)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tandem.services.context import Services
from tandem.storage.models import Conversation, Message

from .conftest import start_chat

pytestmark = pytest.mark.timeout(90)


def _count(services: Services, model: type) -> int:
    with services.work() as work:
        return int(work.session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_2mb_body_is_refused_with_413_before_parsing(client: TestClient, services: Services) -> None:
    body = json.dumps({"language": "en", "channel": "x" * 2_000_000})
    r = client.post("/api/conversations", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "too_large"
    assert r.json()["error"]["details"]["limit"] == services.settings.max_body_bytes
    assert _count(services, Conversation) == 0


def test_a_chunked_body_is_cut_off_at_the_limit(client: TestClient, services: Services) -> None:
    sent = []

    def chunks() -> Iterator[bytes]:
        yield b'{"language": "en", "channel": "'
        for _ in range(64):  # 64 x 16 KiB = 1 MiB, no Content-Length
            sent.append(1)
            yield b"x" * 16384
        yield b'"}'

    r = client.post("/api/conversations", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
    assert _count(services, Conversation) == 0


def test_bodies_within_the_limit_still_work(client: TestClient) -> None:
    cid, h = start_chat(client)
    r = client.post(f"/api/conversations/{cid}/messages", json={"body": "é" * 3000}, headers=h)
    assert r.status_code == 201


def test_an_oversized_frame_gets_an_error_and_the_socket_stays(client: TestClient, services: Services) -> None:
    cid, h = start_chat(client)
    limit = services.settings.max_frame_bytes
    with client.websocket_connect(f"/ws/conversations/{cid}") as ws:
        ws.send_json({"type": "auth", "token": h["X-Conversation-Token"], "after": 0})
        assert ws.receive_json()["type"] == "status"
        ws.send_text(json.dumps({"type": "message", "body": "ü" * (limit // 2 + 1), "client_id": "big"}))
        error = ws.receive_json()
        assert error["type"] == "error" and error["error"]["details"]["limit"] == limit
        assert "nothing in it was used" in error["error"]["message"]
        ws.send_json({"type": "ping"})
        assert ws.receive_json()["type"] == "pong"
    assert _count(services, Message) == 0


@pytest.fixture(scope="module")
def real_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`tandem serve` itself (uvicorn), with a small frame limit and one trusted proxy that is not the tests'."""
    folder = tmp_path_factory.mktemp("limits")
    port = _free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}, "TANDEM_ENV": "test",
           "TANDEM_DATA_DIR": str(folder), "TANDEM_INTENT_MODEL": "false", "TANDEM_MAX_FRAME_BYTES": "4096",
           "TANDEM_TRUSTED_PROXIES": "10.9.9.9"}  # the only proxy trusted: not the tests' 127.0.0.1
    log = (folder / "server.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "tandem", "serve", "--port", str(port)], env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    base = f"127.0.0.1:{port}"
    try:
        _wait_ready(f"http://{base}", proc, folder / "server.log")
        yield base
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("server did not start:\n" + log.read_text())


def test_the_real_server_refuses_big_bodies_and_closes_on_huge_frames(real_server: str) -> None:
    r = httpx.post(f"http://{real_server}/api/conversations", content=b"{" + b" " * 2_000_000 + b"}",
                   headers={"Content-Type": "application/json"}, timeout=10)
    assert r.status_code == 413
    chat = httpx.post(f"http://{real_server}/api/conversations", json={"language": "en"}, timeout=10).json()

    async def talk() -> tuple[dict[str, object], int | None]:
        async with connect(f"ws://{real_server}/ws/conversations/{chat['id']}") as ws:
            await ws.send(json.dumps({"type": "auth", "token": chat["token"], "after": 0}))
            json.loads(await ws.recv())  # status
            await ws.send(json.dumps({"type": "ping", "pad": "x" * 5000}))  # past the limit: an error frame
            error = json.loads(await ws.recv())
            await ws.send("x" * 40_000)  # far past it: the transport closes the socket
            try:
                while True:
                    await ws.recv()
            except ConnectionClosed as closed:
                return error, closed.rcvd.code if closed.rcvd else None

    error, code = asyncio.run(talk())
    assert error["type"] == "error"
    assert code == 1009


def test_the_real_server_ignores_x_forwarded_for_from_a_peer_that_is_not_a_trusted_proxy(real_server: str) -> None:
    # TANDEM_TRUSTED_PROXIES reaches uvicorn: the tests' 127.0.0.1 is not in it, so whatever X-Forwarded-For it
    # sends, it is the client, and a script cannot dodge the 60-a-minute limit on starting conversations by
    # naming a new address each time (uvicorn's own default would have trusted 127.0.0.1)
    def start(customer: str) -> int:
        return httpx.post(f"http://{real_server}/api/conversations", json={"language": "en"}, timeout=10,
                          headers={"X-Forwarded-For": customer}).status_code

    codes = [start(f"203.0.113.{i}") for i in range(61)]  # 61 "customers": one of them over the address's 60
    assert codes[-1] == 429 and set(codes) == {201, 429}  # (other tests here may have started one already)
