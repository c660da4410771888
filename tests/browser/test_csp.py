"""Every page works under the Content-Security-Policy in real Chromium: no violation is reported, and the
ops and staffing pages (whose scripts moved out of the HTML) log a supervisor in and render (issue 14, finding 9)."""

from __future__ import annotations

from typing import Any

from tandem.demo.agents import DEMO_PASSWORD

PAGES = ("/chat", "/agent", "/ops", "/staffing", "/supervisor", "/review", "/alerts", "/signup", "/certify",
         "/earnings", "/help/late-fees")


def test_pages_run_under_the_csp_without_violations(demo_server: str, browser: Any) -> None:
    page = browser.new_context().new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    for path in PAGES:
        response = page.goto(demo_server + path)
        assert response is not None and response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    assert violations == []
    for path, ready in (("/ops", "#grid"), ("/staffing", "#grid")):
        page.goto(demo_server + path)
        page.fill("#email", "sam@agents.example")
        page.fill("#password", DEMO_PASSWORD)
        page.click("#login button[type=submit]")
        page.locator(ready).wait_for(timeout=15_000)
        page.evaluate("sessionStorage.clear(); localStorage.clear()")
    assert violations == []
