"""Surge announcements: opt-in respected, signed webhooks with retries, never blocking the computation."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tandem.core.errors import InvalidInput
from tandem.core.settings import Settings
from tandem.domain.presence import Presence
from tandem.services import notify, surge
from tandem.services.context import Services
from tandem.storage.models import Agent
from tandem.storage.models_surge import AgentNotification, SurgeNotice


class Receiver:
    """A webhook endpoint on 127.0.0.1 that answers with scripted statuses after an optional delay."""

    def __init__(self, statuses: list[int], delay_s: float = 0.0, location: str | None = None) -> None:
        self.statuses, self.delay_s, self.requests = statuses, delay_s, []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                time.sleep(receiver.delay_s)
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.end_headers()

            def do_GET(self) -> None:  # noqa: N802 (a followed 303 redirect arrives as a GET)
                receiver.requests.append((dict(self.headers), b""))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver([])
    yield r
    r.close()


def _opt_in(services: Services, agent_id: str, url: str | None, opted_in: bool = True) -> None:
    with services.work() as work:
        notify.put_settings(work, agent_id, opted_in=opted_in, webhook_url=url,
                            server_secret=services.settings.secret_key)


def _fast_sender(services: Services, **kw: Any) -> notify.WebhookSender:
    # the receivers here listen on loopback: only these tests turn the public-address check off
    kw.setdefault("public_only", False)
    return notify.WebhookSender(services.db, services.settings.secret_key, backoff_s=0.01, clock=services.clock, **kw)


def _wait_for(predicate: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _notices(services: Services) -> dict[str, list[SurgeNotice]]:
    with services.work() as work:
        rows = list(work.session.query(SurgeNotice).order_by(SurgeNotice.id))
    out: dict[str, list[SurgeNotice]] = {}
    for n in rows:
        out.setdefault(n.agent_id, []).append(n)
    return out


def test_signature_is_hmac_sha256_over_timestamp_and_body() -> None:
    expected = hmac.new(b"k", b"123." + b'{"a":1}', hashlib.sha256).hexdigest()
    assert notify.sign("k", "123", b'{"a":1}') == "sha256=" + expected
    assert notify.sign("other", "123", b'{"a":1}') != "sha256=" + expected


def test_rise_announced_only_to_opted_in_offline_agents(services: Services, synth: Any, receiver: Receiver) -> None:
    synth.agents(3)  # the synthetic agents are available; ids agt-syn-*
    with services.work() as work:
        ids = sorted(a.id for a in work.session.query(Agent).filter(Agent.id.like("agt-syn-%")))
        work.session.query(Agent).filter(Agent.id.in_(ids[:2])).update({"presence": Presence.OFFLINE.value})
    offline_hook, offline_no_hook, online = ids
    _opt_in(services, offline_hook, receiver.url)
    _opt_in(services, offline_no_hook, None)
    _opt_in(services, online, receiver.url)  # opted in but online: sees the banner instead
    synth.loop.sender = _fast_sender(services)
    synth.arrivals(60, escalated=60)
    assert synth.step().level == "HIGH"
    synth.loop.sender.close(wait=True)
    notices = _notices(services)
    assert set(notices) == {offline_hook, offline_no_hook}
    assert notices[offline_hook][0].message == "Surge: HIGH, +$2.00 per conversation"
    assert (notices[offline_hook][0].webhook, notices[offline_no_hook][0].webhook) == ("delivered", "none")
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    payload = json.loads(body)
    assert payload["agent_id"] == offline_hook and payload["level"] == "HIGH" and payload["bonus"] == "2.00"
    # signed with the agent's own secret, never with the server secret that also vouches for customers
    with services.work() as work:
        salt = work.session.get(AgentNotification, offline_hook).webhook_salt
    agent_secret = notify.webhook_secret(services.settings.secret_key, offline_hook, salt)
    assert headers[notify.SIGNATURE_HEADER] == notify.sign(agent_secret, headers[notify.TIMESTAMP_HEADER], body)
    assert headers[notify.TIMESTAMP_HEADER] == str(int(services.clock.now()))  # the services' clock, not time.time
    assert headers[notify.SIGNATURE_HEADER] != notify.sign(
        services.settings.secret_key, headers[notify.TIMESTAMP_HEADER], body)
    # the level holding at HIGH is no new rise: nobody is told twice
    synth.loop.sender = _fast_sender(services)
    assert synth.step().level == "HIGH"
    assert sum(len(v) for v in _notices(services).values()) == 2


def test_opted_out_agent_gets_nothing(services: Services, synth: Any, receiver: Receiver) -> None:
    synth.agents(2)
    with services.work() as work:
        agent = work.session.query(Agent).filter(Agent.id.like("agt-syn-%")).order_by(Agent.id).first()
        assert agent is not None
        agent.presence = Presence.OFFLINE.value
        agent_id = agent.id
    _opt_in(services, agent_id, receiver.url, opted_in=False)
    synth.arrivals(60, escalated=60)
    assert synth.step().level == "HIGH"
    synth.loop.sender.close(wait=True)
    assert _notices(services) == {} and receiver.requests == []


def _one_notice(services: Services, url: str) -> notify.Delivery:
    with services.work() as work:
        agent = Agent(id="agt-hook", email="hook@agents.example", name="Hook", password_hash="-",
                      languages=["en"], created_at=work.now)
        work.session.add(agent)
        work.session.flush()
        notify.put_settings(work, agent.id, opted_in=True, webhook_url=url, server_secret=services.settings.secret_key)
        deliveries = notify.announce(work, "MEDIUM", Decimal("1.00"))
    assert len(deliveries) == 1
    return deliveries[0]


def test_webhook_retries_with_backoff_until_delivered(services: Services) -> None:
    receiver = Receiver([500, 503])
    waits: list[float] = []
    sender = _fast_sender(services, sleep=waits.append)
    try:
        assert sender.submit(_one_notice(services, receiver.url)).result(timeout=10) == "delivered"
    finally:
        sender.close(wait=True)
        receiver.close()
    assert len(receiver.requests) == 3 and waits == [0.01, 0.02]
    (notice,) = _notices(services)["agt-hook"]
    assert (notice.webhook, notice.attempts) == ("delivered", 3)


def test_webhook_gives_up_on_timeouts_and_refusals(services: Services) -> None:
    slow = Receiver([], delay_s=0.5)
    sender = _fast_sender(services, timeout_s=0.1, attempts=2)
    try:
        assert sender.submit(_one_notice(services, slow.url)).result(timeout=10) == "failed"
        assert len(slow.requests) == 2
    finally:
        sender.close(wait=True)
        slow.close()
    refusing = Receiver([410])
    sender = _fast_sender(services)
    try:
        with services.work() as work:
            deliveries = notify.announce(work, "HIGH", Decimal("2.00"))
        deliveries = [dataclasses.replace(d, url=refusing.url) for d in deliveries]
        assert sender.submit(deliveries[0]).result(timeout=10) == "failed"
        assert len(refusing.requests) == 1  # a 4xx is final: no retry
    finally:
        sender.close(wait=True)
        refusing.close()


def test_slow_webhook_never_blocks_the_computation(services: Services, synth: Any) -> None:
    slow = Receiver([], delay_s=2.0)
    try:
        synth.agents(1)
        with services.work() as work:
            work.session.query(Agent).filter(Agent.id.like("agt-syn-%")).update({"presence": "offline"})
            agent_id = work.session.query(Agent.id).filter(Agent.id.like("agt-syn-%")).scalar()
        _opt_in(services, agent_id, slow.url)
        synth.loop.sender = _fast_sender(services)
        synth.arrivals(60, escalated=60)
        synth.clock.advance(60)
        started = time.monotonic()
        state = synth.loop.step()
        took = time.monotonic() - started
        assert state is not None and state.level == "HIGH"
        assert took < 1.5
        _wait_for(lambda: len(slow.requests) == 1)
    finally:
        synth.loop.sender.close(wait=True)
        slow.close()


def test_webhook_url_must_be_http_and_https_in_production() -> None:
    assert notify.check_webhook_url("http://93.184.216.34:9/x", https_only=False) == "http://93.184.216.34:9/x"
    assert notify.check_webhook_url(None, https_only=True) is None
    for bad in ("ftp://x/y", "javascript:alert(1)", "/relative"):
        with pytest.raises(InvalidInput):
            notify.check_webhook_url(bad, https_only=False)
    with pytest.raises(InvalidInput):
        notify.check_webhook_url("http://example.com/hook", https_only=True)


def test_webhook_url_must_be_a_public_address_in_production() -> None:
    internal = ("http://127.0.0.1:9/x", "http://10.1.2.3/hook", "http://192.168.0.7/", "http://0.0.0.0/",
                "http://169.254.169.254/latest/meta-data/", "http://[::1]/hook", "http://[::ffff:127.0.0.1]/",
                "http://[fd00::1]/", "http://localhost:8000/hook", "http://224.0.0.1/")
    for url in internal:
        with pytest.raises(InvalidInput):
            notify.check_webhook_url(url, https_only=False, public_only=True)
        with pytest.raises(InvalidInput):  # the default, in every environment
            notify.check_webhook_url(url, https_only=False)
    assert notify.check_webhook_url("https://8.8.8.8/hook", https_only=True, public_only=True) == "https://8.8.8.8/hook"
    # a name is judged by every address it resolves to; a name that does not resolve is refused
    assert notify.public_host("https://hooks.example/x", resolve=lambda host: ["93.184.216.34"])
    assert not notify.public_host("https://hooks.example/x", resolve=lambda host: ["93.184.216.34", "10.0.0.1"])

    def unresolvable(host: str) -> list[str]:
        raise OSError("no such host")

    assert not notify.public_host("https://hooks.example/x", resolve=unresolvable)


def test_sender_refuses_an_internal_address_at_send_time(services: Services, receiver: Receiver) -> None:
    # saved while the name pointed elsewhere (or before production): the sender checks again before posting
    sender = _fast_sender(services, public_only=True)
    try:
        url = receiver.url.replace("127.0.0.1", "localhost")
        assert sender.submit(_one_notice(services, url)).result(timeout=10) == "refused"
    finally:
        sender.close(wait=True)
    assert receiver.requests == []
    (notice,) = _notices(services)["agt-hook"]
    assert (notice.webhook, notice.attempts) == ("refused", 0)


def test_webhook_redirects_are_not_followed(services: Services, receiver: Receiver) -> None:
    redirecting = Receiver([303], location=receiver.url)
    sender = _fast_sender(services)
    try:
        assert sender.submit(_one_notice(services, redirecting.url)).result(timeout=10) == "failed"
    finally:
        sender.close(wait=True)
        redirecting.close()
    assert len(redirecting.requests) == 1 and receiver.requests == []  # one try, and the target never hit


def test_surge_message_format() -> None:
    bonus = surge.surge_rules(Settings()).bonus[3]
    assert notify.surge_message("HIGH", bonus) == "Surge: HIGH, +$2.00 per conversation"


def test_each_agent_gets_its_own_webhook_secret_shown_once(services: Services) -> None:
    key = services.settings.secret_key
    with services.work() as work:
        for agent_id in ("agt-a", "agt-b"):
            work.session.add(Agent(id=agent_id, email=f"{agent_id}@agents.example", name=agent_id,
                                   password_hash="-", languages=["en"], created_at=work.now))
        work.session.flush()
        a = notify.put_settings(work, "agt-a", opted_in=True, webhook_url="https://a.example/h", server_secret=key)
        b = notify.put_settings(work, "agt-b", opted_in=True, webhook_url="https://a.example/h", server_secret=key)
        again = notify.put_settings(work, "agt-a", opted_in=False, webhook_url="https://a.example/h",
                                    server_secret=key)
        rotated = notify.put_settings(work, "agt-a", opted_in=True, webhook_url="https://a.example/h",
                                      server_secret=key, rotate_secret=True)
        shown = notify.get_settings(work, "agt-a")
        removed = notify.put_settings(work, "agt-b", opted_in=True, webhook_url=None, server_secret=key)
    assert a["webhook_secret"].startswith("whsec_") and len(a["webhook_secret"]) == 6 + 64
    assert a["webhook_secret"] != b["webhook_secret"]  # same URL, different agents
    assert again["webhook_secret"] is None and again["has_webhook_secret"]  # shown once, not on every save
    assert rotated["webhook_secret"] not in (None, a["webhook_secret"])
    assert "webhook_secret" not in shown and shown["has_webhook_secret"]
    assert removed == {"opted_in": True, "webhook_url": None, "has_webhook_secret": False, "webhook_secret": None}


def test_a_webhook_saved_without_a_secret_is_not_sent_unsigned(services: Services, receiver: Receiver) -> None:
    sender = _fast_sender(services)
    try:
        delivery = dataclasses.replace(_one_notice(services, receiver.url), salt=None)
        assert sender.submit(delivery).result(timeout=10) == "no_secret"
    finally:
        sender.close(wait=True)
    assert receiver.requests == []


def test_the_sender_connects_to_the_address_it_checked(services: Services, receiver: Receiver) -> None:
    # a name resolved once and checked: every attempt connects to that address, never to a new lookup (DNS
    # rebinding). "rebind.invalid" cannot be resolved by the system, so a delivery proves the pinning.
    lookups: list[str] = []

    def resolve(host: str) -> list[str]:
        lookups.append(host)
        return ["127.0.0.1"]

    sender = _fast_sender(services, resolve=resolve)
    url = receiver.url.replace("127.0.0.1", "rebind.invalid")
    try:
        assert sender.submit(_one_notice(services, url)).result(timeout=10) == "delivered"
    finally:
        sender.close(wait=True)
    assert lookups == ["rebind.invalid"] and len(receiver.requests) == 1
    headers, _ = receiver.requests[0]
    assert headers["Host"].startswith("rebind.invalid:")


def test_the_app_refuses_internal_webhooks_outside_production_too(services: Services) -> None:
    from fastapi.testclient import TestClient

    from tandem.api.app import create_app
    from tandem.demo.agents import DEMO_PASSWORD, seed_agents

    assert services.settings.env == "test"
    seed_agents(services)
    client = TestClient(create_app(services, run_dispatcher=False))
    token = client.post("/api/agent/login", json={"email": "ben@agents.example", "password": DEMO_PASSWORD})
    auth = {"Authorization": "Bearer " + token.json()["token"]}
    for url in ("http://127.0.0.1:8000/api", "http://169.254.169.254/latest/meta-data/", "http://[::1]/"):
        r = client.put("/api/surge/notifications", json={"opted_in": True, "webhook_url": url}, headers=auth)
        assert r.status_code == 422, url
    assert SurgeLoopCheck.public_only(services)


class SurgeLoopCheck:
    @staticmethod
    def public_only(services: Services) -> bool:
        loop = surge.SurgeLoop(services)
        try:
            return loop.sender.public_only
        finally:
            loop.sender.close()
