"""End to end in real Chromium: cited answer, ask for a human, agent takes it, both talk, resolve, rate."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def test_customer_and_agent_complete_a_conversation(demo_server: str, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    customer = browser.new_context(viewport={"width": 900, "height": 760}).new_page()
    customer.goto(f"{demo_server}/chat?customer=cus_demo_maya")
    customer.fill("#text", "How long does a refund take?")
    customer.press("#text", "Enter")
    answer = customer.locator(".msg.ai").first
    answer.wait_for(timeout=15_000)
    assert customer.locator(".msg.ai .cite a").first.is_visible()
    customer.screenshot(path=str(shots / "1-cited-answer.png"))

    customer.fill("#text", "<img src=x onerror=alert(1)> I want to talk to a person please")
    customer.press("#text", "Enter")
    customer.locator("#queue").wait_for(state="visible", timeout=15_000)
    assert "queue" in customer.locator("#queue").inner_text()
    assert customer.locator(".msg.customer img").count() == 0  # shown as text, not markup
    customer.screenshot(path=str(shots / "2-waiting.png"))

    agent = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    agent.goto(f"{demo_server}/agent")
    agent.fill("#email", "ana@agents.example")
    agent.fill("#password", "tandem-demo")
    agent.click("#login button[type=submit]")
    agent.locator("#queue .qrow").first.wait_for(timeout=15_000)
    agent.select_option("#presence", "available")
    take_or_offer = agent.locator(".offer button.primary, #queue .qrow button").first
    take_or_offer.click()
    agent.locator("#composer").wait_for(state="visible", timeout=15_000)
    agent.locator("#msgs .msg", has_text="How long does a refund take?").wait_for(timeout=15_000)
    assert "Maya" in agent.locator("#context").inner_text()
    assert "***@" in agent.locator("#context").inner_text()
    agent.fill("#reply", "Hi Maya, this is Ana. How can I help?")
    agent.press("#reply", "Enter")
    customer.locator(".msg.agent", has_text="this is Ana").wait_for(timeout=15_000)
    customer.fill("#text", "My refund for the headphones has not arrived")
    customer.press("#text", "Enter")
    agent.locator(".msg", has_text="has not arrived").wait_for(timeout=15_000)
    agent.screenshot(path=str(shots / "3-agent-console.png"))

    agent.click("#resolve")
    customer.locator("#rating").wait_for(state="visible", timeout=15_000)
    customer.click("#stars button[data-score='5']")
    customer.fill("#comment", "Ana was great")
    customer.click("#rate")
    customer.locator("#rated", has_text="Thank you").wait_for(timeout=10_000)
    customer.screenshot(path=str(shots / "4-rated.png"))

    ops = agent.context.new_page()
    ops.goto(f"{demo_server}/ops")
    ops.locator("#grid").wait_for(state="hidden", timeout=5_000)
    ops.fill("#email", "sam@agents.example")
    ops.fill("#password", "tandem-demo")
    ops.click("#login button[type=submit]")
    ops.locator("#csat", has_text="5.00").wait_for(timeout=10_000)
    ops.screenshot(path=str(shots / "5-ops.png"))
