"""Hostile customer text is shown as text on every page that displays it (S5 in docs/targets.md)."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.browser
PAYLOAD = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>Zebra-question about llamas?'


def _login(page, base: str, path: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}{path}")
    page.fill("#email", email)
    page.fill("#password", "tandem-demo")
    page.locator("button[type=submit]").first.click()


def _wait_for_reply(http: httpx.Client, cid: str, headers: dict[str, str], after: int) -> None:
    for _ in range(100):
        msgs = http.get(f"/api/conversations/{cid}/messages", params={"after": after}, headers=headers).json()
        if msgs["messages"]:
            return
        time.sleep(0.2)
    raise AssertionError("no reply")


def _assert_inert(page, shots: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_text("Zebra-question about llamas", exact=False).first.wait_for(timeout=20_000)
    page.screenshot(path=str(shots / f"{name}.png"))
    assert page.evaluate("window.__xss") is None
    assert page.locator("img[src='x']").count() == 0


def test_payload_is_text_in_chat_console_supervisor_and_ops(demo_server: str, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    http = httpx.Client(base_url=demo_server, timeout=15)
    conv = http.post("/api/conversations", json={"language": "en", "customer_ref": "cus_demo_maya"}).json()
    headers = {"X-Conversation-Token": conv["token"]}
    for text in (PAYLOAD, "I want to talk to a person"):
        seq = http.post(f"/api/conversations/{conv['id']}/messages", json={"body": text}, headers=headers).json()["seq"]
        _wait_for_reply(http, conv["id"], headers, seq)

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    chat = context.new_page()
    chat.add_init_script(f"localStorage.setItem('tandem.chat.cus_demo_maya', JSON.stringify("
                         f"{{id: '{conv['id']}', token: '{conv['token']}', lastSeq: 0, outbox: []}}))")
    chat.goto(f"{demo_server}/chat?customer=cus_demo_maya")
    _assert_inert(chat, shots, "chat")

    supervisor = context.new_page()
    _login(supervisor, demo_server, "/supervisor", "sam@agents.example")
    supervisor.locator("tr", has_text="Maya").get_by_role("button", name="Read").first.click()
    _assert_inert(supervisor, shots, "supervisor")

    ops = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _login(ops, demo_server, "/ops", "sam@agents.example")
    _assert_inert(ops, shots, "ops-knowledge-gaps")

    agent = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _login(agent, demo_server, "/agent", "ana@agents.example")
    agent.locator("#queue .qrow").first.wait_for(timeout=20_000)
    agent.select_option("#presence", "available")
    agent.locator(".offer button.primary, #queue .qrow button").first.click()
    _assert_inert(agent, shots, "agent-console")
    http.close()
