"""The agent workbench in real Chromium: handoff card, suggested replies, transfer, takeover, two chats at once.

Customers talk through the REST API (deterministic); agents and the supervisor use the real pages. Agents take
conversations from the queue by id, so the tests never depend on which agent the dispatcher offers them to.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.browser
PASSWORD = "tandem-demo"


class Customer:
    def __init__(self, base: str, language: str = "en", ref: str | None = "cus_demo_maya") -> None:
        self.base = base
        body: dict[str, Any] = {"language": language}
        if ref:
            body["customer_ref"] = ref
        data = httpx.post(f"{base}/api/conversations", json=body).json()
        self.id, self.headers = data["id"], {"X-Conversation-Token": data["token"]}
        self.n = 0

    def say(self, text: str) -> None:
        self.n += 1
        r = httpx.post(f"{self.base}/api/conversations/{self.id}/messages", headers=self.headers,
                       json={"body": text, "client_id": f"c{self.n}"})
        assert r.status_code == 201, r.text

    def human(self) -> None:
        assert httpx.post(f"{self.base}/api/conversations/{self.id}/handoff", headers=self.headers).status_code == 202

    def messages(self) -> list[dict[str, Any]]:
        return list(httpx.get(f"{self.base}/api/conversations/{self.id}/messages", headers=self.headers)
                    .json()["messages"])

    def wait_for(self, predicate: Any, timeout: float = 15.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for m in self.messages():
                if predicate(m):
                    return m
            time.sleep(0.2)
        raise AssertionError(f"no matching message in {self.messages()}")


def api_login(base: str, who: str) -> dict[str, str]:
    r = httpx.post(f"{base}/api/agent/login", json={"email": f"{who}@agents.example", "password": PASSWORD})
    return {"Authorization": "Bearer " + r.json()["token"]}


def console(browser: Any, base: str, who: str, page: str = "agent") -> Any:
    tab = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    tab.goto(f"{base}/{page}")
    tab.fill("#email", f"{who}@agents.example")
    tab.fill("#password", PASSWORD)
    tab.click("#login button[type=submit]")
    if page == "agent":
        tab.locator("#presence").wait_for(state="visible", timeout=10_000)
        tab.select_option("#presence", "available")
    return tab


def take(agent: Any, conversation_id: str) -> None:
    agent.locator(f"#queue .qrow[data-conversation='{conversation_id}'] button").click(timeout=15_000)
    agent.locator(f"#tabs button[data-conversation='{conversation_id}'][aria-selected=true]").wait_for(timeout=15_000)


def sign_off(base: str, *consoles: Any) -> None:
    """Take the agents offline with their own sessions (logins are rate limited), so later tests start clean."""
    for tab in consoles:
        token = tab.evaluate("sessionStorage.getItem('tandem.agent.token')")
        httpx.put(f"{base}/api/agent/me/presence", json={"presence": "offline"},
                  headers={"Authorization": f"Bearer {token}"})


def test_taking_a_conversation_shows_the_handoff_card_and_a_suggestion_is_edited_and_sent(
        demo_server: str, browser: Any, shots: Path) -> None:
    maya = Customer(demo_server)
    maya.say("Can I pause my payment? I only get paid next week.")
    maya.wait_for(lambda m: m["author"] == "ai")
    maya.human()
    ana = console(browser, demo_server, "ana")
    take(ana, maya.id)
    card = ana.locator("#handoff")
    card.wait_for(state="visible", timeout=10_000)
    assert "pause my payment" in card.inner_text() and "Pausing a payment" in card.inner_text()
    assert "Reason: customer_button" in card.inner_text() and "Sentiment" in card.inner_text()
    ana.locator("#suggestions .sugg").nth(1).wait_for(timeout=15_000)
    cited = ana.locator("#suggestions .sugg .cite a").first.inner_text()
    ana.screenshot(path=str(shots / "1-handoff-card.png"))

    ana.locator("#reply").focus()
    ana.keyboard.press("Alt+1")
    draft = ana.input_value("#reply")
    assert draft.startswith("Hi Maya,") and cited in draft
    ana.locator("#reply").press("End")
    ana.keyboard.press("Control+End")
    ana.keyboard.type(" Shall I set that up for you?")
    ana.press("#reply", "Enter")
    sent = maya.wait_for(lambda m: m["author"] == "agent")
    assert sent["body"].startswith("Hi Maya,") and sent["body"].endswith("Shall I set that up for you?")
    stats = httpx.get(f"{demo_server}/api/workbench/suggestions/stats", headers=api_login(demo_server, "sam")).json()
    assert stats["outcomes"]["edited"] >= 1
    ana.screenshot(path=str(shots / "2-suggestion-sent.png"))
    ana.click("#resolve")
    sign_off(demo_server, ana)


def test_a_transfer_to_the_french_queue_is_accepted_by_a_french_speaker(
        demo_server: str, browser: Any, shots: Path) -> None:
    client = Customer(demo_server)
    client.human()
    # written in English (a French message would already route the chat to French speakers, and ana speaks none)
    client.say("Hello, could someone who speaks French help me, please?")
    ana = console(browser, demo_server, "ana")
    take(ana, client.id)
    ana.select_option("#xfer-lang", "fr")
    ana.fill("#xfer-note", "Prefers French; asked about a late payment")
    ana.click("#xfer-go")
    ana.locator(f"#tabs button[data-conversation='{client.id}']").wait_for(state="detached", timeout=10_000)

    ben = console(browser, demo_server, "ben")
    offer = ben.locator(".offer", has_text="Language: fr")
    offer.wait_for(timeout=20_000)
    ben.screenshot(path=str(shots / "1-offer-after-transfer.png"))
    offer.locator("button.primary").click()
    ben.locator("#handoff", has_text="Prefers French").wait_for(timeout=10_000)
    assert "Language: fr" in ben.locator("#handoff").inner_text()
    ben.fill("#reply", "Bonjour, je m'appelle Ben.")
    ben.press("#reply", "Enter")
    client.wait_for(lambda m: m["author"] == "agent" and "Ben" in m["body"])
    ben.screenshot(path=str(shots / "2-accepted-by-ben.png"))
    ben.click("#resolve")
    sign_off(demo_server, ana, ben)


def test_a_supervisor_whispers_then_takes_over(demo_server: str, browser: Any, shots: Path) -> None:
    maya = Customer(demo_server)
    maya.human()
    maya.say("I want to complain about my late fee.")
    # ben (verified) may take it at once; a new-tier agent would see it only after the first relaxation step
    ben = console(browser, demo_server, "ben")
    take(ben, maya.id)
    sam = console(browser, demo_server, "sam", page="supervisor")
    row = sam.locator(f"#live tr[data-conversation='{maya.id}']")
    row.wait_for(timeout=10_000)
    assert "Ben" in row.inner_text()
    row.locator("button").click()
    sam.locator("#transcript .msg", has_text="late fee").wait_for(timeout=10_000)
    sam.fill("#whisper-text", "Psst: leave this fee to me, I'll take it")
    sam.click("#whisper-send")
    ben.locator("#whispers", has_text="I'll take it").wait_for(timeout=10_000)
    ben.screenshot(path=str(shots / "1-whisper-seen-by-agent.png"))
    assert all("Psst" not in m["body"] for m in maya.messages())

    sam.click("#takeover")
    sam.locator("#sup-composer").wait_for(state="visible", timeout=10_000)
    ben.locator(f"#tabs button[data-conversation='{maya.id}']").wait_for(state="detached", timeout=10_000)
    sam.fill("#sup-reply", "Hi, I'm Sam, a supervisor. I'll sort out the fee.")
    sam.press("#sup-reply", "Enter")
    maya.wait_for(lambda m: m["author"] == "agent" and "Sam" in m["body"])
    sam.locator("#transcript .msg", has_text="I'm Sam").wait_for(timeout=10_000)
    sam.screenshot(path=str(shots / "2-supervisor-took-over.png"))
    assert all("Psst" not in m["body"] for m in maya.messages())
    sam.click("#sup-resolve")
    sign_off(demo_server, ben)


def test_an_agent_handles_two_conversations_at_once(demo_server: str, browser: Any, shots: Path) -> None:
    one, two = Customer(demo_server), Customer(demo_server, ref=None)
    for c, text in ((one, "When is my next payment due?"), (two, "How do refunds work?")):
        c.human()
        c.say(text)
    dieter = console(browser, demo_server, "dieter")
    take(dieter, one.id)
    take(dieter, two.id)
    dieter.locator(f"#tabs button[data-conversation='{one.id}']").click()
    dieter.locator(f"#tabs button[data-conversation='{one.id}'][aria-selected=true]").wait_for(timeout=10_000)
    dieter.locator("#msgs .msg", has_text="next payment").wait_for(timeout=10_000)

    two.say("Also, can I get the refund to my bank?")
    tab_two = dieter.locator(f"#tabs button[data-conversation='{two.id}'] .badge")
    tab_two.wait_for(timeout=10_000)
    assert tab_two.inner_text() == "1"
    customer_socket = dieter.context.new_page()  # the customer's socket sends a typing frame
    customer_socket.goto(f"{demo_server}/healthz")
    customer_socket.evaluate("""([url, token]) => new Promise((done) => {
        const ws = new WebSocket(url);
        ws.onopen = () => {
            ws.send(JSON.stringify({type: "auth", token}));
            ws.send(JSON.stringify({type: "typing"}));
        };
        ws.onmessage = (ev) => { if (JSON.parse(ev.data).type === "status") done(); };
    })""", [demo_server.replace("http", "ws") + f"/ws/conversations/{two.id}", two.headers["X-Conversation-Token"]])
    dieter.locator(f"#tabs button[data-conversation='{two.id}']", has_text="typing").wait_for(timeout=10_000)
    dieter.screenshot(path=str(shots / "1-unread-and-typing.png"))

    dieter.fill("#reply", "Your next payment date is on your plan; let me check.")
    dieter.press("#reply", "Enter")
    dieter.keyboard.press("Alt+ArrowDown")  # keyboard: next chat
    dieter.locator("#msgs .msg", has_text="refund to my bank").wait_for(timeout=10_000)
    assert dieter.locator(f"#tabs button[data-conversation='{two.id}'] .badge").count() == 0
    dieter.fill("#reply", "Refunds go back to the way you paid.")
    dieter.press("#reply", "Enter")
    one.wait_for(lambda m: m["author"] == "agent" and "next payment" in m["body"])
    two.wait_for(lambda m: m["author"] == "agent" and "way you paid" in m["body"])
    dieter.screenshot(path=str(shots / "2-two-chats.png"))
    switches = dieter.evaluate("window.tandemPerf.switches")
    assert switches and max(switches) < 200
    sign_off(demo_server, dieter)
