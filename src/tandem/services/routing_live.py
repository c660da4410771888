"""The live dispatcher's routing engine: kept in memory by the lease holder, current from routing changes.

The database stays the system of record. The dispatcher (the replica holding the lease) keeps one
`Router` (engines/routing) between passes:

- **restore** fully from the database when it takes the lease, after an error in a pass, or when routing
  changes may have been lost (the bus dropped events);
- **apply** at the start of each pass the changes since the last one: every committed transaction reports the
  agents and conversations whose routing rows it changed (`Work.touch`, services/routing_events.py), locally
  through `Services.on_routing_change` and from other replicas over the bus; the pass re-reads exactly those
  rows and puts them back into the engine (`Router.forget` + `put_conversation`, or the agent's login, skill
  or capacity update, or logout), so a pass costs what changed, not the pool;
- **reconcile** every `routing_reconcile_s`: a fresh restore is compared with the kept engine; every
  difference is logged and counted (`tandem_routing_disagreements_total`) and the fresh engine replaces it.

Correctness does not rest on the engine being current: making an offer and accepting it still go through
conditional updates (services/dispatch.py). A stale engine can waste an offer, never double-assign.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from typing import Any, NamedTuple

from sqlalchemy import and_, func, select

from tandem.core import counters
from tandem.core.ids import new_id
from tandem.core.settings import Settings
from tandem.domain.conversation import ConversationState
from tandem.domain.offer import OfferState
from tandem.domain.presence import Presence
from tandem.domain.skills import Tier, Topic
from tandem.engines.routing import (
    AgentRecord,
    AgentSpec,
    ConversationRecord,
    OfferRecord,
    Router,
    RoutingConfig,
    Snapshot,
    differences,
    put_conversation,
    restore,
)
from tandem.engines.routing import ineligibility as engine_ineligibility
from tandem.services import agents as agent_service
from tandem.services import queue
from tandem.services.context import Work
from tandem.storage.models import Agent, Conversation, Handoff, Offer

log = logging.getLogger(__name__)
# how long after a reconcile a change report may still arrive for a difference it found (a committing thread
# can be descheduled between its commit and its report on a loaded machine)
SETTLE_S = 5.0

C = ConversationState
INF = float("inf")
# the decline reason of the offer row a transfer writes for the transferring agent (services.workbench)
TRANSFERRED_AWAY = "transferred away"
AVAILABLE = Presence.AVAILABLE.value
# a request for a human before the assistant knew the topic goes to the general topic
GENERAL_TOPIC = Topic.ACCOUNT.value


class WaitingEntry(NamedTuple):
    """The columns of a waiting queue entry an offer needs (its row read by a pass; or a Handoff, same names)."""

    id: str
    conversation_id: str
    topic: str | None
    language: str
    reason: str
    queued_since: float


def routing_config(settings: Settings) -> RoutingConfig:
    """The routing policy for the live service, from settings."""
    return RoutingConfig(offer_timeout_s=settings.offer_timeout_s, heartbeat_timeout_s=settings.heartbeat_timeout_s,
                         sensitive_topics=settings.sensitive_topics)


class LiveRouting:
    """The dispatcher's in-memory routing engine and the changes not yet applied to it.

    `note` may be called from any thread; everything else runs on the dispatcher's thread only.
    """

    def __init__(self, config: RoutingConfig, reconcile_s: float = 300.0) -> None:
        self.config = config
        self.reconcile_s = reconcile_s
        self.router: Router | None = None
        self.next_reconcile = 0.0
        self._lock = threading.Lock()
        self._agents: set[str] = set()
        self._convs: set[str] = set()
        self._stale = True
        self._suspects: dict[str, set[str]] = {"agents": set(), "conversations": set()}
        self._suspect_lines: list[str] = []
        self._settle_at = 0.0
        # conversations left waiting without an offer by the last pass (None: no pass yet), and whether a pass
        # runs now (between drain and pass_ended): what `idle` answers from
        self._waiting: int | None = None
        self._passing = False
        # the waiting entries the current pass's refresh read, by conversation (the pass's offers reuse them)
        self.entries: dict[str, WaitingEntry] = {}

    def note(self, agents: set[str], conversations: set[str]) -> None:
        """Routing rows of these agents and conversations changed (committed); apply them next pass."""
        with self._lock:
            self._agents.update(agents)
            self._convs.update(conversations)

    def invalidate(self) -> None:
        """Restore from the database next pass (takeover, a failed pass, changes possibly lost)."""
        with self._lock:
            self._stale = True

    def drain(self) -> tuple[bool, set[str], set[str]]:
        """Take the pending changes. Call before the pass's transaction reads anything: a change committed
        after this is noted again for the next pass, so none falls between the two."""
        with self._lock:
            stale, agents, convs = self._stale, self._agents, self._convs
            self._stale, self._agents, self._convs = False, set(), set()
            self._passing = True
        return stale, agents, convs

    def pass_ended(self) -> None:
        """The pass that drained has committed or rolled back (a rollback also invalidates)."""
        with self._lock:
            self._passing = False

    def idle(self) -> bool:
        """Whether the engine is current and nothing waits without an offer: room freed by a release or a
        closed entry then has nobody to go to, and needs no pass of its own (safe from any thread).

        Not idle while a pass runs (it may be filing a conversation it cannot offer yet), or before a first pass
        or a restore. Changes noted since the last pass do not count: new work (a request for a human, an offer
        declined or lapsed, a transfer) always asks for a pass of its own (`context.wakes_dispatcher`)."""
        with self._lock:
            return not (self._stale or self._passing) and self.router is not None and self._waiting == 0

    def propose(self, work: Work, pending: tuple[bool, set[str], set[str]]) -> list[OfferRecord]:
        """Bring the engine up to date (restore, apply or reconcile) and return the offers it makes now."""
        router = self.refresh(work, pending)
        offers = router.dispatch(work.now)
        self._waiting = router.waiting_count()
        return offers

    def refresh(self, work: Work, pending: tuple[bool, set[str], set[str]]) -> Router:
        """Bring the engine up to date with the database as this transaction sees it; return it."""
        stale, agents, convs = pending
        work.session.flush()  # changes this pass made through the ORM are collected at flush
        agents |= work.touched_agents
        convs |= work.touched_conversations
        self.entries = {}
        if self.router is None or stale:
            self.router = restore(snapshot(work, self.config), work.now, self.config, lambda: new_id("off"))
            counters.count("routing_restores")
            self.next_reconcile = work.now + self.reconcile_s
        else:
            self.entries = apply(work, self.router, self.config, agents, convs)
            if self._suspects["agents"] or self._suspects["conversations"]:
                self._settle(work, agents, convs, final=work.now >= self._settle_at)
            if work.now >= self.next_reconcile:
                self.reconcile(work)
        return self.router

    def reconcile(self, work: Work) -> dict[str, set[str]]:
        """Compare the kept engine with a fresh restore from what this transaction reads.

        A change committed just before this transaction began may be visible here while its note is still
        on its way (it is sent right after the commit). So a difference only makes its agents and
        conversations *suspects*; passes in the next SETTLE_S clear those their changes name, and a suspect
        still unnamed after that was missed, which is logged, counted (`tandem_routing_disagreements_total`)
        and repaired by re-reading it. Return the suspects."""
        assert self.router is not None
        fresh = restore(snapshot(work, self.config), work.now, self.config, lambda: new_id("off"))
        found = differences(self.router, fresh, work.now, limit=1_000_000)
        counters.count("routing_reconciles")
        suspects: dict[str, set[str]] = {"agents": set(), "conversations": set()}
        for kind, key in found:
            suspects[kind].add(key)
        self._suspects = suspects
        self._settle_at = work.now + SETTLE_S
        self._suspect_lines = [f"{kind[:-1]} {key}" for kind, key in found[:5]]
        self.next_reconcile = work.now + self.reconcile_s
        return suspects

    def _settle(self, work: Work, agents: set[str], convs: set[str], final: bool) -> list[str]:
        """Suspects of the last reconcile that a change named since are cleared; those still unnamed SETTLE_S
        after it were missed: count, log, repair."""
        assert self.router is not None
        self._suspects["agents"] -= agents
        self._suspects["conversations"] -= convs
        if not final:
            return []
        missed_agents, missed_convs = self._suspects["agents"], self._suspects["conversations"]
        self._suspects = {"agents": set(), "conversations": set()}
        missed = sorted(missed_agents) + sorted(missed_convs)
        if missed:
            counters.count("routing_disagreements", len(missed))
            log.warning("routing engine disagreed with the database on %d agent(s)/conversation(s), repaired: %s",
                        len(missed), ", ".join(missed[:5]))
            self.entries.update(apply(work, self.router, self.config, missed_agents, missed_convs))
        return missed


# ---- reading the database -------------------------------------------------------------------------------

def snapshot(work: Work, config: RoutingConfig) -> Snapshot:
    """Every available agent with its load and pending offers, and the whole waiting queue, as engine records."""
    agents = list(work.session.scalars(select(Agent).where(Agent.presence == AVAILABLE)))
    ids = [a.id for a in agents]
    skills = agent_service.skills_of(work, ids)
    last_offer = dict(work.session.execute(
        select(Offer.agent_id, func.max(Offer.created_at)).where(Offer.agent_id.in_(ids)).group_by(Offer.agent_id)
    ).all())
    records = tuple(AgentRecord(_spec(a, skills[a.id]), Presence.AVAILABLE, float(last_offer.get(a.id) or 0.0),
                                0.0, None) for a in agents)
    busy = list(work.session.scalars(select(Conversation).where(
        Conversation.assignee_id.in_(ids), Conversation.state == C.WITH_HUMAN.value)))
    convs = [_busy_record(c) for c in busy]
    waiting = list(work.session.scalars(select(Handoff).where(Handoff.status == queue.WAITING)))
    pending = _pending_offers(work, Offer.agent_id.in_(ids))
    offered = {o.conversation_id for o in pending}
    excluded = _excluded(work, [h.id for h in waiting], config)
    convs += [_waiting_record(h.conversation_id, h.topic, h.language, h.queued_since, h.priority,
                              h.conversation_id in offered, excluded.get(h.id, {})) for h in waiting]
    return Snapshot(records, tuple(convs), tuple(pending))


def apply(work: Work, router: Router, config: RoutingConfig, agent_ids: set[str],
          conv_ids: set[str]) -> dict[str, WaitingEntry]:
    """Re-read these agents and conversations and put them into the router as a restore would; return the
    waiting entries read, by conversation.

    Core reads, batched over the whole change set: two statements for the agents (their rows with their last
    offer time, their skills) and one for the conversations (their rows with their waiting queue entry and that
    entry's offers), whatever the number of either; plus two for agents who just logged in (what they hold).
    Before (until 4 Dec 2026) it was three to four ORM queries per agent and per conversation, then two
    statements for the conversations until the offers were joined in."""
    convs = set(conv_ids)
    if agent_ids:
        convs |= _sync_agents(work, router, sorted(agent_ids))
    if convs:
        return _sync_conversations(work, router, config, sorted(convs))
    return {}


def _sync_agents(work: Work, router: Router, agent_ids: list[str]) -> set[str]:
    """Bring these agents in line with their rows; return the conversations whose standing may have moved."""
    last_offer = (select(func.max(Offer.created_at)).where(Offer.agent_id == Agent.id)
                  .correlate(Agent).scalar_subquery())
    rows = {r.id: r for r in work.session.execute(
        select(Agent.id, Agent.presence, Agent.languages, Agent.capacity, last_offer.label("last_offer"))
        .where(Agent.id.in_(agent_ids)))}
    available = [a for a in agent_ids if a in rows and rows[a].presence == AVAILABLE]
    skills = agent_service.skills_of(work, available) if available else {}
    related: set[str] = set()
    joined: list[str] = []
    for agent_id in agent_ids:
        row = rows.get(agent_id)
        kept = router.agents.get(agent_id)
        if row is None or row.presence != AVAILABLE:
            if kept is not None:
                related |= set(kept.conversations) | {router.offers[o].conversation_id for o in kept.offers}
                router.logout(agent_id, work.now)
            continue
        spec = _spec(row, skills[agent_id])
        last = float(row.last_offer or 0.0)
        if kept is None:
            router.login(spec, work.now)
            agent = router.agents[agent_id]
            agent.last_offer_at = last
            router.index.refresh(agent)
            joined.append(agent_id)
            continue
        if (dict(kept.skills), kept.languages, kept.capacity) != (dict(spec.skills), spec.languages, spec.capacity):
            router.update_agent(spec, work.now)
        if kept.last_offer_at != last:
            kept.last_offer_at = last
            router.index.refresh(kept)
    if joined:  # what a restore would give them: the conversations they hold and the offers they have pending
        related |= set(work.session.scalars(select(Conversation.id).where(
            Conversation.assignee_id.in_(joined), Conversation.state == C.WITH_HUMAN.value)))
        related |= set(work.session.scalars(select(Offer.conversation_id).where(
            Offer.agent_id.in_(joined), Offer.state == OfferState.PENDING.value)))
    return related


def _sync_conversations(work: Work, router: Router, config: RoutingConfig,
                        conversation_ids: list[str]) -> dict[str, WaitingEntry]:
    """Forget these conversations and put them back as their rows say now; return their waiting entries.

    One statement: each conversation's row, outer-joined to its waiting entry and, when there is one, to the
    conversation's pending, declined and expired offers (a row per offer; declines and expiries count only for
    that entry, as in a restore)."""
    rows = work.session.execute(
        select(Conversation.id, Conversation.state, Conversation.topic, Conversation.language,
               Conversation.waiting_since, Conversation.created_at, Conversation.priority, Conversation.assignee_id,
               Handoff.id.label("entry_id"), Handoff.topic.label("entry_topic"),
               Handoff.language.label("entry_language"), Handoff.queued_since, Handoff.priority.label("entry_priority"),
               Handoff.reason.label("entry_reason"),
               Offer.id.label("offer_id"), Offer.agent_id.label("offer_agent"), Offer.created_at.label("offered_at"),
               Offer.expires_at.label("offer_expires"), Offer.state.label("offer_state"),
               Offer.handoff_id.label("offer_entry"), Offer.answered_at.label("offer_answered"),
               Offer.decline_reason.label("offer_reason"))
        .outerjoin(Handoff, and_(Handoff.conversation_id == Conversation.id, Handoff.status == queue.WAITING))
        .outerjoin(Offer, and_(Handoff.id.is_not(None), Offer.conversation_id == Conversation.id,
                               Offer.state.in_([OfferState.PENDING.value, OfferState.DECLINED.value,
                                                OfferState.EXPIRED.value])))
        .where(Conversation.id.in_(conversation_ids))).all()
    found: dict[str, Any] = {}
    pending: dict[str, dict[str, OfferRecord]] = defaultdict(dict)
    excluded: dict[str, dict[str, float]] = defaultdict(dict)
    for each in rows:  # a conversation has at most one waiting entry; should there be two, the first is taken
        first = found.setdefault(each.id, each)
        if each.offer_id is None or each.entry_id != first.entry_id:
            continue
        if each.offer_state == OfferState.PENDING.value:
            if each.offer_agent in router.agents:
                pending[each.id][each.offer_id] = OfferRecord(each.offer_id, each.id, each.offer_agent,
                                                              each.offered_at, each.offer_expires)
        elif each.offer_entry == each.entry_id:
            _exclude(excluded[each.entry_id], each.offer_agent, each.offer_answered, each.offer_reason, work.now,
                     config)
    entries: dict[str, WaitingEntry] = {}
    for conversation_id in conversation_ids:
        router.forget(conversation_id)
        row = found.get(conversation_id)
        if row is None:
            continue
        if row.entry_id is not None:
            offers = tuple(pending[conversation_id].values()) if conversation_id in pending else ()
            put_conversation(router, _waiting_record(
                conversation_id, row.entry_topic, row.entry_language, row.queued_since, row.entry_priority,
                bool(offers), excluded.get(row.entry_id, {})), offers)
            entries[conversation_id] = WaitingEntry(row.entry_id, conversation_id, row.entry_topic,
                                                    row.entry_language, row.entry_reason, row.queued_since)
        elif row.state == C.WITH_HUMAN.value and row.assignee_id in router.agents:
            put_conversation(router, _busy_record(row))
    return entries


def _spec(agent: Any, skills: dict[str, int]) -> AgentSpec:
    return AgentSpec(agent.id, {t: Tier(v) for t, v in skills.items()}, frozenset(agent.languages), agent.capacity)


def _busy_record(c: Any) -> ConversationRecord:
    return ConversationRecord(c.id, c.topic or GENERAL_TOPIC, c.language, c.waiting_since or c.created_at,
                              C.WITH_HUMAN, c.priority, c.assignee_id)


def _waiting_record(conversation_id: str, topic: str | None, language: str, queued_since: float, priority: int,
                    offered: bool, excluded: dict[str, float]) -> ConversationRecord:
    """A waiting queue entry as the router holds it (from a Handoff on restore, from a Core row on a refresh)."""
    return ConversationRecord(conversation_id, topic or GENERAL_TOPIC, language, queued_since,
                              C.OFFERED if offered else C.WAITING_HUMAN, priority, None, None, excluded)


def _pending_offers(work: Work, where: object) -> list[OfferRecord]:
    rows = work.session.scalars(select(Offer).where(Offer.state == OfferState.PENDING.value, where))  # type: ignore[arg-type]
    return [OfferRecord(o.id, o.conversation_id, o.agent_id, o.created_at, o.expires_at) for o in rows]


def _excluded(work: Work, handoff_ids: list[str], config: RoutingConfig) -> dict[str, dict[str, float]]:
    """Agents who declined or let an offer expire for a queue entry are not asked again for a while; an agent
    who transferred the entry away never gets it back (it would undo the transfer, finding 2 of issue 14)."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    if not handoff_ids:
        return out
    rows = work.session.execute(select(Offer.handoff_id, Offer.agent_id, Offer.answered_at, Offer.decline_reason)
                                .where(Offer.handoff_id.in_(handoff_ids),
                                       Offer.state.in_([OfferState.DECLINED.value, OfferState.EXPIRED.value])))
    for handoff_id, agent_id, answered_at, why in rows:
        _exclude(out[handoff_id], agent_id, answered_at, why, work.now, config)
    return out


