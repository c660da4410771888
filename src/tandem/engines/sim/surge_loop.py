"""The surge loop the simulator runs: the production controller (`tandem.engines.surge.control`) on live signals.

Every `interval_minutes` the loop gives the controller what the platform would see at that moment:

- the forecast of the product's forecast engine (`tandem.engines.forecast`: smoothed daily level x weekday
  factor x weekday intraday profile), fitted at each midnight on the days before only -- the day being simulated
  is never part of its history, and the first day has no forecast at all;
- the arrivals of the last RECENT_MINUTES, today's arrivals against what the forecast said for them (a level
  correction), the queue, the abandonment of the last half hour, agents busy, online and acknowledged on their
  way (see `Workforce._observe`).

The controller turns that into a surge level (bonus per conversation) and, if the scenario allows it, a number
of idle agents to release. Its staffing requirement is exact Erlang-A at `surge.target_abandon`.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from functools import lru_cache

import numpy as np

from tandem.core.money import money
from tandem.engines.forecast.history import ArrivalHistory
from tandem.engines.forecast.model import ForecastConfig, ForecastModel, fit_point
from tandem.engines.sim.handling import handling_params
from tandem.engines.sim.human import HumanDemand
from tandem.engines.sim.scenario import Scenario, Surge
from tandem.engines.sim.workforce import Observation
from tandem.engines.staffing.model import ServiceModel, StaffingTarget
from tandem.engines.surge import (
    ControlRules,
    ControlState,
    Signals,
    SurgeLevel,
    SurgeRules,
    agents_needed,
    bonus_for,
    control,
    corrected_forecast,
)

RECENT_MINUTES = 15.0  # window of the observed arrival rate
CORRECTION_MINUTES = 120.0  # window of the forecast's level correction
FORECAST_SLOT_MINUTES = 60
DEFAULT_FIRST_DAY = date(1999, 8, 2)  # a Monday, for histories that carry no calendar


class PriorDaysForecast:
    """Expected arrivals per slot from the forecast engine, fitted at each midnight on the earlier days only."""

    def __init__(self, entry: np.ndarray, first_day: date, slot_minutes: int = FORECAST_SLOT_MINUTES,
                 config: ForecastConfig | None = None, offset_minutes: float = 0.0,
                 prior: ForecastModel | None = None) -> None:
        """`entry`: arrivals in minutes from midnight of `first_day`, history included; the run's minute 0 is
        minute `offset_minutes` of that (a run that starts after days of history the platform already has).
        `prior` (an operator's demand profile) stands in for the forecast on the first day, which has no history."""
        self.offset = offset_minutes
        self.prior = prior
        days = int(entry[-1] // 1440) + 1 if entry.size else 1
        counts = np.zeros((days, 1440 // slot_minutes))
        minute = entry.astype(int)
        np.add.at(counts, (minute // 1440, (minute % 1440) // slot_minutes), 1.0)
        self.history = ArrivalHistory(first_day, slot_minutes, counts)
        self.slot = slot_minutes
        self.config = config or ForecastConfig()
        self._models: dict[int, ForecastModel | None] = {}
        self._days: dict[tuple[int, int], np.ndarray] = {}

    def _model(self, today: int) -> ForecastModel | None:
        """The model the platform has on day `today`: fitted on days 0 .. today-1 (None on the first day)."""
        if today not in self._models:
            self._models[today] = fit_point(self.history.head(today), self.config) if today > 0 else self.prior
        return self._models[today]

    def _day(self, today: int, day: int) -> np.ndarray | None:
        """Expected arrivals per slot on `day`, as forecast on `today`."""
        if (today, day) not in self._days:
            model = self._model(today)
            if model is None:
                return None
            self._days[(today, day)] = model.expected(self.history.first_day + timedelta(days=day))
        return self._days[(today, day)]

    def _slots(self, t: float, t0: float, t1: float) -> list[tuple[float, float]]:
        """(expected arrivals, overlap minutes) of each slot overlapping [t0, t1), as forecast at time t."""
        today = int(t // 1440)
        out = []
        k = int(max(t0, 0.0) // self.slot)
        while k * self.slot < t1:
            start = k * self.slot
            overlap = min(t1, start + self.slot) - max(t0, start)
            per_slot = self._day(today, start // 1440)
            if per_slot is None:
                return []
            out.append((float(per_slot[int(start % 1440) // self.slot]), overlap))
            k += 1
        return out

    def peak_rate(self, t: float, horizon: float) -> float | None:
        """The highest expected arrivals per minute over the slots of [t, t + horizon] (None: no forecast)."""
        t += self.offset
        slots = self._slots(t, t, t + max(horizon, 1e-9))
        return max(n for n, _ in slots) / self.slot if slots else None

    def expected(self, t: float, t0: float, t1: float) -> float | None:
        """Expected arrivals in [t0, t1), as forecast at time t (pro rata within slots)."""
        off = self.offset
        slots = self._slots(t + off, t0 + off, t1 + off)
        return sum(n * overlap / self.slot for n, overlap in slots) if slots else None


def surge_rules(surge: Surge) -> SurgeRules:
    """The scenario's surge settings as the surge engine's level rules."""
    bonus = tuple(money(f"{b:.2f}") for b in surge.bonus)  # a scenario's bonuses are TOML floats: to the cent
    return SurgeRules(enter=surge.enter, hysteresis=surge.hysteresis, bonus=bonus)  # type: ignore[arg-type]


def control_rules(surge: Surge) -> ControlRules:
    """The scenario's surge settings as the controller's rules."""
    return ControlRules(levels=surge_rules(surge), boost_max=surge.boost_max, release_margin=surge.release_margin,
                        release_min=surge.release_min, release_hold=surge.release_hold)


class SurgeController:
    """The simulator's side of the surge loop: builds the controller's signals, keeps its state."""

    def __init__(self, entry: np.ndarray, forecast: PriorDaysForecast | None, model: ServiceModel,
                 surge: Surge, mean_session_minutes: float = math.inf) -> None:
        self.entry, self.forecast, self.lead = entry, forecast, surge.lead_minutes
        self.horizon = max(surge.release_horizon_minutes, surge.lead_minutes)
        self.churn = 1.0 - math.exp(-surge.lead_minutes / mean_session_minutes)  # share of sessions ending
        self.rules = control_rules(surge)
        self.release = surge.release
        self.state = ControlState()
        self.log: list[tuple[float, int, int, int]] = []  # t, required, level, release
        target = StaffingTarget(0.0, 20.0, surge.target_abandon)

        @lru_cache(maxsize=4096)
        def need_per_hour(per_hour: int) -> int:
            return agents_needed(per_hour, 60.0, model, target) if per_hour else 0

        self.need_per_hour = need_per_hour

    def need(self, rate: float) -> int:
        """Least agents (exact Erlang-A at the target) for an arrival rate per minute."""
        return self.need_per_hour(int(round(rate * 60.0)))

    def arrived(self, t0: float, t1: float) -> int:
        lo, hi = np.searchsorted(self.entry, [t0, t1], side="right")
        return int(hi - lo)

    def forecast_rate(self, t: float, horizon: float) -> float | None:
        """Highest corrected forecast rate over the next `horizon` minutes (None before any history)."""
        if self.forecast is None:
            return None
        ahead = self.forecast.peak_rate(t, horizon)
        said = self.forecast.expected(t, t - CORRECTION_MINUTES, t)
        if ahead is None or said is None:
            return None
        return corrected_forecast(ahead, said, float(self.arrived(t - CORRECTION_MINUTES, t)))

    def decide(self, obs: Observation) -> tuple[int, int]:
        """The surge level and how many idle agents to release, from what the platform sees at obs.t."""
        t = obs.t
        recent = self.arrived(t - RECENT_MINUTES, t) / min(RECENT_MINUTES, max(t, 1.0))
        signals = Signals(self.forecast_rate(t, self.lead), recent, obs.online, obs.pending, obs.busy, obs.waiting,
                          obs.recent_requests, obs.recent_abandoned, self.forecast_rate(t, self.horizon),
                          obs.online * self.churn + obs.idle_expiring)
        d = control(signals, self.need, self.state, self.rules)
        self.state = d.state
        release = d.release if self.release else 0
        self.log.append((t, d.required, int(d.level), release))
        return int(d.level), release

    def bonus(self, level: int) -> float:
        """The bonus per conversation at a level."""
        return float(bonus_for(SurgeLevel(level), self.rules.levels))


def first_day(s: Scenario) -> date:
    """The calendar date of minute 0 (the forecast needs weekdays): the data's own for the call center."""
    if s.arrivals.kind == "callcenter":
        from tandem.engines.sim.callcenter import DEFAULT_PATH, load_callcenter

        return load_callcenter(s.arrivals.path or DEFAULT_PATH, s.arrivals.days_filter).first_day
    return DEFAULT_FIRST_DAY


def surge_levels_for(s: Scenario, demand: HumanDemand) -> SurgeController:
    """Build the loop for a scenario from its own demand history."""
    mean, _, patience = handling_params(s)
    model = ServiceModel(mean, patience, concurrency=s.agents.capacity)
    forecast = PriorDaysForecast(demand.entry, first_day(s)) if demand.entry.size else None
    return SurgeController(demand.entry, forecast, model, s.surge, s.agents.mean_session_minutes)
