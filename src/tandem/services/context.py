"""The services container and the unit of work that publishes events only after commit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from tandem.bus.base import Bus, Event
from tandem.core.clock import Clock
from tandem.core.settings import Settings
from tandem.engines.assistant.base import Assistant
from tandem.storage.db import Database

if TYPE_CHECKING:
    from tandem.backend.protocol import AccountBackend


@dataclass
class Work:
    """One transaction plus the events to publish once it commits."""

    session: Session
    now: float
    events: list[tuple[str, Event]] = field(default_factory=list)

    def emit(self, topic: str, event: Event) -> None:
        self.events.append((topic, event))


@dataclass
class Services:
    """Everything a service function needs, built once per process."""

    settings: Settings
    db: Database
    bus: Bus
    clock: Clock
    assistant: Assistant
    backend: AccountBackend | None = None
    # called (from any thread) when the queue changed and the dispatcher should run soon
    on_queue_change: Callable[[], None] = lambda: None
    extras: dict[str, Any] = field(default_factory=dict)

    @contextmanager
    def work(self) -> Iterator[Work]:
        """Run a unit of work: one transaction; its events are published after commit, never before."""
        with self.db.transaction() as session:
            work = Work(session=session, now=self.clock.now())
            yield work
        self.bus.publish_many(work.events)
        if any(topic == "queue" for topic, _ in work.events):
            self.on_queue_change()
