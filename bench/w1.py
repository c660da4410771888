"""W1: the surge loop on the call-center arrivals against the cheapest perfect-foresight plan that meets the bar.

    python bench/w1.py                      # full 24 days of scenarios/callcenter.toml (about a minute)
    python bench/w1.py --days 1-7           # a subset of the month's days, for quick tuning
    python bench/w1.py --scenario other.toml --seed 3

Prints JSON: the surge run (share of hours with abandonment <= 5%, agent-hours, overall abandonment), the
baseline plan (its parameter, agent-hours and its own share), the per-hour 5% plan for reference, the ratio, and
the load average. Definitions: src/tandem/engines/sim/w1.py and docs/simulator.md ("W1").
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import time
from pathlib import Path

import numpy as np

from tandem.engines.sim.records import Records
from tandem.engines.sim.runner import handling_params, run_scenario
from tandem.engines.sim.scenario import Scenario, load_scenario
from tandem.engines.sim.w1 import (
    BUSY_HOUR_REQUESTS,
    HOUR_BAR,
    SHARE_BAR,
    hourly_abandonment,
    requests_per_hour,
    run_plan,
    search_plan,
    share_of_good_hours,
)

ROOT = Path(__file__).resolve().parent.parent


def parse_days(text: str) -> tuple[int, ...]:
    """'1-7' or '3,5,9' -> days of the month."""
    days: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        days += range(int(lo), int(hi or lo) + 1)
    return tuple(days)


def w1(s: Scenario, seed: int) -> dict[str, object]:
    """Run the surge loop, then search the baseline plan on the same demand, engine and seed."""
    handle, _, patience = handling_params(s)

    def simulate(variant: Scenario) -> tuple[Records, float]:
        res = run_scenario(variant, np.random.default_rng(seed))
        return res.records, float(res.agent_minutes.sum())

    start, cpu = time.perf_counter(), time.process_time()
    res = run_scenario(s, np.random.default_rng(seed))
    rec, surge_hours = res.records, float(res.agent_minutes.sum()) / 60.0
    requests = requests_per_hour(rec)
    hours, _ = hourly_abandonment(rec)
    best, runs = search_plan(s, requests, simulate, handle, patience)
    per_hour_5 = next((r for r in runs if r.max_abandon == HOUR_BAR), None) or run_plan(
        s, requests, HOUR_BAR, simulate, handle, patience)
    surge = {
        "hours": int(hours.size),
        "hours_abandon_le_5pct": round(share_of_good_hours(rec), 4),
        f"hours_ge_{BUSY_HOUR_REQUESTS}_abandon_le_5pct": round(share_of_good_hours(rec, BUSY_HOUR_REQUESTS), 4),
        "agent_hours": round(surge_hours, 1),
        "abandonment": res.summary["abandonment"],
        "human_requests": int(requests.sum()),
    }
    out: dict[str, object] = {
        "definition": f"hours with >= 1 request; good if abandonment <= {HOUR_BAR:.0%}; W1 needs >= {SHARE_BAR:.0%} "
                      "of hours good at <= 1.10x the agent-hours of the cheapest perfect-foresight plan that "
                      "itself has >= 95% good hours",
        "surge": surge,
        "baseline_plan": best.as_dict() if best else None,
        "per_hour_5pct_plan": per_hour_5.as_dict(),
        "plans_searched": [r.as_dict() for r in runs],
        "ratio_to_baseline": round(surge_hours / best.agent_hours, 3) if best else None,
        "ratio_to_per_hour_5pct_plan": round(surge_hours / per_hour_5.agent_hours, 3),
        "w1_met": bool(best and surge["hours_abandon_le_5pct"] >= SHARE_BAR  # type: ignore[operator]
                       and surge_hours <= 1.10 * best.agent_hours),
        "cpu_seconds": round(time.process_time() - cpu, 1),
        "wall_seconds": round(time.perf_counter() - start, 1),
        "load_average_1min": round(os.getloadavg()[0], 1),
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "callcenter.toml")
    parser.add_argument("--days", type=parse_days, default=(), help="days of the month, e.g. 1-7 (default: all)")
    parser.add_argument("--seed", type=int, default=None, help="default: the scenario's seed")
    args = parser.parse_args()
    s = load_scenario(args.scenario)
    if args.days:
        s = dataclasses.replace(s, arrivals=dataclasses.replace(s.arrivals, days_filter=args.days))
    print(json.dumps(w1(s, s.seed if args.seed is None else args.seed), indent=2))


if __name__ == "__main__":
    main()
