"""The live dispatcher: offers, accept (compare-and-swap), decline, expiry, lost agents, claim and release."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from tandem.core import counters
from tandem.core.errors import Conflict, Forbidden
from tandem.core.i18n import _t
from tandem.domain.conversation import Author, ConversationState
from tandem.domain.offer import OfferState
from tandem.domain.presence import Presence
from tandem.engines.routing import OfferRecord, RoutingConfig
from tandem.services import agents as agent_service
from tandem.services import audit, conversations, offers, queue, review, routing_live, workforce
from tandem.services import surge as surge_service
from tandem.services.context import Services, Work
from tandem.services.leader import Lease, fence
from tandem.services.presence import Heartbeats
from tandem.storage.models import Agent, Conversation, Handoff, Offer

C = ConversationState


def tick(services: Services, live: routing_live.LiveRouting | None = None, lease: Lease | None = None,
         unit: Callable[[], AbstractContextManager[Work]] | None = None, reviews: bool = False,
         new_reviews: bool = True) -> int:
    """Run one dispatcher pass: expire offers, drop lost agents, offer waiting work. Return conversation offers made.

    The whole pass is one transaction: with `reviews` (the live dispatcher) it also offers QA reviews to the
    seniors its conversation offers left idle (`review.offer_reviews`), so conversation offers still come first
    and a pass's offers of both kinds commit, or roll back, together; without `new_reviews` that part only
    expires, reopens and rescinds (the live dispatcher looks for idle seniors once per REVIEW_OFFER_S).

    `live` is the dispatcher's in-memory routing engine (routing_live.LiveRouting); without it the pass
    restores one from the database (what a takeover does). The live dispatcher passes `unit`, its runner's
    fenced unit of work (`leader.LeaderLoop.unit`: the lease is checked in the database before the pass and
    fenced at its end). Called by hand with the dispatcher `lease` instead, a pass that changed anything ends
    with `leader.fence`. Either way a replica deposed while the pass ran rolls the whole pass back (LeaseLost)
    instead of racing the new leader. A pass that fails leaves the engine to be restored next time.
    """
    started = time.perf_counter()
    live = live or new_pass_state(services)
    pending = live.drain()  # before the transaction reads anything (see LiveRouting.drain)
    try:
        with (unit or services.work)() as work:
            review_due: tuple[bool, bool] | None = None
            if reviews:  # one statement: is any conversation offer past its deadline, any review work stale
                offers_due, *flags = work.session.execute(select(
                    offers.due(CONVERSATION, work.now), *review.housekeeping_due(work.now))).one()
                review_due = (bool(flags[0]), bool(flags[1]))
                expired = expire_offers(work) if offers_due else 0
            else:
                expired = expire_offers(work)
            watch_agents(work, services.heartbeats, pending)
            lost = drop_lost_agents(work, services.settings.heartbeat_timeout_s, services.heartbeats)
            made = make_offers(work, live, pending)
            if reviews:
                review.offer_reviews(work, services.settings.offer_timeout_s, offer_new=new_reviews,
                                     due=review_due)
            if lease is not None and (expired or lost or made or work.events):
                fence(work.session, lease)
    except BaseException:
        live.invalidate()  # its offers were rolled back with the pass
        raise
    finally:
        live.pass_ended()
    counters.PASS_SECONDS.append(time.perf_counter() - started)
    return made


def new_pass_state(services: Services) -> routing_live.LiveRouting:
    """The routing engine a dispatcher keeps between passes (restored from the database on its first pass)."""
    return routing_live.LiveRouting(routing_live.routing_config(services.settings),
                                    services.settings.routing_reconcile_s)


def make_offers(work: Work, live: routing_live.LiveRouting,
                pending: tuple[bool, set[str], set[str]] | None = None) -> int:
    """Ask the routing engine for offers among waiting entries and agents with free capacity; persist them.

    An offer the database refuses (the conversation was taken meanwhile) is noted, so the engine re-reads
    that conversation and agent next pass."""
    proposed = live.propose(work, pending if pending is not None else live.drain())
    if not proposed:
        return 0
    # the waiting entries this pass's refresh read (in this transaction) are reused; the others are read here
    entries: dict[str, routing_live.WaitingEntry | Handoff] = {
        cid: live.entries[cid] for cid in {o.conversation_id for o in proposed} if cid in live.entries}
    missing = sorted({o.conversation_id for o in proposed} - set(entries))
    if missing:
        entries.update((h.conversation_id, h) for h in work.session.scalars(select(Handoff).where(
            Handoff.conversation_id.in_(missing), Handoff.status == queue.WAITING)))
    # named before this pass's offers: those still need their re-read after the commit
    earlier_agents, earlier_convs = set(work.touched_agents), set(work.touched_conversations)
    made: list[OfferRecord] = []
    bonus: Decimal | None = None  # the surge bonus, read once per pass that offers something
    for offer in proposed:
        entry = entries.get(offer.conversation_id)
        if entry is not None and bonus is None:
            bonus = surge_service.current_bonus(work)
        done = entry is not None and create_offer(work, entry, offer.agent_id, live.config.offer_timeout_s,
                                                  offer_id=offer.offer_id, surge_bonus=bonus) is not None
        if done:
            made.append(offer)
        else:
            live.note({offer.agent_id}, {offer.conversation_id})
    # An offer the database took is already in the engine exactly as its rows say (the engine proposed it: same
    # id, agent, conversation, times): its commit need not make the next pass re-read that agent and
    # conversation (six queries per offer). What else changed them in this pass is still reported.
    work.touched_agents -= {o.agent_id for o in made} - earlier_agents
    work.touched_conversations -= {o.conversation_id for o in made} - earlier_convs
    return len(made)


def create_offer(work: Work, entry: Handoff | routing_live.WaitingEntry, agent_id: str, timeout_s: float,
                 offer_id: str | None = None, surge_bonus: Decimal | None = None) -> Offer | None:
    """Reserve a waiting conversation for one agent until the offer expires; None if it no longer waits.

    `surge_bonus`: the bonus the offer carries, if the caller read it already (a pass reads it once for all its
    offers); else it is read here.

    The pass read the queue before this write, and another transaction (an accept, a claim) may have
    assigned the conversation since; a conditional update re-checks on the current row, so no offer is
    ever made for a conversation that already has an assignee.
    """
    # waiting -> offered in the reserving UPDATE itself (one write of the row, where a reserve then a transition
    # were two); a conversation already offered (another offer pending) is reserved as it is
    conv = _reserve(work, entry.conversation_id, C.WAITING_HUMAN)
    if conv is not None:
        conversations.moved(work, conv.id, C.OFFERED)
    else:
        conv = _reserve(work, entry.conversation_id, C.OFFERED)
        if conv is None:
            return None
    work.touch(conversation=conv.id)
    return offers.create(
        work, CONVERSATION, agent_id, timeout_s,
        lambda offer: offer_view(offer, entry, conv, work.settings.pay.currency), offer_id=offer_id,
        conversation_id=conv.id, handoff_id=entry.id, base_pay=work.settings.pay.base,
        per_minute_pay=work.settings.pay.per_minute,
        surge_bonus=surge_bonus if surge_bonus is not None else surge_service.current_bonus(work))


def _reserve(work: Work, conversation_id: str, current: ConversationState) -> Conversation | None:
    """The conversation, now offered, if it was in `current` with no assignee; its row comes back from the UPDATE
    itself, overwriting a copy this session already held (waiting -> offered is a legal move)."""
    return work.session.scalars(
        update(Conversation)
        .where(Conversation.id == conversation_id, Conversation.assignee_id.is_(None),
               Conversation.state == current.value)
        .values(state=C.OFFERED.value, updated_at=work.now).returning(Conversation)
        .execution_options(synchronize_session=False, populate_existing=True)
    ).one_or_none()


def _back_to_waiting_if_unoffered(work: Work, offer: Offer) -> None:
    conversation_id = offer.conversation_id
    still = work.session.scalars(select(Offer.id).where(
        Offer.conversation_id == conversation_id, Offer.state == OfferState.PENDING.value)).first()
    conv = conversations.get(work, conversation_id)
    if still is None and conv.state == C.OFFERED.value:
        conversations.transition(work, conv, C.WAITING_HUMAN)
        work.emit("queue", {"type": "queue.changed", "conversation_id": conversation_id})


def _settled(work: Work, offer: Offer) -> None:
    work.touch(conversation=offer.conversation_id)  # the in-memory router re-reads it


# the conversation offer in the shared offer lifecycle (services/offers.py); a review offer is review.REVIEW
CONVERSATION = offers.Kind(model=Offer, id_prefix="off", noun="offer", work_noun="conversations",
                           offer_event="offer", closed_event="offer.closed", reopen=_back_to_waiting_if_unoffered,
                           settled=_settled)


def expire_offers(work: Work) -> int:
    """Expire pending offers past their deadline; their conversations wait again."""
    return offers.expire(work, CONVERSATION)


def decline(work: Work, agent: agent_service.AgentRef, offer_id: str, reason: str | None) -> None:
    """Decline a pending offer; the conversation goes to the next agent."""
    offers.decline(work, CONVERSATION, agent, offer_id, reason)


def accept(work: Work, agent: agent_service.AgentRef, offer_id: str) -> Conversation:
    """Accept an offer: exactly one accept wins per conversation, and never beyond the agent's capacity."""
    offer = offers.take(work, CONVERSATION, agent, offer_id)
    conv = assign(work, agent, offer.conversation_id)
    audit.record(work, actor=agent.id, action="offer.accept", subject=conv.id, offer_id=offer.id)
    return conv


