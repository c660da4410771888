"""The routing engine: a pure, synchronous, incremental dispatcher (see docs/routing.md).

Every change that could create a new match marks the agent or conversation it touched as dirty; dispatch()
looks only at dirty items, so its cost does not grow with the number of agents or waiting conversations.
Time is always passed in as ``now``; nothing here reads a clock, does I/O or draws random numbers.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from heapq import heapify, heappop, heappush
from itertools import count

from tandem.core.errors import Conflict, InvalidInput, NotFound
from tandem.domain.conversation import ConversationState, move_conversation
from tandem.domain.offer import OfferState
from tandem.domain.presence import Presence, move_presence
from tandem.engines.routing.agents import AgentState, CapacityIndex
from tandem.engines.routing.errors import OfferNotPending
from tandem.engines.routing.matching import Matcher
from tandem.engines.routing.policies import RoutingConfig, relaxed_requirement
from tandem.engines.routing.queue import ConvState, WaitingQueue
from tandem.engines.routing.records import Accepted, AgentSpec, Offer, Released, Tick

C = ConversationState
INF = float("inf")
ENDED_OFFERS_REMEMBERED = 100_000
Candidate = tuple[tuple[int, float, int], int, ConvState]


class Router:
    """Agents, waiting conversations and pending offers; dispatch(now) turns free capacity into offers."""

    def __init__(self, config: RoutingConfig | None = None, new_offer_id: Callable[[], str] | None = None,
                 ) -> None:
        self.config = config or RoutingConfig()
        self.index = CapacityIndex(self.config.fairness)
        self.queue = WaitingQueue()
        self.match = Matcher(self.config, self.index, self.queue)
        self.agents: dict[str, AgentState] = {}
        self.convs: dict[str, ConvState] = {}
        self.offers: dict[str, Offer] = {}
        self._ended: OrderedDict[str, OfferState] = OrderedDict()
        self._expiry: list[tuple[float, str]] = []
        self._wakeups: list[tuple[float, int, ConvState]] = []
        self._heartbeats: list[tuple[float, int, str]] = []
        self._seq = count()
        self._dirty_agents: dict[str, AgentState] = {}
        self._dirty_convs: dict[str, ConvState] = {}
        prefix = self.config.offer_id_prefix
        self.offer_numbers = count(1)
        self._new_offer_id = new_offer_id or (lambda: f"{prefix}{next(self.offer_numbers)}")

    # ---- agents -------------------------------------------------------------------------------------

    def login(self, spec: AgentSpec, now: float) -> None:
        """Bring an agent online and available; it is considered at the next dispatch."""
        if spec.agent_id in self.agents:
            raise Conflict(f"agent {spec.agent_id!r} is already online", agent_id=spec.agent_id)
        _check_spec(spec)
        agent = self.agents[spec.agent_id] = AgentState(spec, now)
        self.index.attach(agent)
        self._touch_agent(agent)
        self.heartbeat(spec.agent_id, now)

    def update_agent(self, spec: AgentSpec, now: float) -> None:
        """Change an online agent's skills, languages or capacity (load above capacity drains naturally)."""
        _check_spec(spec)
        agent = self._agent(spec.agent_id)
        agent.skills, agent.languages, agent.capacity = dict(spec.skills), frozenset(spec.languages), spec.capacity
        self.index.attach(agent)
        self._touch_agent(agent)

    def set_presence(self, agent_id: str, presence: Presence, now: float) -> Released | None:
        """Switch between available and away; offline means logout (and returns what it released)."""
        agent = self._agent(agent_id)
        move_presence(agent.presence, presence)
        if presence is Presence.OFFLINE:
            return self.logout(agent_id, now)
        agent.presence = presence
        self._touch_agent(agent)
        return None

    def heartbeat(self, agent_id: str, now: float) -> None:
        """Record a sign of life; agents silent for heartbeat_timeout_s are dropped by drop_silent()."""
        self._agent(agent_id).last_heartbeat = now
        heappush(self._heartbeats, (now + self.config.heartbeat_timeout_s, next(self._seq), agent_id))

    def logout(self, agent_id: str, now: float) -> Released:
        """Take an agent offline: rescind its pending offers and re-queue its conversations."""
        agent = self._agent(agent_id)
        agent.presence = Presence.OFFLINE
        self.index.detach(agent)
        rescinded = tuple(self._end_offer(self.offers[o], OfferState.RESCINDED, now) for o in list(agent.offers))
        requeued = tuple(sorted(agent.conversations))
        for cid in requeued:
            conv = self.convs[cid]
            conv.state, conv.assignee = move_conversation(conv.state, C.WAITING_HUMAN), None
            self._enqueue(conv)
        del self.agents[agent_id]
        self._dirty_agents.pop(agent_id, None)
        return Released(agent_id, rescinded, requeued)

    def drop_silent(self, now: float) -> list[Released]:
        """Log out every agent whose last heartbeat is older than heartbeat_timeout_s."""
        out = []
        timeout = self.config.heartbeat_timeout_s
        while self._heartbeats and self._heartbeats[0][0] <= now:
            _, _, aid = heappop(self._heartbeats)
            agent = self.agents.get(aid)
            if agent is not None and agent.last_heartbeat + timeout <= now:
                out.append(self.logout(aid, now))
        return out

    # ---- conversations ------------------------------------------------------------------------------

    def escalate(self, conversation_id: str, topic: str, language: str, now: float, *, priority: int = 0,
                 waiting_since: float | None = None, broadcast: int | None = None) -> None:
        """Queue a conversation for a human; waiting_since (default now) is when its wait began."""
        if conversation_id in self.convs:
            raise Conflict(f"conversation {conversation_id!r} is already with routing",
                           conversation_id=conversation_id)
        since = now if waiting_since is None else waiting_since
        conv = self.convs[conversation_id] = ConvState(conversation_id, topic, language, priority, since)
        conv.broadcast = broadcast
        self._enqueue(conv)

    def abandon(self, conversation_id: str, now: float) -> tuple[Offer, ...]:
        """The customer left while queued or offered: forget it, rescinding any pending offers."""
        conv = self._conv(conversation_id)
        conv.state = move_conversation(conv.state, C.ABANDONED)
        self.queue.discard(conv)
        rescinded = tuple(self._end_offer(self.offers[o], OfferState.RESCINDED, now) for o in list(conv.offers))
        del self.convs[conversation_id]
        return rescinded

    def resolve(self, conversation_id: str, now: float, earned: float = 0.0) -> None:
        """The agent finished: free its slot, credit earned to its day, forget the conversation."""
        conv = self._conv(conversation_id)
        conv.state = move_conversation(conv.state, C.RESOLVED)
        self._release_assignee(conv, earned)
        del self.convs[conversation_id]

    def hand_back_to_ai(self, conversation_id: str, now: float) -> None:
        """The agent returned the conversation to the assistant: free its slot and forget it."""
        conv = self._conv(conversation_id)
        conv.state = move_conversation(conv.state, C.AI)
        self._release_assignee(conv, 0.0)
        del self.convs[conversation_id]

    def transfer(self, conversation_id: str, now: float, *, topic: str | None = None,
                 language: str | None = None) -> None:
        """Return an assigned conversation to the queue with new needs, keeping its original wait."""
        conv = self._conv(conversation_id)
        conv.state = move_conversation(conv.state, C.WAITING_HUMAN)
        previous = self._release_assignee(conv, 0.0)
        # the transferring agent handed it on for a reason: do not offer it straight back
        conv.excluded[previous] = now + self.config.decline_cooldown_s
        conv.topic = topic or conv.topic
        conv.language = language or conv.language
        self._enqueue(conv)

    # ---- offers -------------------------------------------------------------------------------------

    def dispatch(self, now: float) -> list[Offer]:
        """Offer every conversation that can now be matched; return the new offers."""
        self._wake(now)
        offers: list[Offer] = []
        if self._dirty_agents or self._dirty_convs:
            self._match(now, offers)
        return offers

    def accept(self, offer_id: str, now: float) -> Accepted:
        """Assign the conversation to the offer's agent; rescind its broadcast siblings."""
        offer = self._pending(offer_id, now)
        conv, agent = self.convs[offer.conversation_id], self.agents[offer.agent_id]
        conv.state, conv.assignee = move_conversation(conv.state, C.WITH_HUMAN), agent.agent_id
        del self.offers[offer_id]
        self._remember(offer_id, OfferState.ACCEPTED)
        conv.offers.discard(offer_id)
        agent.offers.discard(offer_id)
        agent.pending -= 1
        agent.load += 1
        agent.conversations.add(conv.conversation_id)
        self.index.refresh(agent)
        rescinded = tuple(self._end_offer(self.offers[o], OfferState.RESCINDED, now) for o in list(conv.offers))
        return Accepted(replace(offer, state=OfferState.ACCEPTED, ended_at=now), rescinded)

    def decline(self, offer_id: str, now: float, reason: str = "declined") -> Offer:
        """The agent said no: the conversation goes to someone else (not them, for a cooldown)."""
        return self._end_offer(self._pending(offer_id, now), OfferState.DECLINED, now, reason)

    def expire(self, now: float) -> list[Offer]:
        """End every pending offer whose time is up; their conversations are offered again."""
        out = []
        while self._expiry and self._expiry[0][0] <= now:
            _, oid = heappop(self._expiry)
            offer = self.offers.get(oid)
            if offer is not None:
                out.append(self._end_offer(offer, OfferState.EXPIRED, now, "timeout"))
        return out

    def tick(self, now: float) -> Tick:
        """Expire offers, drop silent agents, then dispatch: one round of the dispatcher loop."""
        expired = tuple(self.expire(now))
        dropped = tuple(self.drop_silent(now))
        return Tick(expired, dropped, tuple(self.dispatch(now)))

    def peek_offer_number(self) -> int:
        """Return the number the default id factory will use next (without using it)."""
        n = next(self.offer_numbers)
        self.offer_numbers = count(n)
        return n

    # ---- queries ------------------------------------------------------------------------------------

    def state_of(self, conversation_id: str) -> ConversationState:
        """Return waiting_human, offered or with_human (closed conversations are forgotten: NotFound)."""
        return self._conv(conversation_id).state

    def assignee_of(self, conversation_id: str) -> str | None:
        """Return the agent handling the conversation, if any."""
        return self._conv(conversation_id).assignee

    def offers_of(self, conversation_id: str) -> tuple[Offer, ...]:
        """Return the pending offers of one conversation."""
        return tuple(self.offers[o] for o in sorted(self._conv(conversation_id).offers))

    def load_of(self, agent_id: str) -> tuple[int, int, int]:
        """Return (assigned conversations, pending offers, capacity) of an online agent."""
        agent = self._agent(agent_id)
        return agent.load, agent.pending, agent.capacity

    def waiting(self) -> list[str]:
        """Return the waiting conversation ids in queue order (priority, then longest wait); O(n log n)."""
        return [c.conversation_id for c in sorted(self._all_waiting(), key=ConvState.order)]

    def position(self, conversation_id: str) -> int:
        """Return the 1-based place of a waiting conversation in the whole queue; O(n)."""
        conv = self._conv(conversation_id)
        if conv.state is not C.WAITING_HUMAN:
            raise Conflict(f"conversation {conversation_id!r} is not waiting", state=conv.state.value)
        key = conv.order()
        return 1 + sum(1 for c in self._all_waiting() if c.order() < key)

    def _all_waiting(self) -> list[ConvState]:
        """Return the filed waiting conversations plus new ones not yet looked at by dispatch."""
        fresh = [c for c in self._dirty_convs.values() if c.state is C.WAITING_HUMAN and not c.queued]
        return list(self.queue) + fresh

    # ---- internals ----------------------------------------------------------------------------------

    def _match(self, now: float, offers: list[Offer]) -> None:
        """Greedy matching in queue order over every conversation that could have gained an agent.

        Candidates are the dirty conversations plus, for each agent that gained capacity, the best waiting
        conversation it could take (its nomination). Each candidate, best first, gets the best free agent;
        an agent whose nominee was served nominates again. This equals a full greedy pass over the queue.
        """
        waiting = [c for c in self._dirty_convs.values() if c.state is C.WAITING_HUMAN]
        agents = list(self._dirty_agents.values())
        self._dirty_convs.clear()
        self._dirty_agents.clear()
        if len(waiting) == 1 and not agents:
            self._try(waiting[0], now, offers)  # the common case: one new conversation
            return
        heap: list[Candidate] = [(c.order(), next(self._seq), c) for c in waiting]
        heapify(heap)
        nominators: dict[str, list[AgentState]] = {}
        for agent in agents:
            self._nominate(agent, now, heap, nominators)
        while heap:
            key, _, conv = heappop(heap)
            if conv.state is C.WAITING_HUMAN and key == conv.order():
                self._try(conv, now, offers)
            for agent in nominators.pop(conv.conversation_id, ()):
                self._nominate(agent, now, heap, nominators)

    def _try(self, conv: ConvState, now: float, offers: list[Offer]) -> None:
        """Offer a waiting conversation, or file it in the queue until its eligibility widens."""
        if not self._offer(conv, now, offers):
            self.queue.push(conv)
            self._schedule_wake(conv, now)

    def _nominate(self, agent: AgentState, now: float, heap: list[Candidate],
                  nominators: dict[str, list[AgentState]]) -> None:
        """Put the best conversation this agent could take among the candidates."""
        if not (self.queue and agent.can_take()):
            return
        conv = self.match.best_conversation(agent, now)
        if conv is not None:
            # the middle field keeps two nominations of one conversation from comparing ConvStates
            heappush(heap, (conv.order(), next(self._seq), conv))
            nominators.setdefault(conv.conversation_id, []).append(agent)

    def _offer(self, conv: ConvState, now: float, offers: list[Offer]) -> bool:
        """Offer conv to the best agent, or the best few in broadcast mode; False if nobody fits."""
        width = conv.broadcast or self.config.broadcast
        if width > 1:
            return self._broadcast(conv, width, now, offers)
        agent = self.match.best_agent(conv, now)
        if agent is None:
            return False
        self.queue.discard(conv)
        conv.state = C.OFFERED
        offers.append(self._make_offer(conv, agent, now))
        return True

    def _broadcast(self, conv: ConvState, width: int, now: float, offers: list[Offer]) -> bool:
        """Offer one conversation to up to width agents at once; the first to accept wins."""
        chosen: set[str] = set()
        agent = self.match.best_agent(conv, now, chosen)
        while agent is not None:
            chosen.add(agent.agent_id)
            self.queue.discard(conv)
            conv.state = C.OFFERED
            offers.append(self._make_offer(conv, agent, now))
            agent = self.match.best_agent(conv, now, chosen) if len(chosen) < width else None
        return bool(chosen)

    def _make_offer(self, conv: ConvState, agent: AgentState, now: float) -> Offer:
        """Reserve a slot of agent for conv until the offer times out."""
        offer = Offer(self._new_offer_id(), conv.conversation_id, agent.agent_id, now,
                      now + self.config.offer_timeout_s)
        self.offers[offer.offer_id] = offer
        conv.offers.add(offer.offer_id)
        agent.offers.add(offer.offer_id)
        agent.pending += 1
        agent.last_offer_at = now
        self.index.refresh(agent)
        heappush(self._expiry, (offer.expires_at, offer.offer_id))
        return offer

    def _end_offer(self, offer: Offer, state: OfferState, now: float, reason: str | None = None) -> Offer:
        """Close a pending offer, free the slot it held, and re-queue its conversation if none remain."""
        del self.offers[offer.offer_id]
        self._remember(offer.offer_id, state)
        agent, conv = self.agents[offer.agent_id], self.convs[offer.conversation_id]
        agent.offers.discard(offer.offer_id)
        agent.pending -= 1
        self._touch_agent(agent)
        conv.offers.discard(offer.offer_id)
        if state is not OfferState.RESCINDED:
            conv.excluded[agent.agent_id] = now + self.config.decline_cooldown_s
        if not conv.offers and conv.state is C.OFFERED:
            conv.state = C.WAITING_HUMAN
            self._enqueue(conv)
        return replace(offer, state=state, ended_at=now, reason=reason)

    def _pending(self, offer_id: str, now: float) -> Offer:
        """Return the pending offer or raise OfferNotPending (late answers count as expired)."""
        offer = self.offers.get(offer_id)
        if offer is None:
            state = self._ended.get(offer_id)
            raise OfferNotPending(offer_id, state.value if state else "unknown")
        if now >= offer.expires_at:
            raise OfferNotPending(offer_id, OfferState.EXPIRED.value)
        return offer

    def _remember(self, offer_id: str, state: OfferState) -> None:
        """Keep the final state of recent offers so late answers get a precise error."""
        self._ended[offer_id] = state
        if len(self._ended) > ENDED_OFFERS_REMEMBERED:
            self._ended.popitem(last=False)

    def _release_assignee(self, conv: ConvState, earned: float) -> str:
        """Free the assignee's slot for this conversation and return the agent id."""
        aid = conv.assignee
        assert aid is not None, "a conversation with a human always has an assignee"
        conv.assignee = None
        agent = self.agents[aid]
        agent.load -= 1
        agent.earned_today += earned
        agent.conversations.discard(conv.conversation_id)
        self._touch_agent(agent)
        return aid

    def _enqueue(self, conv: ConvState) -> None:
        """Make a conversation wait and have the next dispatch look at it (it is filed only if unmatched)."""
        self.queue.ticket(conv)
        self._dirty_convs[conv.conversation_id] = conv

    def _touch_agent(self, agent: AgentState) -> None:
        """Re-rank an agent whose standing changed; if it can take work, look at it next dispatch."""
        self.index.refresh(agent)
        if agent.can_take():
            self._dirty_agents[agent.agent_id] = agent

    def _schedule_wake(self, conv: ConvState, now: float) -> None:
        """Remember when a waiting conversation becomes eligible for more agents (relaxation, cooldown)."""
        _, _, next_s = relaxed_requirement(self.config, conv.topic, now - conv.since)
        at = INF if next_s is None else conv.since + next_s
        for aid, until in list(conv.excluded.items()):
            if until <= now:
                del conv.excluded[aid]
            elif until < at:
                at = until
        if at < INF and at != conv.wake_at:
            conv.wake_at = at
            heappush(self._wakeups, (at, next(self._seq), conv))

    def _wake(self, now: float) -> None:
        """Mark waiting conversations whose wake-up time has come as dirty."""
        wakeups = self._wakeups
        while wakeups and wakeups[0][0] <= now:
            at, _, conv = heappop(wakeups)
            if at == conv.wake_at and conv.state is C.WAITING_HUMAN:
                conv.wake_at = INF
                self._dirty_convs[conv.conversation_id] = conv

    def _agent(self, agent_id: str) -> AgentState:
        agent = self.agents.get(agent_id)
        if agent is None:
            raise NotFound(f"agent {agent_id!r} is not online", agent_id=agent_id)
        return agent

    def _conv(self, conversation_id: str) -> ConvState:
        conv = self.convs.get(conversation_id)
        if conv is None:
            raise NotFound(f"conversation {conversation_id!r} is not with routing",
                           conversation_id=conversation_id)
        return conv


def _check_spec(spec: AgentSpec) -> None:
    """Reject agents that could never take a conversation or would break the capacity invariant."""
    if spec.capacity < 1:
        raise InvalidInput("capacity must be at least 1", agent_id=spec.agent_id)
