"""End to end in real Chromium: an idle senior agent is offered a QA review in the console, accepts it, scores the
masked transcript on /review and sees the review fee on /earnings."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tandem.services import review

pytestmark = pytest.mark.browser


def sampled_ai_conversation(api: httpx.Client) -> str:
    """A conversation the assistant answered and the customer ended, one the QA sample picks (stable hash)."""
    for _ in range(80):
        conv = api.post("/api/conversations", json={"language": "en"}).json()
        if not review.sampled(conv["id"], review.AI_SAMPLE_RATE):
            continue  # left open with the assistant: never sampled
        customer = {"X-Conversation-Token": conv["token"]}
        r = api.post(f"/api/conversations/{conv['id']}/messages", headers=customer,
                     json={"body": "How do late fees work? Mail me at maya@example.com", "client_id": "q-1"})
        assert r.status_code == 201, r.text
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not any(
                m["author"] == "ai" for m in api.get(f"/api/conversations/{conv['id']}/messages",
                                                     headers=customer).json()["messages"]):
            time.sleep(0.2)
        assert api.post(f"/api/conversations/{conv['id']}/end", headers=customer).json()["state"] == "resolved"
        return str(conv["id"])
    raise AssertionError("no conversation was sampled")


def test_idle_senior_accepts_a_review_offer_scores_it_and_is_paid(demo_server: str, browser: Any,
                                                                  shots: Path) -> None:
    with httpx.Client(base_url=demo_server, timeout=10) as api:
        sampled_ai_conversation(api)

    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    console = ctx.new_page()
    console.goto(f"{demo_server}/agent")
    console.fill("#email", "ana@agents.example")
    console.fill("#password", "tandem-demo")
    console.click("#login button[type=submit]")
    console.locator("#presence").wait_for(state="visible", timeout=10_000)
    console.select_option("#presence", "available")

    # the quality monitor samples every 10 s; the next dispatcher pass offers the task to Ana, who is idle
    card = console.locator(".review-offer")
    card.wait_for(timeout=40_000)
    text = card.inner_text()
    assert "QA review" in text and "Pay: $0.40 per review" in text and "the assistant" in text
    assert card.locator(".count").inner_text().endswith(" s")  # the countdown runs
    assert console.locator(".offer:not(.review-offer)").count() == 0
    console.screenshot(path=str(shots / "1-review-offer.png"))

    with ctx.expect_page(timeout=10_000) as opened:
        card.locator("button", has_text="Accept review").click()
    page = opened.value
    page.locator("#task").wait_for(state="visible", timeout=10_000)
    card.wait_for(state="detached", timeout=10_000)
    transcript = page.locator("#transcript").inner_text()
    assert "late fees" in transcript and "maya@example.com" not in transcript and "[email]" in transcript
    assert "pays $0.40" in page.locator("#meta").inner_text()
    for box in ("#correct", "#complete", "#policy_safe"):
        page.check(box)
    page.select_option("#tone", "4")
    page.fill("#comment", "Clear and correct.")
    page.screenshot(path=str(shots / "2-rubric.png"), full_page=True)
    page.click("#rubric button[type=submit]")
    page.locator("#status", has_text="Saved (pass); $0.40 earned.").wait_for(timeout=10_000)

    page.goto(f"{demo_server}/earnings")
    row = page.locator("tr", has_text="QA review")
    row.wait_for(timeout=10_000)
    assert "Adjustment: QA review rev_" in row.inner_text() and "$0.40" in row.inner_text()
    assert page.locator("#today").inner_text() == "$0.40"
    page.screenshot(path=str(shots / "3-earnings.png"), full_page=True)
    ctx.close()
