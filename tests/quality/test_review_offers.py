"""QA reviews are offered to idle senior agents like conversations: deadline, fixed pay, accept / decline / expire,
first accept wins, paid through the earnings ledger. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select, update

from tandem.api.app import DispatchLoop, create_app
from tandem.core.clock import FakeClock
from tandem.core.errors import Conflict
from tandem.demo.agents import DEMO_PASSWORD, seed_agents
from tandem.domain.skills import Tier
from tandem.engines.assistant.escalation import EscalationReason
from tandem.services import agents, conversations, dispatch, offers, queue, review
from tandem.services.context import Services
from tandem.services.leader import Lease
from tandem.storage.models import Agent, AgentSkill, Offer
from tandem.storage.models_quality import ReviewOffer, ReviewTask
from tandem.storage.models_workforce import LedgerEntry

from .helpers import ai_conversation, human_conversation

RUBRIC = {"correct": True, "complete": True, "policy_safe": True, "tone": 4, "should_have_escalated": False}


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    seed_agents(services)
    with TestClient(create_app(services, run_dispatcher=False)) as c:
        yield c


def login(client: TestClient, email: str) -> dict[str, str]:
    r = client.post("/api/agent/login", json={"email": email, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": "Bearer " + r.json()["token"]}


def available(client: TestClient, email: str) -> dict[str, str]:
    auth = login(client, email)
    r = client.put("/api/agent/me/presence", json={"presence": "available"}, headers=auth)
    assert r.status_code == 200, r.text
    return auth


def agent_of(services: Services, email: str) -> str:
    with services.work() as work:
        return work.session.scalars(select(Agent.id).where(Agent.email == email)).one()


def make_senior(services: Services, email: str) -> None:
    with services.work() as work:
        work.session.execute(update(AgentSkill).where(AgentSkill.agent_id == agent_of(services, email))
                             .values(tier=int(Tier.SENIOR)))


def beat(services: Services) -> None:
    """Every agent's client is alive (the fake clock moves; heartbeats would come from the sockets)."""
    with services.work() as work:
        for agent_id in work.session.scalars(select(Agent.id)):
            agents.heartbeat(work, agent_id)


def dispatcher_pass(services: Services) -> tuple[int, int]:
    """What the live dispatcher does per pass, conversation offers then review offers, with the two counted apart
    (it does both in one transaction: test_a_live_dispatcher_pass_is_one_transaction)."""
    return dispatch.tick(services), review.offer_tick(services)


def sampled_ai_task(services: Services, question: str = "a question") -> str:
    ai_conversation(services, "kb:late-fees", 4, question=question)
    with services.work() as work:
        review.sample(work, ai_rate=1.0)
        return work.session.scalars(select(ReviewTask.id).order_by(ReviewTask.created_at.desc())).first() or ""


def offers_of(client: TestClient, auth: dict[str, str]) -> list[dict[str, Any]]:
    r = client.get("/api/review/offers", headers=auth)
    assert r.status_code == 200, r.text
    return list(r.json()["offers"])


