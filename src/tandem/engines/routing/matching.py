"""Finding the best agent for a conversation and the best conversation for an agent."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from heapq import heappop, heappush, heapreplace

from tandem.engines.routing.agents import TOP_TIER, AgentState, CapacityIndex, Cell, Entry
from tandem.engines.routing.policies import RoutingConfig, ineligibility
from tandem.engines.routing.queue import ConvState, QEntry, WaitingQueue

INF = float("inf")


class Matcher:
    """Read-only searches over the capacity index and the waiting queue; never changes state.

    The hot paths (best_agent, best_conversation) are written flat: the relaxation schedule is precomputed
    per step, heads are peeked without a call when they are current, and helpers are bound to locals.
    """

    def __init__(self, config: RoutingConfig, index: CapacityIndex, queue: WaitingQueue) -> None:
        self.config = config
        self.index = index
        self.queue = queue
        self._cells = index.cells
        self._by_topic = queue.by_topic
        self._by_cell = queue.by_cell
        self._fallbacks: dict[str, tuple[str, ...]] = {}
        self._reach: dict[tuple[str, frozenset[str]], bool] = {}
        steps = [s.after_s for s in config.relax_steps if s.fallback_language]
        self.fallback_after = steps[0] if steps else INF
        self.prefer_lowest = config.prefer_lowest_tier
        # policies.relaxed_requirement, tabulated: step i applies from thresholds[i] seconds of waiting
        self._thresholds = config.thresholds
        self._first_after = config.thresholds[1] if len(config.thresholds) > 1 else INF
        self._sensitive = config.sensitive_topics
        self._tiers = tuple(int(s.min_tier) for s in config.relax_steps)
        self._sensitive_tiers = tuple(max(int(s.min_tier), int(config.sensitive_min_tier))
                                      for s in config.relax_steps)
        self._fallback_ok = tuple(s.fallback_language for s in config.relax_steps)

    def requirement(self, topic: str, waited_s: float) -> tuple[int, bool]:
        """Return (least tier, fallback languages accepted) after waited_s; as relaxed_requirement does."""
        if waited_s < self._first_after:
            i = 0
        else:
            i = bisect_right(self._thresholds, waited_s) - 1
        tiers = self._sensitive_tiers if topic in self._sensitive else self._tiers
        return tiers[i], self._fallback_ok[i]

    def fallbacks(self, language: str) -> tuple[str, ...]:
        """Return (cached) languages that may serve this language once relaxed."""
        fb = self._fallbacks.get(language)
        if fb is None:
            fb = self._fallbacks[language] = self.config.fallbacks(language)
        return fb

    def eligible(self, conv: ConvState, agent: AgentState, now: float) -> bool:
        """Return True if the agent may be offered the conversation now (capacity aside): policies.ineligibility."""
        return ineligibility(self.config, agent.skills, agent.languages, conv.topic, conv.language,
                             now - conv.since, conv.excluded.get(agent.agent_id), now) is None

    def best_agent(self, conv: ConvState, now: float, chosen: set[str] | None = None) -> AgentState | None:
        """Return the fairest eligible agent with a free slot, lowest sufficient tier first."""
        topic = conv.topic
        waited = now - conv.since
        if waited < self._first_after:
            i = 0
        else:
            i = bisect_right(self._thresholds, waited) - 1
        need = (self._sensitive_tiers if topic in self._sensitive else self._tiers)[i]
        cell = self._cells.get((topic, conv.language))
        skip = self._skipper(conv, now, chosen) if conv.excluded or chosen else None
        found = None
        if cell is None:
            pass
        elif skip is None and self.prefer_lowest:
            for bucket in cell[need:]:  # the least sufficient tier first
                if bucket is None:
                    continue
                # _Bucket.head, inline: drop stale entries, re-sink outdated ones, return the first current one
                heap = bucket.heap
                while heap:
                    top = heap[0]
                    agent = top[4]
                    if agent is None:
                        heappop(heap)
                        continue
                    if not agent.on:
                        top[4] = None
                        bucket.live -= 1
                        heappop(heap)
                        continue
                    key = agent.key
                    if key is top[5]:
                        return agent
                    top[0], top[1], top[2], top[5] = key[0], key[1], agent.seq, key
                    heapreplace(heap, top)
                    if key > agent.entry_max:
                        agent.entry_max = key
        else:
            found = self._search_cell(cell, need, skip)
        if found is None and self._fallback_ok[i]:
            for lang in self.fallbacks(conv.language):
                cell = self._cells.get((topic, lang))
                if cell is not None:
                    found = self._search_cell(cell, need, skip)
                    if found is not None:
                        break
        return found

    def _skipper(self, conv: ConvState, now: float, chosen: set[str] | None) -> Callable[[AgentState], bool]:
        """Return a predicate for agents this conversation must not go to (exclusions, already chosen)."""
        taken = chosen or set()
        return lambda a: a.agent_id in taken or conv.excludes(a.agent_id, now)

    def _search_cell(self, cell: Cell, need: int, skip: Callable[[AgentState], bool] | None) -> AgentState | None:
        """Search the tier buckets of one (topic, language) from the least sufficient tier up."""
        best: Entry | None = None
        for tier in range(need, TOP_TIER + 1):
            bucket = cell[tier]
            if bucket is None:
                continue
            e = bucket.head() if skip is None else bucket.first(skip)
            if e is None:
                continue
            if self.prefer_lowest:
                return e[4]
            if best is None or e[:3] < best[:3]:  # key, then rank
                best = e
        return None if best is None else best[4]

    def best_conversation(self, agent: AgentState, now: float) -> ConvState | None:
        """Return the first waiting conversation in queue order that this agent may take."""
        best: ConvState | None = None
        best_key: tuple[int, float, int] | None = None
        langs = agent.languages
        by_topic = self._by_topic
        queue = self.queue
        old_enough = now - self.fallback_after
        # other languages' lanes matter only once someone has waited long enough to accept a fallback
        # (WaitingQueue.oldest_since, with its common case inline: the top of the wait-start heap is live)
        oldest = queue.oldest
        if not oldest:
            fallback = False
        else:
            top = oldest[0]
            fallback = (top[0] if top[2].qseq == top[1] else queue.oldest_since()) <= old_enough
        if not fallback:
            # only the agent's own (topic, language) lanes, and of those only the ones with someone filed
            hits = agent.mask & queue.mask
            if not hits:
                return None
            by_cell = self._by_cell
            for cell, tier, bit in agent.cells:
                if not hits & bit:
                    continue
                prios = by_cell[cell]
                for prio, lane in prios.items():
                    heap = lane.heap
                    head = heap[0]
                    if head[2].qseq != head[1]:  # a stale entry on top: let the lane drop it
                        fresh = lane.head()
                        if fresh is None:
                            continue
                        head = fresh
                    if best_key is not None and (-prio, head[0], head[1]) >= best_key:
                        continue  # the lane's best cannot beat what we have
                    conv = head[2]
                    # the head is the most relaxed of its lane: if its tier does not fit, none does
                    if not self._fits(conv, agent, tier, now):
                        continue
                    if conv.excluded and conv.excludes(agent.agent_id, now):
                        picked = self._lane_pick(heap, agent, tier, now)
                        if picked is None:
                            continue
                        conv = picked
                    key = (-conv.priority, conv.since, conv.qseq)
                    if best_key is None or key < best_key:
                        best, best_key = conv, key
            return best
        reach = self._reach
        for topic, tier in agent.skills.items():
            lanes = by_topic.get(topic)
            if not lanes:
                continue
            todo = []
            for lang, prios in lanes.items():
                if lang in langs:
                    todo.append((prios, INF))
                else:
                    hit = reach.get((lang, langs))
                    if hit is None:
                        hit = self._reaches(lang, langs)
                    if hit:
                        todo.append((prios, old_enough))
            for prios, since_limit in todo:
                for prio, lane in prios.items():
                    heap = lane.heap
                    if not heap:
                        continue
                    head = heap[0]
                    if head[2].qseq != head[1]:  # a stale entry on top: let the lane drop it
                        fresh = lane.head()
                        if fresh is None:
                            continue
                        head = fresh
                    if head[0] > since_limit:
                        continue
                    if best_key is not None and (-prio, head[0], head[1]) >= best_key:
                        continue  # the lane's best cannot beat what we have
                    conv = head[2]
                    # the head is the most relaxed of its lane: if tier or language do not fit, none does
                    if not self._fits(conv, agent, tier, now):
                        continue
                    if conv.excluded and conv.excludes(agent.agent_id, now):
                        picked = self._lane_pick(heap, agent, tier, now)
                        if picked is None:
                            continue
                        conv = picked
                    key = (-conv.priority, conv.since, conv.qseq)
                    if best_key is None or key < best_key:
                        best, best_key = conv, key
        return best

    def _reaches(self, language: str, spoken: frozenset[str]) -> bool:
        """Return (cached) whether someone speaking `spoken` could serve `language` by fallback."""
        key = (language, spoken)
        hit = self._reach.get(key)
        if hit is None:
            hit = self._reach[key] = any(lang in spoken for lang in self.fallbacks(language))
        return hit

    def _lane_pick(self, heap: list[QEntry], agent: AgentState, tier: int, now: float) -> ConvState | None:
        """Return the first conversation of a lane the agent may take when its head excludes the agent."""
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
        waited = now - conv.since
        if waited < self._first_after:
            i = 0
        else:
            i = bisect_right(self._thresholds, waited) - 1
        if tier < (self._sensitive_tiers if conv.topic in self._sensitive else self._tiers)[i]:
            return False
        if conv.language in agent.languages:
            return True
        return self._fallback_ok[i] and any(lang in agent.languages for lang in self.fallbacks(conv.language))
