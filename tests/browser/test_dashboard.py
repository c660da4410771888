"""The operations dashboard in real Chromium, populated by `tandem demo --traffic`."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .conftest import run_demo

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def traffic_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("traffic")
    with run_demo(data, "--traffic", ready_s=90, TANDEM_TRAFFIC_PER_MINUTE="40") as base:
        yield base
    errors = [line for line in (data / "server.log").read_text().splitlines() if "Traceback" in line]
    assert not errors, (data / "server.log").read_text()[-4000:]


def _filled(page, selector: str) -> bool:  # type: ignore[no-untyped-def]
    return page.locator(selector).inner_text().strip() not in ("", "–")


def test_dashboard_comes_alive_with_demo_traffic(traffic_server: str, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(f"{traffic_server}/ops")
    page.fill("#email", "sam@agents.example")
    page.fill("#password", "tandem-demo")
    page.click("#login button[type=submit]")
    page.locator("#grid").wait_for(state="visible", timeout=15_000)

    deadline = time.monotonic() + 150
    wanted = ("#csat-ai", "#csat-human", "#csat", "#cpr", "#p50")
    while time.monotonic() < deadline:
        charts_drawn = all(page.locator(f"#{c} svg path").count() >= 2 for c in ("ch-queue", "ch-csat"))
        if all(_filled(page, s) for s in wanted) and charts_drawn:
            break
        page.wait_for_timeout(2000)
    missing = [s for s in wanted if not _filled(page, s)]
    assert not missing, f"still empty after the wait: {missing}"
    assert page.locator("#ch-agents svg path").count() == 3  # online, available, needed
    assert page.locator("#ch-sl svg path").count() == 2
    assert float(page.locator("#csat-ai").inner_text()) >= 1.0
    assert page.locator("#states tr").count() >= 6

    # an operator override shows up in the policy log on the page (and is logged with its reason)
    token = httpx.post(f"{traffic_server}/api/agent/login",
                       json={"email": "sam@agents.example", "password": "tandem-demo"}).json()["token"]
    r = httpx.put(f"{traffic_server}/api/quality/guardrail/kb:late-fees", headers={"Authorization": "Bearer " + token},
                  json={"guarded": True, "reason": "late-fee answers rated badly"})
    assert r.status_code == 200
    page.locator("#changes tr", has_text="late-fee answers rated badly").wait_for(timeout=15_000)
    page.locator("#guarded tr", has_text="kb:late-fees").wait_for(timeout=5_000)
    page.screenshot(path=str(shots / "dashboard.png"), full_page=True)

    metrics = httpx.get(f"{traffic_server}/metrics").text
    assert "tandem_time_to_human_seconds_count" in metrics and 'tandem_csat{handled_by="ai"}' in metrics
