"""axe-core in real Chromium on every page: chat, agent console (logged in, with an open conversation and an offer),
ops, staffing, supervisor, QA review, surge alerts, earnings, certification and sign-up, logged out and in: no
violation of any impact, minor included (issue 18).

axe is injected as an init script (a DevTools injection the page's CSP does not police), so the pages run under
their real Content-Security-Policy. Set TANDEM_AXE_REPORT=1 to print every violation, whatever its impact."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from tandem.demo.agents import DEMO_PASSWORD

pytestmark = pytest.mark.browser
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = {"minor", "moderate", "serious", "critical"}  # all of them: the pages are clean, keep them so
RUN = "() => axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => " \
      "({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) })))"


def violations(page: Any, where: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = page.evaluate(RUN)
    if os.environ.get("TANDEM_AXE_REPORT"):
        counts = Counter(f"{v['impact']}:{v['id']}" for v in found for _ in v["nodes"])
        print(f"\naxe {where}: {dict(counts) or 'none'}")
    return [v for v in found if v["impact"] in BLOCKING]


def tab(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_init_script(path=str(AXE))
    return context.new_page()


def login(page: Any, base: str, path: str, email: str) -> None:
    page.goto(base + path)
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("#login button[type=submit]")


def handoff(base: str, text: str) -> str:
    conv = httpx.post(f"{base}/api/conversations", json={"language": "en", "customer_ref": "cus_demo_maya"}).json()
    headers = {"X-Conversation-Token": conv["token"]}
    r = httpx.post(f"{base}/api/conversations/{conv['id']}/messages", headers=headers,
                   json={"body": text, "client_id": "c1"})
    assert r.status_code == 201, r.text
    assert httpx.post(f"{base}/api/conversations/{conv['id']}/handoff", headers=headers).status_code == 202
    return str(conv["id"])


def test_chat_page_has_no_serious_violations(demo_server: str, browser: Any) -> None:
    page = tab(browser)
    page.goto(demo_server + "/chat")
    page.fill("#text", "How do late fees work?")
    page.press("#text", "Enter")
    page.locator(".msg.customer:not(.pending)").wait_for(timeout=20_000)
    page.locator(".msg.ai").first.wait_for(timeout=20_000)
    assert violations(page, "chat (answered)") == []
    page.click("#end")
    page.locator("#rating").wait_for(state="visible", timeout=10_000)
    assert violations(page, "chat (rating)") == []
    # the stars are one radio group: arrows choose, one tab stop
    page.locator("#stars [role=radio][tabindex='0']").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.locator("#stars [aria-checked=true]").get_attribute("data-score") == "2"
    assert page.locator("#stars [tabindex='0']").count() == 1
    assert page.evaluate("document.activeElement.dataset.score") == "2"


def test_agent_console_with_a_conversation_and_an_offer(demo_server: str, browser: Any) -> None:
    page = tab(browser)
    page.goto(demo_server + "/agent")
    assert violations(page, "agent (login)") == []
    login(page, demo_server, "/agent", "ana@agents.example")
    page.locator("#presence").wait_for(state="visible", timeout=10_000)
    page.select_option("#presence", "available")
    first = handoff(demo_server, "Can I pause my payment? I only get paid next week.")
    page.locator(f"#queue .qrow[data-conversation='{first}'] button, .offer button.primary").first.click(timeout=15_000)
    page.locator("#handoff").wait_for(state="visible", timeout=15_000)
    handoff(demo_server, "I was charged twice for my order.")
    page.locator(".offer").wait_for(timeout=15_000)
    assert "New conversation offer" in page.locator("#announcer").inner_text()  # the live region speaks
    assert violations(page, "agent (conversation + offer)") == []
    page.locator(".offer button:not(.primary)").click()
    page.click("#resolve")
    page.select_option("#presence", "offline")


@pytest.mark.parametrize("path", ["/ops", "/staffing"])
def test_supervisor_pages_have_no_serious_violations(demo_server: str, browser: Any, path: str) -> None:
    page = tab(browser)
    page.goto(demo_server + path)
    assert violations(page, f"{path} (login)") == []
    login(page, demo_server, path, "sam@agents.example")
    page.locator("#grid").wait_for(timeout=15_000)
    page.wait_for_load_state("networkidle")
    assert violations(page, path) == []


def test_signup_page_has_no_serious_violations(demo_server: str, browser: Any) -> None:
    page = tab(browser)
    page.goto(demo_server + "/signup")
    page.wait_for_load_state("networkidle")
    assert violations(page, "signup") == []


@pytest.mark.parametrize(("path", "email"), [("/supervisor", "sam@agents.example"), ("/review", "ana@agents.example"),
                                             ("/alerts", "ben@agents.example"), ("/earnings", "ben@agents.example"),
                                             ("/certify", "carla@agents.example")])
def test_other_pages_have_no_violations(demo_server: str, browser: Any, path: str, email: str) -> None:
    page = tab(browser)
    page.goto(demo_server + path)
    page.locator("#login #email").wait_for(timeout=15_000)
    assert violations(page, f"{path} (login)") == []
    login(page, demo_server, path, email)
    page.locator("#login").wait_for(state="hidden", timeout=15_000)
    page.wait_for_load_state("networkidle")
    assert violations(page, path) == []
