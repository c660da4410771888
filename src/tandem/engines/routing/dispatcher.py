"""The dispatcher core: the router's state, and turning dirty agents and conversations into offers.

Every change that could create a new match marks the agent or conversation it touched as dirty; dispatch()
looks only at dirty items, so its cost does not grow with the number of agents or waiting conversations.
Time is always passed in as ``now``; nothing here reads a clock, does I/O or draws random numbers.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from heapq import heapify, heappop, heappush
from itertools import count

from tandem.domain.conversation import ConversationState
from tandem.domain.offer import OfferState
from tandem.domain.presence import Presence
from tandem.engines.routing.agents import AgentState, CapacityIndex
from tandem.engines.routing.matching import Matcher
from tandem.engines.routing.policies import RoutingConfig, longest_idle, relaxed_requirement
from tandem.engines.routing.queue import ConvState, WaitingQueue
from tandem.engines.routing.values import OfferRecord, new_offer

C = ConversationState
WAITING, OFFERED = C.WAITING_HUMAN, C.OFFERED
AVAILABLE = Presence.AVAILABLE
INF = float("inf")
Candidate = tuple[tuple[int, float, int], int, ConvState]


class Dispatcher:
    """State shared by all router operations, and the matching loop; Router adds the public operations.

    The loop below is the hot path of every decision, so it is written flat: helpers bound to locals, the
    matcher's searches called directly, the offer record built by records.new_offer.
    """

    def __init__(self, config: RoutingConfig | None = None, new_offer_id: Callable[[], str] | None = None,
                 ) -> None:
        self.config = config or RoutingConfig()
        bits: dict[tuple[str, str], int] = {}  # one bit per (topic, language), shared by index and queue
        self.index = CapacityIndex(self.config.fairness, bits)
        self.queue = WaitingQueue(bits)
        self.match = Matcher(self.config, self.index, self.queue)
        self.agents: dict[str, AgentState] = {}
        self.convs: dict[str, ConvState] = {}
        self.offers: dict[str, OfferRecord] = {}
        self._ended: OrderedDict[str, OfferState] = OrderedDict()
        self._expiry: list[tuple[float, str]] = []
        self._wakeups: list[tuple[float, int, ConvState]] = []
        self._heartbeats: list[tuple[float, int, str]] = []
        self._seq = count()
        self._dirty_agents: dict[str, AgentState] = {}
        self._dirty_convs: dict[str, ConvState] = {}
        prefix = self._prefix = self.config.offer_id_prefix
        self.offer_numbers = count(1)
        self._custom_ids = new_offer_id is not None
        self._new_offer_id = new_offer_id or (lambda: f"{prefix}{next(self.offer_numbers)}")
        self._timeout = self.config.offer_timeout_s
        self._width = self.config.broadcast
        self._fairness = self.config.fairness
        self._idle = self._fairness is longest_idle
        self._fallback_after = self.match.fallback_after
        self._best_agent = self.match.best_agent
        self._best_conversation = self.match.best_conversation

    def dispatch(self, now: float) -> list[OfferRecord]:
        """OfferRecord every conversation that can now be matched; return the new offers."""
        wakeups = self._wakeups
        if wakeups and wakeups[0][0] <= now:
            self._wake(now)
        offers: list[OfferRecord] = []
        if self._dirty_agents or self._dirty_convs:
            self._match(now, offers)
        return offers

    def next_wakeup(self) -> float:
        """The earliest scheduled wake-up (relaxation step or decline cool-down ending), in seconds; inf if none.

        It may be stale (the conversation was offered since): dispatching then only finds nothing to do.
        """
        return self._wakeups[0][0] if self._wakeups else INF

    def peek_offer_number(self) -> int:
        """Return the number the default id factory will use next (without using it)."""
        n = next(self.offer_numbers)
        self.offer_numbers = count(n)
        return n

    def _match(self, now: float, offers: list[OfferRecord]) -> None:
        """Greedy matching in queue order over every conversation that could have gained an agent.

        Candidates are the dirty conversations plus, for each agent that gained capacity, the best waiting
        conversation it could take (its nomination). Each candidate, best first, gets the best free agent;
        an agent whose nominee was served nominates again. This equals a full greedy pass over the queue.
        """
        dirty_convs, dirty_agents = self._dirty_convs, self._dirty_agents
        waiting = list(dirty_convs.values())  # those no longer waiting are skipped below
        dirty_convs.clear()
        nominations: list[tuple[ConvState, AgentState]] = []
        if dirty_agents:
            # an agent only looks at conversations already filed in the queue: with none, nobody nominates
            queue = self.queue
            if queue.size:
                # Matcher.best_conversation finds nothing unless someone waits in one of the agent's own
                # (topic, language) cells or has waited long enough for a fallback language: test that first
                oldest = queue.oldest
                if oldest:
                    top = oldest[0]
                    since = top[0] if top[2].qseq == top[1] else queue.oldest_since()
                    fallback = since <= now - self._fallback_after
                else:
                    fallback = False
                qmask = queue.mask
                best_conversation = self._best_conversation
                for agent in dirty_agents.values():
                    if (fallback or agent.mask & qmask) and agent.presence is AVAILABLE \
                            and agent.load + agent.pending < agent.capacity:
                        c = best_conversation(agent, now)
                        if c is not None:
                            nominations.append((c, agent))
            dirty_agents.clear()
        if not nominations:
            # the candidates are the dirty conversations alone, in queue order (their order keys are unique)
            if len(waiting) > 1:
                waiting.sort(key=ConvState.order)
            width, best_agent = self._width, self._best_agent
            for conv in waiting:
                if conv.state is not WAITING:
                    continue
                if conv.broadcast or width > 1:
                    self._try(conv, now, offers)
                    continue
                # _try's common case, inline: one offer, or the queue
                found = best_agent(conv, now)
                if found is None:
                    self.queue.push(conv)
                    self._schedule_wake(conv, now)
                    continue
                if conv.queued:
                    self.queue.discard(conv)
                else:
                    conv.qseq = -1
                conv.state = OFFERED
                offers.append(self._make_offer(conv, found, now))
            return
        try_ = self._try
        nominate = self._nominate
        waiting = [c for c in waiting if c.state is WAITING]
        seq = self._seq
        heap: list[Candidate] = [((-c.priority, c.since, c.qseq), next(seq), c) for c in waiting]
        nominators: dict[str, list[AgentState]] = {}
        for nominee, agent in nominations:
            # the middle field keeps two nominations of one conversation from comparing ConvStates
            heap.append(((-nominee.priority, nominee.since, nominee.qseq), next(seq), nominee))
            nominators.setdefault(nominee.conversation_id, []).append(agent)
        heapify(heap)
        while heap:
            key, _, conv = heappop(heap)
            if conv.state is WAITING and key == (-conv.priority, conv.since, conv.qseq):
                try_(conv, now, offers)
            for agent in nominators.pop(conv.conversation_id, ()):
                again = nominate(agent, now)
                if again is not None:
                    heappush(heap, ((-again.priority, again.since, again.qseq), next(seq), again))
                    nominators.setdefault(again.conversation_id, []).append(agent)

    def _try(self, conv: ConvState, now: float, offers: list[OfferRecord]) -> None:
        """OfferRecord a waiting conversation, or file it in the queue until its eligibility widens."""
        width = conv.broadcast or self._width
        if width > 1:
            if self._broadcast(conv, width, now, offers):
                return
        else:
            agent = self._best_agent(conv, now)
            if agent is not None:
                if conv.queued:
                    self.queue.discard(conv)
                else:
                    conv.qseq = -1
                conv.state = OFFERED
                offers.append(self._make_offer(conv, agent, now))
                return
        self.queue.push(conv)
        self._schedule_wake(conv, now)

    def _nominate(self, agent: AgentState, now: float) -> ConvState | None:
        """Return the best conversation this agent could take from the queue, if it can take one."""
        if not (self.queue.size and agent.presence is AVAILABLE and agent.load + agent.pending < agent.capacity):
            return None
        return self._best_conversation(agent, now)

    def _broadcast(self, conv: ConvState, width: int, now: float, offers: list[OfferRecord]) -> bool:
        """OfferRecord one conversation to up to width agents at once; the first to accept wins."""
        chosen: set[str] = set()
        agent = self.match.best_agent(conv, now, chosen)
        while agent is not None:
            chosen.add(agent.agent_id)
            self.queue.discard(conv)
            conv.state = OFFERED
            offers.append(self._make_offer(conv, agent, now))
            agent = self.match.best_agent(conv, now, chosen) if len(chosen) < width else None
        return bool(chosen)

    def _make_offer(self, conv: ConvState, agent: AgentState, now: float) -> OfferRecord:
        """Reserve a slot of agent for conv until the offer times out."""
        oid = self._new_offer_id() if self._custom_ids else f"{self._prefix}{next(self.offer_numbers)}"
        expires = now + self._timeout
        offer = new_offer(oid, conv.conversation_id, agent.agent_id, now, expires)
        self.offers[oid] = offer
        conv.offers[oid] = None
        agent.offers[oid] = None
        agent.pending += 1
        agent.last_offer_at = now
        # CapacityIndex.refresh's common cases, inline. The agent came from the index, so it is available: if
        # it is now full its entries go dormant; otherwise an offer normally only makes its key worse, and then
        # the key is just recorded (head() re-sinks its entries lazily)
        if agent.load + agent.pending >= agent.capacity:
            agent.on = False
        elif agent.on and agent.presence is AVAILABLE:
            # longest_idle, inline for the default policy
            key = ((agent.load + agent.pending) / agent.capacity, now) if self._idle else self._fairness(agent)
            if key >= agent.entry_max:
                if key != agent.key:
                    agent.key = key
            else:
                self.index.refresh(agent)
        else:
            self.index.refresh(agent)
        heappush(self._expiry, (expires, oid))
        return offer

    def _enqueue(self, conv: ConvState) -> None:
        """Make a conversation wait and have the next dispatch look at it (it is filed only if unmatched)."""
        self.queue.ticket(conv)
        self._dirty_convs[conv.conversation_id] = conv

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