def receive_until(ws: Any, pred: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    for _ in range(50):
        event = ws.receive_json()
        if pred(event):
            return dict(event)
    raise AssertionError("event not received")


def test_offer_accept_submit_credits_the_ledger(client: TestClient, services: Services, clock: FakeClock,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    task_id = sampled_ai_task(services, question="my email is maya@example.com")
    ana = available(client, "ana@agents.example")
    ana_id = agent_of(services, "ana@agents.example")
    with client.websocket_connect("/ws/agent") as ws:
        ws.send_json({"type": "auth", "token": ana["Authorization"][7:]})
        assert ws.receive_json()["type"] == "hello"
        assert dispatcher_pass(services) == (0, 1)
        pushed = receive_until(ws, lambda e: e["type"] == "review.offer")["offer"]
    assert pushed["kind"] == "review" and pushed["task_id"] == task_id and pushed["pay"] == {"per_review": "0.40"}
    assert pushed["expires_at"] == pytest.approx(clock.now() + services.settings.offer_timeout_s)
    assert "messages" not in pushed  # no transcript before accepting
    assert offers_of(client, ana) == [pushed]
    assert dispatcher_pass(services) == (0, 0)  # one pending review offer per agent, one per task

    raised = services.settings.pay.model_copy(update={"review": Decimal("0.55")})
    monkeypatch.setattr(services, "settings", services.settings.model_copy(update={"pay": raised}))
    # the fee changes: the offer keeps its pay
    clock.advance(5)
    r = client.post(f"/api/review/offers/{pushed['id']}/accept", headers=ana)
    assert r.status_code == 200, r.text
    task = r.json()["task"]
    assert task["id"] == task_id and task["pay"] == "0.40" and "maya@example.com" not in task["messages"][0]["body"]
    assert client.get("/api/review/current", headers=ana).json()["task"]["id"] == task_id
    assert offers_of(client, ana) == []
    assert client.post(f"/api/review/offers/{pushed['id']}/accept", headers=ana).status_code == 409

    clock.advance(60)
    r = client.post(f"/api/review/tasks/{task_id}", json=RUBRIC, headers=ana)
    assert r.status_code == 200 and r.json() == {"passed": True, "pay": "0.40"}
    assert client.post(f"/api/review/tasks/{task_id}", json=RUBRIC, headers=ana).status_code == 404  # paid once
    with services.work() as work:
        entries = list(work.session.scalars(select(LedgerEntry).where(LedgerEntry.agent_id == ana_id)))
    assert [(e.kind, e.amount, e.offer_id, e.created_by, e.seconds) for e in entries] == [
        ("adjustment", Decimal("0.40"), pushed["id"], "quality", 60)]
    assert entries[0].note == f"QA review {task_id}"
    earnings = client.get("/api/workforce/me/earnings", headers=ana).json()
    assert earnings["today"]["adjustment"] == "0.40" and earnings["today"]["conversations"] == 0
    assert client.get("/api/review/current", headers=ana).json()["task"] is None


@pytest.mark.parametrize("how", ["decline", "expire"])
def test_declined_or_expired_review_goes_to_the_next_senior(client: TestClient, services: Services,
                                                            clock: FakeClock, how: str) -> None:
    make_senior(services, "dieter@agents.example")
    task_id = sampled_ai_task(services)
    seniors = {"ana": available(client, "ana@agents.example"), "dieter": available(client, "dieter@agents.example")}
    assert dispatcher_pass(services) == (0, 1)
    first = next(name for name, auth in seniors.items() if offers_of(client, auth))
    second = "dieter" if first == "ana" else "ana"
    offer = offers_of(client, seniors[first])[0]
    if how == "decline":
        r = client.post(f"/api/review/offers/{offer['id']}/decline", json={"reason": "need a break"},
                        headers=seniors[first])
        assert r.status_code == 200, r.text
        assert client.post(f"/api/review/offers/{offer['id']}/accept", headers=seniors[first]).status_code == 409
    else:
        clock.advance(services.settings.offer_timeout_s + 1)
        beat(services)
        assert client.post(f"/api/review/offers/{offer['id']}/accept", headers=seniors[first]).status_code == 409
    assert dispatcher_pass(services) == (0, 1)
    assert offers_of(client, seniors[first]) == []
    nxt = offers_of(client, seniors[second])
    assert [o["task_id"] for o in nxt] == [task_id]
    with services.work() as work:
        settled = work.session.get(ReviewOffer, offer["id"])
        assert settled is not None
        assert settled.state == ("declined" if how == "decline" else "expired")
        assert settled.decline_reason == ("need a break" if how == "decline" else None)


def test_non_seniors_and_supervisors_are_never_offered_reviews(client: TestClient, services: Services) -> None:
    for _ in range(3):
        sampled_ai_task(services)
    others = {e: available(client, f"{e}@agents.example") for e in ("ben", "carla", "dieter", "sam")}
    assert dispatcher_pass(services) == (0, 0)
    assert all(offers_of(client, auth) == [] for auth in others.values())
    assert client.get("/api/review/current", headers=others["ben"]).status_code == 403
    assert client.post("/api/review/next", headers=others["ben"]).status_code == 403
    ana = available(client, "ana@agents.example")
    assert dispatcher_pass(services) == (0, 1)
    offer = offers_of(client, ana)[0]
    # someone else's review offer is "no such offer", for accept and decline alike
    assert client.post(f"/api/review/offers/{offer['id']}/accept", headers=others["ben"]).status_code == 404
    assert client.post(f"/api/review/offers/{offer['id']}/decline", headers=others["sam"]).status_code == 404
    assert all(offers_of(client, auth) == [] for auth in others.values())


def test_a_senior_never_reviews_a_conversation_they_handled(client: TestClient, services: Services,
                                                           clock: FakeClock) -> None:
    ana = available(client, "ana@agents.example")
    ana_id = agent_of(services, "ana@agents.example")
    human_conversation(services, "kb:refunds", 4, ana_id, clock=clock)
    beat(services)
    with services.work() as work:
        assert review.sample(work, ai_rate=0.0, human_rate=1.0) == 1
    assert dispatcher_pass(services) == (0, 0)
    assert offers_of(client, ana) == []
    make_senior(services, "dieter@agents.example")
    dieter = available(client, "dieter@agents.example")
    assert dispatcher_pass(services) == (0, 1)
    assert len(offers_of(client, dieter)) == 1


def _ask_for_human(services: Services) -> str:
    with services.work() as work:
        conv, _ = conversations.create(work, language="en")
        queue.request_human(work, conv, reason=EscalationReason.CUSTOMER_REQUEST)
        return conv.id


def test_conversation_offers_take_precedence(client: TestClient, services: Services) -> None:
    ana_id = agent_of(services, "ana@agents.example")
    ana = available(client, "ana@agents.example")
    sampled_ai_task(services)
    conv_id = _ask_for_human(services)
    # both waiting: the conversation is offered, the review is not
    assert dispatcher_pass(services) == (1, 0)
    assert offers_of(client, ana) == []
    conv_offer = client.get("/api/agent/offers", headers=ana).json()["offers"][0]
    assert client.post(f"/api/agent/offers/{conv_offer['id']}/decline", headers=ana).status_code == 200
    # nothing else to do (declined conversations are not offered straight back): now the review
    assert dispatcher_pass(services) == (0, 1)
    review_offer = offers_of(client, ana)[0]
    # a conversation arrives while the review offer is pending: offered, and the review offer is rescinded
    _ask_for_human(services)
    assert dispatcher_pass(services) == (1, 0)
    assert offers_of(client, ana) == []
    with services.work() as work:
        rescinded = work.session.get(ReviewOffer, review_offer["id"])
        assert rescinded is not None and rescinded.state == "rescinded"
        task = work.session.get(ReviewTask, review_offer["task_id"])
        assert task is not None and task.status == "open"  # free for the next idle senior, no cooldown
        pending = list(work.session.scalars(select(Offer).where(Offer.agent_id == ana_id, Offer.state == "pending")))
    assert len(pending) == 1 and pending[0].conversation_id != conv_id
    # with a live conversation ana is not idle: no review offer
    assert client.post(f"/api/agent/offers/{pending[0].id}/accept", headers=ana).status_code == 200
    assert dispatcher_pass(services)[1] == 0
    assert offers_of(client, ana) == []


def test_a_live_dispatcher_pass_is_one_transaction(client: TestClient, services: Services,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The live pass (api.app.DispatchLoop): lease check, expiry, conversation offers, review offers and the lease
    renewal commit in one transaction, or roll back together."""
    ana = available(client, "ana@agents.example")
    sampled_ai_task(services)
    dispatcher = DispatchLoop(services, Lease(services.db, "dispatcher"))
    services.on_routing_change = dispatcher.live.note  # as DispatchLoop.start wires it
    assert dispatcher.loop.run_once() is True  # takes the lease, then its first pass offers the review
    review_offer = offers_of(client, ana)[0]
    _ask_for_human(services)
    commits: list[int] = []  # of this thread only: request threads of earlier tests may still be finishing

    def count(_conn: Any) -> None:
        if threading.get_ident() == me:
            commits.append(1)

    me = threading.get_ident()
    event.listen(services.db.engine, "commit", count)
    try:
        assert dispatcher.loop.run_once() is True
    finally:
        event.remove(services.db.engine, "commit", count)
    assert len(commits) == 1
    with services.work() as work:  # the conversation offered and the review offer rescinded, in that transaction
        assert work.session.scalar(select(func.count()).select_from(Offer).where(Offer.state == "pending")) == 1
        assert work.session.get(ReviewOffer, review_offer["id"]).state == "rescinded"  # type: ignore[union-attr]

    conv_id = _ask_for_human(services)

    def failing(work: Any, timeout_s: float, offer_new: bool = True, due: Any = None) -> int:
        raise RuntimeError("the review half of the pass fails")

    monkeypatch.setattr(review, "offer_reviews", failing)
    with pytest.raises(RuntimeError):
        dispatcher.loop.run_once()
    with services.work() as work:  # its conversation offers were rolled back with it
        assert work.session.scalars(select(Offer).where(Offer.conversation_id == conv_id)).all() == []


def test_a_review_in_progress_does_not_count_against_chat_capacity(client: TestClient, services: Services) -> None:
    ana_id = agent_of(services, "ana@agents.example")
    ana = available(client, "ana@agents.example")
    sampled_ai_task(services)
    assert dispatcher_pass(services) == (0, 1)
    offer = offers_of(client, ana)[0]
    assert client.post(f"/api/review/offers/{offer['id']}/accept", headers=ana).status_code == 200
    _ask_for_human(services)
    sampled_ai_task(services)
    assert dispatcher_pass(services) == (1, 0)  # still available for conversations; one review at a time
    conv_offer = client.get("/api/agent/offers", headers=ana).json()["offers"][0]
    assert client.post(f"/api/agent/offers/{conv_offer['id']}/accept", headers=ana).status_code == 200
    with services.work() as work:
        me = work.session.get(Agent, ana_id)
        assert me is not None and (me.load, me.capacity) == (1, 3)
    assert client.get("/api/review/current", headers=ana).json()["task"]["id"] == offer["task_id"]


def test_going_away_rescinds_a_pending_review_offer(client: TestClient, services: Services) -> None:
    ana = available(client, "ana@agents.example")
    sampled_ai_task(services)
    assert dispatcher_pass(services) == (0, 1)
    offer = offers_of(client, ana)[0]
    assert client.put("/api/agent/me/presence", json={"presence": "away"}, headers=ana).status_code == 200
    assert dispatcher_pass(services) == (0, 0)
    assert client.post(f"/api/review/offers/{offer['id']}/accept", headers=ana).status_code == 409
    with services.work() as work:
        task = work.session.get(ReviewTask, offer["task_id"])
        assert task is not None and task.status == "open"


def test_two_concurrent_accepts_one_wins(client: TestClient, services: Services,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    available(client, "ana@agents.example")
    ana_id = agent_of(services, "ana@agents.example")
    sampled_ai_task(services)
    assert dispatcher_pass(services) == (0, 1)
    with services.work() as work:
        offer_id = work.session.scalars(select(ReviewOffer.id)).one()
    # both requests have read the offer as pending before either answers it
    barrier = threading.Barrier(2, timeout=20)
    own_offer = offers.own

    def slow_own_offer(work: Any, kind: Any, agent: Agent, oid: str) -> ReviewOffer:
        offer = own_offer(work, kind, agent, oid)
        assert offer.state == "pending"
        barrier.wait()
        return offer

    monkeypatch.setattr(offers, "own", slow_own_offer)
    results: list[str] = []

    def accept() -> None:
        try:
            with services.work() as work:
                review.accept(work, agents.get(work, ana_id), offer_id)
            results.append("won")
        except Conflict:
            results.append("lost")

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == ["lost", "won"]
    with services.work() as work:
        assert work.session.scalars(select(ReviewTask.status)).one() == "assigned"


def test_accept_racing_expiry_one_wins(client: TestClient, services: Services, clock: FakeClock) -> None:
    """An accept and the dispatcher's expiry settle the same offer with a compare-and-swap: never both."""
    ana = available(client, "ana@agents.example")
    sampled_ai_task(services)
    assert dispatcher_pass(services) == (0, 1)
    offer = offers_of(client, ana)[0]
    clock.advance(services.settings.offer_timeout_s + 1)
    beat(services)
    assert client.post(f"/api/review/offers/{offer['id']}/accept", headers=ana).status_code == 409
    with services.work() as work:
        stale = work.session.get(ReviewOffer, offer["id"])
        assert stale is not None
        # a stale answer arriving after the expiry cannot resurrect the offer
        assert review.expire_offers(work) == 1
        assert offers.settle(work, review.REVIEW, stale, review.OfferState.ACCEPTED) is False


def test_an_accepted_review_not_submitted_in_time_is_offered_again(client: TestClient, services: Services,
                                                                   clock: FakeClock) -> None:
    ana = available(client, "ana@agents.example")
    sampled_ai_task(services)
    assert dispatcher_pass(services) == (0, 1)
    offer = offers_of(client, ana)[0]
    assert client.post(f"/api/review/offers/{offer['id']}/accept", headers=ana).status_code == 200
    clock.advance(review.ASSIGNMENT_S - 1)
    beat(services)
    assert dispatcher_pass(services) == (0, 0)  # still hers
    clock.advance(2)
    beat(services)
    assert dispatcher_pass(services) == (0, 1)
    again = offers_of(client, ana)[0]
    assert again["task_id"] == offer["task_id"] and again["id"] != offer["id"]
    assert client.post(f"/api/review/tasks/{offer['task_id']}", json=RUBRIC, headers=ana).status_code == 404


def test_the_live_dispatcher_looks_for_idle_seniors_at_most_once_a_second(
        client: TestClient, services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding idle seniors reads every available agent: the live dispatcher does it once per REVIEW_OFFER_S,
    while expiring, reopening and rescinding review offers are looked at on every pass (and run when a review
    offer is pending: none is here)."""
    looked: list[int] = []
    real = review.idle_seniors

    def counting(work: Any) -> Any:
        looked.append(1)
        return real(work)

    monkeypatch.setattr(review, "idle_seniors", counting)
    monkeypatch.setattr(review, "_rescind_busy", lambda work, _real=review._rescind_busy: (looked.append(0),
                                                                                        _real(work)))
    sampled_ai_task(services)  # an open review task, so a pass that may offer reviews looks for seniors
    loop = DispatchLoop(services, Lease(services.db, "dispatcher"))
    services.on_routing_change = loop.live.note
    for _ in range(3):
        assert loop.loop.run_once() is True
    assert looked.count(0) == 0 and looked.count(1) == 1  # nothing to rescind; one pass looks for seniors
    loop._next_reviews = 0.0  # a second later
    assert loop.loop.run_once() is True
    assert looked.count(1) == 2


def test_a_pass_with_no_review_offer_pending_and_no_review_overdue_looks_once(services: Services) -> None:
    """Expiring and rescinding review offers and reopening overdue reviews run on every dispatcher pass; when none
    is pending or overdue (most passes) one statement says so, where each of the three read separately."""
    sampled_ai_task(services)
    seen: list[str] = []

    def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        seen.append(sql)

    with services.work() as work:
        engine = work.session.get_bind()
        event.listen(engine, "before_cursor_execute", statement)
        try:
            assert review.offer_reviews(work, services.settings.offer_timeout_s, offer_new=False) == 0
        finally:
            event.remove(engine, "before_cursor_execute", statement)
    assert len(seen) == 1, seen
