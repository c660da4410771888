"""The seam between the live dispatcher and a routing policy: snapshots in, assignments out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class QueueItem:
    handoff_id: str
    conversation_id: str
    topic: str | None
    language: str
    priority: int
    queued_since: float
    excluded_agents: frozenset[str] = field(default=frozenset())


@dataclass(frozen=True, slots=True)
class AgentSlot:
    agent_id: str
    languages: frozenset[str]
    skills: dict[str, int]
    free: int
    idle_since: float


@dataclass(frozen=True, slots=True)
class Match:
    handoff_id: str
    agent_id: str


class Router(Protocol):
    """Choose which waiting conversation to offer to which agent."""

    def route(self, waiting: Sequence[QueueItem], agents: Sequence[AgentSlot], now: float) -> list[Match]: ...


class FifoRouter:
    """Longest-waiting first; the agent must speak the language, or anyone after relax_after_s."""

    def __init__(self, relax_after_s: float = 60.0) -> None:
        self.relax_after_s = relax_after_s

    def route(self, waiting: Sequence[QueueItem], agents: Sequence[AgentSlot], now: float) -> list[Match]:
        free = {a.agent_id: a.free for a in agents}
        ordered = sorted(agents, key=lambda a: a.idle_since)
        matches: list[Match] = []
        for item in sorted(waiting, key=lambda i: (-i.priority, i.queued_since)):
            relaxed = now - item.queued_since >= self.relax_after_s
            for agent in ordered:
                if free[agent.agent_id] <= 0 or agent.agent_id in item.excluded_agents:
                    continue
                if item.language in agent.languages or relaxed:
                    matches.append(Match(item.handoff_id, agent.agent_id))
                    free[agent.agent_id] -= 1
                    break
        return matches
