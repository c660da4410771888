"""Agents with free capacity, indexed by (topic, language, tier) and ordered by a fairness key.

Each bucket is a binary heap of (key, seq, agent). An agent is in the index while it is available
and has a free slot; every change of standing gives it a new seq and new entries, and older entries are
skipped when they reach the top (lazy invalidation), so no update ever scans a bucket.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from heapq import heapify, heappop, heappush, heapreplace
from itertools import count

from tandem.domain.presence import Presence
from tandem.domain.skills import Tier
from tandem.engines.routing.policies import FairnessPolicy
from tandem.engines.routing.records import AgentSpec

TOP_TIER = int(max(Tier))
AVAILABLE = Presence.AVAILABLE
Entry = tuple[tuple[float, float], int, "AgentState"]
Cell = list["_Bucket | None"]  # the buckets of one (topic, language), indexed by tier


class AgentState:
    """The router's mutable view of one logged-in agent."""

    __slots__ = (
        "agent_id", "skills", "languages", "capacity", "load", "pending", "last_offer_at", "earned_today",
        "presence", "last_heartbeat", "seq", "key", "entry_max", "buckets", "offers", "conversations",
        "cells",
    )

    def __init__(self, spec: AgentSpec, now: float) -> None:
        self.agent_id = spec.agent_id
        self.skills: dict[str, Tier] = dict(spec.skills)
        self.languages = frozenset(spec.languages)
        self.capacity = spec.capacity
        self.load = 0
        self.pending = 0
        self.last_offer_at = now
        self.earned_today = 0.0
        self.presence = Presence.AVAILABLE
        self.last_heartbeat = now
        self.seq = -1  # seq of the live index entries; -1 while out of the index
        self.key: tuple[float, float] = (0.0, 0.0)  # current fairness key; entries may hold an older, smaller one
        self.entry_max: tuple[float, float] = (0.0, 0.0)  # the largest key any live entry holds
        self.buckets: list[_Bucket] = []
        self.cells: list[tuple[tuple[str, str], Tier]] = []  # ((topic, language), tier) for each bucket
        self.offers: set[str] = set()
        self.conversations: set[str] = set()

    def free(self) -> int:
        """Return how many more conversations or offers this agent can take."""
        return self.capacity - self.load - self.pending

    def can_take(self) -> bool:
        """Return True if the agent may receive a new offer now."""
        return self.presence is Presence.AVAILABLE and self.load + self.pending < self.capacity


class _Bucket:
    __slots__ = ("heap", "live")

    def __init__(self) -> None:
        self.heap: list[Entry] = []
        self.live = 0

    def head(self) -> Entry | None:
        """Return the best live entry, dropping stale ones and re-sinking outdated ones on the way."""
        heap = self.heap
        while heap:
            top = heap[0]
            agent = top[2]
            if agent.seq != top[1]:
                heappop(heap)
            elif agent.key is not top[0]:  # the agent's key changed since this entry was pushed
                key = agent.key
                heapreplace(heap, (key, top[1], agent))
                if key > agent.entry_max:
                    agent.entry_max = key
            else:
                return top
        return None

    def first(self, skip: Callable[[AgentState], bool]) -> Entry | None:
        """Return the best live entry that skip() does not reject, putting rejected ones back."""
        top = self.head()
        if top is None or not skip(top[2]):
            return top
        aside: list[Entry] = []
        while top is not None and skip(top[2]):
            aside.append(heappop(self.heap))
            top = self.head()
        for e in aside:
            heappush(self.heap, e)
        return top

    def compact(self) -> None:
        """Drop stale entries once they outnumber live ones, keeping memory bounded."""
        self.heap = [e for e in self.heap if e[2].seq == e[1]]
        heapify(self.heap)


class CapacityIndex:
    """Available agents with a free slot, findable by skill in O(log n) per step."""

    def __init__(self, fairness: FairnessPolicy) -> None:
        self._fairness = fairness
        self._cells: dict[tuple[str, str], Cell] = {}
        self.cells = self._cells  # read-only for the matcher: (topic, language) -> buckets by tier
        self._seq = count()

    def attach(self, agent: AgentState) -> None:
        """Resolve the buckets an agent belongs to (call again after its skills change)."""
        self.detach(agent)
        agent.buckets = [self._bucket(topic, lang, int(tier)) for topic, tier in agent.skills.items()
                         for lang in agent.languages]
        agent.cells = [((topic, lang), tier) for topic, tier in agent.skills.items() for lang in agent.languages]

    def _bucket(self, topic: str, language: str, tier: int) -> _Bucket:
        """Return the bucket of one (topic, language, tier), creating it if needed."""
        cell = self._cells.setdefault((topic, language), [None] * (TOP_TIER + 1))
        bucket = cell[tier]
        if bucket is None:
            bucket = cell[tier] = _Bucket()
        return bucket

    def cell(self, topic: str, language: str) -> Cell | None:
        """Return the tier-indexed buckets of one (topic, language), or None if nobody has that skill."""
        return self._cells.get((topic, language))

    def detach(self, agent: AgentState) -> None:
        """Take the agent out of the index (its entries go stale)."""
        if agent.seq >= 0:
            agent.seq = -1
            for b in agent.buckets:
                b.live -= 1

    def refresh(self, agent: AgentState) -> bool:
        """Re-rank the agent after its standing changed; index it only if it can take an offer.

        Return True if the agent can take an offer (available with a free slot), so it is indexed.

        While no entry ranks the agent worse than its key, the key is only recorded: entries that rank it
        too well are moved to their true place by head() when they reach the top. A key better than some
        entry holds needs fresh entries (and the old ones go stale).
        """
        if agent.presence is not AVAILABLE or agent.load + agent.pending >= agent.capacity:
            if agent.seq >= 0:
                agent.seq = -1
                for b in agent.buckets:
                    b.live -= 1
            return False
        key = self._fairness(agent)
        indexed = agent.seq >= 0
        if indexed and key >= agent.entry_max:
            if key != agent.key:
                agent.key = key  # a new object: head() sees entries holding the old one are outdated
            return True
        agent.key = agent.entry_max = key
        seq = agent.seq = next(self._seq)
        entry = (key, seq, agent)
        # re-indexing replaces one live entry per bucket by another: the live counts only change on entry
        for b in agent.buckets:
            heap = b.heap
            heappush(heap, entry)
            if not indexed:
                b.live += 1
            if len(heap) > 2 * b.live + 32:
                b.compact()
        return True

    def agents_in(self, topic: str, language: str, tier: int) -> Iterator[AgentState]:
        """Yield the indexed agents of one bucket, in no particular order (for diagnostics)."""
        cell = self._cells.get((topic, language))
        bucket = cell[tier] if cell else None
        for e in bucket.heap if bucket else ():
            if e[2].seq == e[1]:
                yield e[2]
