"""In-process bus for the single-server default: asyncio queues fed thread-safely."""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict
from collections.abc import Sequence

from tandem.bus.base import Event

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
        for topic, event in events:
            self.publish(topic, event)

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
