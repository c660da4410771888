"""Signed embed with expiry (issue 15 item 9, issue 14 finding 17): the company's server signs
"v1.<exp>.<customer_ref>"; a wrong, expired or too-far-ahead signature gets its own clear 401, and a signature
without expiry is refused in production."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from pydantic import SecretStr

from tandem.api.app import create_app
from tandem.backend.seed import seed_demo
from tandem.cli import main
from tandem.core import embed, keys
from tandem.core.clock import FakeClock
from tandem.core.settings import Settings
from tandem.services import conversations
from tandem.services.bootstrap import build_services
from tandem.services.context import Services

SECRET = "embed-test-secret-" + "k" * 32
REF = "cus_demo_maya"


@pytest.fixture
def production(tmp_path: Path, db_url: str, clock: FakeClock) -> Iterator[Services]:
    settings = Settings(data_dir=tmp_path, database_url=db_url, env="production", demo=False, backend="demo",
                        secret_key=SECRET, public_url="https://support.example.com", intent_model=False,
                        metrics_token=SecretStr("m" * 40), embed_max_ttl_s=3600)
    svc = build_services(settings, clock)
    assert svc.backend is not None
    seed_demo(svc.backend)  # type: ignore[arg-type]
    yield svc
    svc.db.dispose()


@pytest.fixture
def client(production: Services) -> Iterator[TestClient]:
    with TestClient(create_app(production, run_dispatcher=False)) as c:
        yield c


def _create(client: TestClient, **body: object) -> tuple[int, dict[str, object]]:
    r = client.post("/api/conversations", json={"language": "en", "customer_ref": REF, **body})
    return r.status_code, r.json()


def test_the_canonical_message_is_documented_and_stable() -> None:
    assert embed.message("cus.a.b", 1_700_000_000) == b"v1.1700000000.cus.a.b"
    key = keys.derive(SECRET, keys.Purpose.CUSTOMER_IDENTITY)
    # what the docs' Python snippet computes from the hex key `tandem keys customer-identity` prints
    snippet = hmac.new(bytes.fromhex(key.hex()), b"v1.1700000000.cus.a.b", hashlib.sha256).hexdigest()
    assert embed.sign(SECRET, "cus.a.b", 1_700_000_000) == snippet


def test_a_valid_signature_with_expiry_starts_a_signed_conversation(client: TestClient, production: Services,
                                                                    clock: FakeClock) -> None:
    exp = int(clock.now()) + 600
    status, body = _create(client, exp=exp, signature=embed.sign(SECRET, REF, exp))
    assert status == 201, body
    with production.work() as work:
        assert conversations.get(work, str(body["id"])).customer_ref == REF


@pytest.mark.parametrize(("case", "reason"), [
    ("wrong_key", "bad_signature"), ("other_ref", "bad_signature"), ("changed_exp", "bad_signature"),
    ("expired", "expired"), ("too_far", "expiry_too_far"), ("no_exp", "expiry_required"),
    ("no_signature", "signature_required"),
])
def test_each_refusal_is_a_distinct_clear_401(client: TestClient, clock: FakeClock, case: str, reason: str) -> None:
    now = int(clock.now())
    exp = now + 600
    bodies: dict[str, dict[str, object]] = {
        "wrong_key": {"exp": exp, "signature": embed.sign("another-secret-" + "x" * 32, REF, exp)},
        "other_ref": {"exp": exp, "signature": embed.sign(SECRET, "cus_demo_leo", exp)},
        "changed_exp": {"exp": exp + 1, "signature": embed.sign(SECRET, REF, exp)},
        "expired": {"exp": now - 5, "signature": embed.sign(SECRET, REF, now - 5)},
        "too_far": {"exp": now + 3600 + 3600, "signature": embed.sign(SECRET, REF, now + 7200)},
        # the old format: a signature over customer_ref alone, no expiry
        "no_exp": {"signature": keys.sign(keys.derive(SECRET, keys.Purpose.CUSTOMER_IDENTITY), REF.encode())},
        "no_signature": {},
    }
    status, body = _create(client, **bodies[case])
    assert status == 401, body
    error = body["error"]
    assert isinstance(error, dict)
    assert error["code"] == "unauthorized" and error["details"]["reason"] == reason
    assert {"bad_signature": "does not match", "expired": "expired", "expiry_too_far": "embed_max_ttl_s",
            "expiry_required": "need an expiry", "signature_required": "needs a signature"}[reason] in error["message"]


def test_clock_skew_allowance_and_the_exact_expiry(client: TestClient, clock: FakeClock) -> None:
    now = int(clock.now())
    ok = now + 3600 + embed.CLOCK_SKEW_S  # a company clock slightly ahead is still accepted
    assert _create(client, exp=ok, signature=embed.sign(SECRET, REF, ok))[0] == 201
    status, body = _create(client, exp=now, signature=embed.sign(SECRET, REF, now))  # exp is exclusive
    assert status == 401 and body["error"]["details"]["reason"] == "expired"  # type: ignore[index]


def test_outside_production_the_old_format_still_works(services: Services) -> None:
    assert services.settings.env != "production" and services.backend is not None
    seed_demo(services.backend)  # type: ignore[arg-type]
    with TestClient(create_app(services, run_dispatcher=False)) as c:
        old = keys.sign(keys.derive(services.settings.secret_key, keys.Purpose.CUSTOMER_IDENTITY), REF.encode())
        r = c.post("/api/conversations", json={"language": "en", "customer_ref": REF, "signature": old})
        assert r.status_code == 201, r.text
        r = c.post("/api/conversations", json={"language": "en", "customer_ref": REF, "signature": "0" * 64})
        assert r.status_code == 401 and r.json()["error"]["details"]["reason"] == "bad_signature"


def test_embed_sign_cli_signs_what_the_server_accepts() -> None:
    env = {"TANDEM_SECRET_KEY": SECRET, "TANDEM_ENV": "production", "TANDEM_EMBED_MAX_TTL_S": "3600"}
    result = CliRunner().invoke(main, ["embed", "sign", "--ref", REF, "--ttl", "900", "--json"], env=env)
    assert result.exit_code == 0, result.output
    signed = json.loads(result.output)
    assert signed["signature"] == embed.sign(SECRET, REF, signed["exp"])
    embed.verify(SECRET, REF, signed["exp"], signed["signature"], now=signed["exp"] - 900, max_ttl_s=3600,
                 production=True)  # raises when refused
    text = CliRunner().invoke(main, ["embed", "sign", "--ref", REF], env=env).output
    assert 'data-customer-ref="cus_demo_maya"' in text and "data-exp=" in text and "data-signature=" in text
    too_long = CliRunner().invoke(main, ["embed", "sign", "--ref", REF, "--ttl", "7200"], env=env)
    assert too_long.exit_code != 0 and "embed_max_ttl_s" in too_long.output
