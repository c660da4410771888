"""Derived keys: HKDF-SHA256 per RFC 5869, one label per purpose (issue 14, finding 4)."""

from __future__ import annotations

import hashlib
import hmac

from click.testing import CliRunner
from fastapi.testclient import TestClient

from tandem.api.app import create_app
from tandem.backend.seed import seed_demo
from tandem.cli import main
from tandem.core import keys
from tandem.services.context import Services


def test_hkdf_matches_rfc5869_test_cases_1_and_3() -> None:
    ikm = bytes([0x0B] * 22)
    case1 = keys.hkdf_sha256(ikm, bytes(range(0xF0, 0xFA)), 42, salt=bytes(range(0x0D)))
    assert case1.hex() == ("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
                           "34007208d5b887185865")
    case3 = keys.hkdf_sha256(ikm, b"", 42)
    assert case3.hex() == ("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
                           "9d201395faa4b61a96c8")


def test_each_purpose_and_context_gets_its_own_key() -> None:
    derived = {keys.derive("s" * 32, p) for p in keys.Purpose}
    derived |= {keys.derive("s" * 32, keys.Purpose.AGENT_WEBHOOK, "agt_1"),
                keys.derive("s" * 32, keys.Purpose.AGENT_WEBHOOK, "agt_2")}
    assert len(derived) == len(keys.Purpose) + 2
    assert keys.derive("s" * 32, keys.Purpose.CUSTOMER_IDENTITY) != keys.derive("t" * 32, "tandem/customer-identity/v1")
    assert all(len(k) == 32 for k in derived)


def test_customer_ref_is_verified_with_the_derived_identity_key(services: Services) -> None:
    assert services.backend is not None
    seed_demo(services.backend)  # type: ignore[arg-type]
    client = TestClient(create_app(services, run_dispatcher=False))
    secret = services.settings.secret_key
    raw = hmac.new(secret.encode(), b"cus_demo_maya", hashlib.sha256).hexdigest()  # the server secret itself
    r = client.post("/api/conversations", json={"language": "en", "customer_ref": "cus_demo_maya", "signature": raw})
    assert r.status_code == 401
    good = keys.sign(keys.derive(secret, keys.Purpose.CUSTOMER_IDENTITY), b"cus_demo_maya")
    r = client.post("/api/conversations", json={"language": "en", "customer_ref": "cus_demo_maya", "signature": good})
    assert r.status_code == 201, r.text


def test_keys_command_prints_the_identity_key() -> None:
    result = CliRunner().invoke(main, ["keys", "customer-identity"], env={"TANDEM_SECRET_KEY": "q" * 40})
    assert result.exit_code == 0
    assert result.output.strip() == keys.derive("q" * 40, keys.Purpose.CUSTOMER_IDENTITY).hex()
