"""Conversations waiting for a human, one FIFO heap per (topic, language, priority).

Within one heap every conversation relaxes on the same schedule, so the head (longest wait) is always the
most relaxed: if an agent cannot take the head for tier or language reasons it cannot take any of them.

Each (topic, language) cell has a bit (see cell_bit); ``WaitingQueue.mask`` has the bits of the cells with
someone filed, so a freed agent whose own cells' bits miss the mask knows at once that nothing of its own
languages waits for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from heapq import heapify, heappop, heappush
from itertools import count

from tandem.domain.conversation import ConversationState

QEntry = tuple[float, int, "ConvState"]
WAITING = ConversationState.WAITING_HUMAN
INF = float("inf")
Cell = tuple[str, str]  # (topic, language)


def cell_bit(bits: dict[Cell, int], cell: Cell) -> int:
    """Return the bit of one (topic, language) in a registry shared by the index and the queue (new: next bit)."""
    bit = bits.get(cell)
    if bit is None:
        bit = bits[cell] = 1 << len(bits)
    return bit


class ConvState:
    """The router's mutable view of one conversation that needs or has a human."""

    __slots__ = (
        "conversation_id", "topic", "language", "priority", "since", "state", "assignee", "offers",
        "excluded", "broadcast", "qseq", "queued", "wake_at",
    )

    def __init__(self, cid: str, topic: str, language: str, priority: int, since: float,
                 broadcast: int | None = None, qseq: int = -1) -> None:
        self.conversation_id = cid
        self.topic = topic
        self.language = language
        self.priority = priority
        self.since = since
        self.state = WAITING
        self.assignee: str | None = None
        # pending offer ids, as a dict used as a set: a dict of strings is not tracked by the cyclic GC
        self.offers: dict[str, None] = {}
        self.excluded: dict[str, float] = {}  # agent id -> until when not to offer it to them again
        self.broadcast = broadcast
        self.qseq = qseq  # queue ticket while waiting (breaks ties in order); -1 otherwise
        self.queued = False  # True once it sits in a lane (new ones only do if no agent took them at once)
        self.wake_at = INF  # when this conversation's eligibility widens next, if waiting

    def order(self) -> tuple[int, float, int]:
        """Return the queue order key: higher priority first, then longest wait."""
        return (-self.priority, self.since, self.qseq)

    def excludes(self, agent_id: str, now: float) -> bool:
        """Return True if this agent recently declined or let an offer of this conversation lapse."""
        until = self.excluded.get(agent_id)
        return until is not None and until > now


class Lane:
    __slots__ = ("heap", "live")

    def __init__(self) -> None:
        self.heap: list[QEntry] = []
        self.live = 0

    def head(self) -> QEntry | None:
        """Return the longest-waiting live entry, dropping stale ones."""
        heap = self.heap
        while heap:
            top = heap[0]
            if top[2].qseq == top[1]:
                return top
            heappop(heap)
        return None


Lanes = dict[str, dict[int, Lane]]  # language -> priority -> lane, within one topic
_NO_LANES: Lanes = {}


class WaitingQueue:
    """All waiting conversations, grouped by topic, then language, then priority."""

    def __init__(self, bits: dict[Cell, int] | None = None) -> None:
        self._by_topic: dict[str, Lanes] = {}
        self.by_topic = self._by_topic  # read-only for the matcher: topic -> language -> priority -> lane
        self.by_cell: dict[tuple[str, str], dict[int, Lane]] = {}  # (topic, language) -> the same dicts
        self._seq = count()
        self.new_ticket = self._seq.__next__  # ticket() without the call, for escalate's hot path
        self.size = 0  # filed conversations (len(queue)), read directly on the hot path
        # every filed conversation by wait start, stale entries skipped (read by the matcher; replaced when compacted)
        self.oldest: list[QEntry] = []
        self.bits: dict[Cell, int] = {} if bits is None else bits  # (topic, language) -> its bit (cell_bit)
        self.mask = 0  # the bits of the cells in by_cell (those with someone filed)

    def __len__(self) -> int:
        return self.size

    def ticket(self, conv: ConvState) -> None:
        """Give a conversation that starts waiting its tie-breaking ticket; push() files it later."""
        conv.qseq = next(self._seq)
        conv.queued = False

    def push(self, conv: ConvState) -> None:
        """File a ticketed conversation in its lane (its since, the original wait start, decides its place)."""
        if conv.queued:
            return
        conv.queued = True
        langs = self._by_topic.setdefault(conv.topic, {})
        prios = langs.get(conv.language)
        if prios is None:
            cell = (conv.topic, conv.language)
            prios = langs[conv.language] = self.by_cell[cell] = {}
            self.mask |= cell_bit(self.bits, cell)
        lane = prios.get(conv.priority)
        if lane is None:
            lane = prios[conv.priority] = Lane()
        entry = (conv.since, conv.qseq, conv)
        heappush(lane.heap, entry)
        heappush(self.oldest, entry)
        lane.live += 1
        self.size += 1

    def discard(self, conv: ConvState) -> None:
        """Take a conversation out of the queue (lazily: its entry goes stale)."""
        filed = conv.queued
        conv.qseq, conv.queued = -1, False
        if not filed:
            return
        langs = self._by_topic[conv.topic]
        prios = langs[conv.language]
        lane = prios[conv.priority]
        lane.live -= 1
        self.size -= 1
        if len(self.oldest) > 2 * self.size + 64:
            self.oldest = [e for e in self.oldest if e[2].qseq == e[1]]
            heapify(self.oldest)
        if lane.live == 0:
            del prios[conv.priority]
            if not prios:
                cell = (conv.topic, conv.language)
                del langs[conv.language]
                del self.by_cell[cell]
                self.mask &= ~self.bits[cell]
        elif len(lane.heap) > 2 * lane.live + 32:
            lane.heap = [e for e in lane.heap if e[2].qseq == e[1]]
            heapify(lane.heap)

    def oldest_since(self) -> float:
        """Return when the longest wait among filed conversations began (inf if none)."""
        oldest = self.oldest
        while oldest:
            top = oldest[0]
            if top[2].qseq == top[1]:
                return top[0]
            heappop(oldest)
        return INF

    def lanes(self, topic: str) -> Lanes:
        """Return the non-empty lanes of one topic as language -> priority -> lane; do not modify."""
        return self._by_topic.get(topic) or _NO_LANES

    def __iter__(self) -> Iterator[ConvState]:
        """Yield every waiting conversation, in no particular order."""
        for langs in self._by_topic.values():
            for prios in langs.values():
                for lane in prios.values():
                    yield from (e[2] for e in lane.heap if e[2].qseq == e[1])
