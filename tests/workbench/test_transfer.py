"""Transfer to another language queue: the conversation keeps its original wait and reaches a speaker."""

from __future__ import annotations

from sqlalchemy import select

from tandem.core.clock import FakeClock
from tandem.domain.skills import Tier, Topic
from tandem.services import agents, dispatch, queue
from tandem.storage.models import Conversation, Handoff, Offer

from .conftest import Desk


def test_a_transfer_keeps_the_original_wait_and_changes_the_queue(desk: Desk, clock) -> None:  # type: ignore[no-untyped-def]
    ana, ben = desk.login("ana"), desk.login("ben")
    cid, token = desk.chat("Bonjour, je voudrais payer plus tard")
    with desk.services.work() as work:
        first_wait = queue.open_handoff(work, cid).queued_since  # type: ignore[union-attr]
    clock.advance(40)
    later, _ = desk.chat("another customer, queued after the first one")
    clock.advance(81)  # the chat follows the customer into French: ana may take it once English fallback applies
    desk.claim(cid, ana)
    clock.advance(90)
    r = desk.wb("POST", f"/conversations/{cid}/transfer", ana,
                json={"language": "fr", "topic": "payments", "note": "Speaks French; wants to delay a payment"})
    assert r.status_code == 200, r.text
    assert r.json()["waiting_since"] == first_wait

    waiting = desk.client.get("/api/agent/queue", headers=ben).json()["waiting"]
    assert [w["conversation_id"] for w in waiting] == [cid, later]  # ahead of the later one: original wait
    assert waiting[0]["language"] == "fr" and waiting[0]["topic"] == "payments"
    assert waiting[0]["waiting_since"] == first_wait
    assert desk.client.get(f"/api/conversations/{cid}", headers=token).json()["queue"]["position"] == 1
    assert desk.client.get("/api/agent/me", headers=ana).json()["load"] == 0

    with desk.services.work() as work:  # the transferring agent is never offered it back
        entry = work.session.scalars(select(Handoff).where(Handoff.conversation_id == cid,
                                                           Handoff.status == queue.WAITING)).one()
        refused = {o.agent_id for o in work.session.scalars(select(Offer).where(Offer.handoff_id == entry.id))
                   if o.state == "declined"}
        assert entry.note and "French" in entry.note
        conv = work.session.get(Conversation, cid)
        # routed by the entry's new topic; the conversation's real topic (the tier for actions) is not changed
        assert conv is not None and conv.language == "fr" and conv.topic is None and entry.topic == "payments"
        me = desk.client.get("/api/agent/me", headers=ana).json()["id"]
        assert refused == {me}
        dispatch.expire_offers(work)

    desk.claim(cid, ben)
    card = desk.wb("GET", f"/conversations/{cid}/card", ben).json()
    assert card["language"] == "fr" and card["note"] == "Speaks French; wants to delay a payment"
    messages = desk.client.get(f"/api/conversations/{cid}/messages", headers=token).json()["messages"]
    events = [m["meta"].get("event") for m in messages if m["author"] == "system"]
    assert events.count("agent_joined") == 2 and "transferred" in events
    assert all("French" not in m["body"] for m in messages)  # the note is for agents only


def test_transfer_validates_its_target(desk: Desk) -> None:
    ana = desk.login("ana")
    cid, _ = desk.chat("hi")
    desk.claim(cid, ana)
    assert desk.wb("POST", f"/conversations/{cid}/transfer", ana, json={"language": "FR!"}).status_code == 422
    assert desk.wb("POST", f"/conversations/{cid}/transfer", ana, json={"topic": "astrology"}).status_code == 422


def _split_agent(desk: Desk, email: str) -> dict[str, str]:
    """An agent who is new in payments but senior in refunds, logged in and available."""
    with desk.services.work() as work:
        agent = agents.create(work, email=email, name="Split Tier", password="a-long-password", languages=["en"])
        agents.grant_skill(work, agent.id, Topic.PAYMENTS, Tier.NEW, granted_by="test")
        agents.grant_skill(work, agent.id, Topic.REFUNDS, Tier.SENIOR, granted_by="test")
    r = desk.client.post("/api/agent/login", json={"email": email, "password": "a-long-password"})
    auth = {"Authorization": "Bearer " + r.json()["token"]}
    assert desk.client.put("/api/agent/me/presence", json={"presence": "available"}, headers=auth).status_code == 200
    return auth


def test_a_transfer_cannot_raise_the_tier_for_actions_nor_come_back(desk: Desk, clock: FakeClock) -> None:
    """Issue 14, finding 2: transfer to a topic where one is senior, then take it back with senior limits."""
    mallory, accomplice = _split_agent(desk, "mallory@gig.example"), _split_agent(desk, "acc@gig.example")
    cid, _ = desk.chat("I was charged twice, please credit me")
    with desk.services.work() as work:  # what the assistant understood before the handoff
        conv = work.session.get(Conversation, cid)
        assert conv is not None
        conv.topic = "payments"
        queue.open_handoff(work, cid).topic = "payments"  # type: ignore[union-attr]
    clock.advance(61)  # a new-tier agent may take a payments chat from the first relaxation step
    desk.claim(cid, mallory)
    credit = {"action": "goodwill_credit", "amount": "5.00"}
    denied = desk.wb("POST", f"/conversations/{cid}/actions", mallory, json=credit)
    assert denied.json()["error"]["details"]["policy"] == "over_tier_limit"  # a new agent may credit $0

    assert desk.wb("POST", f"/conversations/{cid}/transfer", mallory, json={"topic": "refunds"}).status_code == 200
    for wait in (0, 400, 4000):  # the transferring agent never takes it back, not even after the cooldown
        clock.advance(wait)
        r = desk.client.post(f"/api/agent/conversations/{cid}/claim", headers=mallory)
        assert r.status_code == 403 and r.json()["error"]["details"]["reason"] == "excluded", r.text
        assert cid not in [w["conversation_id"] for w in
                           desk.client.get("/api/agent/queue", headers=mallory).json()["waiting"]]
    # whoever takes it next acts with their tier in the real topic (payments), not the transfer's (refunds)
    desk.claim(cid, accomplice)
    assert desk.wb("GET", f"/conversations/{cid}/card", accomplice).json()["tier"] == "new"
    again = desk.wb("POST", f"/conversations/{cid}/actions", accomplice, json=credit)
    assert again.status_code == 403 and again.json()["error"]["details"]["policy"] == "over_tier_limit"
