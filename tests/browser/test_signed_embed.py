"""Signed embed across origins (issue 15 item 9): a shop page served from a second loopback origin (its own small
HTTP server on another port) embeds the widget of a production-mode `tandem serve` subprocess.

The server runs with every production check (`check-deploy` clean: a real secret key, a metrics token, an https
public URL — the address customers would use behind a TLS proxy — and TANDEM_FRAME_ORIGINS set to the shop's
origin); the browser reaches it directly on http://127.0.0.1, as the proxy would. The shop signs
"v1.<exp>.<customer_ref>" with the key `tandem keys customer-identity` prints, exactly as docs/api.md tells a
company to. A signed customer chats and sees their own account; an expired signature shows the readable message.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import os
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tandem.backend.seed import seed_demo
from tandem.core.settings import Settings
from tandem.services.bootstrap import build_services

from .conftest import _wait_ready, free_port
from .test_second_company import run, tandem_cmd

pytestmark = pytest.mark.browser
REF = "cus_demo_maya"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, dict[str, str], Path]]:
    work = tmp_path_factory.mktemp("embed")
    db_url = f"sqlite:///{work / 'tandem.db'}"
    shop_port = free_port()
    shop_origin = f"http://127.0.0.1:{shop_port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
    env.update(TANDEM_SECRET_KEY="e" * 16 + uuid.uuid4().hex, TANDEM_METRICS_TOKEN="metrics-" + uuid.uuid4().hex,
               TANDEM_PUBLIC_URL="https://support.shop.example", TANDEM_DATABASE_URL=db_url,
               TANDEM_FRAME_ORIGINS=shop_origin, TANDEM_BACKEND="demo", TANDEM_INTENT_MODEL="false")
    assert "no unsafe settings found" in run(["check-deploy"], env, work)
    # the company's account system: the demo backend's tables, filled before the server starts
    services = build_services(Settings(database_url=db_url, env="test", backend="demo", intent_model=False,
                                       data_dir=work))
    seed_demo(services.backend)  # type: ignore[arg-type]
    services.db.dispose()
    port = free_port()
    log = (work / "server.log").open("w")
    proc = subprocess.Popen(tandem_cmd() + ["serve", "--port", str(port)], env=env, cwd=work, stdout=log,
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, proc, work / "server.log", ready_s=120)
        yield base, shop_origin, env, work
    finally:
        proc.terminate()
        proc.wait(15)
        log.close()


@pytest.fixture(scope="module")
def shop(server: tuple[str, str, dict[str, str], Path]) -> Iterator[dict[str, int]]:
    """The company's own site on the second origin: /page?ttl=S renders a page signed for S seconds (negative:
    already expired), with the widget tag as docs/getting-started.md shows it."""
    base, shop_origin, env, work = server
    key = bytes.fromhex(run(["keys", "customer-identity"], env, work).strip())
    port = int(shop_origin.rsplit(":", 1)[1])

    class Shop(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            ttl = int(self.path.partition("ttl=")[2] or "600")
            exp = int(time.time()) + ttl
            signature = hmac.new(key, f"v1.{exp}.{REF}".encode(), hashlib.sha256).hexdigest()
            body = (f'<!doctype html><html lang="en"><head><title>Shop</title></head><body><h1>My account</h1>'
                    f'<script src="{html.escape(base)}/widget.js" data-customer-ref="{REF}" data-exp="{exp}" '
                    f'data-signature="{signature}" async></script></body></html>').encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", port), Shop)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield {"port": port}
    finally:
        httpd.shutdown()
        httpd.server_close()


def _open_chat(browser: Any, shop_origin: str, ttl: int) -> tuple[Any, Any, list[str]]:
    page = browser.new_context(viewport={"width": 1000, "height": 800}).new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{shop_origin}/page?ttl={ttl}")
    page.locator("button", has_text="Help").click()
    frame = page.frame_locator("iframe")
    return page, frame, violations


def test_a_signed_customer_chats_and_sees_their_account(server: Any, shop: Any, browser: Any, shots: Path) -> None:
    base, shop_origin, _, _ = server
    page, frame, violations = _open_chat(browser, shop_origin, 600)
    frame.locator("#text").fill("show me my orders")
    frame.locator("#text").press("Enter")
    answer = frame.locator(".msg.ai").first
    answer.wait_for(timeout=30_000)
    assert "ord_maya_pay4" in answer.inner_text()  # Maya's own orders, from the account backend
    assert frame.locator("#error").inner_text() == ""
    assert violations == []  # the shop's origin may frame /chat (TANDEM_FRAME_ORIGINS)
    page.screenshot(path=str(shots / "signed-embed-account.png"))


def test_an_expired_signature_shows_a_readable_message(server: Any, shop: Any, browser: Any, shots: Path) -> None:
    base, shop_origin, _, _ = server
    page, frame, _ = _open_chat(browser, shop_origin, -30)
    frame.locator("#text").fill("show me my orders")
    frame.locator("#text").press("Enter")
    error = frame.locator("#error")
    error.filter(has_text="expired").wait_for(timeout=15_000)
    assert error.inner_text() == "Your sign-in to this chat has expired. Reload the page to continue."
    assert frame.locator("#text").input_value() == "show me my orders"  # nothing the customer wrote is lost
    assert frame.locator(".msg.ai").count() == 0
    page.screenshot(path=str(shots / "signed-embed-expired.png"))
