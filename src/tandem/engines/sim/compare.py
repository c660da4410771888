"""Same demand, three ways of staffing it: an optimized shift roster, the gig pool with the surge loop, and a
hybrid (a rostered core sized to a quantile of the expected demand, the gig pool and surge loop beside it), with
the AI-only service as a reference row.

Every variant draws its agents from the same profile model with the same quality guardrail (`quality_min`), so
CSAT's quality term is the same for all; the earlier fixed-shift variant had `quality_min = 0` and lost CSAT
for it. The roster is planned per half hour on the *expected* human demand, not on the run's own arrivals: for
synthetic arrivals the scenario's hourly x weekly curve times the run's escalation share, otherwise the run's
mean per half hour of the day. Each day is rostered on its own (no shift crosses midnight).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import poisson

from tandem.engines.sim.human import HumanDemand
from tandem.engines.sim.profiles import hourly_means
from tandem.engines.sim.scenario import Scenario, load_scenario
from tandem.engines.staffing.model import ServiceModel, StaffingTarget
from tandem.engines.staffing.optimize import required_agents
from tandem.engines.staffing.roster import ShiftRules, build_problem, requirement, solve_milp

COLUMNS = ("variant", "conversations", "resolved_share", "service_level", "abandonment", "wait_p90_s",
           "agent_hours", "total_cost", "cost_per_resolution", "mean_csat")
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


def variants(s: Scenario) -> dict[str, Scenario]:
    """The scenarios compared: the same agent model and guardrail everywhere; only who is online differs."""
    ai_only = dataclasses.replace(
        s, ai=dataclasses.replace(s.ai, enabled=True, human_option=False),
        agents=dataclasses.replace(s.agents, mode="fixed", count=0), surge=dataclasses.replace(s.surge, enabled=False))
    shifts = dataclasses.replace(s, agents=dataclasses.replace(s.agents, mode="shifts", shifts=(),
                                                               shift_minutes=SLOT_MINUTES),
                                 surge=dataclasses.replace(s.surge, enabled=False))
    gig = dataclasses.replace(s, agents=dataclasses.replace(s.agents, mode="gig"),
                              surge=dataclasses.replace(s.surge, enabled=True))
    hybrid = dataclasses.replace(s, agents=dataclasses.replace(s.agents, mode="hybrid", shifts=(),
                                                               shift_minutes=SLOT_MINUTES),
                                 surge=dataclasses.replace(s.surge, enabled=True))
    return {"ai_only": ai_only, "shifts": shifts, "gig": gig, "hybrid": hybrid}


def compare_scenario(path: str | Path, seed: int | None = None) -> list[dict[str, Any]]:
    """Run the variants with the same seed (hence the same arrivals and AI outcomes)."""
    from tandem.engines.sim.runner import run_scenario

    s = load_scenario(path)
    rows = []
    for name, variant in variants(s).items():
        res = run_scenario(variant, np.random.default_rng(s.seed if seed is None else seed))
        rows.append({"variant": name, **{k: res.summary[k] for k in COLUMNS[1:]}})
    return rows


def to_markdown(rows: list[dict[str, Any]]) -> str:
    """A Markdown table, one variant per row."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(str(r[c]) for c in COLUMNS) + " |" for r in rows]
    return "\n".join(lines)
