"""The live dispatcher's use of the routing engine: rebuild it from the database, ask it for offers.

The database is the system of record; each pass restores the pure engine from a snapshot of it (the same
path a dispatcher takeover uses) and persists the offers it proposes. Correctness does not rest on the
snapshot being fresh: accepting still goes through conditional updates.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select

from tandem.core.settings import Settings
from tandem.domain.conversation import ConversationState
from tandem.domain.offer import OfferState
from tandem.domain.presence import Presence
from tandem.domain.skills import Tier, Topic
from tandem.engines.routing import (
    AgentRecord,
    AgentSpec,
    ConversationRecord,
    RoutingConfig,
    Snapshot,
    restore,
)
from tandem.engines.routing import Offer as EngineOffer
from tandem.engines.routing import ineligibility as engine_ineligibility
from tandem.services import agents as agent_service
from tandem.services.context import Work
from tandem.storage.models import Agent, Conversation, Handoff, Offer

C = ConversationState
INF = float("inf")
# the decline reason of the offer row a transfer writes for the transferring agent (services.workbench)
TRANSFERRED_AWAY = "transferred away"
# a request for a human before the assistant knew the topic goes to the general topic
GENERAL_TOPIC = Topic.ACCOUNT.value


def routing_config(settings: Settings) -> RoutingConfig:
    """The routing policy for the live service, from settings."""
    return RoutingConfig(offer_timeout_s=settings.offer_timeout_s, heartbeat_timeout_s=settings.heartbeat_timeout_s)


def snapshot(work: Work, config: RoutingConfig, waiting: list[Handoff]) -> Snapshot:
    """Available agents with their load and pending offers, and the waiting queue, as engine records."""
    agents = list(work.session.scalars(select(Agent).where(Agent.presence == Presence.AVAILABLE.value)))
    ids = [a.id for a in agents]
    skills = agent_service.skills_of(work, ids)
    last_offer = dict(work.session.execute(
        select(Offer.agent_id, func.max(Offer.created_at)).where(Offer.agent_id.in_(ids)).group_by(Offer.agent_id)
    ).all())
    records = tuple(
        AgentRecord(AgentSpec(a.id, {t: Tier(v) for t, v in skills[a.id].items()}, frozenset(a.languages), a.capacity),
                    Presence.AVAILABLE, float(last_offer.get(a.id) or 0.0), 0.0, None)
        for a in agents
    )
    busy = list(work.session.scalars(select(Conversation).where(
        Conversation.assignee_id.in_(ids), Conversation.state == C.WITH_HUMAN.value)))
    convs = [ConversationRecord(c.id, c.topic or GENERAL_TOPIC, c.language, c.waiting_since or c.created_at,
                                C.WITH_HUMAN, c.priority, c.assignee_id) for c in busy]
    pending = _pending_offers(work, ids)
    offered = {o.conversation_id for o in pending}
    excluded = _excluded(work, [h.id for h in waiting], config)
    convs += [
        ConversationRecord(h.conversation_id, h.topic or GENERAL_TOPIC, h.language, h.queued_since,
                           C.OFFERED if h.conversation_id in offered else C.WAITING_HUMAN, h.priority, None,
                           None, excluded.get(h.id, {}))
        for h in waiting
    ]
    return Snapshot(records, tuple(convs), tuple(pending))


def _pending_offers(work: Work, agent_ids: list[str]) -> list[EngineOffer]:
    rows = work.session.scalars(select(Offer).where(
        Offer.state == OfferState.PENDING.value, Offer.agent_id.in_(agent_ids)))
    return [EngineOffer(o.id, o.conversation_id, o.agent_id, o.created_at, o.expires_at) for o in rows]


def _excluded(work: Work, handoff_ids: list[str], config: RoutingConfig) -> dict[str, dict[str, float]]:
    """Agents who declined or let an offer expire for a queue entry are not asked again for a while; an agent
    who transferred the entry away never gets it back (it would undo the transfer, finding 2 of issue 14)."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    rows = work.session.execute(select(Offer.handoff_id, Offer.agent_id, Offer.answered_at, Offer.decline_reason)
                                .where(Offer.handoff_id.in_(handoff_ids),
                                       Offer.state.in_([OfferState.DECLINED.value, OfferState.EXPIRED.value])))
    for handoff_id, agent_id, answered_at, why in rows:
        until = INF if why == TRANSFERRED_AWAY else (answered_at or work.now) + config.decline_cooldown_s
        out[handoff_id][agent_id] = max(until, out[handoff_id].get(agent_id, 0.0))
    return out


def ineligibility(work: Work, config: RoutingConfig, agent: Agent, entries: list[Handoff],
                  skills: dict[str, int] | None = None) -> dict[str, str | None]:
    """For each queue entry (by id): why this agent may not take it now, or None if they may.

    Exactly the router's rule (`engines.routing.ineligibility`: skill, tier at this wait, language, exclusions
    of this entry), on the same inputs the dispatcher's snapshot gives the router; used by claim and by the
    queue an agent is shown. Presence and capacity are checked where the conversation is taken.
    """
    if skills is None:
        skills = agent_service.skills_of(work, [agent.id])[agent.id]
    excluded = _excluded(work, [e.id for e in entries], config)
    languages = frozenset(agent.languages)
    return {e.id: engine_ineligibility(config, skills, languages, e.topic or GENERAL_TOPIC, e.language,
                                       work.now - e.queued_since, excluded.get(e.id, {}).get(agent.id), work.now)
            for e in entries}


def propose(work: Work, config: RoutingConfig, waiting: list[Handoff]) -> list[EngineOffer]:
    """Restore the engine from the database and return the offers it makes now."""
    router = restore(snapshot(work, config, waiting), work.now, config)
    return router.dispatch(work.now)
