"""Redis bus for scaled mode: every replica publishes to one Redis channel and fans events out locally.

Publishing uses a synchronous client, so it works from any thread (services publish after commit from
worker threads). One listener task per process (redis.asyncio) receives the channel and delivers each
event to the local subscribers of its topic. Redis pub/sub is not durable: while the listener is
disconnected events are lost. That is recoverable because clients resync from the database by sequence
number, so when the listener reconnects every local subscription is closed with ``OverflowError``
("resync"), exactly as the in-process bus does when a subscriber falls behind.

One channel carries every topic, so a subscription is live as soon as ``subscribe()`` returns (no
per-topic SUBSCRIBE round trip that a WebSocket's database read could race). Each replica receives all
events; that is fine for thousands of events per second, far beyond one support team's traffic.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import threading
import uuid
from collections import defaultdict
from collections.abc import Sequence

import redis
import redis.asyncio as aioredis

from tandem.bus.base import Event

log = logging.getLogger(__name__)

MAX_BACKLOG = 10_000
DEFAULT_CHANNEL = "tandem:events"
CONNECT_WAIT_S = 5.0
BACKOFF_MIN_S = 0.1
BACKOFF_MAX_S = 5.0
_RESYNC = object()


class RedisSubscription:
    """Events for a fixed set of topics; raises OverflowError once the subscriber must resync."""

    def __init__(self, bus: RedisBus, topics: tuple[str, ...]) -> None:
        self._bus = bus
        self.topics = topics
        self.queue: asyncio.Queue[object] = asyncio.Queue(MAX_BACKLOG)
        self.loop = asyncio.get_running_loop()
        self.overflowed = False

    async def get(self) -> tuple[str, Event]:
        if self.overflowed:
            raise OverflowError("events may have been lost; resync from the database")
        item = await self.queue.get()
        if item is _RESYNC:
            self.overflowed = True
            raise OverflowError("events may have been lost; resync from the database")
        return item  # type: ignore[return-value]

    def deliver(self, topic: str, event: Event) -> None:
        try:
            self.queue.put_nowait((topic, event))
        except asyncio.QueueFull:
            self.overflowed = True

    def resync(self) -> None:
        """Wake a waiting get() with OverflowError (a full queue means it is overflowed already)."""
        try:
            self.queue.put_nowait(_RESYNC)
        except asyncio.QueueFull:
            self.overflowed = True

    def close(self) -> None:
        self._bus.unsubscribe(self)


class RedisBus:
    """Publish through Redis pub/sub; deliver to this process's subscribers from one listener task."""

    def __init__(self, url: str, channel: str = DEFAULT_CHANNEL) -> None:
        self.url = url
        self.channel = channel
        # a name per process so operators (and tests) can find this listener in CLIENT LIST
        self.client_name = f"tandem-bus-{uuid.uuid4().hex[:12]}"
        self._pub = redis.Redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0,
                                         health_check_interval=10)
        self._subs: dict[str, set[RedisSubscription]] = defaultdict(set)
        self._lock = threading.Lock()
        self._task: asyncio.Task[None] | None = None
        self._connected: asyncio.Event | None = None
        self.reconnects = 0
        # events may have been missed since the last subscribe: resync local subscribers on the next one
        self._gap = False

    @property
    def healthy(self) -> bool:
        """The listener is subscribed and has not lost its connection since (events from others arrive)."""
        return self._connected is not None and self._connected.is_set() and not self._gap

    # publishing (any thread) -------------------------------------------------------------------------------

    def publish(self, topic: str, event: Event) -> None:
        """Send one event to every replica. Never raises: the write it reports is already committed."""
        self.publish_many([(topic, event)])

    def publish_many(self, events: Sequence[tuple[str, Event]]) -> None:
        """Send a unit of work's events to every replica in one round trip (a pipeline, in order). Never raises."""
        if not events:
            return
        payloads = [json.dumps({"t": topic, "e": event}, separators=(",", ":"), default=str)
                    for topic, event in events]
        try:
            if len(payloads) == 1:
                self._pub.publish(self.channel, payloads[0])
            else:
                pipe = self._pub.pipeline(transaction=False)
                for payload in payloads:
                    pipe.publish(self.channel, payload)
                pipe.execute()
        except redis.RedisError as exc:
            # the events are lost for live listeners; local ones resync now, remote ones when their
            # listener notices the outage and reconnects
            log.warning("redis publish failed (%s); local subscribers resync", exc.__class__.__name__)
            self._resync_all()

    # subscribing (event loop) ------------------------------------------------------------------------------

    def subscribe(self, *topics: str) -> RedisSubscription:
        sub = RedisSubscription(self, topics)
        with self._lock:
            for topic in topics:
                self._subs[topic].add(sub)
        return sub

    def unsubscribe(self, sub: RedisSubscription) -> None:
        with self._lock:
            for topic in sub.topics:
                self._subs[topic].discard(sub)
                if not self._subs[topic]:
                    del self._subs[topic]

    def _dispatch(self, topic: str, event: Event) -> None:
        with self._lock:
            subs = list(self._subs.get(topic, ()))
        for sub in subs:
            self._call(sub, sub.deliver, topic, event)

    def _resync_all(self) -> None:
        with self._lock:
            subs = {sub for group in self._subs.values() for sub in group}
        for sub in subs:
            self._call(sub, sub.resync)

    @staticmethod
    def _call(sub: RedisSubscription, fn: object, *args: object) -> None:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is sub.loop:
            fn(*args)  # type: ignore[operator]
        else:
            with contextlib.suppress(RuntimeError):  # the subscriber's loop is closed: nothing to wake
                sub.loop.call_soon_threadsafe(fn, *args)  # type: ignore[arg-type]

    # lifecycle -----------------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the listener and wait (briefly) until it is subscribed; a Redis outage does not block startup."""
        if self._task is not None:
            return
        self._connected = asyncio.Event()
        self._task = asyncio.create_task(self._listen(), name="redis-bus-listener")
        try:
            await asyncio.wait_for(self._connected.wait(), CONNECT_WAIT_S)
        except TimeoutError:
            self._gap = True
            log.warning("redis not reachable at startup; the bus keeps retrying in the background")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._pub.close()

    async def _listen(self) -> None:
        backoff = BACKOFF_MIN_S
        while True:
            client = aioredis.Redis.from_url(self.url, socket_connect_timeout=2.0, health_check_interval=2,
                                             client_name=self.client_name)
            pubsub = client.pubsub()
            try:
                await pubsub.subscribe(self.channel)
                while True:
                    message = await pubsub.get_message(ignore_subscribe_messages=False, timeout=1.0)
                    if message is None:
                        continue
                    if message["type"] == "subscribe":
                        if self._gap:
                            self.reconnects += 1
                            log.info("redis bus reconnected; local subscribers resync from the database")
                            self._resync_all()
                            self._gap = False
                        backoff = BACKOFF_MIN_S
                        assert self._connected is not None
                        self._connected.set()
                    elif message["type"] == "message":
                        self._handle(message["data"])
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # connection lost or refused: retry with backoff
                log.warning("redis bus listener disconnected (%s); retrying in %.1fs",
                            exc.__class__.__name__, backoff)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                with contextlib.suppress(Exception):
                    await client.aclose()
            # anything published from now until the next subscribe is lost for this process
            self._gap = True
            self._resync_all()
            await asyncio.sleep(backoff * (0.5 + random.random()))
            backoff = min(backoff * 2, BACKOFF_MAX_S)

    def _handle(self, data: bytes | str) -> None:
        try:
            payload = json.loads(data)
            topic, event = payload["t"], payload["e"]
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring a malformed bus message")
            return
        if isinstance(topic, str) and isinstance(event, dict):
            self._dispatch(topic, event)
