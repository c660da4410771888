"""The whole path for a second company, as a new operator walks it (issue 15, items 6 and 11).

Wheelhouse Bikes, an invented bicycle-sharing company, is set up with the real CLI in subprocesses: `tandem init`,
its own help center and certification banks (tests/browser/wheelhouse), `tandem kb import`, `tandem users create`
(a supervisor and an agent), `tandem serve` in production mode on its own PostgreSQL database. Then in Chromium:
the customer gets a cited answer from the imported help center and asks for a person in words; the agent created
from the CLI certifies from the company's own bank, goes available, accepts the offer, sees the handoff card and
replies; the customer sees the reply. No page says "Kestrel".

Production on loopback, honestly: the public URL is https (the address customers would use behind a TLS proxy)
and every production check applies; the browser talks to the app directly on http://127.0.0.1, as the proxy would.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tandem.testing import pg

from .conftest import _wait_ready, free_port

pytestmark = pytest.mark.browser

COMPANY = Path(__file__).parent / "wheelhouse"
PG_ADMIN_URL = pg.ADMIN_URL
AGENT = ("rosa@wheelhouse.example", "Rosa Vik", "rosa-long-password-1")
LEAD = ("lead@wheelhouse.example", "Jonas Lead", "lead-long-password-22")
TOPICS = """
[[topics]]
name = "general"
label = "Prices, passes and accounts"

[[topics]]
name = "rides"
label = "Unlocking, docking, damage and theft"
"""


def tandem_cmd() -> list[str]:
    """The installed `tandem` console script beside this interpreter (what an operator runs)."""
    script = Path(sys.executable).parent / "tandem"
    return [str(script)] if script.exists() else [sys.executable, "-m", "tandem"]


@dataclass
class Company:
    base: str
    folder: Path
    env: dict[str, str]
    timings: dict[str, float]


def run(args: list[str], env: dict[str, str], cwd: Path, stdin: str | None = None) -> str:
    proc = subprocess.run(tandem_cmd() + args, env=env, cwd=cwd, input=stdin, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, f"tandem {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    pg.require_postgres(PG_ADMIN_URL)
    with pg.scratch_database("tandem_wheelhouse", PG_ADMIN_URL) as url:
        yield url


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory, database: str) -> Iterator[Company]:
    timings: dict[str, float] = {}
    work = tmp_path_factory.mktemp("operator")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
    env.update(TANDEM_SECRET_KEY="w" * 24 + uuid.uuid4().hex, TANDEM_METRICS_TOKEN="metrics-" + uuid.uuid4().hex,
               TANDEM_PUBLIC_URL="https://support.wheelhouse.example", TANDEM_DATABASE_URL=database,
               TANDEM_OFFER_TIMEOUT_S="30")
    t0 = time.monotonic()
    run(["init", "wheelhouse", "--company", "Wheelhouse Bikes"], env, work)
    folder = work / "wheelhouse"
    config = folder / "tandem.toml"
    # the operator replaces the samples with the company's own help center, banks and topics
    for sample in ("help-center", "certification"):
        shutil.rmtree(folder / sample)
        shutil.copytree(COMPANY / sample, folder / sample)
    toml = config.read_text()
    start = toml.index("\n[[topics]]") + 1
    end = toml.index("[help_center]")
    toml = toml[:start] + TOPICS.lstrip() + "\n" + toml[end:]
    toml = toml.replace('assistant_name = "Wheelhouse Bikes assistant"', 'assistant_name = "Wheelie"')
    toml = toml.replace('\nlanguages = ["en"]', '\nlanguages = ["en", "da", "de"]')
    config.write_text(toml)
    cfg = ["--config", str(config)]
    run([*cfg, "config", "check"], env, work)
    out = run([*cfg, "check-deploy"], env, work)
    assert "no unsafe settings found" in out
    out = run([*cfg, "kb", "import", str(folder / "help-center")], env, work)
    listed = run([*cfg, "kb", "list"], env, work)
    assert "unlock-a-bike" in listed, out + listed
    run([*cfg, "users", "create", "--email", LEAD[0], "--name", LEAD[1], "--role", "supervisor", "--languages",
         "en", "--password-stdin"], env, work, stdin=LEAD[2] + "\n")
    run([*cfg, "users", "create", "--email", AGENT[0], "--name", AGENT[1], "--role", "agent", "--languages",
         "en,sv", "--password-stdin"], env, work, stdin=AGENT[2] + "\n")
    users = run([*cfg, "users", "list"], env, work)
    assert AGENT[0] in users and LEAD[0] in users
    timings["cli setup"] = time.monotonic() - t0

    port = free_port()
    log = (work / "server.log").open("w")
    t0 = time.monotonic()
    proc = subprocess.Popen(tandem_cmd() + [*cfg, "serve", "--port", str(port)], env=env, cwd=work, stdout=log,
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, proc, work / "server.log", ready_s=120)
        timings["serve ready"] = time.monotonic() - t0
        yield Company(base, folder, env, timings)
    finally:
        proc.terminate()
        proc.wait(15)
        log.close()
        print("\n" + "\n".join(f"  {k}: {v:.1f} s" for k, v in timings.items()))


def no_kestrel(page: Any) -> None:
    html = page.content()
    assert "kestrel" not in html.lower(), f"{page.url} mentions Kestrel"


def certify(page: Any, topic: str) -> None:
    """Answer the quiz shown from the company's own bank (the test reads the bank file; the page never has it)."""
    bank = yaml.safe_load((COMPANY / "certification" / f"{topic}.yaml").read_text())
    right: dict[str, str] = {}
    for q in bank["questions"]:
        answer = q["answer"]
        right[q["question"]] = q["options"][answer] if isinstance(answer, int) else answer
    questions = page.locator("fieldset.question")
    questions.first.wait_for(timeout=10_000)
    for i in range(questions.count()):
        fieldset = questions.nth(i)
        legend = re.sub(r"^\d+\.\s*", "", fieldset.locator("legend").inner_text())
        assert legend in right, f"{legend!r} is not in the company's {topic} bank"
        fieldset.get_by_role("radio", name=right[legend], exact=True).check()
        link = fieldset.locator("a").get_attribute("href") or ""
        assert link.startswith("/help/")
    page.click("#submit-quiz")


