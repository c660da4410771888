"""Who is online: fixed staff, an hourly shift plan, or a gig pool pulled online by surge bonuses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from tandem.engines.sim.events import ABANDONED, LOGIN, LOGOUT, OFFERED, TICK
from tandem.engines.sim.pool import AgentProfile, base_login_rate, core_size, login_multiplier
from tandem.engines.sim.scenario import Agents, Pay, Surge

if TYPE_CHECKING:
    from tandem.engines.sim.human import HumanStage


OBSERVE_MINUTES = 60.0  # customers who arrived this long ago and are still waiting are counted in the queue
ABANDON_MINUTES = 30.0  # recent abandonment: share of the requests of the last half hour that already left


@dataclass(frozen=True)
class Observation:
    """What the platform can see at time t (minutes) when the surge loop looks."""

    t: float
    online: int  # available agents (online, not draining)
    pending: int  # agents who acknowledged the surge call and are on their way
    busy: int  # available agents with work
    waiting: int  # customers waiting (or holding an unanswered offer)
    recent_requests: int
    recent_abandoned: int
    idle_expiring: int = 0  # idle agents who will reach the idle logout before the next look


class SurgeLevels(Protocol):
    """Decides the surge level, and how many idle agents to release, from what the platform can see."""

    def decide(self, obs: Observation) -> tuple[int, int]:
        """Return (surge level, idle agents to release)."""
        ...

    def bonus(self, level: int) -> float:
        """The surge bonus per conversation at a level."""
        ...


class Workforce:
    """Agent sessions and the login stream; the human loop calls in on chats, logins, logouts and ticks."""

    def __init__(self, spec: Agents, surge: Surge, pay: Pay, profiles: list[AgentProfile],
                 rng: np.random.Generator, horizon: float, levels: SurgeLevels | None = None,
                 chats_per_hour: float = 10.0) -> None:
        self.spec, self.surge, self.pay, self.profiles, self.rng = spec, surge, pay, profiles, rng
        self.chats_per_hour = chats_per_hour
        self.horizon, self.levels = horizon, levels
        n = len(profiles)
        self.online, self.draining, self.pending = [False] * n, [False] * n, [False] * n
        self.load, self.session = [0] * n, [0] * n
        self.idle: dict[int, float] = {}  # available agents without work -> since when, oldest first
        # a hybrid's rostered core (profiles 0 .. core-1) follows its plan; only the others are gig agents
        self.core = core_size(spec)
        self.offline_pool = list(range(self.core, n))  # offline gig agents, no login on the way (who joins)
        self.pool_index = {k: i for i, k in enumerate(self.offline_pool)}
        self.free = 0  # open slots of available agents: zero means no dispatch can make an offer
        self.available = 0  # agents online and not draining
        self.login_at = [0.0] * n
        self.online_minutes = np.zeros(n)
        self.bonus = 0.0
        self.level = 0
        self.level_log: list[tuple[float, int, int]] = []
        self.acknowledged: dict[int, float] = {}  # agents on their way -> when they answered the surge call
        self.released = 0
        self.interval = surge.interval_minutes if spec.mode in ("gig", "hybrid") else spec.shift_minutes
        self.look = surge.interval_minutes  # the surge loop's own interval (ticks may come more often)
        self.last_shift_slot = -1
        self.oncall_on: dict[int, float] = {}  # on-call agents called in -> when they logged in
        self.oncall_called: int | None = None  # the on-call agent on the way
        self.oncall_minutes = 0.0
        self.oncall_calls = 0
        if spec.oncall and spec.mode in ("shifts", "hybrid"):
            self.interval = min(self.interval, 1.0)  # look every minute for a customer nobody can answer

    @property
    def online_count(self) -> int:
        return self.available

    def start(self, stage: HumanStage) -> None:
        """Put the first agents online and schedule the first tick."""
        if self.spec.mode == "fixed":
            for k in range(len(self.profiles)):
                self.login(stage, k, 0.0)
            return
        if self.spec.mode in ("gig", "hybrid"):
            first = self.rng.random(len(self.profiles)) < self.spec.base_online
            for k in np.flatnonzero(first).tolist():
                if k >= self.core:
                    self.login(stage, k, 0.0)
        stage.push(0.0, TICK, 0)

    def tick(self, stage: HumanStage, t: float) -> None:
        """Shift changes on the hour, or the surge loop's look at the queue."""
        if self.spec.mode in ("shifts", "hybrid"):
            slot = int(t // self.spec.shift_minutes + 1e-9)
            if slot != self.last_shift_slot:  # a hybrid looks more often than its roster changes
                self.last_shift_slot = slot
                plan = self.spec.shifts
                self._staff_to(stage, plan[slot % len(plan)], t)
        if self.spec.mode != "shifts" and (self.spec.mode != "hybrid" or self._surge_due(t)):
            self._surge_step(stage, t)
        if self.spec.oncall and self.spec.mode in ("shifts", "hybrid"):
            self._oncall_step(stage, t)
        if t + self.interval < self.horizon:
            stage.push(t + self.interval, TICK, 0)

    def _surge_due(self, t: float) -> bool:
        """With an on-call list a hybrid ticks every minute; the surge loop still looks at its own interval."""
        step = self.surge.interval_minutes
        return abs(t / step - round(t / step)) < 1e-6

    def _oncall_step(self, stage: HumanStage, t: float) -> None:
        """Send idle on-call agents home; call one in when a customer waits and nobody is online to answer."""
        limit = self.spec.oncall_idle_minutes
        for k, since in list(self.oncall_on.items()):
            idle_since = self.idle.get(k)
            if idle_since is not None and t - max(idle_since, since) >= limit:
                self._leave(stage, k, t)
        if self.available > 0 or self.oncall_called is not None or len(self.oncall_on) >= self.spec.oncall:
            return
        entry = stage.demand.entry
        lo, hi = np.searchsorted(entry, [t - OBSERVE_MINUTES, t], side="right").tolist()
        if not any(stage.state[k] <= OFFERED for k in range(lo, hi)):
            return
        rostered = range(self.core) if self.core else range(len(self.online))
        free = [k for k in rostered if not self.online[k] and not self.pending[k]]
        if not free:
            return
        k = free[-1]
        self.pending[k] = True
        self.oncall_called = k
        self.oncall_calls += 1
        stage.push(t + float(self.rng.exponential(self.spec.oncall_lag_minutes)), LOGIN, k)

    def _staff_to(self, stage: HumanStage, target: int, t: float) -> None:
        """Bring the rostered agents (all agents in shift mode, the core in a hybrid) to `target` online."""
        rostered = [k for k in (range(self.core) if self.core else range(len(self.online)))
                    if k not in self.oncall_on and k != self.oncall_called]
        on = [k for k in rostered if self.online[k] and not self.draining[k]]
        if len(on) > target:
            for k in on[target:]:
                self._leave(stage, k, t)
            return
        off = [k for k in rostered if not self.online[k]]
        for k in off[: target - len(on)]:
            self.login(stage, k, t)

    def _surge_step(self, stage: HumanStage, t: float) -> None:
        online = self.online_count
        release = 0
        if self.levels and self.surge.enabled:
            self.level, release = self.levels.decide(self._observe(stage, t))
            self.bonus = self.levels.bonus(self.level)
        else:
            self.level, self.bonus = 0, 0.0
        self.level_log.append((t, self.level, online))
        self._idle_logouts(stage, t)
        if release:
            self._release(stage, t, release)
        hourly = self.bonus * self.chats_per_hour  # what the bonus adds to an hour of full work
        rate = base_login_rate(self.spec) * login_multiplier(hourly, self.pay.shift_hourly, self.spec.elasticity)
        pool = self.offline_pool
        joins = min(len(pool), int(self.rng.poisson(len(pool) * rate * self.look)))
        if not joins:
            return
        chosen = [pool[i] for i in self.rng.choice(len(pool), size=joins, replace=False).tolist()]
        lag = self.spec.login_lag_minutes
        for k in chosen:
            self._take_from_pool(k)
            self.pending[k] = True
            decided = t + float(self.rng.random()) * self.look
            self.acknowledged[k] = decided
            stage.push(decided + (float(self.rng.exponential(lag)) if lag > 0 else 0.0), LOGIN, k)

    def _observe(self, stage: HumanStage, t: float) -> Observation:
        """Queue, recent abandonment and agents, as the live platform sees them (nothing from the future)."""
        entry = stage.demand.entry
        lo, mid, hi = np.searchsorted(entry, [t - OBSERVE_MINUTES, t - ABANDON_MINUTES, t], side="right").tolist()
        states = stage.state
        waiting = sum(1 for k in range(lo, hi) if states[k] <= OFFERED)
        lost = sum(1 for k in range(mid, hi) if states[k] == ABANDONED)
        pending = sum(1 for when in self.acknowledged.values() if when <= t)
        expiring = 0
        if self.spec.idle_logout_minutes > 0:
            cutoff = t + self.look - self.spec.idle_logout_minutes
            for k, since in self.idle.items():  # oldest first
                if since > cutoff:
                    break
                expiring += k >= self.core
        return Observation(t, self.available, pending, self.available - len(self.idle), waiting, hi - mid, lost,
                           expiring)

    def _release(self, stage: HumanStage, t: float, count: int) -> None:
        """Tell the longest-idle agents they may log off; an idle gig agent (paid per conversation) does."""
        leaving = [k for k in self.idle if k >= self.core][:count]  # rostered agents stay: they are paid anyway
        for k in leaving:
            self._leave(stage, k, t)
        self.released += len(leaving)

    def _idle_logouts(self, stage: HumanStage, t: float) -> None:
        limit = self.spec.idle_logout_minutes
        if limit <= 0:
            return
        # self.idle is in order of idle_since (agents are appended when they become idle)
        leaving = []
        for k, since in self.idle.items():
            if t - since <= limit:
                break
            if k >= self.core:  # the idle logout is a gig agent's choice; rostered agents stay on shift
                leaving.append(k)
        for k in leaving:
            self._leave(stage, k, t)

    def _take_from_pool(self, k: int) -> None:
        pool, where = self.offline_pool, self.pool_index
        i = where.pop(k)
        last = pool.pop()
        if last != k:
            pool[i], where[last] = last, i

    def _return_to_pool(self, k: int) -> None:
        self.pool_index[k] = len(self.offline_pool)
        self.offline_pool.append(k)

    def login(self, stage: HumanStage, k: int, t: float) -> None:
        """Bring agent k online and, in the gig pool, schedule the end of the session."""
        if k in self.pool_index:
            self._take_from_pool(k)
        self.pending[k] = False
        self.acknowledged.pop(k, None)
        if k == self.oncall_called:
            self.oncall_called = None
            self.oncall_on[k] = t
        if self.online[k]:
            return
        self.idle[k] = t
        self.online[k], self.draining[k] = True, False
        self.free += self.profiles[k].capacity
        self.available += 1
        self.session[k] += 1
        self.login_at[k] = t
        stage.router.agent_online(k, self.profiles[k], t)
        stage.dirty = True
        if k >= self.core and self.spec.mode in ("gig", "hybrid"):
            length = float(self.rng.exponential(self.spec.mean_session_minutes))
            stage.push(t + length, LOGOUT, k, self.session[k])

    def logout(self, stage: HumanStage, k: int, session: int, t: float) -> None:
        """A session ends (ignored if it already ended another way)."""
        if self.online[k] and session == self.session[k]:
            self._leave(stage, k, t)

    def _leave(self, stage: HumanStage, k: int, t: float) -> None:
        if self.draining[k]:
            return
        self.free -= self.profiles[k].capacity - self.load[k]
        self.available -= 1
        self.idle.pop(k, None)
        if self.load[k] == 0:
            self._offline(stage, k, t)
        else:
            self.draining[k] = True
            stage.router.agent_draining(k, t)

    def _offline(self, stage: HumanStage, k: int, t: float) -> None:
        self.online[k], self.draining[k] = False, False
        if self.oncall_on.pop(k, None) is not None:  # paid as a call-out, not as rostered time
            self.oncall_minutes += t - self.login_at[k]
        else:
            self.online_minutes[k] += t - self.login_at[k]
        if not self.pending[k] and k >= self.core:
            self._return_to_pool(k)
        stage.router.agent_offline(k, t)

    def offered(self, k: int) -> None:
        """A pending offer holds the agent online like a chat does."""
        if self.load[k] == 0:
            self.idle.pop(k, None)
        self.load[k] += 1
        self.free -= 1

    def answered(self, stage: HumanStage, k: int, accepted: bool, t: float) -> None:
        """An offer ended: an accepted one becomes a chat, anything else frees the slot."""
        if not accepted:
            self.chat_finished(stage, k, t)

    def chat_finished(self, stage: HumanStage, k: int, t: float) -> None:
        self.load[k] -= 1
        if not self.draining[k]:
            self.free += 1
        if self.load[k] == 0:
            if self.draining[k]:
                self._offline(stage, k, t)
            else:
                self.idle[k] = t

    def close(self, t: float) -> None:
        """Count the time of agents still online at the end of the run."""
        for k, on in enumerate(self.online):
            if on and k in self.oncall_on:
                self.oncall_minutes += max(t - self.login_at[k], 0.0)
            elif on:
                self.online_minutes[k] += max(t - self.login_at[k], 0.0)
