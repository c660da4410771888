"""The services container and the unit of work that publishes events only after commit."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import CursorResult, Executable
from sqlalchemy.orm import Session

from tandem.bus.base import Bus, Event
from tandem.core.clock import Clock
from tandem.core.settings import Settings
from tandem.engines.assistant.base import Assistant
from tandem.services.banks import QuestionBanks
from tandem.services.presence import Heartbeats, MemoryHeartbeats
from tandem.storage.db import Database

# bus topic of routing changes, for the dispatcher on whichever replica holds the lease
ROUTING_TOPIC = "routing"

if TYPE_CHECKING:
    from tandem.backend.protocol import AccountBackend


@dataclass
class Work:
    """One transaction plus the events to publish once it commits."""

    session: Session
    now: float
    settings: Settings
    events: list[tuple[str, Event]] = field(default_factory=list)
    # what routing must look at again after this transaction: agents and conversations whose routing-relevant
    # rows changed (filled by `touch` and by the flush hook in services/routing_events.py)
    touched_agents: set[str] = field(default_factory=set)
    touched_conversations: set[str] = field(default_factory=set)
    # a customer's conversation token stops working after this long without activity in the conversation
    customer_token_idle_s: float = 72 * 3600.0

    def write(self, statement: Executable) -> CursorResult[Any]:
        """Run a DML statement whose rows this session holds no changes for (the caller stores what it wrote with
        `set_committed_value`, as with the ORM's `synchronize_session=False`) on the transaction's connection.
        Same SQL, and the same flush of pending objects first, as `session.execute` (its autoflush), without the
        ORM's bulk-DML bookkeeping (about 50 us a statement, several per cycle: issue 17)."""
        self.session.flush()
        return self.session.connection().execute(statement)

    def emit(self, topic: str, event: Event) -> None:
        self.events.append((topic, event))

    def touch(self, *, agent: str | None = None, conversation: str | None = None) -> None:
        """Tell the dispatcher's in-memory routing engine that this agent or conversation changed."""
        if agent is not None:
            self.touched_agents.add(agent)
        if conversation is not None:
            self.touched_conversations.add(conversation)


@dataclass
class Services:
    """Everything a service function needs, built once per process."""

    settings: Settings
    db: Database
    bus: Bus
    clock: Clock
    assistant: Assistant
    backend: AccountBackend | None = None
    banks: QuestionBanks = field(default_factory=QuestionBanks)
    # called (from any thread) when the queue changed and the dispatcher should run soon; True when the changes
    # only freed room (see frees_room_only), which needs a pass only if some work waits without an offer
    on_queue_change: Callable[[bool], None] = lambda room_only: None
    # called (from any thread) after a commit that touched routing state: (agent ids, conversation ids)
    on_routing_change: Callable[[set[str], set[str]], None] = lambda agents, conversations: None
    # identifies this process on the bus, so a replica ignores its own routing events
    replica_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    extras: dict[str, Any] = field(default_factory=dict)
    # agents' signs of life (services/presence.py): memory when embedded, Redis when scaled
    heartbeats: Heartbeats = field(default_factory=MemoryHeartbeats)

    @contextmanager
    def work(self) -> Iterator[Work]:
        """Run a unit of work: one transaction; its events are published after commit, never before."""
        with self.db.transaction() as session:
            work = Work(session=session, now=self.clock.now(), settings=self.settings,
                        customer_token_idle_s=self.settings.conversation_token_idle_s)
            session.info["work"] = work  # for the flush hook of services/routing_events.py
            yield work
        events = work.events
        if work.touched_agents or work.touched_conversations:
            self.on_routing_change(work.touched_agents, work.touched_conversations)
            events = [*events, (ROUTING_TOPIC, {"type": "routing.changed", "origin": self.replica_id,
                                                "agents": sorted(work.touched_agents),
                                                "conversations": sorted(work.touched_conversations)})]
        self.bus.publish_many(events)
        wakes = [event for topic, event in work.events if topic == "queue" and wakes_dispatcher(event)]
        if wakes:
            self.on_queue_change(all(frees_room_only(event) for event in wakes))


def wakes_dispatcher(event: Event) -> bool:
    """Whether a queue event may mean new work for the dispatcher. A conversation taken by an agent
    (`"dispatch": False`) only changes what consoles list: it frees nothing and waits for nothing, so it asks for
    no pass of its own (the timer's next pass still runs)."""
    return event.get("dispatch", True) is not False


# the "dispatch" value of a queue event that can only free room (a closed queue entry: a resolve, a hand-back,
# a customer who left), never bring new work: the dispatcher skips its pass when nothing waits without an offer
ROOM_ONLY = "room"


def frees_room_only(event: Event) -> bool:
    """Whether a queue event can only free room for waiting work (a pass is needed only if some waits)."""
    return event.get("dispatch") == ROOM_ONLY

from tandem.services import routing_events as _routing_events  # noqa: E402,F401  (registers the flush hook)
