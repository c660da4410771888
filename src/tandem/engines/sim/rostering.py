"""The shift plans a scenario gets when it asks for shifts or a hybrid without listing them: a classic hourly
plan, or the least-cost roster (4/6/8 h shifts, half-hour starts) for the expected human demand, optionally for
a Poisson quantile of it (a hybrid's core). The runner calls these; `compare` only chooses the variants.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import poisson

from tandem.engines.sim.human import HumanDemand
from tandem.engines.sim.profiles import hourly_means
from tandem.engines.sim.scenario import Scenario
from tandem.engines.staffing.model import ServiceModel, StaffingTarget
from tandem.engines.staffing.optimize import required_agents
from tandem.engines.staffing.roster import ShiftRules, build_problem, requirement, solve_milp

SLOT_MINUTES = 30


def auto_shifts(s: Scenario, demand: HumanDemand, handle: float, patience: float) -> tuple[int, ...]:
    """A classic plan: per hour of day, the least agents meeting the abandonment target at that hour's mean."""
    days = max(float(demand.entry[-1]) / 1440.0, 1.0) if demand.entry.size else 1.0
    per_hour = np.bincount((demand.entry // 60 % 24).astype(int), minlength=24) / days
    model = ServiceModel(handle, patience, concurrency=s.agents.capacity)
    target = StaffingTarget(0.0, s.service_level_seconds, s.surge.target_abandon)
    return tuple(required_agents(k / 60.0, model, target).agents if k else 0 for k in per_hour)


def expected_slots(s: Scenario, demand: HumanDemand, arrivals: int) -> np.ndarray:
    """Expected human requests per half hour over the run's whole days."""
    days = max(int(np.ceil(float(demand.entry[-1]) / 1440.0)) if demand.entry.size else 1, 1)
    if s.arrivals.kind == "synthetic":
        share = demand.entry.size / max(arrivals, 1)
        per_hour = hourly_means(s.arrivals) * share
        per_hour = np.resize(per_hour, days * 24)
        return np.repeat(per_hour / 2.0, 2)
    per_slot = np.bincount((demand.entry // SLOT_MINUTES % 48).astype(int), minlength=48) / days
    return np.tile(per_slot, days)


def auto_roster(s: Scenario, demand: HumanDemand, arrivals: int, handle: float, patience: float,
                quantile: float | None = None) -> tuple[int, ...]:
    """Agents per half hour of the least-cost roster for the expected demand (or its Poisson quantile)."""
    expected = expected_slots(s, demand, arrivals)
    if quantile is not None:
        expected = np.where(expected > 0, poisson.ppf(quantile, np.maximum(expected, 1e-12)), 0.0)
    model = ServiceModel(handle, patience, concurrency=s.agents.capacity)
    target = StaffingTarget(0.0, s.service_level_seconds, s.surge.target_abandon)
    need = requirement(expected / SLOT_MINUTES, model, target)
    rules = ShiftRules(slot_minutes=SLOT_MINUTES, hourly_rate=s.pay.shift_hourly)
    coverage: list[int] = []
    for day in range(need.size // 48):
        roster = solve_milp(build_problem(need[day * 48:(day + 1) * 48], None, rules))
        coverage += [int(v) for v in roster.coverage]
    return tuple(coverage)
