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

from tandem.engines.sim.rostering import SLOT_MINUTES
from tandem.engines.sim.runner import run_scenario
from tandem.engines.sim.scenario import Scenario, load_scenario

COLUMNS = ("variant", "conversations", "resolved_share", "service_level", "abandonment", "wait_p90_s",
           "agent_hours", "total_cost", "cost_per_resolution", "mean_csat")


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
