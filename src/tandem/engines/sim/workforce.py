"""Who is online: fixed staff, an hourly shift plan, or a gig pool pulled online by surge bonuses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np

from tandem.engines.sim.events import LOGIN, LOGOUT, TICK
from tandem.engines.sim.pool import AgentProfile, base_login_rate, login_multiplier
from tandem.engines.sim.scenario import Agents, Pay, Surge

if TYPE_CHECKING:
    from tandem.engines.sim.human import HumanStage


class SurgeLevels(Protocol):
    """Decides the surge level from what the platform can see at time t (minutes)."""

    def level(self, t: float, online: int) -> int: ...


class Workforce:
    """Agent sessions and the login stream; the human loop calls in on chats, logins, logouts and ticks."""

    def __init__(self, spec: Agents, surge: Surge, pay: Pay, profiles: list[AgentProfile],
                 rng: np.random.Generator, horizon: float, levels: SurgeLevels | None = None) -> None:
        self.spec, self.surge, self.pay, self.profiles, self.rng = spec, surge, pay, profiles, rng
        self.horizon, self.levels = horizon, levels
        n = len(profiles)
        self.online, self.draining, self.pending = [False] * n, [False] * n, [False] * n
        self.load, self.session = [0] * n, [0] * n
        self.login_at, self.idle_since = [0.0] * n, [0.0] * n
        self.online_minutes = np.zeros(n)
        self.bonus = 0.0
        self.level = 0
        self.level_log: list[tuple[float, int, int]] = []
        self.interval = surge.interval_minutes if spec.mode == "gig" else 60.0

    @property
    def online_count(self) -> int:
        return sum(1 for k, on in enumerate(self.online) if on and not self.draining[k])

    def start(self, stage: HumanStage) -> None:
        """Put the first agents online and schedule the first tick."""
        if self.spec.mode == "fixed":
            for k in range(len(self.profiles)):
                self.login(stage, k, 0.0)
            return
        if self.spec.mode == "gig":
            first = self.rng.random(len(self.profiles)) < self.spec.base_online
            for k in np.flatnonzero(first).tolist():
                self.login(stage, k, 0.0)
        stage.push(0.0, TICK, 0)

    def tick(self, stage: HumanStage, t: float) -> None:
        """Shift changes on the hour, or the surge loop's look at the queue."""
        if self.spec.mode == "shifts":
            plan = self.spec.shifts
            self._staff_to(stage, plan[int(t // 60) % len(plan)], t)
        else:
            self._surge_step(stage, t)
        if t + self.interval < self.horizon:
            stage.push(t + self.interval, TICK, 0)

    def _staff_to(self, stage: HumanStage, target: int, t: float) -> None:
        on = [k for k, o in enumerate(self.online) if o and not self.draining[k]]
        if len(on) > target:
            for k in on[target:]:
                self._leave(stage, k, t)
            return
        off = [k for k, o in enumerate(self.online) if not o]
        for k in off[: target - len(on)]:
            self.login(stage, k, t)

    def _surge_step(self, stage: HumanStage, t: float) -> None:
        online = self.online_count
        self.level = self.levels.level(t, online) if self.levels and self.surge.enabled else 0
        self.bonus = self.level * self.surge.bonus_per_level
        self.level_log.append((t, self.level, online))
        self._idle_logouts(stage, t)
        rate = base_login_rate(self.spec) * login_multiplier(self.bonus, self.pay.shift_hourly,
                                                             self.spec.elasticity)
        offline = [k for k, o in enumerate(self.online) if not o and not self.pending[k]]
        joins = min(len(offline), int(self.rng.poisson(len(offline) * rate * self.interval)))
        for k in self.rng.choice(offline, size=joins, replace=False).tolist() if joins else []:
            self.pending[k] = True
            stage.push(t + float(self.rng.random()) * self.interval, LOGIN, k)

    def _idle_logouts(self, stage: HumanStage, t: float) -> None:
        limit = self.spec.idle_logout_minutes
        if limit <= 0:
            return
        for k, on in enumerate(self.online):
            if on and self.load[k] == 0 and t - self.idle_since[k] > limit:
                self._leave(stage, k, t)

    def login(self, stage: HumanStage, k: int, t: float) -> None:
        """Bring agent k online and, in the gig pool, schedule the end of the session."""
        self.pending[k] = False
        if self.online[k]:
            return
        self.online[k], self.draining[k] = True, False
        self.session[k] += 1
        self.login_at[k] = self.idle_since[k] = t
        stage.router.agent_online(k, self.profiles[k], t)
        stage.dirty = True
        if self.spec.mode == "gig":
            length = float(self.rng.exponential(self.spec.mean_session_minutes))
            stage.push(t + length, LOGOUT, k, self.session[k])

    def logout(self, stage: HumanStage, k: int, session: int, t: float) -> None:
        """A session ends (ignored if it already ended another way)."""
        if self.online[k] and session == self.session[k]:
            self._leave(stage, k, t)

    def _leave(self, stage: HumanStage, k: int, t: float) -> None:
        if self.load[k] == 0:
            self._offline(stage, k, t)
        elif not self.draining[k]:
            self.draining[k] = True
            stage.router.agent_draining(k, t)

    def _offline(self, stage: HumanStage, k: int, t: float) -> None:
        self.online[k], self.draining[k] = False, False
        self.online_minutes[k] += t - self.login_at[k]
        stage.router.agent_offline(k, t)

    def offered(self, k: int) -> None:
        """A pending offer holds the agent online like a chat does."""
        self.load[k] += 1

    def answered(self, stage: HumanStage, k: int, accepted: bool, t: float) -> None:
        """An offer ended: an accepted one becomes a chat, anything else frees the slot."""
        if not accepted:
            self.chat_finished(stage, k, t)

    def chat_finished(self, stage: HumanStage, k: int, t: float) -> None:
        self.load[k] -= 1
        if self.load[k] == 0:
            self.idle_since[k] = t
            if self.draining[k]:
                self._offline(stage, k, t)

    def close(self, t: float) -> None:
        """Count the time of agents still online at the end of the run."""
        for k, on in enumerate(self.online):
            if on:
                self.online_minutes[k] += max(t - self.login_at[k], 0.0)
