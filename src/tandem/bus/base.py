"""The bus interface services depend on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

Event = dict[str, Any]


class Subscription(Protocol):
    """A live subscription to a set of topics."""

    async def get(self) -> tuple[str, Event]: ...

    def close(self) -> None: ...


class Bus(Protocol):
    """Publish from any thread; subscribe from the event loop."""

    def publish(self, topic: str, event: Event) -> None: ...

    def publish_many(self, events: Sequence[tuple[str, Event]]) -> None:
        """Publish a unit of work's events in order (one round trip where the transport allows)."""
        ...

    def subscribe(self, *topics: str) -> Subscription: ...

    @property
    def healthy(self) -> bool:
        """Whether events published now reach every replica's subscribers (readiness)."""
        ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...
