"""Same demand, three ways: AI only (no human option), fixed shifts, and Tandem (gig pool + surge + guardrail)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np

from tandem.engines.sim.human import HumanDemand
from tandem.engines.sim.scenario import Scenario, load_scenario
from tandem.engines.staffing.model import ServiceModel, StaffingTarget
from tandem.engines.staffing.optimize import required_agents

COLUMNS = ("variant", "conversations", "resolved_share", "service_level", "abandonment", "wait_p90_s",
           "agent_hours", "total_cost", "cost_per_resolution", "mean_csat")


def auto_shifts(s: Scenario, demand: HumanDemand, handle: float, patience: float) -> tuple[int, ...]:
    """A classic plan: per hour of day, the least agents meeting the abandonment target at that hour's mean."""
    days = max(float(demand.entry[-1]) / 1440.0, 1.0) if demand.entry.size else 1.0
    per_hour = np.bincount((demand.entry // 60 % 24).astype(int), minlength=24) / days
    model = ServiceModel(handle, patience, concurrency=s.agents.capacity)
    target = StaffingTarget(0.0, s.service_level_seconds, s.surge.target_abandon)
    return tuple(required_agents(k / 60.0, model, target).agents if k else 0 for k in per_hour)


def variants(s: Scenario) -> dict[str, Scenario]:
    """The three scenarios compared."""
    ai_only = dataclasses.replace(
        s, ai=dataclasses.replace(s.ai, enabled=True, human_option=False),
        agents=dataclasses.replace(s.agents, mode="fixed", count=0), surge=dataclasses.replace(s.surge, enabled=False))
    shifts = dataclasses.replace(s, agents=dataclasses.replace(s.agents, mode="shifts", shifts=(), quality_min=0.0),
                                 surge=dataclasses.replace(s.surge, enabled=False))
    tandem = dataclasses.replace(s, agents=dataclasses.replace(s.agents, mode="gig"),
                                 surge=dataclasses.replace(s.surge, enabled=True))
    return {"ai_only": ai_only, "fixed_shifts": shifts, "tandem": tandem}


def compare_scenario(path: str | Path, seed: int | None = None) -> list[dict[str, Any]]:
    """Run the three variants with the same seed (hence the same arrivals and AI outcomes)."""
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
