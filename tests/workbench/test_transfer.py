"""Transfer to another language queue: the conversation keeps its original wait and reaches a speaker."""

from __future__ import annotations

from sqlalchemy import select

from tandem.services import dispatch, queue
from tandem.storage.models import Conversation, Handoff, Offer

from .conftest import Desk


def test_a_transfer_keeps_the_original_wait_and_changes_the_queue(desk: Desk, clock) -> None:  # type: ignore[no-untyped-def]
    ana, ben = desk.login("ana"), desk.login("ben")
    cid, token = desk.chat("Bonjour, je voudrais payer plus tard")
    with desk.services.work() as work:
        first_wait = queue.open_handoff(work, cid).queued_since  # type: ignore[union-attr]
    clock.advance(40)
    later, _ = desk.chat("another customer, queued after the first one")
    clock.advance(20)
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
        assert conv is not None and (conv.topic, conv.language) == ("payments", "fr")
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