def _exclude(out: dict[str, float], agent_id: str, answered_at: float | None, why: str | None, now: float,
             config: RoutingConfig) -> None:
    until = INF if why == TRANSFERRED_AWAY else (answered_at or now) + config.decline_cooldown_s
    out[agent_id] = max(until, out.get(agent_id, 0.0))


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


class QueueReach:
    """The waiting-queue cells (topic, language) an agent could ever be shown or offered: the router's rule
    (`engines.routing.ineligibility`) at the most relaxed step of the wait, exclusions of single entries aside.

    The agent sockets use it to send a queue hint only to the consoles it concerns (api/ws.py): an agent is not
    told that work they are not certified for moved, and a console of another topic or language does not reload
    its queue for nothing. Built from what the socket's session check read; answers from memory.
    """

    __slots__ = ("config", "skills", "languages", "_known")

    def __init__(self, config: RoutingConfig, skills: dict[str, int], languages: frozenset[str]) -> None:
        self.config, self.skills, self.languages = config, dict(skills), languages
        self._known: dict[tuple[str, str], bool] = {}

    def covers(self, topic: str | None, language: str) -> bool:
        """Whether a change to the waiting entries of this topic and language can concern this agent."""
        key = (topic or GENERAL_TOPIC, language)
        known = self._known.get(key)
        if known is None:
            known = self._known[key] = engine_ineligibility(self.config, self.skills, self.languages, key[0],
                                                            language, INF) is None
        return known


def queue_reach(work: Work, config: RoutingConfig, agent: Agent) -> QueueReach:
    """The agent's QueueReach from their skills (one statement) and languages."""
    return QueueReach(config, agent_service.skills_of(work, [agent.id])[agent.id], frozenset(agent.languages))
