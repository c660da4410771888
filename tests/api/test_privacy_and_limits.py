from __future__ import annotations

import logging

from fastapi.testclient import TestClient

from tandem.core.logsafe import CardMaskingFilter
from tandem.services.context import Services

from .conftest import login, start_chat


def test_export_and_erase_one_customer(client: TestClient, seeded: Services) -> None:
    mine, h = start_chat(client, customer_ref="cus_demo_maya")
    other, ho = start_chat(client)
    client.post(f"/api/conversations/{mine}/messages", json={"body": "my card 4111111111111111 was charged"}, headers=h)
    client.post(f"/api/conversations/{other}/messages", json={"body": "how do refunds work"}, headers=ho)
    sam, ana = login(client, "sam@agents.example"), login(client, "ana@agents.example")
    assert client.get("/api/privacy/customers/cus_demo_maya/export", headers=ana).status_code == 403
    data = client.get("/api/privacy/customers/cus_demo_maya/export", headers=sam).json()
    assert [c["id"] for c in data["conversations"]] == [mine]
    bodies = [m["body"] for m in data["conversations"][0]["messages"]]
    assert any("•••• 1111" in b for b in bodies) and not any("4111111111111111" in b for b in bodies)
    assert client.delete("/api/privacy/customers/cus_demo_maya", headers=sam).json()["erased_conversations"] == 1
    assert client.get(f"/api/conversations/{mine}/messages", headers=h).status_code == 401  # token revoked
    after = client.get(f"/api/agent/conversations/{mine}", headers=sam).json()["messages"]
    assert after and all(m["body"].startswith("[erased") for m in after if m["author"] != "system")
    untouched = client.get(f"/api/conversations/{other}/messages", headers=ho).json()["messages"]
    assert untouched[0]["body"] == "how do refunds work"
    assert client.get("/api/privacy/customers/cus_demo_maya/export", headers=sam).json()["conversations"] == []


def test_login_brute_force_is_rate_limited(client: TestClient, seeded: Services) -> None:
    # one account: its failed-login windows (5 a minute) stop the guessing, whatever the password
    codes = [client.post("/api/agent/login", json={"email": "ana@agents.example", "password": "guess-" + str(i)})
             .status_code for i in range(8)]
    assert codes == [401] * 5 + [429] * 3
    limited = client.post("/api/agent/login", json={"email": "ana@agents.example", "password": "tandem-demo"})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    # many accounts from one address: the address window (10 a minute) stops the spraying
    codes = [client.post("/api/agent/login", json={"email": f"x{i}@agents.example", "password": "guess"})
             .status_code for i in range(3)]
    assert codes == [401, 429, 429]  # the 9 attempts on ana above count too: 10 a minute per address


def test_card_numbers_never_reach_the_log(caplog) -> None:  # type: ignore[no-untyped-def]
    log = logging.getLogger("tandem.test")
    caplog.handler.addFilter(CardMaskingFilter())
    with caplog.at_level(logging.INFO):
        log.info("customer wrote %s", "pay with 4111 1111 1111 1111 please")
        try:
            raise ValueError("card 5500000000000004 rejected")
        except ValueError:
            log.exception("failed")
    text = caplog.text
    assert "4111 1111 1111 1111" not in text and "5500000000000004" not in text
    assert "•••• 1111" in text and "•••• 0004" in text
