"""Claim and the agent's queue apply exactly the router's eligibility (issue 14, finding 1).

A gig agent sees only work they are certified for, and takes it only when the router could have offered it:
skill, tier at this wait (sensitive topics need a senior), language (fallbacks once relaxed), exclusions.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tandem.core.clock import FakeClock
from tandem.engines.assistant.escalation import EscalationReason
from tandem.services import conversations, dispatch, queue
from tandem.services.context import Services

from .conftest import go, login, start_chat


def waiting_chat(client: TestClient, services: Services, topic: str, language: str = "en",
                 **body: Any) -> tuple[str, dict[str, str]]:
    """A conversation the assistant understood as `topic`, waiting for a human."""
    cid, token = start_chat(client, language=language, **body)
    with services.work() as work:
        conv = conversations.get(work, cid)
        conv.topic = topic
        queue.request_human(work, conv, reason=EscalationReason.CUSTOMER_BUTTON, topic=topic)
    return cid, token


def sign_up(client: TestClient, email: str = "newbie@gig.example", languages: tuple[str, ...] = ("en",)) -> dict:  # type: ignore[type-arg]
    r = client.post("/api/workforce/signup", json={"name": "New Gig", "email": email, "password": "a-long-password",
                                                   "languages": list(languages), "topics": ["fraud"]})
    assert r.status_code == 202, r.text
    r = client.post("/api/agent/login", json={"email": email, "password": "a-long-password"})
    return {"Authorization": "Bearer " + r.json()["token"]}


def listed(client: TestClient, auth: dict[str, str]) -> list[str]:
    r = client.get("/api/agent/queue", headers=auth)
    assert r.status_code == 200, r.text
    return [w["conversation_id"] for w in r.json()["waiting"]]


def claim(client: TestClient, cid: str, auth: dict[str, str]) -> Any:
    return client.post(f"/api/agent/conversations/{cid}/claim", headers=auth)


def test_a_fresh_sign_up_cannot_see_take_or_read_a_fraud_chat(client: TestClient, seeded: Services) -> None:
    cid, _ = waiting_chat(client, seeded, "fraud", customer_ref="cus_demo_maya")
    newbie = sign_up(client)
    go(client, newbie, "available")
    assert cid not in listed(client, newbie)
    r = claim(client, cid, newbie)
    assert r.status_code == 403 and r.json()["error"]["details"]["reason"] == "no_skill", r.text
    assert client.get(f"/api/agent/conversations/{cid}", headers=newbie).status_code == 404
    assert client.get(f"/api/workbench/conversations/{cid}/card", headers=newbie).status_code == 404
    # a senior in fraud sees and takes it
    ana = login(client, "ana@agents.example")
    go(client, ana, "available")
    assert cid in listed(client, ana)
    assert claim(client, cid, ana).status_code == 200


def test_a_sensitive_topic_needs_a_senior_however_long_it_waits(client: TestClient, seeded: Services,
                                                                 clock: FakeClock) -> None:
    cid, _ = waiting_chat(client, seeded, "fraud")
    ben = login(client, "ben@agents.example")  # verified in every topic
    go(client, ben, "available")
    for _ in range(3):
        assert cid not in listed(client, ben)
        r = claim(client, cid, ben)
        assert r.status_code == 403 and r.json()["error"]["details"]["reason"] == "tier"
        clock.advance(100)


def test_tier_and_language_relax_with_the_wait_as_in_the_router(client: TestClient, seeded: Services,
                                                                clock: FakeClock) -> None:
    payments, _ = waiting_chat(client, seeded, "payments")
    swedish, _ = waiting_chat(client, seeded, "payments", language="sv")
    carla = login(client, "carla@agents.example")  # new tier; en, es, pt
    go(client, carla, "available")
    assert listed(client, carla) == []  # a new agent waits for the first relaxation step (60 s)
    assert claim(client, payments, carla).json()["error"]["details"]["reason"] == "tier"
    clock.advance(61)
    assert listed(client, carla) == [payments]
    assert claim(client, swedish, carla).json()["error"]["details"]["reason"] == "language"
    clock.advance(60)  # from 120 s any language may fall back to English
    assert set(listed(client, carla)) == {payments, swedish}
    assert claim(client, swedish, carla).status_code == 200


def test_an_agent_who_declined_cannot_claim_it_during_the_cooldown(client: TestClient, seeded: Services,
                                                                   clock: FakeClock) -> None:
    ben = login(client, "ben@agents.example")
    go(client, ben, "available")
    cid, _ = waiting_chat(client, seeded, "payments")
    assert dispatch.tick(seeded) == 1
    (offer,) = client.get("/api/agent/offers", headers=ben).json()["offers"]
    assert client.post(f"/api/agent/offers/{offer['id']}/decline", headers=ben).status_code == 200
    assert cid not in listed(client, ben)
    assert claim(client, cid, ben).json()["error"]["details"]["reason"] == "excluded"
    clock.advance(301)  # RoutingConfig.decline_cooldown_s
    assert cid in listed(client, ben)
    assert claim(client, cid, ben).status_code == 200
