"""Agents with free capacity, indexed by (topic, language, tier) and ordered by a fairness key.

Each bucket is a binary heap of (key0, key1, seq, agent). An agent is in the index while it is available
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

BucketKey = tuple[str, str, int]
Entry = tuple[float, float, int, "AgentState"]


class AgentState:
    """The router's mutable view of one logged-in agent."""

    __slots__ = (
        "agent_id", "skills", "languages", "capacity", "load", "pending", "last_offer_at", "earned_today",
        "presence", "last_heartbeat", "seq", "key", "buckets", "offers", "conversations",
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
        self.buckets: list[_Bucket] = []
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
            agent = top[3]
            if agent.seq != top[2]:
                heappop(heap)
            elif agent.key[0] != top[0] or agent.key[1] != top[1]:
                heapreplace(heap, (agent.key[0], agent.key[1], top[2], agent))
            else:
                return top
        return None

    def compact(self) -> None:
        """Drop stale entries once they outnumber live ones, keeping memory bounded."""
        self.heap = [e for e in self.heap if e[3].seq == e[2]]
        heapify(self.heap)


class CapacityIndex:
    """Available agents with a free slot, findable by skill in O(log n) per step."""

    def __init__(self, fairness: FairnessPolicy) -> None:
        self._fairness = fairness
        self._buckets: dict[BucketKey, _Bucket] = {}
        self._seq = count()

    def attach(self, agent: AgentState) -> None:
        """Resolve the buckets an agent belongs to (call again after its skills change)."""
        self.detach(agent)
        get = self._buckets.setdefault
        agent.buckets = [
            get((topic, lang, int(tier)), _Bucket()) for topic, tier in agent.skills.items()
            for lang in agent.languages
        ]

    def detach(self, agent: AgentState) -> None:
        """Take the agent out of the index (its entries go stale)."""
        if agent.seq >= 0:
            agent.seq = -1
            for b in agent.buckets:
                b.live -= 1

    def refresh(self, agent: AgentState) -> None:
        """Re-rank the agent after its standing changed; index it only if it can take an offer.

        A key that got worse is only recorded: the old entries rank the agent too well, and head() moves
        such an entry to its true place when it reaches the top. Only a better key needs new entries.
        """
        if not agent.can_take():
            self.detach(agent)
            return
        key = self._fairness(agent)
        if agent.seq >= 0 and key >= agent.key:
            agent.key = key
            return
        self.detach(agent)
        agent.key = key
        k0, k1 = key
        seq = agent.seq = next(self._seq)
        entry = (k0, k1, seq, agent)
        for b in agent.buckets:
            heappush(b.heap, entry)
            b.live += 1
            if len(b.heap) > 2 * b.live + 32:
                b.compact()

    def best(self, topic: str, language: str, tier: int, skip: Callable[[AgentState], bool] | None,
             ) -> Entry | None:
        """Return the fairest indexed agent entry in one bucket that skip() (if given) does not reject."""
        bucket = self._buckets.get((topic, language, tier))
        if bucket is None:
            return None
        top = bucket.head()
        if top is None or skip is None or not skip(top[3]):
            return top
        return self._best_after_skips(bucket, skip)

    def _best_after_skips(self, bucket: _Bucket, skip: Callable[[AgentState], bool]) -> Entry | None:
        """Pop rejected heads aside, find the first acceptable one, then put the rejected back."""
        aside: list[Entry] = []
        found = None
        while (top := bucket.head()) is not None:
            if not skip(top[3]):
                found = top
                break
            aside.append(heappop(bucket.heap))
        for e in aside:
            heappush(bucket.heap, e)
        return found

    def agents_in(self, topic: str, language: str, tier: int) -> Iterator[AgentState]:
        """Yield the indexed agents of one bucket, in no particular order (for diagnostics)."""
        bucket = self._buckets.get((topic, language, tier))
        for e in bucket.heap if bucket else ():
            if e[3].seq == e[2]:
                yield e[3]
