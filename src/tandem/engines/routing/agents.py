"""Agents with free capacity, indexed by (topic, language, tier) and ordered by a fairness key.

Each bucket is a binary heap of entries ``[key[0], key[1], rank, uid, agent, key]`` (the fairness key's two
parts are stored flat, so comparing entries reads no nested tuple); an agent has at most one entry per
bucket (``AgentState.entries``, aligned with ``AgentState.buckets``). ``rank`` breaks ties between equal
keys: whoever became offerable first (it is renewed each time the agent becomes offerable); ``uid`` is unique
per entry, so comparisons never reach the agent field. Everything is lazy, so no update scans a bucket:

* An entry may rank its agent *better* than the agent stands now, never worse. When a key gets worse (an
  offer), nothing moves: an entry that reaches the top holding an older key or rank is updated in place and
  sifted down (re-sunk). Only an entry that would rank the agent worse than it stands (a slot freed after the
  entry was re-sunk) is replaced by a fresh entry; the old one dies.
* An agent that cannot take an offer (full, away) keeps its entries in place, *dormant*. A dormant entry
  that reaches the top is popped and dies; when the agent can take offers again only the dead entries are
  pushed again, so an agent that fills up and frees a slot costs one push, not one per bucket.
* A dead entry has its agent field set to None; it is popped when it reaches the top, and dead entries are
  compacted away once they outnumber the others. Logging out or changing skills kills all entries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from heapq import heapify, heappop, heappush, heapreplace
from itertools import count
from typing import Any

from tandem.domain.presence import Presence
from tandem.domain.skills import Tier
from tandem.engines.routing.policies import FairnessPolicy
from tandem.engines.routing.queue import Cell as CellKey
from tandem.engines.routing.queue import cell_bit
from tandem.engines.routing.values import AgentSpec

TOP_TIER = int(max(Tier))
AVAILABLE = Presence.AVAILABLE
Entry = list[Any]  # [key[0], key[1], rank, uid, agent (None once the entry is dead), key]
Cell = list["_Bucket | None"]  # the buckets of one (topic, language), indexed by tier
DEAD: Entry = [None, None, -1, -1, None, None]  # in agent.entries where the agent has no entry (never in a heap)


class AgentState:
    """The router's mutable view of one logged-in agent."""

    __slots__ = (
        "agent_id", "skills", "languages", "capacity", "load", "pending", "last_offer_at", "earned_today",
        "presence", "last_heartbeat", "on", "seq", "key", "entry_max", "buckets", "entries", "offers",
        "conversations", "cells", "mask",
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
        self.on = False  # True while indexed: available with a free slot (its entries are live, not dormant)
        self.seq = -1  # rank: when it last became offerable (ties between equal keys go to the lowest)
        self.key: tuple[float, float] = (0.0, 0.0)  # current fairness key; entries may hold an older, smaller one
        self.entry_max: tuple[float, float] = (0.0, 0.0)  # no entry that is not dead holds a larger key
        self.buckets: list[_Bucket] = []
        self.entries: list[Entry] = []  # its entry in each of buckets (same order), DEAD where it has none
        # ((topic, language), tier, the cell's bit) for each bucket, and the union of those bits
        self.cells: list[tuple[CellKey, int, int]] = []
        self.mask = 0
        # pending offer ids and assigned conversation ids: dicts used as sets (not tracked by the cyclic GC)
        self.offers: dict[str, None] = {}
        self.conversations: dict[str, None] = {}

    def free(self) -> int:
        """Return how many more conversations or offers this agent can take."""
        return self.capacity - self.load - self.pending


class _Bucket:
    __slots__ = ("heap", "live")

    def __init__(self) -> None:
        self.heap: list[Entry] = []
        self.live = 0

    def head(self) -> Entry | None:
        """Return the best live entry: drop dead and dormant ones, re-sink outdated ones on the way."""
        heap = self.heap
        while heap:
            top = heap[0]
            agent = top[4]
            if agent is None:
                heappop(heap)
                continue
            if not agent.on:  # dormant: the agent cannot take an offer now; it gets a fresh entry when it can
                top[4] = None
                self.live -= 1
                heappop(heap)
                continue
            key = agent.key
            if key is top[5]:
                return top
            # the agent's standing changed since this entry was placed: give it the current one, sift it down
            top[0], top[1], top[2], top[5] = key[0], key[1], agent.seq, key
            heapreplace(heap, top)
            if key > agent.entry_max:
                agent.entry_max = key
        return None

    def first(self, skip: Callable[[AgentState], bool]) -> Entry | None:
        """Return the best live entry that skip() does not reject, putting rejected ones back."""
        top = self.head()
        if top is None or not skip(top[4]):
            return top
        aside: list[Entry] = []
        while top is not None and skip(top[4]):
            aside.append(heappop(self.heap))
            top = self.head()
        for e in aside:
            heappush(self.heap, e)
        return top

    def compact(self) -> None:
        """Drop dead entries once they outnumber the others, keeping memory bounded."""
        self.heap = [e for e in self.heap if e[4] is not None]
        heapify(self.heap)


class CapacityIndex:
    """Available agents with a free slot, findable by skill in O(log n) per step."""

    def __init__(self, fairness: FairnessPolicy, bits: dict[CellKey, int] | None = None) -> None:
        self._fairness = fairness
        self._cells: dict[tuple[str, str], Cell] = {}
        self.cells = self._cells  # read-only for the matcher: (topic, language) -> buckets by tier
        self._seq = count()
        self.bits: dict[CellKey, int] = {} if bits is None else bits  # shared with the queue (queue.cell_bit)

    def attach(self, agent: AgentState) -> None:
        """Resolve the buckets an agent belongs to (call again after its skills change)."""
        self.detach(agent)
        agent.buckets = [self._bucket(topic, lang, int(tier)) for topic, tier in agent.skills.items()
                         for lang in agent.languages]
        agent.entries = [DEAD] * len(agent.buckets)
        bits = self.bits
        agent.cells = [((topic, lang), int(tier), cell_bit(bits, (topic, lang)))
                       for topic, tier in agent.skills.items() for lang in agent.languages]
        mask = 0
        for _, _, bit in agent.cells:
            mask |= bit
        agent.mask = mask

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
        """Take the agent out of the index for good (logout, new skills): all its entries die."""
        agent.on = False
        agent.seq = -1
        for e, b in zip(agent.entries, agent.buckets, strict=True):
            if e[4] is not None:
                e[4] = None
                b.live -= 1
        agent.entries = [DEAD] * len(agent.buckets)

    def refresh(self, agent: AgentState) -> bool:
        """Re-rank the agent after its standing changed; index it only if it can take an offer.

        Return True if the agent can take an offer (available with a free slot), so it is indexed.

        While no entry ranks the agent worse than its key, the key is only recorded: entries that rank it
        too well are moved to their true place by head() when they reach the top. Only entries holding a key
        worse than the new one are replaced, and, when the agent becomes offerable again, dead ones.
        """
        if agent.presence is not AVAILABLE or agent.load + agent.pending >= agent.capacity:
            agent.on = False  # its entries go dormant where they are
            return False
        key = self._fairness(agent)
        if agent.on:
            if key >= agent.entry_max:
                if key != agent.key:
                    agent.key = key  # a new object: head() sees entries holding the old one are outdated
                return True
            rank = agent.seq
            dead_only = False
        else:
            # a new rank, and a key object no entry holds (a copy), so every dormant entry is outdated now
            agent.on = True
            rank = agent.seq = next(self._seq)
            key = (key[0], key[1])
            # usual for longest_idle: no entry holds a worse key than this, so only dead entries need replacing
            dead_only = key >= agent.entry_max
        agent.key = agent.entry_max = key
        entries, buckets, uid = agent.entries, agent.buckets, self._seq
        for i, e in enumerate(entries):
            # dead, or it would rank the agent worse than it stands: a fresh entry
            if e[4] is None:
                b = buckets[i]
                b.live += 1
            elif dead_only or not e[5] > key:
                continue
            else:
                e[4] = None
                b = buckets[i]
            fresh = entries[i] = [key[0], key[1], rank, next(uid), agent, key]
            heap = b.heap
            heappush(heap, fresh)
            if len(heap) > 2 * b.live + 32:
                b.compact()
        return True

    def agents_in(self, topic: str, language: str, tier: int) -> Iterator[AgentState]:
        """Yield the indexed agents of one bucket, in no particular order (for diagnostics)."""
        cell = self._cells.get((topic, language))
        bucket = cell[tier] if cell else None
        for e in bucket.heap if bucket else ():
            if e[4] is not None and e[4].on:
                yield e[4]
