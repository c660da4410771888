"""In-process bus for the single-server default: asyncio queues fed thread-safely."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import defaultdict
from collections.abc import Sequence

from tandem.bus.base import Event

log = logging.getLogger(__name__)
# a subscriber that falls this far behind is cut off; it resyncs from the database by sequence number
MAX_BACKLOG = 10_000


class InProcessSubscription:
    """Events for a fixed set of topics, delivered in publish order."""

    def __init__(self, bus: InProcessBus, topics: tuple[str, ...]) -> None:
        self._bus = bus
        self.topics = topics
        self.queue: asyncio.Queue[tuple[str, Event]] = asyncio.Queue(MAX_BACKLOG)
        self.loop = asyncio.get_running_loop()
        self.overflowed = False

    async def get(self) -> tuple[str, Event]:
        if self.overflowed:
            raise OverflowError("subscriber fell behind; resync from the database")
        return await self.queue.get()

    def deliver(self, topic: str, event: Event) -> None:
        try:
            self.queue.put_nowait((topic, event))
        except asyncio.QueueFull:
            self.overflowed = True

    def close(self) -> None:
        self._bus.unsubscribe(self)


def _deliver_all(batch: list[tuple[InProcessSubscription, str, Event]]) -> None:
    for sub, topic, event in batch:
        try:
            sub.deliver(topic, event)
        except Exception:  # one subscriber's failure does not keep the others' events from them
            log.exception("delivering %s to a subscriber failed", topic)


class InProcessBus:
    """Fan events out to subscribers in this process."""

    def __init__(self) -> None:
        self._subs: dict[str, set[InProcessSubscription]] = defaultdict(set)
        self._lock = threading.Lock()

    def publish(self, topic: str, event: Event) -> None:
        with self._lock:
            subs = list(self._subs.get(topic, ()))
        for sub in subs:
            sub.loop.call_soon_threadsafe(sub.deliver, topic, event)

    @property
    def healthy(self) -> bool:
        return True  # nothing outside the process can fail

    def publish_many(self, events: Sequence[tuple[str, Event]]) -> None:
        """Publish in order, waking each subscriber's loop once for the whole batch (a transaction's events):
        every wake-up is a thread-safe callback and a system call, and a cycle's requests publish 3-6 events
        each (issue 17). Each subscription still gets its events in publish order."""
        batches: dict[asyncio.AbstractEventLoop, list[tuple[InProcessSubscription, str, Event]]] = {}
        with self._lock:
            for topic, event in events:
                for sub in self._subs.get(topic, ()):
                    batches.setdefault(sub.loop, []).append((sub, topic, event))
        for loop, batch in batches.items():
            loop.call_soon_threadsafe(_deliver_all, batch)

    def subscribe(self, *topics: str) -> InProcessSubscription:
        sub = InProcessSubscription(self, topics)
        with self._lock:
            for topic in topics:
                self._subs[topic].add(sub)
        return sub

    def unsubscribe(self, sub: InProcessSubscription) -> None:
        with self._lock:
            for topic in sub.topics:
                self._subs[topic].discard(sub)
                if not self._subs[topic]:
                    del self._subs[topic]

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None