def claim(work: Work, agent: Agent, conversation_id: str, config: RoutingConfig) -> Conversation:
    """Take a waiting conversation straight from the queue, if the router could have offered it to this agent.

    Eligibility is the router's own rule (routing_live.ineligibility): certified for the entry's topic, at the
    tier it asks at this wait, speaking its language, and not excluded from it (a decline, an expired offer,
    or having transferred it away). Anything else is 403 with the reason.
    """
    conv = conversations.get(work, conversation_id)
    entry = queue.open_handoff(work, conversation_id)
    if conv.state not in (C.WAITING_HUMAN.value, C.OFFERED.value) or entry is None:
        raise Conflict("this conversation is not waiting for a human", state=conv.state)
    if agent.presence != Presence.AVAILABLE.value:
        raise Conflict("go available before taking conversations")
    why = routing_live.ineligibility(work, config, agent, [entry])[entry.id]
    if why is not None:
        raise Forbidden(_NOT_ELIGIBLE[why], reason=why)
    conv = assign(work, agent, conversation_id)
    audit.record(work, actor=agent.id, action="conversation.claim", subject=conv.id, topic=entry.topic)
    return conv


_NOT_ELIGIBLE = {
    "no_skill": "you are not certified for this conversation's topic",
    "tier": "this conversation needs a higher tier in its topic than yours",
    "language": "this conversation is in a language you do not serve",
    "excluded": "you passed on this conversation (declined, let the offer lapse, or transferred it)",
}


