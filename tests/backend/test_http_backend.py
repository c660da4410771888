"""The built-in HTTP account backend against the reference server: contract, signatures, retries, breaker."""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import create_engine

from tandem.backend.demo import DemoBackend
from tandem.backend.http import CircuitBreaker, HttpAccountBackend
from tandem.backend.records import Actor, Order
from tandem.backend.seed import DEMO_CUSTOMER_ID, DEMO_EMAIL, build_snapshot, seed_demo
from tandem.core.clock import FakeClock
from tandem.core.errors import NotFound, PolicyDenied, Unavailable
from tandem.core.settings import ConfigError, HttpBackend, Settings
from tandem.engines.assistant.actions import AccountTools, Outcome
from tandem.services.bootstrap import build_backend
from tandem.storage.db import Database
from tandem.testing.backend_contract import ContractData, check_backend
from tandem.testing.reference_server import Faults, reference_app

KEY = b"k" * 32
MAYA_ORDER = "ord_maya_pay30"


@dataclass
class Company:
    demo: DemoBackend
    faults: Faults
    url: str
    clients: list[HttpAccountBackend]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def company(tmp_path: Path) -> Iterator[Company]:
    demo = DemoBackend(create_engine(f"sqlite:///{tmp_path / 'accounts.sqlite3'}"), FakeClock())
    seed_demo(demo, customers=6)
    faults = Faults()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(reference_app(demo, KEY, faults), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    made = Company(demo, faults, f"http://127.0.0.1:{port}/", [])
    yield made
    for client in made.clients:
        client.close()
    server.should_exit = True
    thread.join(5)


def http(company: Company, key: bytes = KEY, **config: float) -> HttpAccountBackend:
    backend = HttpAccountBackend(HttpBackend(base_url=company.url, **config), key, sleep=lambda _s: None)
    company.clients.append(backend)
    return backend


def owners(demo: DemoBackend) -> dict[str, str]:
    """order id -> customer id of what seed_demo(demo, customers=6) stored (the same seeded generator)."""
    return {o.id: o.customer_id for o in build_snapshot(random.Random(7), demo.today(), 6).orders}


def other_customers_order(demo: DemoBackend) -> str:
    return next(order for order, customer in owners(demo).items() if customer != DEMO_CUSTOMER_ID)


def contract_data(demo: DemoBackend) -> ContractData:
    return ContractData(customer_id=DEMO_CUSTOMER_ID, email=DEMO_EMAIL, order_id=MAYA_ORDER,
                        other_customers_order_id=other_customers_order(demo))


def test_the_demo_backend_and_the_http_backend_keep_the_contract(company: Company) -> None:
    backend = http(company)
    assert check_backend(backend, contract_data(company.demo)) == []
    assert company.demo.get_order(DEMO_CUSTOMER_ID, MAYA_ORDER).pauses_used == 1  # the contract's one action
    fresh = DemoBackend(create_engine("sqlite://"), FakeClock())
    seed_demo(fresh, customers=6)
    assert check_backend(fresh, contract_data(fresh)) == []


def test_the_contract_reports_a_backend_that_leaks_another_customers_order(company: Company) -> None:
    class Leaky(DemoBackend):
        def get_order(self, customer_id: str, order_id: str) -> Order:
            return super().get_order(owners(self).get(order_id, customer_id), order_id)  # no customer scope

    leaky = Leaky(create_engine("sqlite://"), FakeClock())
    seed_demo(leaky, customers=6)
    problems = check_backend(leaky, ContractData(DEMO_CUSTOMER_ID, DEMO_EMAIL, MAYA_ORDER,
                                                 other_customers_order(leaky), actions=False))
    assert problems == ["someone else's order raises NotFound (nothing was raised)"]


def test_a_request_with_the_wrong_key_is_refused_by_the_company(company: Company) -> None:
    with pytest.raises(Unavailable, match="HTTP 401"):
        http(company, key=b"x" * 32).get_customer(DEMO_CUSTOMER_ID)


def test_errors_map_to_not_found_and_policy_denied(company: Company) -> None:
    backend = http(company)
    with pytest.raises(NotFound):
        backend.get_customer("cus_nobody")
    with pytest.raises(NotFound):
        backend.get_order(DEMO_CUSTOMER_ID, "../../admin")  # never reaches a URL
    assert backend.find_customer_by_email("nobody@nowhere.example") is None
    with pytest.raises(PolicyDenied) as local:
        backend.pause_payment(DEMO_CUSTOMER_ID, MAYA_ORDER, 20, Actor.ai())  # Tandem's own limit, before sending
    assert local.value.details["policy"] == "days_out_of_range"
    assert not any("pause" in seen for seen in company.faults.seen)
    backend.pause_payment(DEMO_CUSTOMER_ID, MAYA_ORDER, 3, Actor.ai())
    with pytest.raises(PolicyDenied) as remote:  # the company's server says no: the order was paused
        backend.pause_payment(DEMO_CUSTOMER_ID, MAYA_ORDER, 3, Actor.ai())
    assert remote.value.details["policy"] == "pause_already_used"


def test_a_read_is_retried_after_a_5xx_and_an_action_never_is(company: Company) -> None:
    backend = http(company)
    company.faults.status, company.faults.count = 503, 1
    assert backend.get_customer(DEMO_CUSTOMER_ID).id == DEMO_CUSTOMER_ID
    assert company.faults.seen == ["GET /customers/cus_demo_maya"] * 2
    company.faults.seen.clear()
    company.faults.status, company.faults.count = 503, 1
    with pytest.raises(Unavailable):
        backend.pause_payment(DEMO_CUSTOMER_ID, MAYA_ORDER, 2, Actor.ai())
    assert company.faults.seen == [f"POST /customers/cus_demo_maya/orders/{MAYA_ORDER}/pause"]
    assert company.demo.get_order(DEMO_CUSTOMER_ID, MAYA_ORDER).pauses_used == 0


@pytest.mark.parametrize("body", [b"{not json", b'{"id": 7}',
                                  b'{"id": "cus_demo_maya", "name": "M", "email": "m@x", "phone": "1", '
                                  b'"country": "SE", "language": "sv", "status": "active", "spending_limit": "1", '
                                  b'"card_brand": "Visa", "card_last4": "4111111111111111"}'])
def test_an_answer_outside_the_contract_is_refused(company: Company, body: bytes) -> None:
    company.faults.body, company.faults.count = body, 1
    with pytest.raises(Unavailable):
        http(company).get_customer(DEMO_CUSTOMER_ID)


def test_a_timeout_makes_the_assistant_say_it_cannot_reach_the_account(company: Company) -> None:
    company.faults.delay_s, company.faults.count = 1.0, 10
    backend = http(company, timeout_s=0.2, read_retries=1)
    result = AccountTools(backend).run(DEMO_CUSTOMER_ID, "payment_schedule", MAYA_ORDER)
    assert result.outcome is Outcome.FAILED
    assert "couldn't reach your account" in result.text and "person" in result.text
    assert len(company.faults.seen) == 2  # one try and one retry, no made-up answer


def opened_breaker(company: Company) -> tuple[HttpAccountBackend, list[float]]:
    """A backend whose breaker two 5xx answers in a row have opened, and the clock it reads."""
    clock = [0.0]
    backend = HttpAccountBackend(HttpBackend(base_url=company.url, read_retries=0, breaker_failures=2,
                                             breaker_reset_s=30), KEY, clock=lambda: clock[0])
    company.clients.append(backend)
    company.faults.status, company.faults.count = 500, 2
    for _ in range(2):
        with pytest.raises(Unavailable):
            backend.get_customer(DEMO_CUSTOMER_ID)
    return backend, clock


def test_the_breaker_opens_after_failures_in_a_row_and_one_probe_closes_it(company: Company) -> None:
    backend, clock = opened_breaker(company)
    assert backend.breaker.state == "open"
    with pytest.raises(Unavailable, match="circuit open"):
        backend.get_customer(DEMO_CUSTOMER_ID)
    assert len(company.faults.seen) == 2  # failed fast: the company was not called
    clock[0] = 31.0
    assert backend.breaker.state == "half_open"
    assert backend.get_customer(DEMO_CUSTOMER_ID).id == DEMO_CUSTOMER_ID
    assert backend.breaker.state == "closed"


def test_a_failed_probe_opens_the_breaker_again() -> None:
    clock = [0.0]
    breaker = CircuitBreaker(failures=3, reset_s=10, clock=lambda: clock[0])
    for _ in range(3):
        breaker.failure()
    assert not breaker.allow()
    clock[0] = 10.0
    assert breaker.allow() and not breaker.allow()  # one probe at a time
    breaker.failure()
    assert breaker.state == "open" and not breaker.allow()


def test_configuration_of_the_backend(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="backend_http.base_url"):
        Settings(env="test", backend="http")
    with pytest.raises(ValueError, match="base_url"):
        HttpBackend(base_url="http://accounts.example.com")  # plain http only to this machine
    db = Database(f"sqlite:///{tmp_path / 't.sqlite3'}")
    settings = Settings(env="test", backend="http", backend_http=HttpBackend(base_url="https://accounts.example.com"))
    built = build_backend(settings, db, demo=False)
    assert isinstance(built, HttpAccountBackend)
    built.close()
    with pytest.raises(ConfigError, match="tandem.backends entry-point group"):
        build_backend(Settings(env="test", backend="no-such-backend"), db, demo=False)
    with pytest.raises(ConfigError, match="lacks the AccountBackend methods"):
        build_backend(Settings(env="test", backend="builtins:repr"), db, demo=False)
    db.dispose()


def test_a_probe_answered_not_found_closes_the_breaker(company: Company) -> None:
    backend, clock = opened_breaker(company)
    clock[0] = 31.0
    with pytest.raises(NotFound):  # the probe reaches a system that is up and answers 404
        backend.get_customer("cus_nobody")
    assert backend.breaker.state == "closed"
    assert backend.get_customer(DEMO_CUSTOMER_ID).id == DEMO_CUSTOMER_ID  # not refused as "circuit open"


def test_a_body_dripped_past_the_timeout_fails_in_time() -> None:
    clock = [0.0]

    class Drip(httpx.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            for _ in range(20):
                clock[0] += 1.0  # each byte arrives within the per-read timeout, the whole answer does not
                yield b" "

    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, stream=Drip())

    backend = HttpAccountBackend(HttpBackend(base_url="http://127.0.0.1:9/", timeout_s=5, read_retries=1), KEY,
                                 transport=httpx.MockTransport(handler), clock=lambda: clock[0],
                                 sleep=lambda _s: None)
    with pytest.raises(Unavailable, match="longer than 5 s"):
        backend.today()
    assert len(seen) == 2 and clock[0] <= 2 * 6  # retried once; each try stopped at the deadline, not at 20 s
