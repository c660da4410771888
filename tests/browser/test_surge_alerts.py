"""In real Chromium: a gig agent opts in to surge alerts, sees one arrive, answers "On my way"; the server counts it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tandem.demo.agents import DEMO_PASSWORD
from tandem.services import notify
from tandem.storage.db import Database
from tandem.storage.models import Agent
from tandem.storage.models_surge import AgentNotification, SurgeNotice

from .conftest import run_demo

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def alerts_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("alerts")
    with run_demo(folder) as base:
        yield base, folder


def test_an_agent_opts_in_and_answers_on_my_way(alerts_server: tuple[str, Path], browser: Any, shots: Path) -> None:
    base, folder = alerts_server
    page = browser.new_context(viewport={"width": 900, "height": 800}).new_page()
    page.goto(f"{base}/alerts")
    page.fill("#email", "ben@agents.example")
    page.fill("#password", DEMO_PASSWORD)
    page.click("#login button[type=submit]")
    page.locator("#app").wait_for(timeout=10_000)
    page.locator("#level", has_text="No surge").wait_for(timeout=10_000)
    page.locator("#empty").wait_for(timeout=10_000)

    page.check("#opted-in")
    page.fill("#webhook", "ftp://not-a-webhook")
    page.click("#save")
    page.locator("#error", has_text="webhook_url").wait_for(timeout=10_000)  # the server's message
    page.fill("#webhook", "https://93.184.216.34/hook")  # a public address: no DNS needed, never called here
    page.click("#save")
    page.locator("#secret", has_text="whsec_").wait_for(timeout=10_000)  # the agent's own secret, shown once
    page.reload()
    page.locator("#app").wait_for(timeout=10_000)
    assert page.locator("#secret-box").is_hidden()
    page.fill("#webhook", "")
    page.click("#save")
    page.locator("#saved", has_text="Saved").wait_for(timeout=10_000)
    assert page.locator("#secret-box").is_hidden()

    db = Database(f"sqlite:///{(folder / 'tandem.sqlite3').resolve()}")
    try:
        with db.transaction() as session:
            ben = session.scalars(select(Agent).where(Agent.email == "ben@agents.example")).one()
            setting = session.get(AgentNotification, ben.id)
            assert setting is not None and setting.opted_in and setting.webhook_url is None
            # a surge call as the loop would write it (the demo's own traffic decides when a real one comes)
            session.add(SurgeNotice(agent_id=ben.id, at=time.time(), level="HIGH", bonus=Decimal("2.00"),
                                    kind=notify.SURGE, message="Surge: HIGH, +$2.00 per conversation <b>x</b>",
                                    webhook="none", attempts=0))
            ben_id = ben.id
        page.reload()
        item = page.locator("ul#notices li.surge")
        item.wait_for(timeout=10_000)
        assert item.locator(".msg").inner_text() == "Surge: HIGH, +$2.00 per conversation <b>x</b>"  # as text
        page.screenshot(path=str(shots / "1-alert.png"), full_page=True)
        item.locator("button.ack").click()
        item.locator(".acked", has_text="On my way").wait_for(timeout=10_000)
        page.screenshot(path=str(shots / "2-on-my-way.png"), full_page=True)
        with db.transaction() as session:
            (notice,) = session.scalars(select(SurgeNotice).where(SurgeNotice.agent_id == ben_id)).all()
            assert notice.acked_at is not None and abs(notice.acked_at - time.time()) < 60
    finally:
        db.dispose()
