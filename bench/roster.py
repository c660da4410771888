"""Roster optimizer: the MILP (HiGHS) against the greedy heuristic on 7-day half-hour problems, same process.

    python bench/roster.py          # the call-center week of 18-24 Aug planned from 1-17 Aug, and a synthetic week
    python bench/roster.py --json

Problems: (1) the Erlang-A requirement (abandonment <= 0.1% per half hour, at least one agent while open) for
the call center's last recorded week, forecast from the days before it, open 24/7 and (2) with the call center's
own hours (Sun-Thu 07-24, Fri 07-14, Sat 20-24); (3) a synthetic week (a daily hump to 12 agents plus noise,
24/7). Reported: MILP wall seconds (time limit 8 s), its cost, proven lower bound and gap, the greedy's
seconds and cost, the gap
greedy/MILP - 1, and the load average (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import date, datetime

import numpy as np

from tandem.core.datasets import shared_data_available, shared_data_path
from tandem.engines.sim.callcenter import DEFAULT_PATH
from tandem.engines.staffing.model import StaffingTarget
from tandem.engines.staffing.plan import ALWAYS_OPEN
from tandem.engines.staffing.roster import build_problem, open_mask, requirement, solve_greedy, solve_milp

CALL_CENTER_HOURS = ("07:00-24:00",) * 4 + ("07:00-14:00", "20:00-24:00", "07:00-24:00")  # Monday first


def callcenter_requirement() -> tuple[np.ndarray, datetime]:
    from tandem.engines.sim import staffing_compare as sc
    from tandem.engines.sim.scenario import Scenario
    from tandem.engines.staffing.plan import slot_arrivals

    calls = sc.read_recorded(shared_data_path(DEFAULT_PATH))
    start = date(2010, 8, 18)  # the file's year; the weekdays match 1999's
    study = sc.Study(calls, Scenario(), sc.Rates(24.0, 0.8, 0.12, (0.0, 0.5, 1.0, 2.0)))
    arrivals = slot_arrivals(study.forecast_model(start), start, 7)
    need = requirement(arrivals / 30, study.service_model(start), StaffingTarget(0.0, 20.0, 0.001))
    return np.maximum(need, 1), datetime.combine(start, datetime.min.time())


def synthetic_requirement() -> np.ndarray:
    rng = np.random.default_rng(1)
    t = np.arange(336) % 48
    req = np.round(np.clip(12 * np.sin(np.pi * (t - 14) / 34), 0, None) + rng.integers(0, 3, 336)).astype(int)
    req[t < 14] = rng.integers(0, 2, int((t < 14).sum()))
    return req


def measure(name: str, req: np.ndarray, mask: np.ndarray | None) -> dict[str, object]:
    problem = build_problem(req, mask)
    greedy = solve_greedy(problem)
    milp = solve_milp(problem, max_shifts=greedy.agents)
    assert np.all(milp.coverage >= problem.required) and np.all(greedy.coverage >= problem.required)
    return {"problem": name, "intervals": int(req.size), "patterns": len(problem.patterns),
            "agent_intervals_required": int(problem.required.sum()),
            "milp_seconds": round(milp.seconds, 2), "milp_cost": round(milp.cost, 2),
            "milp_lower_bound": round(milp.lower_bound, 2), "milp_proven_gap": round(milp.gap, 5),
            "milp_shifts": milp.agents,
            "greedy_seconds": round(greedy.seconds, 3), "greedy_cost": round(greedy.cost, 2),
            "greedy_gap": round(greedy.cost / milp.cost - 1, 4), "load_average_1min": round(os.getloadavg()[0], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = []
    started = time.perf_counter()
    if shared_data_available(DEFAULT_PATH):
        req, start = callcenter_requirement()
        rows.append(measure("call center 18-24 Aug, 24/7", req, open_mask(start, 7, ALWAYS_OPEN)))
        own = open_mask(start, 7, CALL_CENTER_HOURS)
        rows.append(measure("call center 18-24 Aug, its opening hours", req, own))
    rows.append(measure("synthetic week, 24/7", synthetic_requirement(), None))
    out = {"rows": rows, "wall_seconds": round(time.perf_counter() - started, 1)}
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print("| problem | patterns | MILP s | MILP cost | lower bound | proven gap | greedy s | greedy cost "
          "| greedy gap | load |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['problem']} | {r['patterns']} | {r['milp_seconds']} | {r['milp_cost']} "
              f"| {r['milp_lower_bound']} "
              f"| {r['milp_proven_gap']:.2%} | {r['greedy_seconds']} | {r['greedy_cost']} | {r['greedy_gap']:.1%} "
              f"| {r['load_average_1min']} |")


if __name__ == "__main__":
    main()
