"""Rebuilding a router from persisted state (dispatcher takeover) and taking a snapshot of one."""

from __future__ import annotations

import re
from collections.abc import Callable
from heapq import heappush
from itertools import count
from typing import Any

from tandem.domain.conversation import ConversationState
from tandem.domain.offer import OfferState
from tandem.domain.presence import Presence
from tandem.engines.routing.agents import AgentState
from tandem.engines.routing.engine import Router
from tandem.engines.routing.policies import RoutingConfig
from tandem.engines.routing.queue import ConvState
from tandem.engines.routing.values import AgentRecord, AgentSpec, ConversationRecord, OfferRecord, Snapshot

C = ConversationState


def take_snapshot(router: Router) -> Snapshot:
    """Return the router's state as immutable records (what the database holds)."""
    agents = tuple(_agent_record(a) for a in router.agents.values())
    convs = tuple(_conversation_record(c) for c in router.convs.values())
    return Snapshot(agents, convs, tuple(router.offers.values()), router.peek_offer_number())


def restore(snapshot: Snapshot, now: float, config: RoutingConfig | None = None,
            new_offer_id: Callable[[], str] | None = None) -> Router:
    """Build a router from persisted state; anything inconsistent goes back to the queue, never lost."""
    router = Router(config, new_offer_id)
    for rec in snapshot.agents:
        _restore_agent(router, rec, now)
    for conv_rec in snapshot.conversations:
        _restore_conversation(router, conv_rec)
    for offer in snapshot.offers:
        _restore_offer(router, offer)
    for conv in router.convs.values():
        if conv.state is C.OFFERED and not conv.offers:
            conv.state = C.WAITING_HUMAN  # its offers were lost with their agent
        if conv.state is C.WAITING_HUMAN:
            router._enqueue(conv)
    if new_offer_id is None:
        start = _next_offer_number(router.config.offer_id_prefix, snapshot.offers)
        router.offer_numbers = count(max(start, snapshot.next_offer_number))
    return router


def put_conversation(router: Router, rec: ConversationRecord, offers: tuple[OfferRecord, ...] = ()) -> None:
    """Add one conversation with its pending offers as `restore` would (after `Router.forget` of it).

    A conversation with a human whose assignee is not in the router is not added (a restore from the same
    rows would not have it either: the live snapshot only reads assignees that are online)."""
    if rec.conversation_id in router.convs:
        raise ValueError(f"conversation {rec.conversation_id!r} is already with routing; forget it first")
    if rec.state is C.WITH_HUMAN and (rec.assignee or "") not in router.agents:
        return
    _restore_conversation(router, rec)
    conv = router.convs.get(rec.conversation_id)
    if conv is None:
        return
    for offer in offers:
        _restore_offer(router, offer)
    if conv.state is C.OFFERED and not conv.offers:
        conv.state = C.WAITING_HUMAN
    if conv.state is C.WAITING_HUMAN:
        router._enqueue(conv)


def state_of(router: Router, now: float) -> dict[str, dict[str, Any]]:
    """The router's routing-relevant state as plain values, for comparing two routers (reconcile, tests):
    agents, conversations and pending offers. Queue tickets and heap layout are left out; exclusions that
    ended by `now` are too."""
    agents = {a.agent_id: (tuple(sorted((str(t), int(v)) for t, v in a.skills.items())), tuple(sorted(a.languages)),
                           a.capacity, a.presence.value, a.last_offer_at, a.load, a.pending,
                           tuple(sorted(a.conversations)), tuple(sorted(a.offers)))
              for a in router.agents.values()}
    convs = {c.conversation_id: (c.topic, c.language, c.since, c.state.value, c.priority, c.assignee,
                                 tuple(sorted(c.offers)),
                                 tuple(sorted((k, v) for k, v in c.excluded.items() if v > now)))
             for c in router.convs.values()}
    offers = {o.offer_id: (o.conversation_id, o.agent_id, o.created_at, o.expires_at)
              for o in router.offers.values()}
    return {"agents": agents, "conversations": convs, "offers": offers}


