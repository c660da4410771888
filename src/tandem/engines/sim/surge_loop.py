"""The surge loop the simulator runs: a level from the gap between agents needed and agents online.

Needed agents come from the exact Erlang-A staffing engine on the larger of the recent arrival rate and the
forecast rate `lead_minutes` ahead. The forecast is seasonal (same weekday and hour in other weeks of the same
history), so it never sees the day being simulated.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from tandem.engines.sim.human import HumanDemand
from tandem.engines.sim.scenario import Scenario
from tandem.engines.staffing.model import ServiceModel, StaffingTarget
from tandem.engines.staffing.optimize import required_agents

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


class ForecastSurge:
    """Surge level = ceil(gap / step) capped at max_level, where step is a tenth of the need (at least 1)."""

    def __init__(self, entry: np.ndarray, forecast_per_hour: np.ndarray, handle: float, patience: float,
                 capacity: int, target_abandon: float, lead: float, max_level: int) -> None:
        self.entry, self.forecast, self.lead, self.max_level = entry, forecast_per_hour, lead, max_level
        model = ServiceModel(handle, patience, concurrency=capacity)
        target = StaffingTarget(0.0, 20.0, target_abandon)

        @lru_cache(maxsize=4096)
        def need(rate_x100: int) -> int:
            return required_agents(rate_x100 / 100.0, model, target).agents if rate_x100 else 0

        self.need = need

    def rate(self, t: float) -> float:
        """Arrivals per minute the platform expects now: max of recent and forecast `lead` ahead."""
        lo, hi = np.searchsorted(self.entry, [t - RECENT_MINUTES, t])
        recent = (hi - lo) / min(RECENT_MINUTES, max(t, 1.0))
        hour = min(int((t + self.lead) // 60), len(self.forecast) - 1)
        return max(float(recent), float(self.forecast[hour]) / 60.0)

    def level(self, t: float, online: int) -> int:
        need = self.need(int(round(self.rate(t) * 100)))
        gap = need - online
        if gap <= 0:
            return 0
        return min(self.max_level, math.ceil(gap / max(1.0, 0.1 * need)))


def surge_levels_for(s: Scenario, demand: HumanDemand) -> ForecastSurge:
    """Build the loop for a scenario from its own demand history."""
    from tandem.engines.sim.runner import handling_params

    hours = int(demand.entry[-1] // 60) + 2 if demand.entry.size else 1
    mean, _, patience = handling_params(s)
    return ForecastSurge(demand.entry, seasonal_forecast(demand.entry, hours), mean, patience,
                         s.agents.capacity, s.surge.target_abandon, s.surge.lead_minutes, s.surge.max_level)
