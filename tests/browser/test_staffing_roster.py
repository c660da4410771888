"""In real Chromium: the /staffing page draws today's roster (forecast, requirement, rostered agents, hybrid core
and gig cover, one Gantt bar per rostered agent) from two weeks of the platform's own conversations."""

from __future__ import annotations

import math
import os
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select

from tandem.demo.agents import DEMO_PASSWORD
from tandem.storage.db import Database
from tandem.storage.models import Conversation

from .conftest import run_demo

pytestmark = pytest.mark.browser
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


@pytest.fixture(scope="module")
def roster_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("roster")
    with run_demo(folder) as base:
        yield base, folder


def seed_history(folder: Path, days: int = 14) -> int:
    """Conversations over the last `days` whole UTC days: a daytime hump, 07:00-22:00, about 400 a day."""
    rng = np.random.default_rng(5)
    midnight = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
    db = Database(f"sqlite:///{(folder / 'tandem.sqlite3').resolve()}")
    n = 0
    try:
        with db.transaction() as session:
            for d in range(days, 0, -1):
                for hour in range(7, 22):
                    rate = 40 * math.sin(math.pi * (hour - 6.5) / 15.5)
                    for minute in rng.uniform(0, 60, rng.poisson(rate)):
                        at = midnight - d * 86400 + hour * 3600 + float(minute) * 60
                        session.add(Conversation(id=f"hist-{n}", token_digest="x", state="resolved", created_at=at,
                                                 updated_at=at, closed_at=at + 300))
                        n += 1
        with db.transaction() as session:
            assert len(session.scalars(select(Conversation.id).where(Conversation.id.like("hist-%"))).all()) == n
    finally:
        db.dispose()
    return n


def test_staffing_page_draws_the_roster(roster_server: tuple[str, Path], browser: Any, shots: Path) -> None:
    base, folder = roster_server
    assert seed_history(folder) > 3000
    page = browser.new_context(viewport={"width": 1000, "height": 1500}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/staffing")
    page.fill("#email", "sam@agents.example")
    page.fill("#password", DEMO_PASSWORD)
    page.click("#login button[type=submit]")
    page.locator("#grid").wait_for(timeout=10_000)
    bars = page.locator("#roster-gantt rect[data-shift]")
    bars.first.wait_for(timeout=20_000)
    summary = page.locator("#roster-summary").inner_text()
    assert f"{bars.count()} shifts" in summary and "paid agent-hours" in summary
    assert bars.count() >= 5
    # the requirement, the roster, core and gig cover are drawn; the roster covers the requirement
    assert page.locator("#roster-agents path").count() == 2
    assert page.locator("#roster-agents rect").count() > 10
    view = page.evaluate("""async () => (await T.api('GET', '/api/surge/roster', undefined,
        {Authorization: 'Bearer ' + sessionStorage.getItem('tandem.agent.token')}))""")
    assert view["has_roster"] and all(r["rostered"] >= r["required"] for r in view["intervals"])
    assert any(r["gig_cover"] > 0 for r in view["intervals"]) and view["core_cost"] < view["cost"]
    assert sum(s["agents"] for s in view["shifts"]) == bars.count()
    time.sleep(0.3)
    page.locator("#roster-card").screenshot(path=str(shots / "roster.png"))
    if os.environ.get("TANDEM_UPDATE_DOCS_IMG"):
        shutil.copy(shots / "roster.png", DOCS_IMG / "staffing-roster.png")
    assert not errors, errors
    # the page itself carries no roster code: it comes from a script file (a CSP without inline scripts)
    html = page.content()
    assert '<script src="/static/roster.js"' in html