def assign(work: Work, agent: agent_service.AgentRef, conversation_id: str) -> Conversation:
    """Give the conversation to the agent with two conditional updates; rescind every other offer."""
    load = work.write(
        update(Agent).where(Agent.id == agent.id, Agent.load < Agent.capacity)
        .values(load=Agent.load + 1).returning(Agent.load)
    ).scalar_one_or_none()
    if load is None:
        raise Conflict("you are at your chat capacity")
    if isinstance(agent, Agent):  # an ORM object in this session: it takes the stored value (a Caller has none)
        set_committed_value(agent, "load", load)
    # the winning UPDATE returns the row it wrote: no second read of the conversation
    conv = work.session.scalars(
        update(Conversation)
        .where(Conversation.id == conversation_id, Conversation.assignee_id.is_(None),
               Conversation.state.in_([C.WAITING_HUMAN.value, C.OFFERED.value]))
        # the "joined" message's number is taken by the same statement (conversations.NEXT_SEQ)
        .values(assignee_id=agent.id, state=C.WITH_HUMAN.value, assigned_at=work.now, updated_at=work.now,
                **conversations.NEXT_SEQ)
        .returning(Conversation).execution_options(synchronize_session=False, populate_existing=True)
    ).one_or_none()
    if conv is None:
        raise Conflict("another agent already took this conversation")
    _rescind_others(work, conversation_id)
    taken = work.write(
        update(Handoff).where(Handoff.conversation_id == conversation_id,
                              Handoff.status.in_([queue.WAITING, queue.ASSIGNED]))
        .values(status=queue.ASSIGNED, agent_id=agent.id, assigned_at=work.now)
        .returning(Handoff.topic, Handoff.language)).all()
    work.touch(conversation=conversation_id)
    conversations.append(work, conv, author=Author.SYSTEM,
                         body=_t(conv.language, "{name} joined the conversation.", name=agent.name),
                         meta={"event": "agent_joined", "agent_name": agent.name}, reserved_seq=conv.last_seq)
    work.emit(f"conv:{conv.id}", {"type": "state", "state": conv.state, "conversation_id": conv.id,
                                  "agent_name": agent.name})
    work.emit(f"agent:{agent.id}", {"type": "assigned", "conversation_id": conv.id})
    hint: dict[str, Any] = {"type": "queue.changed", "conversation_id": conv.id, "dispatch": False}
    if taken:
        hint["cells"] = queue.cells(taken)
    work.emit("queue", hint)
    return conv


