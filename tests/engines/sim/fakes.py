"""A tiny FIFO dispatcher behind the SimRouter seam, to test the event loop apart from the routing engine."""

from __future__ import annotations

import math
from collections import deque

from tandem.engines.sim.pool import AgentProfile


class FifoRouter:
    """One queue, any agent; offers to the free agent idle longest. Tracks invariants as it goes."""

    def __init__(self) -> None:
        self.queue: deque[int] = deque()
        self.free: dict[int, int] = {}
        self.capacity: dict[int, int] = {}
        self.holder: dict[int, int] = {}
        self.gone: set[int] = set()

    def agent_online(self, agent: int, profile: AgentProfile, now: float) -> None:
        self.free[agent] = self.capacity[agent] = profile.capacity

    def agent_draining(self, agent: int, now: float) -> None:
        self.free[agent] = -10**9

    def agent_offline(self, agent: int, now: float) -> None:
        self.free.pop(agent, None)

    def enqueue(self, conv: int, topic: str, language: str, now: float) -> None:
        self.queue.append(conv)

    def abandon(self, conv: int, now: float) -> None:
        self.gone.add(conv)
        agent = self.holder.pop(conv, None)
        if agent is not None and agent in self.free:
            self.free[agent] += 1

    def dispatch(self, now: float) -> list[tuple[int, int]]:
        out = []
        for agent in list(self.free):
            while self.free.get(agent, 0) > 0 and self.queue:
                conv = self.queue.popleft()
                if conv in self.gone:
                    continue
                self.free[agent] -= 1
                assert self.free[agent] >= 0, "an agent never exceeds capacity"
                self.holder[conv] = agent
                out.append((conv, agent))
        return out

    def answer(self, conv: int, agent: int, accepted: bool, expired: bool, now: float) -> None:
        if not accepted:
            del self.holder[conv]
            self.free[agent] += 1
            self.queue.appendleft(conv)

    def next_wake(self) -> float:
        return math.inf  # any agent takes any conversation at once: eligibility never widens

    def finish(self, conv: int, agent: int, now: float) -> None:
        del self.holder[conv]
        if agent in self.free:
            self.free[agent] += 1
