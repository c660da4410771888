"""Agent heartbeats, off the relational write path.

A heartbeat only says "this console is alive"; writing it as a row update cost one database write per agent
every 10 s (1,000 writes/s at 10,000 agents). Heartbeats now go to a store built for it:

- **embedded** (one process): `MemoryHeartbeats`, a dict plus a min-heap of beat times in this process;
- **scaled** (`TANDEM_REDIS_URL`): `RedisHeartbeats`, one sorted set `<prefix>:heartbeats` (member = agent id,
  score = time of the last beat), shared by every replica, so the dispatcher sees beats sent to any of them.

Durable presence *transitions* (offline / available / away, with `presence_since` and the transition time in
`agents.last_heartbeat`) stay in the database, for earnings, audit and restore. A lost agent is still found
within the heartbeat timeout: each pass asks the store which agents have been silent since `now - timeout`
(`silent`), checks those against the database, and logs out the ones that are still online and whose last
transition is older too (`dispatch.drop_lost_agents`). An agent that went online but never beat is in the
store as well: the dispatcher `seed`s every online agent at a restore and every agent whose presence changed,
with its transition time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from heapq import heappop, heappush
from typing import Protocol

from tandem.core.settings import Settings


class Heartbeats(Protocol):
    """Where signs of life go."""

    # when this process started watching: an agent online before then gets a full timeout from it to show a
    # sign of life (a restarted embedded server does not log everyone out before their consoles reconnect)
    started: float

    def beat(self, agent_ids: Iterable[str], at: float) -> None:
        """The agents' consoles are alive at `at`."""

    def seed(self, last: Mapping[str, float]) -> None:
        """Make sure each agent is known, at least as recent as the given time (never moves a beat back)."""

    def silent(self, before: float) -> list[str]:
        """Agents whose last beat is older than `before`; they are taken out of the store (seed them again to
        keep watching one that turns out to be fine)."""

    def forget(self, agent_ids: Iterable[str]) -> None:
        """Stop watching these agents (they went offline)."""


class MemoryHeartbeats:
    """The embedded store: last beat per agent, and a lazy min-heap to find the silent ones without a scan."""

    def __init__(self, started: float = 0.0) -> None:
        self.started = started
        self._last: dict[str, float] = {}
        self._heap: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    def beat(self, agent_ids: Iterable[str], at: float) -> None:
        with self._lock:
            for aid in agent_ids:
                if self._last.get(aid, -1.0) < at:
                    self._last[aid] = at
                    heappush(self._heap, (at, aid))

    def seed(self, last: Mapping[str, float]) -> None:
        with self._lock:
            for aid, at in last.items():
                if self._last.get(aid, -1.0) < at:
                    self._last[aid] = at
                    heappush(self._heap, (at, aid))

    def silent(self, before: float) -> list[str]:
        out = []
        with self._lock:
            heap, last = self._heap, self._last
            while heap and heap[0][0] < before:
                at, aid = heappop(heap)
                if last.get(aid) == at:  # else a newer beat has its own entry further down
                    del last[aid]
                    out.append(aid)
        return out

    def forget(self, agent_ids: Iterable[str]) -> None:
        with self._lock:
            for aid in agent_ids:
                self._last.pop(aid, None)  # its heap entries are skipped when they surface

    def __len__(self) -> int:
        return len(self._last)


class RedisHeartbeats:
    """The scaled store: one sorted set shared by all replicas (ZADD GT on beat, ZRANGEBYSCORE for silence)."""

    def __init__(self, url: str, prefix: str, started: float = 0.0) -> None:
        import redis

        self.started = started
        self.key = f"{prefix}:heartbeats"
        self._redis = redis.Redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0)

    def beat(self, agent_ids: Iterable[str], at: float) -> None:
        members = dict.fromkeys(agent_ids, at)
        if members:
            self._redis.zadd(self.key, members, gt=True)

    def seed(self, last: Mapping[str, float]) -> None:
        if last:
            self._redis.zadd(self.key, dict(last), gt=True)

    def silent(self, before: float) -> list[str]:
        ids = [m.decode() if isinstance(m, bytes) else str(m)
               for m in self._redis.zrangebyscore(self.key, "-inf", f"({before}")]
        if ids:
            # only those still silent: a beat that landed since the read keeps its agent
            pipe = self._redis.pipeline()
            for aid in ids:
                pipe.zscore(self.key, aid)
            scores = pipe.execute()
            ids = [aid for aid, score in zip(ids, scores, strict=True) if score is not None and score < before]
            if ids:
                self._redis.zrem(self.key, *ids)
        return ids

    def forget(self, agent_ids: Iterable[str]) -> None:
        ids = list(agent_ids)
        if ids:
            self._redis.zrem(self.key, *ids)


def build_store(settings: Settings, started: float) -> Heartbeats:
    """Redis in scaled mode, this process's memory otherwise."""
    if settings.redis_url:
        return RedisHeartbeats(settings.redis_url, settings.redis_prefix, started)
    return MemoryHeartbeats(started)