def differences(a: Router, b: Router, now: float, limit: int = 20) -> list[tuple[str, str]]:
    """Where two routers disagree (see state_of): at most `limit` (kind, id) pairs, kind "agents" or
    "conversations" (a differing offer is reported as its conversation); empty when they agree."""
    sa, sb = state_of(a, now), state_of(b, now)
    out: dict[tuple[str, str], None] = {}
    for kind in ("agents", "conversations", "offers"):
        for key in sorted(sa[kind].keys() | sb[kind].keys()):
            left, right = sa[kind].get(key), sb[kind].get(key)
            if left != right:
                if kind == "offers":
                    offer: tuple[Any, ...] = left or right  # type: ignore[assignment]
                    out[("conversations", str(offer[0]))] = None
                else:
                    out[(kind, key)] = None
                if len(out) >= limit:
                    return list(out)
    return list(out)


def _agent_record(a: AgentState) -> AgentRecord:
    spec = AgentSpec(a.agent_id, dict(a.skills), a.languages, a.capacity)
    return AgentRecord(spec, a.presence, a.last_offer_at, a.earned_today, a.last_heartbeat)


def _conversation_record(c: ConvState) -> ConversationRecord:
    return ConversationRecord(c.conversation_id, c.topic, c.language, c.since, c.state, c.priority,
                              c.assignee, c.broadcast, dict(c.excluded))


def _restore_agent(router: Router, rec: AgentRecord, now: float) -> None:
    """Add an agent with its persisted standing; offline agents are not routed to."""
    if rec.presence is Presence.OFFLINE:
        return
    router.login(rec.spec, now)
    agent = router.agents[rec.spec.agent_id]
    agent.presence = rec.presence
    agent.last_offer_at, agent.earned_today = rec.last_offer_at, rec.earned_today
    if rec.last_heartbeat is not None:
        router.heartbeat(agent.agent_id, rec.last_heartbeat)
    router.index.refresh(agent)


def _restore_conversation(router: Router, rec: ConversationRecord) -> None:
    """Add a conversation; an assignee that is gone sends it back to the queue with its wait kept."""
    if rec.state not in (C.WAITING_HUMAN, C.OFFERED, C.WITH_HUMAN):
        return  # not routing's business (with the assistant, or closed)
    conv = ConvState(rec.conversation_id, rec.topic, rec.language, rec.priority, rec.waiting_since)
    conv.broadcast, conv.excluded = rec.broadcast, dict(rec.excluded)
    agent = router.agents.get(rec.assignee or "")
    if rec.state is C.WITH_HUMAN and agent is not None:
        conv.state, conv.assignee = C.WITH_HUMAN, agent.agent_id
        agent.load += 1
        agent.conversations[conv.conversation_id] = None
        router.index.refresh(agent)
    elif rec.state is C.OFFERED:
        conv.state = C.OFFERED
    router.convs[conv.conversation_id] = conv


def _restore_offer(router: Router, offer: OfferRecord) -> None:
    """Re-attach a pending offer to its agent and conversation, if both are still there."""
    agent, conv = router.agents.get(offer.agent_id), router.convs.get(offer.conversation_id)
    if offer.state is not OfferState.PENDING or agent is None or conv is None or conv.state is not C.OFFERED:
        return
    router.offers[offer.offer_id] = offer
    conv.offers[offer.offer_id] = None
    agent.offers[offer.offer_id] = None
    agent.pending += 1
    router.index.refresh(agent)
    heappush(router._expiry, (offer.expires_at, offer.offer_id))


def _next_offer_number(prefix: str, offers: tuple[OfferRecord, ...]) -> int:
    """Return a counter start past every restored offer id of the form <prefix><n>."""
    pattern = re.compile(re.escape(prefix) + r"(\d+)$")
    numbers = [int(m.group(1)) for o in offers if (m := pattern.match(o.offer_id))]
    return max(numbers, default=0) + 1
