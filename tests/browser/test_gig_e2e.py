"""End to end in real Chromium: a gig worker signs up, certifies and logs in; then two agents, an offer left to
expire, the next agent accepts, replies, resolves and sees the pay on the earnings page."""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from tandem.demo.certification import load_bank
from tandem.domain.skills import Topic

from .conftest import run_demo

pytestmark = pytest.mark.browser
OFFER_TIMEOUT_S = 4
PASSWORD = "gig-worker-password"


@pytest.fixture(scope="module")
def gig_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A `tandem demo` server with a short offer timeout, so letting an offer expire takes seconds."""
    with run_demo(tmp_path_factory.mktemp("gig"), TANDEM_OFFER_TIMEOUT_S=str(OFFER_TIMEOUT_S)) as base:
        yield base


def answer_quiz(page: Any, topic: Topic) -> None:
    """Pick the right choice for each question shown (the test knows the bank; the page never does)."""
    key = {q.id: q.answer for q in load_bank(topic)}
    questions = page.locator("fieldset.question")
    questions.first.wait_for(timeout=10_000)
    for i in range(questions.count()):
        qid = questions.nth(i).get_attribute("data-question")
        assert qid in key
        questions.nth(i).locator(f"input[value='{key[qid]}']").check()


def test_a_person_signs_up_certifies_and_logs_in(gig_server: str, browser: Any, shots: Path) -> None:
    page = browser.new_context(viewport={"width": 1000, "height": 900}).new_page()
    page.goto(f"{gig_server}/signup")
    page.fill("#name", "Nadia <b>Berg</b>")
    page.fill("#email", "nadia@gig.example")
    page.fill("#password", PASSWORD)
    page.fill("#languages", "en, sv")
    page.check("input[name=topic][value=account]")
    page.check("input[name=topic][value=fraud]")
    page.fill("#country", "SE")
    page.select_option("#timezone", "Europe/Stockholm")
    page.select_option("#capacity", "3")
    page.fill("#password", "short")
    page.click("#submit")
    page.locator("#error", has_text="password").wait_for(timeout=10_000)  # the server's message, nothing created
    page.fill("#password", PASSWORD)
    page.screenshot(path=str(shots / "1-signup.png"))
    page.click("#submit")
    page.wait_for_url("**/certify?welcome=1", timeout=10_000)
    page.locator("#welcome").wait_for(state="visible")
    assert page.locator("#me").inner_text() == "Nadia <b>Berg</b>"  # shown as text, not markup
    assert page.locator("header b").count() == 0
    account = page.locator(".topic[data-topic=account]")
    assert "your pick" in account.inner_text()
    assert "sensitive" in page.locator(".topic[data-topic=fraud]").inner_text()

    account.locator("button").click()
    answer_quiz(page, Topic.ACCOUNT)
    page.screenshot(path=str(shots / "2-quiz.png"), full_page=True)
    page.click("#submit-quiz")
    page.locator("#result", has_text="Passed: account").wait_for(timeout=10_000)
    assert "5 of 5 correct" in page.locator("#result").inner_text()
    assert "null" not in page.locator("#result").inner_text()
    account.locator(".status", has_text="Certified · tier new").wait_for(timeout=10_000)
    assert account.locator("button").count() == 0
    page.screenshot(path=str(shots / "3-certified.png"), full_page=True)

    console = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    console.goto(f"{gig_server}/agent")
    console.fill("#email", "nadia@gig.example")
    console.fill("#password", PASSWORD)
    console.click("#login button[type=submit]")
    console.locator("#presence").wait_for(state="visible", timeout=10_000)
    assert "Nadia" in console.locator("#me").inner_text()
    console.screenshot(path=str(shots / "4-console.png"))


def make_agent(api: httpx.Client, supervisor: dict[str, str], email: str, name: str) -> str:
    """Sign up and certify through the API; a supervisor vouches (verified) so routing offers work at once."""
    r = api.post("/api/workforce/signup", json={"name": name, "email": email, "password": PASSWORD,
                                                "languages": ["en"], "topics": ["account"]})
    assert r.status_code == 202, r.text
    r = api.post("/api/agent/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    agent_id, auth = r.json()["agent"]["id"], {"Authorization": "Bearer " + r.json()["token"]}
    quiz = api.post("/api/workforce/certifications/account/attempts", headers=auth).json()
    key = {q.id: q.answer for q in load_bank(Topic.ACCOUNT)}
    answers = {q["id"]: key[q["id"]] for q in quiz["questions"]}
    result = api.post(f"/api/workforce/certifications/attempts/{quiz['id']}/submit", json={"answers": answers},
                      headers=auth).json()
    assert result["passed"] is True
    # routing asks for tier verified during a conversation's first minute; new agents are offered work after it
    r = api.post(f"/api/workforce/agents/{agent_id}/tier", headers=supervisor,
                 json={"topic": "account", "tier": "verified", "reason": "e2e: vetted by a supervisor"})
    assert r.status_code == 200, r.text
    return agent_id


def console_login(browser: Any, base: str, email: str) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.goto(f"{base}/agent")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#login button[type=submit]")
    page.locator("#presence").wait_for(state="visible", timeout=10_000)
    return page


def test_first_agent_lets_the_offer_expire_second_accepts_handles_and_is_paid(
        gig_server: str, browser: Any, shots: Path) -> None:
    with httpx.Client(base_url=gig_server, timeout=10) as api:
        two_agents_one_offer(api, gig_server, browser, shots)


def two_agents_one_offer(api: httpx.Client, gig_server: str, browser: Any, shots: Path) -> None:
    sam = api.post("/api/agent/login", json={"email": "sam@agents.example", "password": "tandem-demo"}).json()
    supervisor = {"Authorization": "Bearer " + sam["token"]}
    make_agent(api, supervisor, "otto@gig.example", "Otto Lind")
    make_agent(api, supervisor, "pia@gig.example", "Pia Holm")

    otto = console_login(browser, gig_server, "otto@gig.example")
    otto.select_option("#presence", "available")
    time.sleep(0.5)
    conv = api.post("/api/conversations", json={"language": "en"}).json()
    customer = {"X-Conversation-Token": conv["token"]}
    assert api.post(f"/api/conversations/{conv['id']}/handoff", headers=customer).status_code == 202
    otto.locator(".offer").wait_for(timeout=10_000)
    otto.screenshot(path=str(shots / "1-otto-offer.png"))

    pia = console_login(browser, gig_server, "pia@gig.example")
    pia.select_option("#presence", "available")
    # Otto does nothing: the offer expires, leaves his screen, and goes to Pia
    otto.locator(".offer").wait_for(state="detached", timeout=(OFFER_TIMEOUT_S + 6) * 1000)
    offer = pia.locator(".offer")
    offer.wait_for(timeout=15_000)
    assert "Pay: $0.80" in offer.inner_text()
    pia.screenshot(path=str(shots / "2-pia-offer.png"))
    offer.locator("button.primary").click()
    pia.locator("#composer").wait_for(state="visible", timeout=10_000)
    pia.fill("#reply", "Hi, this is Pia. How can I help?")
    pia.press("#reply", "Enter")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        bodies = [m["body"] for m in api.get(f"/api/conversations/{conv['id']}/messages", headers=customer)
                  .json()["messages"] if m["author"] == "agent"]
        if "Hi, this is Pia. How can I help?" in bodies:
            break
        time.sleep(0.2)
    else:
        pytest.fail("the customer never received Pia's reply")
    time.sleep(6)  # some handling time, paid per minute: 6 s at $0.12/min is $0.01
    pia.click("#resolve")
    pia.locator("#composer").wait_for(state="hidden", timeout=10_000)

    pia.goto(f"{gig_server}/earnings")  # same tab: the session carries over
    row = pia.locator(f"tr[data-conversation='{conv['id']}']")
    row.wait_for(timeout=10_000)
    cells = row.locator("td").all_inner_texts()
    assert cells[2] == "Resolved" and cells[4] == "$0.80" and cells[5] != "$0.00"
    surge = Decimal(cells[6].lstrip("$"))
    total = Decimal(cells[8].lstrip("$"))
    assert total == Decimal("0.80") + Decimal(cells[5].lstrip("$")) + surge
    assert pia.locator("#today").inner_text() == cells[8]
    assert pia.locator("#week-surge").inner_text() == f"${surge}"
    pia.screenshot(path=str(shots / "3-pia-earnings.png"), full_page=True)

    otto.goto(f"{gig_server}/earnings")
    otto.locator("#empty").wait_for(state="visible", timeout=10_000)
    assert otto.locator("#today").inner_text() == "$0.00"  # an expired offer pays nothing
    pia_auth = {"Authorization": pia.evaluate("'Bearer ' + sessionStorage.getItem('tandem.agent.token')")}
    export = api.get("/api/workforce/payouts.csv", params={"start": "2020-01-01", "end": "2020-01-02"},
                     headers=pia_auth)
    assert export.status_code == 403  # the payout export is for supervisors only