def withdraw_offers(work: Work, conversation_id: str) -> None:
    """Rescind every pending offer of a conversation (it was taken, or the customer left)."""
    _rescind_others(work, conversation_id)


def _rescind_others(work: Work, conversation_id: str) -> None:
    # the conversation was taken (or left): nothing to give back
    offers.close_all(work, CONVERSATION, list(work.session.scalars(offers.pending(
        CONVERSATION, Offer.conversation_id == conversation_id))), OfferState.RESCINDED, reopen=False)


def release(work: Work, conv: Conversation, *, target: ConversationState, reason: str) -> None:
    """Take the conversation off its agent: resolve it, hand it back to the AI, or put it back in the queue."""
    agent_id = conv.assignee_id
    if conv.state != C.WITH_HUMAN.value or agent_id is None:
        raise Conflict("this conversation is not with an agent", state=conv.state)
    workforce.agent_released(work, conv, agent_id, target, reason)  # pay the stint in this transaction
    if target == C.WAITING_HUMAN:
        entry = queue.open_handoff(work, conv.id)
        conversations.transition(work, conv, target, assignee_id=None, waiting_since=conv.waiting_since)
        hint: dict[str, Any] = {"type": "queue.changed", "conversation_id": conv.id}
        if entry is not None:
            entry.status, entry.agent_id, entry.reason = queue.WAITING, None, reason
            hint["cells"] = queue.cells([(entry.topic, entry.language)])
        work.emit("queue", hint)
    else:
        closed = target == C.RESOLVED
        conversations.transition(work, conv, target, assignee_id=None, closed_at=work.now if closed else None,
                                 resolved_by="human" if closed else None)
        queue.close_entry(work, conv.id, queue.CLOSED)
    work.write(update(Agent).where(Agent.id == agent_id, Agent.load > 0).values(load=Agent.load - 1))
    work.emit(f"agent:{agent_id}", {"type": "released", "conversation_id": conv.id, "reason": reason})


