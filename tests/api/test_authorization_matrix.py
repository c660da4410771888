"""Object-level authorization as a matrix: who may call what on whose conversation (DESIGN S1)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tandem.services.context import Services

from .conftest import go, login, start_chat

AGENT_CALLS = [
    ("GET", "/api/agent/conversations/{cid}", None),
    ("POST", "/api/agent/conversations/{cid}/messages", {"body": "hello"}),
    ("POST", "/api/agent/conversations/{cid}/resolve", None),
    ("POST", "/api/agent/conversations/{cid}/handback", None),
]
CUSTOMER_CALLS = [
    ("GET", "/api/conversations/{cid}", None),
    ("GET", "/api/conversations/{cid}/messages", None),
    ("POST", "/api/conversations/{cid}/messages", {"body": "hello"}),
    ("POST", "/api/conversations/{cid}/handoff", None),
    ("POST", "/api/conversations/{cid}/end", None),
]


@pytest.fixture
def owned(client: TestClient, seeded: Services) -> dict:  # type: ignore[type-arg]
    cid, customer = start_chat(client, customer_ref="cus_demo_maya")
    other_cid, other_customer = start_chat(client)
    client.post(f"/api/conversations/{cid}/handoff", headers=customer)
    ana, ben, sam = (login(client, f"{n}@agents.example") for n in ("ana", "ben", "sam"))
    go(client, ana, "available")
    assert client.post(f"/api/agent/conversations/{cid}/claim", headers=ana).status_code == 200
    return {"cid": cid, "customer": customer, "other_customer": other_customer, "other_cid": other_cid,
            "ana": ana, "ben": ben, "sam": sam}


@pytest.mark.parametrize(("method", "path", "body"), AGENT_CALLS)
def test_agent_endpoints_refuse_strangers(client: TestClient, owned: dict, method: str, path: str,  # type: ignore[type-arg]
                                          body: dict | None) -> None:  # type: ignore[type-arg]
    url = path.format(cid=owned["cid"])
    assert client.request(method, url, json=body).status_code == 401  # no token
    assert client.request(method, url, json=body, headers={"Authorization": "Bearer forged"}).status_code == 401
    assert client.request(method, url, json=body, headers=owned["ben"]).status_code == 404  # not his
    assert client.request(method, url, json=body, headers=owned["customer"]).status_code == 401  # customer token


@pytest.mark.parametrize(("method", "path", "body"), CUSTOMER_CALLS)
def test_customer_endpoints_refuse_other_customers_and_agents(client: TestClient, owned: dict, method: str,  # type: ignore[type-arg]
                                                              path: str, body: dict | None) -> None:  # type: ignore[type-arg]
    url = path.format(cid=owned["cid"])
    for headers in ({}, owned["other_customer"], owned["ana"], owned["sam"]):
        assert client.request(method, url, json=body, headers=headers).status_code == 401


def test_supervisor_only_endpoints(client: TestClient, owned: dict) -> None:  # type: ignore[type-arg]
    for url in ("/api/ops/summary", "/api/privacy/customers/cus_demo_maya/export"):
        assert client.get(url, headers=owned["ana"]).status_code == 403
        assert client.get(url, headers=owned["customer"]).status_code == 401
        assert client.get(url, headers=owned["sam"]).status_code == 200


def test_the_owner_can_do_what_strangers_cannot(client: TestClient, owned: dict) -> None:  # type: ignore[type-arg]
    cid = owned["cid"]
    assert client.get(f"/api/agent/conversations/{cid}", headers=owned["ana"]).status_code == 200
    assert client.get(f"/api/conversations/{cid}/messages", headers=owned["customer"]).status_code == 200
    assert client.post(f"/api/agent/conversations/{cid}/messages", json={"body": "hi"},
                       headers=owned["ana"]).status_code == 201


def test_agent_socket_carries_only_the_agents_own_conversations(client: TestClient, owned: dict) -> None:  # type: ignore[type-arg]
    with client.websocket_connect("/ws/agent") as ws:
        ws.send_json({"type": "auth", "token": owned["ben"]["Authorization"][7:]})
        assert ws.receive_json()["type"] == "hello"
        client.post(f"/api/agent/conversations/{owned['cid']}/messages", json={"body": "secret for maya"},
                    headers=owned["ana"])
        ws.send_json({"type": "ping"})
        seen = []
        while (event := ws.receive_json())["type"] != "pong":
            seen.append(event)
    assert not any("secret for maya" in str(e) for e in seen)
