"""The narrow seam between the simulator's event loop and a dispatcher.

The simulator never decides who serves whom: it tells the dispatcher what happened (arrivals, abandonments,
answers to offers, finished chats, agents coming and going) and asks it for offers. In full scenarios the
production routing engine sits behind this seam (`tandem.engines.sim.routing_adapter`).
"""

from __future__ import annotations

from typing import Protocol

from tandem.engines.sim.pool import AgentProfile


class SimRouter(Protocol):
    """What the event loop needs from a dispatcher; conversations and agents are small integers."""

    def agent_online(self, agent: int, profile: AgentProfile, now: float) -> None: ...

    def agent_draining(self, agent: int, now: float) -> None:
        """Stop offering to this agent; its current chats continue."""

    def agent_offline(self, agent: int, now: float) -> None: ...

    def enqueue(self, conv: int, topic: str, language: str, now: float) -> None: ...

    def abandon(self, conv: int, now: float) -> None:
        """The customer left; drop it from the queue and rescind any pending offer."""

    def dispatch(self, now: float) -> list[tuple[int, int]]:
        """Return new offers as (conversation, agent) pairs."""
        ...

    def answer(self, conv: int, agent: int, accepted: bool, expired: bool, now: float) -> None:
        """The agent accepted, declined or let the offer lapse; a refused conversation is queued again."""

    def finish(self, conv: int, agent: int, now: float) -> None: ...

    def next_wake(self) -> float:
        """When (minutes) a waiting conversation next becomes eligible for more agents without any other event
        (a relaxation step or a decline cool-down coming due); infinity if never. The loop dispatches then if a
        slot is free. An early answer only costs a dispatch that offers nothing; a late one delays offers."""
        ...