def watch_agents(work: Work, heartbeats: Heartbeats, pending: tuple[bool, set[str], set[str]]) -> None:
    """Make sure every online agent is watched for silence: all of them after a restore, else those whose
    presence changed; from their last transition, or from when this process started if that is later."""
    stale, agents, _ = pending
    online = Agent.presence != Presence.OFFLINE.value
    if stale:
        rows = work.session.execute(select(Agent.id, Agent.last_heartbeat).where(online)).all()
    elif agents:
        rows = work.session.execute(select(Agent.id, Agent.last_heartbeat).where(
            online, Agent.id.in_(sorted(agents)))).all()
    else:
        return
    heartbeats.seed({aid: max(heartbeats.started, last or 0.0) for aid, last in rows})


def drop_lost_agents(work: Work, timeout_s: float, heartbeats: Heartbeats) -> list[str]:
    """Agents silent past the heartbeat timeout go offline; offers withdrawn, conversations re-queued.

    The heartbeat store names the silent ones (services/presence.py); the database decides: an agent whose
    last presence transition is recent is watched again from it, one already offline is forgotten."""
    cutoff = work.now - timeout_s
    silent = heartbeats.silent(cutoff)
    if not silent:
        return []
    lost, keep = [], {}
    for agent in work.session.scalars(select(Agent).where(
            Agent.id.in_(silent), Agent.presence != Presence.OFFLINE.value)):
        if (agent.last_heartbeat or 0.0) < cutoff:
            go_offline(work, agent, reason="heartbeat_lost")
            lost.append(agent.id)
        else:
            keep[agent.id] = agent.last_heartbeat or work.now
    heartbeats.seed(keep)
    return lost


def go_offline(work: Work, agent: Agent, reason: str) -> None:
    """Log an agent out of work: withdraw their offers and re-queue their conversations, keeping the wait."""
    withdraw_agent_offers(work, agent)
    for conv in work.session.scalars(select(Conversation).where(
            Conversation.assignee_id == agent.id, Conversation.state == C.WITH_HUMAN.value)):
        release(work, conv, target=C.WAITING_HUMAN, reason=reason)
        conversations.append(work, conv, author=Author.SYSTEM,
                             body=_t(conv.language, "Your agent was disconnected. You keep your place; the next "
                                     "agent will continue."),
                             meta={"event": "agent_lost"})
    agent_service.set_presence(work, agent, Presence.OFFLINE)


def pending_offers_view(work: Work, agent_id: str) -> list[dict[str, Any]]:
    """The agent's pending offers, as offer cards."""
    rows = work.session.execute(
        select(Offer, Handoff, Conversation)
        .join(Handoff, Handoff.id == Offer.handoff_id)
        .join(Conversation, Conversation.id == Offer.conversation_id)
        .where(Offer.agent_id == agent_id, Offer.state == OfferState.PENDING.value, Offer.expires_at > work.now)
    )
    return [offer_view(o, h, c, work.settings.pay.currency) for o, h, c in rows]


def withdraw_agent_offers(work: Work, agent: Agent) -> None:
    """Rescind the agent's pending offers (they went away or offline); the conversations wait again."""
    offers.close_all(work, CONVERSATION, list(work.session.scalars(offers.pending(
        CONVERSATION, Offer.agent_id == agent.id))), OfferState.RESCINDED)


def offer_view(offer: Offer, entry: Handoff | routing_live.WaitingEntry, conv: Conversation,
               currency: str) -> dict[str, Any]:
    """What an agent sees on an offer card: the work and the pay in the company's currency, no customer data."""
    return {
        "id": offer.id, "conversation_id": conv.id, "topic": entry.topic, "language": entry.language,
        "reason": entry.reason, "intent": conv.intent, "waiting_since": entry.queued_since,
        "created_at": offer.created_at, "expires_at": offer.expires_at, "state": offer.state,
        "pay": {"base": str(offer.base_pay), "per_minute": str(offer.per_minute_pay),
                "surge_bonus": str(offer.surge_bonus), "currency": currency},
    }
