"""Browser fixtures: a real `tandem demo` server on loopback and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

CHROMIUM = os.environ.get("TANDEM_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(os.environ.get("TANDEM_ARTIFACTS", "test-artifacts"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def run_demo(folder: Path, *extra_args: str, ready_s: float = 60, **env: str) -> Iterator[str]:
    """Run `tandem demo` on a free loopback port with extra TANDEM_* settings; yield its base URL."""
    port = free_port()
    environ = {**os.environ, "CI": "true", **env}
    log = (folder / "server.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "tandem", "demo", *extra_args, "--port", str(port),
                             "--data-dir", str(folder), "--no-browser"], env=environ, stdout=log,
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, proc, folder / "server.log", ready_s)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    timeout = os.environ.get("TANDEM_OFFER_TIMEOUT_S", "20")
    with run_demo(tmp_path_factory.mktemp("demo"), TANDEM_OFFER_TIMEOUT_S=timeout) as base:
        yield base


def _wait_ready(base: str, proc: subprocess.Popen[bytes], log: Path, ready_s: float = 60) -> None:
    deadline = time.monotonic() + ready_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("demo server exited:\n" + log.read_text())
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("demo server did not start:\n" + log.read_text())


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is required in CI but missing at {CHROMIUM}")
        pytest.skip("Chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Path:
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    return folder
