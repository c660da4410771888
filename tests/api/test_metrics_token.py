"""/metrics behind TANDEM_METRICS_TOKEN, compared in constant time (issue 14, finding 14)."""

from __future__ import annotations

import hmac

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from tandem.api import routes_quality
from tandem.api.app import create_app
from tandem.services.context import Services

TOKEN = "metrics-" + "t" * 32


@pytest.fixture
def client(services: Services) -> TestClient:
    services.settings = services.settings.model_copy(update={"metrics_token": SecretStr(TOKEN)})
    return TestClient(create_app(services, run_dispatcher=False))


def test_metrics_wants_the_token(client: TestClient) -> None:
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer " + TOKEN[:-1]}).status_code == 401
    ok = client.get("/metrics", headers={"Authorization": "Bearer " + TOKEN})
    assert ok.status_code == 200 and "tandem_queue_length" in ok.text


def test_metrics_token_is_compared_in_constant_time(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[bytes, bytes]] = []
    original = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return original(a, b)

    monkeypatch.setattr(routes_quality.hmac, "compare_digest", spy)
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert compared == [(b"Bearer " + TOKEN.encode(), b"Bearer wrong")]
