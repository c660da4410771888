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
from tandem.engines.routing.policies import RoutingConfig, relaxed_requirement
from tandem.engines.routing.queue import ConvState, WaitingQueue
from tandem.engines.routing.records import Offer, new_offer

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
        prefix = self._prefix = self.config.offer_id_prefix
        self.offer_numbers = count(1)
        self._custom_ids = new_offer_id is not None
        self._new_offer_id = new_offer_id or (lambda: f"{prefix}{next(self.offer_numbers)}")
        self._timeout = self.config.offer_timeout_s
        self._width = self.config.broadcast
        self._fairness = self.config.fairness

    def dispatch(self, now: float) -> list[Offer]:
        """Offer every conversation that can now be matched; return the new offers."""
        wakeups = self._wakeups
        if wakeups and wakeups[0][0] <= now:
            self._wake(now)
        offers: list[Offer] = []
        if self._dirty_agents or self._dirty_convs:
            self._match(now, offers)
        return offers

    def peek_offer_number(self) -> int:
        """Return the number the default id factory will use next (without using it)."""
        n = next(self.offer_numbers)
        self.offer_numbers = count(n)
        return n

    def _match(self, now: float, offers: list[Offer]) -> None:
        """Greedy matching in queue order over every conversation that could have gained an agent.

        Candidates are the dirty conversations plus, for each agent that gained capacity, the best waiting
        conversation it could take (its nomination). Each candidate, best first, gets the best free agent;
        an agent whose nominee was served nominates again. This equals a full greedy pass over the queue.
        """
        dirty_convs, dirty_agents = self._dirty_convs, self._dirty_agents
        waiting = [c for c in dirty_convs.values() if c.state is WAITING]
        dirty_convs.clear()
        try_ = self._try
        if not dirty_agents or not len(self.queue):
            # nobody nominates (an agent only looks at conversations already filed in the queue): the
            # candidates are the dirty conversations, in queue order (their order keys are unique)
            dirty_agents.clear()
            if len(waiting) > 1:
                waiting.sort(key=ConvState.order)
            for conv in waiting:
                try_(conv, now, offers)
            return
        agents = list(dirty_agents.values())
        dirty_agents.clear()
        nominate = self._nominate
        nominations = [(c, agent) for agent in agents if (c := nominate(agent, now)) is not None]
        if not nominations:  # as above: the dirty conversations alone, in queue order
            if len(waiting) > 1:
                waiting.sort(key=ConvState.order)
            for conv in waiting:
                try_(conv, now, offers)
            return
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

    def _try(self, conv: ConvState, now: float, offers: list[Offer]) -> None:
        """Offer a waiting conversation, or file it in the queue until its eligibility widens."""
        width = conv.broadcast or self._width
        if width > 1:
            if self._broadcast(conv, width, now, offers):
                return
        else:
            agent = self.match.best_agent(conv, now)
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
        if not (len(self.queue) and agent.presence is AVAILABLE and agent.load + agent.pending < agent.capacity):
            return None
        return self.match.best_conversation(agent, now)

    def _broadcast(self, conv: ConvState, width: int, now: float, offers: list[Offer]) -> bool:
        """Offer one conversation to up to width agents at once; the first to accept wins."""
        chosen: set[str] = set()
        agent = self.match.best_agent(conv, now, chosen)
        while agent is not None:
            chosen.add(agent.agent_id)
            self.queue.discard(conv)
            conv.state = OFFERED
            offers.append(self._make_offer(conv, agent, now))
            agent = self.match.best_agent(conv, now, chosen) if len(chosen) < width else None
        return bool(chosen)

    def _make_offer(self, conv: ConvState, agent: AgentState, now: float) -> Offer:
        """Reserve a slot of agent for conv until the offer times out."""
        oid = self._new_offer_id() if self._custom_ids else f"{self._prefix}{next(self.offer_numbers)}"
        expires = now + self._timeout
        offer = new_offer(oid, conv.conversation_id, agent.agent_id, now, expires)
        self.offers[oid] = offer
        conv.offers.add(oid)
        agent.offers.add(oid)
        agent.pending += 1
        agent.last_offer_at = now
        # CapacityIndex.refresh's common case, inline: an offer only makes the key worse, so while the
        # agent still has a free slot its key is just recorded (head() re-sinks its entries lazily)
        if agent.seq >= 0 and agent.presence is AVAILABLE and agent.load + agent.pending < agent.capacity:
            key = self._fairness(agent)
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
