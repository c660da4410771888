"""In real Chromium: the chat page speaks the customer's language and follows them when they switch."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def test_swedish_labels_queue_text_and_a_switch_to_german(demo_server: str, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_context(viewport={"width": 900, "height": 760}).new_page()
    page.goto(f"{demo_server}/chat?lang=sv")
    page.locator("#human", has_text="Prata med en människa").wait_for(timeout=15_000)
    assert page.locator("#end").inner_text() == "Avsluta chatten"
    assert page.locator("#text").get_attribute("placeholder") == "Skriv din fråga…"
    assert page.evaluate("document.documentElement.lang") == "sv"

    page.click("#human")
    banner = page.locator("#queue")
    banner.wait_for(state="visible", timeout=15_000)
    assert banner.inner_text().startswith("Du är nummer ")
    page.locator(".msg.system", has_text="Jag kopplar dig till en person").wait_for(timeout=15_000)
    page.screenshot(path=str(shots / "chat-sv-waiting.png"))

    page.fill("#text", "Entschuldigung, ich spreche lieber Deutsch. Wie lange muss ich noch warten?")
    page.press("#text", "Enter")
    page.locator("#end", has_text="Chat beenden").wait_for(timeout=15_000)  # the page follows the conversation
    page.locator("#queue", has_text="Sie sind Nummer").wait_for(timeout=15_000)
    assert page.locator("#lang").input_value() == "de"
    assert page.locator(".msg.customer .who").first.inner_text() == "Sie"
    page.screenshot(path=str(shots / "chat-de-after-switch.png"))
