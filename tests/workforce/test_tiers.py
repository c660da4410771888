"""Tiers: promotion from volume and quality on resolve, and the audited supervisor endpoint."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tandem.core.clock import FakeClock
from tandem.core.settings import Certification
from tandem.domain.skills import Tier, Topic
from tandem.services.context import Services
from tandem.services.workforce import earned_tier, evaluate_tiers
from tandem.storage.models import AgentSkill, AuditEntry
from tandem.testing.sql import statements

from .conftest import go, grant, login, signup, tick, use_policy, waiting_chat


def test_earned_tier_thresholds() -> None:
    p = Certification()
    assert earned_tier(19, 5.0, 19, p) == Tier.NEW
    assert earned_tier(20, 4.0, 5, p) == Tier.VERIFIED
    assert earned_tier(20, 3.99, 20, p) == Tier.NEW
    assert earned_tier(20, 5.0, 4, p) == Tier.NEW  # too few ratings to judge
    assert earned_tier(20, None, 0, p) == Tier.NEW
    assert earned_tier(100, 4.3, 20, p) == Tier.SENIOR
    assert earned_tier(100, 4.29, 20, p) == Tier.VERIFIED
    assert earned_tier(99, 5.0, 99, p) == Tier.VERIFIED


def handle(client: TestClient, services: Services, auth: dict[str, str], score: int | None) -> None:
    cid, customer = waiting_chat(client)
    client.post("/api/agent/me/heartbeat", headers=auth)
    tick(services)
    [offer] = client.get("/api/agent/offers", headers=auth).json()["offers"]
    assert client.post(f"/api/agent/offers/{offer['id']}/accept", headers=auth).status_code == 200
    assert client.post(f"/api/agent/conversations/{cid}/resolve", headers=auth).status_code == 200
    if score is not None:
        r = client.post(f"/api/conversations/{cid}/rating", json={"score": score}, headers=customer)
        assert r.status_code == 200


def tiers(services: Services, agent_id: str) -> dict[str, int]:
    with services.work() as work:
        rows = work.session.scalars(select(AgentSkill).where(AgentSkill.agent_id == agent_id))
        return {s.topic: s.tier for s in rows}


def test_resolving_with_good_ratings_promotes_every_certified_topic(client: TestClient, services: Services,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    use_policy(services, verified_min_resolved=3)
    use_policy(services, verified_min_ratings=2)
    use_policy(services, senior_min_resolved=5)
    use_policy(services, senior_min_ratings=4)
    agent_id, auth = signup(client, "kim@gig.example")
    grant(services, agent_id, Topic.ACCOUNT, Tier.VERIFIED)  # so routing offers work at once
    grant(services, agent_id, Topic.FRAUD, Tier.NEW)
    go(client, auth, "available")
    handle(client, services, auth, 5)
    handle(client, services, auth, 4)
    assert tiers(services, agent_id)["fraud"] == Tier.NEW  # 2 resolved: not yet
    handle(client, services, auth, 5)  # 3 resolved, ratings seen so far 5 and 4
    assert tiers(services, agent_id) == {"account": Tier.VERIFIED, "fraud": Tier.VERIFIED}
    handle(client, services, auth, 5)
    handle(client, services, auth, None)  # 5 resolved, 4 rated, mean 4.75
    assert tiers(services, agent_id) == {"account": Tier.SENIOR, "fraud": Tier.SENIOR}
    with services.work() as work:
        promoted = list(work.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "tier.promoted", AuditEntry.subject == agent_id)))
    assert [e.detail["tier"] for e in promoted] == ["verified", "senior"]


def test_poor_ratings_do_not_promote(client: TestClient, services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    use_policy(services, verified_min_resolved=2)
    use_policy(services, verified_min_ratings=1)
    agent_id, auth = signup(client, "lea@gig.example")
    grant(services, agent_id, Topic.ACCOUNT, Tier.VERIFIED)
    grant(services, agent_id, Topic.REFUNDS, Tier.NEW)
    go(client, auth, "available")
    for score in (2, 3, 3):
        handle(client, services, auth, score)
    assert tiers(services, agent_id)["refunds"] == Tier.NEW


def test_supervisor_sets_tiers_with_an_audit_trail(client: TestClient, services: Services, clock: FakeClock) -> None:
    agent_id, auth = signup(client, "mo@gig.example")
    grant(services, agent_id, Topic.FRAUD, Tier.NEW)
    sam = login(client, "sam@agents.example")
    url = f"/api/workforce/agents/{agent_id}/tier"
    body = {"topic": "fraud", "tier": "senior", "reason": "ten years in card fraud operations"}
    assert client.post(url, json=body, headers=auth).status_code == 403  # no self-promotion
    assert client.post(url, json=body).status_code == 401
    assert client.post(url, json={**body, "tier": "master"}, headers=sam).status_code == 422
    assert client.post(url, json={**body, "topic": "crypto"}, headers=sam).status_code == 422
    assert client.post(url, json={**body, "topic": "refunds"}, headers=sam).status_code == 409  # not certified
    assert client.post("/api/workforce/agents/agt_nobody/tier", json=body, headers=sam).status_code == 404
    r = client.post(url, json=body, headers=sam)
    assert r.status_code == 200 and r.json()["skills"] == {"fraud": "senior"}
    status = client.get("/api/workforce/certifications", headers=auth).json()["topics"]
    assert next(t for t in status if t["topic"] == "fraud")["routable"] is True
    # a demotion holds: automatic promotion does not undo it
    demote = {**body, "tier": "new", "reason": "complaint under review"}
    assert client.post(url, json=demote, headers=sam).status_code == 200
    grant(services, agent_id, Topic.ACCOUNT, Tier.NEW)
    go(client, auth, "available")
    clock.advance(1)
    cid, customer = waiting_chat(client)
    clock.advance(61)  # routing offers tier `new` after a minute of waiting
    client.post("/api/agent/me/heartbeat", headers=auth)
    tick(services)
    [offer] = client.get("/api/agent/offers", headers=auth).json()["offers"]
    client.post(f"/api/agent/offers/{offer['id']}/accept", headers=auth)
    client.post(f"/api/agent/conversations/{cid}/resolve", headers=auth)
    client.post(f"/api/conversations/{cid}/rating", json={"score": 5}, headers=customer)
    with services.work() as work:
        raised = evaluate_tiers(work, agent_id, Certification(verified_min_resolved=1, verified_min_ratings=1))
    assert raised == ["account"]
    with services.work() as work:
        sets = list(work.session.scalars(select(AuditEntry).where(AuditEntry.action == "tier.set")))
    assert [(e.detail["before"], e.detail["after"]) for e in sets] == [("new", "senior"), ("senior", "new")]
    assert all(e.actor != agent_id and e.detail["reason"] for e in sets)
    assert tiers(services, agent_id) == {"fraud": Tier.NEW, "account": Tier.VERIFIED}


def test_supervisors_cannot_pay_themselves_or_set_their_own_tier(client: TestClient, services: Services) -> None:
    """Issue 14, finding 13: self-targeting is refused (403); another supervisor may do it, audited."""
    from tandem.services import agents

    sam = login(client, "sam@agents.example")
    me = client.get("/api/agent/me", headers=sam).json()["id"]
    tier = {"topic": "fraud", "tier": "new", "reason": "testing myself"}
    pay = {"amount": "50.00", "note": "bonus for me"}
    r = client.post(f"/api/workforce/agents/{me}/tier", json={**tier, "tier": "senior"}, headers=sam)
    assert r.status_code == 403 and "your own tier" in r.json()["error"]["message"]
    r = client.post(f"/api/workforce/agents/{me}/adjustments", json=pay, headers=sam)
    assert r.status_code == 403 and "your own pay" in r.json()["error"]["message"]
    assert client.get("/api/workforce/me/earnings", headers=sam).json()["all_time"]["adjustment"] == "0.00"
    with services.work() as work:
        assert not work.session.scalars(select(AuditEntry).where(
            AuditEntry.action.in_(["tier.set", "earnings.adjusted"]))).all()
        agents.create(work, email="rita@agents.example", name="Rita Second", password="a-long-password",
                      languages=["en"], role="supervisor")
    rita = login(client, "rita@agents.example", "a-long-password")
    assert client.post(f"/api/workforce/agents/{me}/tier", json=tier, headers=rita).status_code == 200
    assert client.post(f"/api/workforce/agents/{me}/adjustments", json=pay, headers=rita).status_code == 201


def test_a_senior_everywhere_is_not_re_evaluated(client: TestClient, services: Services) -> None:
    """Nothing can rise: the resolve reads the agent's skills and not their record (two aggregates before)."""
    agent_id, _ = signup(client, "top@agents.example")
    grant(services, agent_id, Topic.ACCOUNT, Tier.SENIOR)
    with statements(services.db.engine) as sql, services.work() as work:
        raised = evaluate_tiers(work, agent_id, Certification(senior_min_resolved=1, senior_min_ratings=1,
                                                              verified_min_resolved=1, verified_min_ratings=1))
    assert raised == []
    assert len(sql) == 1 and "agent_skills" in sql[0]
