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
from tandem.engines.routing.agents import AgentState, CapacityIndex
from tandem.engines.routing.matching import Matcher
from tandem.engines.routing.policies import RoutingConfig, relaxed_requirement
from tandem.engines.routing.queue import ConvState, WaitingQueue
from tandem.engines.routing.records import Offer

C = ConversationState
INF = float("inf")
Candidate = tuple[tuple[int, float, int], int, ConvState]


class Dispatcher:
    """State shared by all router operations, and the matching loop; Router adds the public operations."""

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

    def dispatch(self, now: float) -> list[Offer]:
        """Offer every conversation that can now be matched; return the new offers."""
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
