"""Scaled mode on loopback: fresh PostgreSQL databases, Redis, `tandem serve` replicas and a cuttable TCP proxy.

PostgreSQL and Redis are required when CI=true; otherwise the tests skip when either is unreachable.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
import redis

from tandem.bus.inprocess import InProcessBus
from tandem.core.clock import SystemClock
from tandem.core.settings import Settings
from tandem.domain.skills import Tier, Topic
from tandem.services import agents
from tandem.services.context import Services
from tandem.storage.db import Database, migrate
from tandem.testing import pg

PG_ADMIN_URL = pg.ADMIN_URL
REDIS_URL = os.environ.get("TANDEM_TEST_REDIS", "redis://127.0.0.1:6379/0")
AGENT_PASSWORD = "scaled-pass-1"
TANDEM = Path(sys.executable).with_name("tandem")


def _unavailable(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is required in CI but not reachable")
    pytest.skip(f"{what} not reachable")


@pytest.fixture(scope="session")
def redis_url() -> str:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        _unavailable(f"Redis at {REDIS_URL}")
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
def fresh_pg() -> Iterator[str]:
    """An empty PostgreSQL database for one test, dropped afterwards."""
    if not pg.reachable(PG_ADMIN_URL):
        _unavailable(f"PostgreSQL at {PG_ADMIN_URL}")
    with pg.scratch_database("tandem_scaled", PG_ADMIN_URL) as url:
        yield url


# The replicas' uvicorn closes a keep-alive connection after 5 s idle; a client that reuses one at that moment gets
# "Server disconnected without sending a response" (seen in CI after a 20 s wait for a re-offer). Test clients drop
# idle connections well before that.
CLIENT_LIMITS = httpx.Limits(keepalive_expiry=1.0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def migrate_and_create_agent(db_url: str, email: str = "ada@agents.example", capacity: int = 3) -> None:
    """Create the schema and one agent directly through the services layer (no model, no bus needed)."""
    db = Database(db_url)
    try:
        migrate(db.engine)
        services = Services(settings=Settings(database_url=db_url, env="test"), db=db, bus=InProcessBus(),
                            clock=SystemClock(), assistant=cast(Any, None))
        with services.work() as work:
            agent = agents.create(work, email=email, name="Ada", password=AGENT_PASSWORD, languages=["en"],
                                  capacity=capacity)
            for topic in Topic:
                # verified: the router offers work to `new` agents only after a minute of waiting
                agents.grant_skill(work, agent.id, topic, Tier.VERIFIED, granted_by="test")
    finally:
        db.dispose()


class Replica:
    """One `tandem serve` process on a loopback port."""

    def __init__(self, name: str, db_url: str, redis_url: str | None, log_dir: Path, **env: str) -> None:
        self.name = name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.ws_base = f"ws://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"replica-{name}.log"
        environ = {**os.environ, "TANDEM_DATABASE_URL": db_url, "TANDEM_ENV": "test",
                   "TANDEM_DATA_DIR": str(log_dir / name), **env}
        environ.pop("TANDEM_REDIS_URL", None)
        if redis_url:
            environ["TANDEM_REDIS_URL"] = redis_url
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen([str(TANDEM), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                                     env=environ, stdout=self._log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout_s: float = 40.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"replica {self.name} exited:\n{self.log()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.base + "/healthz", timeout=1.0).status_code == 200:
                    return
            time.sleep(0.2)
        raise AssertionError(f"replica {self.name} did not start in {timeout_s}s:\n{self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-4000:]

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._log.close()


@pytest.fixture
def replicas(tmp_path: Path) -> Iterator[list[Replica]]:
    """Replicas the test starts; every one is stopped at the end."""
    started: list[Replica] = []
    yield started
    for replica in started:
        replica.stop()


class TcpProxy:
    """A loopback TCP proxy whose link can be cut (every connection reset, new ones refused) and restored."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.cut = threading.Event()
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.cut.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns.update((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def sever(self) -> None:
        """Cut the link: reset every open connection and refuse new ones until restore()."""
        self.cut.set()
        with self._lock:
            conns, self._conns = list(self._conns), set()
        for s in conns:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def restore(self) -> None:
        self.cut.clear()

    def close(self) -> None:
        self._closed = True
        self.sever()
        self.listener.close()
