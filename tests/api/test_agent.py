from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from tandem.core.clock import FakeClock
from tandem.services.context import Services
from tandem.storage.models import Agent, AuditEntry, Offer

from .conftest import go, login, start_chat, tick


def waiting_chat(client: TestClient, language: str = "en") -> tuple[str, dict[str, str]]:
    cid, h = start_chat(client, language=language, customer_ref="cus_demo_maya")
    client.post(f"/api/conversations/{cid}/handoff", headers=h)
    return cid, h


def offers_of(client: TestClient, auth: dict[str, str]) -> list[dict]:
    return client.get("/api/agent/offers", headers=auth).json()["offers"]


def test_login_rejects_wrong_password_and_tokens_expire(client: TestClient, seeded: Services,
                                                        clock: FakeClock) -> None:
    bad = client.post("/api/agent/login", json={"email": "ana@agents.example", "password": "wrong-password"})
    assert bad.status_code == 401
    auth = login(client, "ana@agents.example")
    assert client.get("/api/agent/me", headers=auth).status_code == 200
    clock.advance(seeded.settings.agent_token_ttl_s + 1)
    assert client.get("/api/agent/me", headers=auth).status_code == 401


def test_offer_accept_reply_resolve_rate(client: TestClient, seeded: Services) -> None:
    cid, h = waiting_chat(client)
    ana = login(client, "ana@agents.example")
    go(client, ana, "available")
    assert tick(seeded) == 1
    [offer] = offers_of(client, ana)
    assert offer["conversation_id"] == cid and offer["pay"]["base"] == "0.80"
    r = client.post(f"/api/agent/offers/{offer['id']}/accept", headers=ana)
    assert r.status_code == 200 and r.json()["state"] == "with_human"
    assert client.post(f"/api/agent/offers/{offer['id']}/accept", headers=ana).status_code == 409
    view = client.get(f"/api/agent/conversations/{cid}", headers=ana).json()
    assert view["customer"]["name"] and "***@" in view["customer"]["email"]
    assert client.post(f"/api/agent/conversations/{cid}/messages", json={"body": "Hi, I'm Ana"},
                       headers=ana).status_code == 201
    client.post(f"/api/conversations/{cid}/messages", json={"body": "thanks Ana"}, headers=h)
    authors = [m["author"] for m in client.get(f"/api/conversations/{cid}/messages", headers=h).json()["messages"]]
    assert authors[-2:] == ["agent", "customer"] and "ai" not in authors[-3:]
    assert client.post(f"/api/agent/conversations/{cid}/resolve", headers=ana).json()["state"] == "resolved"
    assert client.post(f"/api/conversations/{cid}/rating", json={"score": 5}, headers=h).status_code == 200
    with seeded.work() as work:
        assert work.session.scalars(select(Agent).where(Agent.email == "ana@agents.example")).one().load == 0
        assert work.session.scalars(select(AuditEntry).where(AuditEntry.subject == cid)).first() is not None


def test_unanswered_offer_expires_and_goes_to_the_next_agent(client: TestClient, seeded: Services,
                                                             clock: FakeClock) -> None:
    cid, _ = waiting_chat(client)
    ana, ben = login(client, "ana@agents.example"), login(client, "ben@agents.example")
    go(client, ana, "available")
    go(client, ben, "available")
    tick(seeded)
    # the router prefers the lowest sufficient tier, keeping seniors free: verified Ben before senior Ana
    assert [o["conversation_id"] for o in offers_of(client, ben)] == [cid] and offers_of(client, ana) == []
    clock.advance(seeded.settings.offer_timeout_s + 0.1)
    for auth in (ana, ben):  # keep both alive
        client.post("/api/agent/me/heartbeat", headers=auth)
    tick(seeded)
    assert offers_of(client, ben) == []
    [offer] = offers_of(client, ana)
    assert offer["conversation_id"] == cid
    assert client.post(f"/api/agent/offers/{offer['id']}/accept", headers=ana).status_code == 200
    with seeded.work() as work:
        states = sorted(o.state for o in work.session.scalars(select(Offer).where(Offer.conversation_id == cid)))
    assert states == ["accepted", "expired"]


def test_sensitive_topics_go_to_senior_agents_only(client: TestClient, seeded: Services) -> None:
    cid, h = start_chat(client, customer_ref="cus_demo_maya")
    client.post(f"/api/conversations/{cid}/messages", json={"body": "I lost my job and can't pay my installments"},
                headers=h)
    ana, ben = login(client, "ana@agents.example"), login(client, "ben@agents.example")
    go(client, ben, "available")
    tick(seeded)
    assert offers_of(client, ben) == []  # verified tier: not for hardship
    go(client, ana, "available")
    tick(seeded)
    assert [o["topic"] for o in offers_of(client, ana)] == ["hardship"]


