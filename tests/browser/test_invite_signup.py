"""Invite links in Chromium (issue 15 item 5): with signup_mode = "invite", a supervisor creates a link on the
operations page, the new agent opens it, signs up and lands on certification; the same link then refuses a
second sign-up with a readable message, and a revoked link is refused too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tandem.demo.agents import DEMO_PASSWORD

from .conftest import run_demo

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def invite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with run_demo(tmp_path_factory.mktemp("invite"), TANDEM_SIGNUP_MODE="invite") as base:
        yield base


def _fill_signup(page: Any, email: str) -> None:
    page.fill("#name", "Iris Invited")
    page.fill("#email", email)
    page.fill("#password", "invited agent password")
    page.fill("#country", "SE")
    page.select_option("#timezone", "Europe/Stockholm")
    page.click("#submit")


def test_a_supervisor_invites_and_the_link_signs_up_once(invite_server: str, browser: Any, shots: Path) -> None:
    ops = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    ops.goto(f"{invite_server}/ops")
    ops.fill("#email", "sam@agents.example")
    ops.fill("#password", DEMO_PASSWORD)
    ops.click("#login button[type=submit]")
    ops.locator("#grid").wait_for(state="visible", timeout=15_000)
    ops.fill("#invite-email", "iris@gig.example")
    ops.fill("#invite-languages", "en, sv")
    ops.fill("#invite-hours", "24")
    ops.click("#invite-create")
    ops.locator("#invite-result").wait_for(state="visible", timeout=10_000)
    url = urlparse(ops.locator("#invite-url").input_value())
    assert url.path == "/signup" and url.query.startswith("invite=")
    ops.locator("#invites tr", has_text="iris@gig.example").filter(has_text="open").wait_for(timeout=10_000)
    ops.screenshot(path=str(shots / "invite-created.png"), full_page=True)
    link = f"{invite_server}{url.path}?{url.query}"  # the public URL's host is the TLS proxy's in production

    agent = browser.new_context().new_page()
    agent.goto(link)
    assert "invited" in agent.locator("#invited").inner_text()
    _fill_signup(agent, "iris@gig.example")
    agent.wait_for_url("**/certify?welcome=1", timeout=15_000)

    again = browser.new_context().new_page()
    again.goto(link)
    _fill_signup(again, "iris@gig.example")
    again.locator("#error", has_text="already been used").wait_for(timeout=10_000)

    ops.fill("#invite-email", "")
    ops.click("#invite-create")
    ops.locator("#invites tr", has_text="anyone with the link").first.wait_for(timeout=10_000)
    second = urlparse(ops.locator("#invite-url").input_value())
    ops.locator("#invites tr", has_text="anyone with the link").first.locator("button.revoke").click()
    ops.locator("#invites tr", has_text="anyone with the link").first.filter(has_text="revoked").wait_for(
        timeout=10_000)
    revoked = browser.new_context().new_page()
    revoked.goto(f"{invite_server}{second.path}?{second.query}")
    _fill_signup(revoked, "late@gig.example")
    revoked.locator("#error", has_text="not valid").wait_for(timeout=10_000)
    plain = browser.new_context().new_page()
    plain.goto(f"{invite_server}/signup")
    _fill_signup(plain, "nobody@gig.example")
    plain.locator("#error", has_text="invitation only").wait_for(timeout=10_000)
