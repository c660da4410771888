"""The surge loop the simulator runs, on the production surge rules (`tandem.engines.surge`).

Every interval the loop needs the exact Erlang-A least agents (`surge.agents_needed`) for the larger of the
recent arrival rate and the forecast rate `lead_minutes` ahead, and sets the level from the shortfall with
hysteresis (`surge.surge_level`); the bonus per conversation is `surge.bonus_for`. The forecast is seasonal
(same weekday and hour in the other weeks of the same history), so it never sees the hour being simulated.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import numpy as np

from tandem.engines.sim.human import HumanDemand
from tandem.engines.sim.scenario import Scenario, Surge
from tandem.engines.staffing.model import ServiceModel, StaffingTarget
from tandem.engines.surge import SurgeLevel, SurgeRules, agents_needed, bonus_for, surge_level

RECENT_MINUTES = 15.0


def seasonal_forecast(entry: np.ndarray, hours: int) -> np.ndarray:
    """Arrivals per hour predicted as the mean of the same weekday-hour in the other weeks (all days if alone)."""
    counts = np.bincount((entry // 60).astype(int), minlength=hours)[:hours].astype(float)
    out = np.zeros(hours)
    for h in range(hours):
        peers = [k for k in range(h % 168, hours, 168) if k != h]
        if not peers:
            peers = [k for k in range(h % 24, hours, 24) if k != h]
        out[h] = counts[peers].mean() if peers else counts[h]
    return out


def surge_rules(surge: Surge) -> SurgeRules:
    """The scenario's surge settings as the surge engine's rules."""
    bonus = tuple(Decimal(str(b)) for b in surge.bonus)
    return SurgeRules(enter=surge.enter, hysteresis=surge.hysteresis, bonus=bonus)  # type: ignore[arg-type]


class ForecastSurge:
    """The level from the gap between agents needed (Erlang-A on the expected rate) and agents online."""

    def __init__(self, entry: np.ndarray, forecast_per_hour: np.ndarray, model: ServiceModel, surge: Surge) -> None:
        self.entry, self.forecast, self.lead = entry, forecast_per_hour, surge.lead_minutes
        self.rules = surge_rules(surge)
        self.previous = SurgeLevel.NONE
        target = StaffingTarget(0.0, 20.0, surge.target_abandon)

        @lru_cache(maxsize=4096)
        def need(per_hour: int) -> int:
            return agents_needed(per_hour, 60.0, model, target) if per_hour else 0

        self.need = need

    def rate(self, t: float) -> float:
        """Arrivals per minute the platform expects now: max of recent and forecast `lead` ahead."""
        lo, hi = np.searchsorted(self.entry, [t - RECENT_MINUTES, t])
        recent = (hi - lo) / min(RECENT_MINUTES, max(t, 1.0))
        hour = min(int((t + self.lead) // 60), len(self.forecast) - 1)
        return max(float(recent), float(self.forecast[hour]) / 60.0)

    def level(self, t: float, online: int) -> int:
        """The surge level now, carrying hysteresis from the previous look."""
        needed = self.need(int(round(self.rate(t) * 60)))
        self.previous = surge_level(needed, online, self.previous, self.rules)
        return int(self.previous)

    def bonus(self, level: int) -> float:
        """The bonus per conversation at a level."""
        return float(bonus_for(SurgeLevel(level), self.rules))


def surge_levels_for(s: Scenario, demand: HumanDemand) -> ForecastSurge:
    """Build the loop for a scenario from its own demand history."""
    from tandem.engines.sim.runner import handling_params

    hours = int(demand.entry[-1] // 60) + 2 if demand.entry.size else 1
    mean, _, patience = handling_params(s)
    model = ServiceModel(mean, patience, concurrency=s.agents.capacity)
    return ForecastSurge(demand.entry, seasonal_forecast(demand.entry, hours), model, s.surge)