def test_declined_offer_is_not_offered_to_the_same_agent_again(client: TestClient, seeded: Services) -> None:
    waiting_chat(client)
    ana = login(client, "ana@agents.example")
    go(client, ana, "available")
    tick(seeded)
    [offer] = offers_of(client, ana)
    assert client.post(f"/api/agent/offers/{offer['id']}/decline", json={"reason": "on a break"},
                       headers=ana).status_code == 200
    tick(seeded)
    assert offers_of(client, ana) == []
    # the queue lists only what she may take: not the conversation she just declined (issue 14, finding 1)
    assert client.get("/api/agent/queue", headers=ana).json()["waiting"] == []


def test_lost_heartbeat_requeues_conversation_keeping_its_wait(client: TestClient, seeded: Services,
                                                               clock: FakeClock) -> None:
    cid, h = waiting_chat(client)
    queued_since = clock.now()
    ana, ben = login(client, "ana@agents.example"), login(client, "ben@agents.example")
    go(client, ana, "available")
    assert client.post(f"/api/agent/conversations/{cid}/claim", headers=ana).status_code == 200
    clock.advance(seeded.settings.heartbeat_timeout_s + 1)
    go(client, ben, "available")
    tick(seeded)
    assert client.get("/api/agent/me", headers=ana).json()["presence"] == "offline"
    [offer] = offers_of(client, ben)
    assert offer["conversation_id"] == cid and offer["waiting_since"] == queued_since
    body = [m["body"] for m in client.get(f"/api/conversations/{cid}/messages", headers=h).json()["messages"]]
    assert any("disconnected" in b for b in body)


def test_capacity_is_never_exceeded(client: TestClient, seeded: Services) -> None:
    chats = [waiting_chat(client)[0] for _ in range(4)]
    ben = login(client, "ben@agents.example")  # capacity 2
    go(client, ben, "available")
    results = [client.post(f"/api/agent/conversations/{c}/claim", headers=ben).status_code for c in chats]
    assert results == [200, 200, 409, 409]
    tick(seeded)
    assert offers_of(client, ben) == []


def test_agent_cannot_read_or_answer_another_agents_conversation(client: TestClient, seeded: Services) -> None:
    cid, _ = waiting_chat(client)
    ana, ben = login(client, "ana@agents.example"), login(client, "ben@agents.example")
    go(client, ana, "available")
    client.post(f"/api/agent/conversations/{cid}/claim", headers=ana)
    assert client.get(f"/api/agent/conversations/{cid}", headers=ben).status_code == 404
    assert client.post(f"/api/agent/conversations/{cid}/messages", json={"body": "x"}, headers=ben).status_code == 404
    assert client.post(f"/api/agent/conversations/{cid}/resolve", headers=ben).status_code == 404
    assert client.get("/api/ops/summary", headers=ben).status_code == 403
    sam = login(client, "sam@agents.example")
    assert client.get("/api/ops/summary", headers=sam).json()["conversations"]["with_human"] == 1


def test_logout_revokes_the_token(client: TestClient, seeded: Services) -> None:
    ana = login(client, "ana@agents.example")
    go(client, ana, "available")
    assert client.post("/api/agent/logout", headers=ana).status_code == 200
    assert client.get("/api/agent/me", headers=ana).status_code == 401
    sam = login(client, "sam@agents.example")
    assert client.get("/api/ops/summary", headers=sam).json()["agents"]["available"] == 0


def test_going_away_withdraws_offers_and_blocks_accepting(client: TestClient, seeded: Services) -> None:
    cid, _ = waiting_chat(client)
    ana = login(client, "ana@agents.example")
    go(client, ana, "available")
    tick(seeded)
    [offer] = offers_of(client, ana)
    go(client, ana, "away")
    assert offers_of(client, ana) == []
    assert client.post(f"/api/agent/offers/{offer['id']}/accept", headers=ana).status_code == 409
    assert client.post(f"/api/agent/conversations/{cid}/claim", headers=ana).status_code == 409


def test_no_offer_is_made_for_a_conversation_assigned_after_the_pass_read_the_queue(client: TestClient,
                                                                                      seeded: Services) -> None:
    from tandem.services import dispatch, queue

    for name in ("ana", "ben"):
        go(client, login(client, f"{name}@agents.example"), "available")
    cid, _ = waiting_chat(client)
    with seeded.work() as pass_work:
        [entry] = [h for h in queue.waiting(pass_work) if h.conversation_id == cid]  # the pass reads the queue
        with seeded.work() as other:  # meanwhile another transaction assigns the conversation and commits
            ana = other.session.scalars(select(Agent).where(Agent.email == "ana@agents.example")).one()
            dispatch.assign(other, ana, cid)
        ben = pass_work.session.scalars(select(Agent).where(Agent.email == "ben@agents.example")).one()
        assert dispatch.create_offer(pass_work, entry, ben.id, 20.0) is None
    with seeded.work() as work:
        assert work.session.scalars(select(Offer).where(Offer.conversation_id == cid)).all() == []