def test_a_second_company_from_init_to_an_agent_reply(company: Company, browser: Any, shots: Path) -> None:
    base, timings = company.base, company.timings
    with httpx.Client(base_url=base, timeout=10) as api:
        brand = api.get("/api/company").json()
        assert brand["name"] == "Wheelhouse Bikes"
        assert api.get("/help/unlock-a-bike").status_code == 200

    t0 = time.monotonic()
    customer = browser.new_context(viewport={"width": 900, "height": 760}).new_page()
    customer.goto(f"{base}/chat")
    customer.locator("#text").wait_for(timeout=10_000)
    customer.fill("#text", "How do I unlock a bike with the app?")
    customer.press("#text", "Enter")
    answer = customer.locator(".msg.ai .cite a").first
    answer.wait_for(timeout=30_000)
    assert answer.get_attribute("href") == "/help/unlock-a-bike"
    no_kestrel(customer)
    customer.screenshot(path=str(shots / "1-cited-answer.png"))
    timings["cited answer"] = time.monotonic() - t0

    t0 = time.monotonic()
    customer.fill("#text", "I would like to talk to a person please")
    customer.press("#text", "Enter")
    customer.locator("#queue").wait_for(state="visible", timeout=20_000)
    no_kestrel(customer)
    customer.screenshot(path=str(shots / "2-waiting.png"))
    timings["queued"] = time.monotonic() - t0

    t0 = time.monotonic()
    agent = browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
    agent.goto(f"{base}/signup")  # the sign-up page offers the company's topics, not Kestrel Pay's
    agent.locator("input[name=topic][value=rides]").wait_for(timeout=10_000)
    assert agent.locator("#topics").inner_text().split("\n")[1:] == [
        "Prices, passes and accounts", "Unlocking, docking, damage and theft"]
    no_kestrel(agent)
    agent.goto(f"{base}/certify")
    agent.fill("#email", AGENT[0])
    agent.fill("#password", AGENT[2])
    agent.click("#login button[type=submit]")
    general = agent.locator(".topic[data-topic=general]")
    general.locator("button").click()
    certify(agent, "general")
    agent.locator("#result", has_text="Passed: general").wait_for(timeout=10_000)
    general.locator(".status", has_text="Certified").wait_for(timeout=10_000)
    no_kestrel(agent)
    agent.screenshot(path=str(shots / "3-certified.png"), full_page=True)
    timings["certified"] = time.monotonic() - t0

    t0 = time.monotonic()
    agent.goto(f"{base}/agent")
    agent.locator("#presence").wait_for(state="visible", timeout=10_000)
    assert "Rosa" in agent.locator("#me").inner_text()
    agent.select_option("#presence", "available")
    # a new agent is offered a conversation once it has waited a minute (routing's first relaxation step)
    offer = agent.locator(".offer")
    offer.wait_for(timeout=120_000)
    assert "Pay: €0.80 + €0.12/min" in offer.inner_text()  # pay.currency = "EUR" in the starter tandem.toml
    no_kestrel(agent)
    agent.screenshot(path=str(shots / "4-offer.png"))
    timings["offer"] = time.monotonic() - t0
    offer.locator("button.primary").click()
    agent.locator("#composer").wait_for(state="visible", timeout=15_000)
    agent.locator("#handoff").wait_for(state="visible", timeout=15_000)
    assert "Handoff" in agent.locator("#handoff").inner_text()
    agent.locator("#msgs .msg", has_text="How do I unlock a bike with the app?").wait_for(timeout=15_000)
    # an anonymous chat: no account actions to press; transfer offers the company's topics only
    assert agent.locator("#act-form").is_hidden()
    options = agent.locator("#xfer-topic option")
    assert [options.nth(i).get_attribute("value") for i in range(options.count())] == ["", "general", "rides"]
    languages = agent.locator("#xfer-lang option")  # and the company's languages, by name
    assert [languages.nth(i).inner_text() for i in range(languages.count())] == [
        "same language", "English", "Danish", "German"]
    agent.fill("#reply", "Hi, this is Rosa from Wheelhouse. Which station are you at?")
    agent.press("#reply", "Enter")
    customer.locator(".msg.agent", has_text="this is Rosa").wait_for(timeout=15_000)
    no_kestrel(customer)
    no_kestrel(agent)
    agent.screenshot(path=str(shots / "5-agent-console.png"))
    customer.screenshot(path=str(shots / "6-customer-reply.png"))
