"""Chaos: Redis itself stops and comes back (a private Redis server on its own port, so nothing else is touched).

While Redis is down messages are still stored and acknowledged; when it returns, open sockets are told to resync,
and a resync by sequence number delivers everything in order. The recovery time is measured and printed.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from .conftest import CLIENT_LIMITS, Replica, free_port, migrate_and_create_agent
from .test_replicas import recv_until

pytestmark = pytest.mark.timeout(90)


class PrivateRedis:
    """A redis-server process on a free loopback port that the test can stop and start again."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.folder = folder
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.proc = subprocess.Popen([binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", str(self.folder)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        for _ in range(100):
            try:
                client.ping()
                client.close()
                return
            except redis.RedisError:
                time.sleep(0.05)
        raise AssertionError("private redis did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


@pytest.fixture
def private_redis(tmp_path: Path, redis_url: str) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def test_redis_restart_loses_nothing_and_sockets_resync(fresh_pg: str, private_redis: PrivateRedis,
                                                        replicas: list[Replica], tmp_path: Path) -> None:
    migrate_and_create_agent(fresh_pg)
    replica = Replica("a", fresh_pg, private_redis.url, tmp_path)
    replicas.append(replica)
    replica.wait_ready()

    async def scenario() -> float:
        async with httpx.AsyncClient(base_url=replica.base, timeout=10, limits=CLIENT_LIMITS) as http:
            conv = (await http.post("/api/conversations", json={"language": "en"})).json()
            headers = {"X-Conversation-Token": conv["token"]}
            sock = await connect(f"{replica.ws_base}/ws/conversations/{conv['id']}")
            await sock.send(json.dumps({"type": "auth", "token": conv["token"], "after": 0}))
            await recv_until(sock, lambda e: e.get("type") == "status")
            private_redis.stop()
            stopped = time.monotonic()
            # the open socket is told to resync (the live feed can no longer be trusted) and closed
            await recv_until(sock, lambda e: e.get("type") == "resync", timeout_s=20)
            during = await http.post(f"/api/conversations/{conv['id']}/messages",
                                     json={"body": "How long does a refund take?", "client_id": "down-1"},
                                     headers=headers)
            assert during.status_code == 201  # stored and acknowledged without Redis
            private_redis.start()
            return await _live_again(http, conv, headers, stopped)

    async def _live_again(http: httpx.AsyncClient, conv: dict[str, str], headers: dict[str, str],
                          stopped: float) -> float:
        last_seq, seen, attempt = 0, set(), 0
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            attempt += 1
            sock = await connect(f"{replica.ws_base}/ws/conversations/{conv['id']}")
            await sock.send(json.dumps({"type": "auth", "token": conv["token"], "after": last_seq}))
            probe = f"up-{attempt}"
            await http.post(f"/api/conversations/{conv['id']}/messages",
                            json={"body": "Can I pause a payment?", "client_id": probe}, headers=headers)
            try:
                while True:
                    event = json.loads(await asyncio.wait_for(sock.recv(), 5))
                    if event.get("type") == "resync":
                        break
                    if event.get("type") == "message":
                        assert event["message"]["seq"] == last_seq + 1  # in order, no gaps, no duplicates
                        last_seq = event["message"]["seq"]
                        seen.add(event["message"]["client_id"])
                        if event["message"]["client_id"] == probe:
                            assert "down-1" in seen
                            await sock.close()
                            return time.monotonic() - stopped
            except (TimeoutError, ConnectionClosed):
                pass
            await sock.close()
        raise AssertionError("live events did not come back after Redis returned")

    recovered = asyncio.run(scenario())
    print(f"redis restart: a new message reached a reconnected socket {recovered:.2f} s after Redis stopped")
