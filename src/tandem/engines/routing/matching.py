"""Finding the best agent for a conversation and the best conversation for an agent."""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappop, heappush

from tandem.engines.routing.agents import TOP_TIER, AgentState, CapacityIndex, Entry
from tandem.engines.routing.policies import RoutingConfig, relaxed_requirement
from tandem.engines.routing.queue import ConvState, Lane, QEntry, WaitingQueue

INF = float("inf")


class Matcher:
    """Read-only searches over the capacity index and the waiting queue; never changes state."""

    def __init__(self, config: RoutingConfig, index: CapacityIndex, queue: WaitingQueue) -> None:
        self.config = config
        self.index = index
        self.queue = queue
        self._fallbacks: dict[str, tuple[str, ...]] = {}
        self._reach: dict[tuple[str, frozenset[str]], bool] = {}
        steps = [s.after_s for s in config.relax_steps if s.fallback_language]
        self._fallback_after = steps[0] if steps else INF
        self.prefer_lowest = config.prefer_lowest_tier

    def fallbacks(self, language: str) -> tuple[str, ...]:
        """Return (cached) languages that may serve this language once relaxed."""
        fb = self._fallbacks.get(language)
        if fb is None:
            fb = self._fallbacks[language] = self.config.fallbacks(language)
        return fb

    def eligible(self, conv: ConvState, agent: AgentState, now: float) -> bool:
        """Return True if the agent may be offered the conversation now (capacity aside)."""
        tier = agent.skills.get(conv.topic)
        if tier is None or conv.excludes(agent.agent_id, now):
            return False
        return self._fits(conv, agent, tier, now)

    def best_agent(self, conv: ConvState, now: float, chosen: set[str] | None = None) -> AgentState | None:
        """Return the fairest eligible agent with a free slot, lowest sufficient tier first."""
        need, fallback, _ = relaxed_requirement(self.config, conv.topic, now - conv.since)
        skip = self._skipper(conv, now, chosen)
        found = self._search_language(conv.topic, conv.language, need, skip)
        if found is None and fallback:
            for lang in self.fallbacks(conv.language):
                found = self._search_language(conv.topic, lang, need, skip)
                if found is not None:
                    break
        return found

    def _skipper(
        self, conv: ConvState, now: float, chosen: set[str] | None
    ) -> Callable[[AgentState], bool] | None:
        """Return a predicate for agents this conversation must not go to, or None if there are none."""
        if not conv.excluded and not chosen:
            return None
        taken = chosen or set()
        return lambda a: a.agent_id in taken or conv.excludes(a.agent_id, now)

    def _search_language(
        self, topic: str, lang: str, need: int, skip: Callable[[AgentState], bool] | None
    ) -> AgentState | None:
        """Search the tier buckets of one (topic, language) from the least sufficient tier up."""
        cell = self.index.cell(topic, lang)
        if cell is None:
            return None
        best: Entry | None = None
        for tier in range(need, TOP_TIER + 1):
            bucket = cell[tier]
            if bucket is None:
                continue
            e = bucket.head() if skip is None else bucket.first(skip)
            if e is None:
                continue
            if self.prefer_lowest:
                return e[2]
            if best is None or (e[0], e[1]) < (best[0], best[1]):
                best = e
        return None if best is None else best[2]

    def best_conversation(self, agent: AgentState, now: float) -> ConvState | None:
        """Return the first waiting conversation in queue order that this agent may take."""
        found: list = [None, None]  # [best conversation, its order key]
        langs = agent.languages
        old_enough = now - self._fallback_after
        # other languages' lanes matter only once someone has waited long enough to accept a fallback
        fallback = self.queue.oldest_since() <= old_enough
        for topic, tier in agent.skills.items():
            lanes = self.queue.lanes(topic)
            if not lanes:
                continue
            if fallback:
                for lang, prios in lanes.items():
                    if lang in langs:
                        self._scan_lanes(prios, agent, tier, now, INF, found)
                    elif self._reaches(lang, langs):
                        self._scan_lanes(prios, agent, tier, now, old_enough, found)
                continue
            for lang in langs:
                own = lanes.get(lang)
                if own:
                    self._scan_lanes(own, agent, tier, now, INF, found)
        return found[0]

    def _scan_lanes(self, prios: dict[int, Lane], agent: AgentState, tier: int, now: float,
                    since_limit: float, found: list) -> None:
        """Update found with the best conversation of these lanes this agent may take."""
        for prio, lane in prios.items():
            head = lane.head()
            if head is None or head[0] > since_limit:
                continue
            key = (-prio, head[0], head[1])
            if found[1] is not None and key >= found[1]:
                continue  # the lane's best cannot beat what we have
            conv = self._lane_pick(lane.heap, head, agent, tier, now)
            if conv is not None and (found[1] is None or conv.order() < found[1]):
                found[0], found[1] = conv, conv.order()

    def _reaches(self, language: str, spoken: frozenset[str]) -> bool:
        """Return (cached) whether someone speaking `spoken` could serve `language` by fallback."""
        key = (language, spoken)
        hit = self._reach.get(key)
        if hit is None:
            hit = self._reach[key] = any(lang in spoken for lang in self.fallbacks(language))
        return hit

    def _lane_pick(self, heap: list[QEntry], head: QEntry, agent: AgentState, tier: int,
                   now: float) -> ConvState | None:
        """Return the first conversation of a lane the agent may take, or None."""
        conv = head[2]
        if not self._fits(conv, agent, tier, now):
            return None  # the head is the most relaxed of its lane
        if not conv.excludes(agent.agent_id, now):
            return conv
        aside: list[QEntry] = []
        found = None
        while heap:
            top = heappop(heap)
            aside.append(top)
            c = top[2]
            if c.qseq != top[1]:
                continue
            if not self._fits(c, agent, tier, now):
                break
            if not c.excludes(agent.agent_id, now):
                found = c
                break
        for e in aside:
            heappush(heap, e)
        return found

    def _fits(self, conv: ConvState, agent: AgentState, tier: int, now: float) -> bool:
        """Return True if tier and language fit at this wait (exclusions aside)."""
        need, fallback, _ = relaxed_requirement(self.config, conv.topic, now - conv.since)
        if tier < need:
            return False
        if conv.language in agent.languages:
            return True
        return fallback and any(lang in agent.languages for lang in self.fallbacks(conv.language))
