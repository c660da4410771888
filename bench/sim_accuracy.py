"""P4: simulated P(abandon) and P(wait) against exact Erlang-A over a wide grid; prints the max errors.

    python bench/sim_accuracy.py [--customers 2000000] [--replications 4] [--quick]

Each point runs `replications` independent runs (own seeds, own warm-up) and reports the mean error and its
standard error from the spread of the runs. Near critical load with many agents and long patience the
"all agents busy" state mixes slowly, so a run's P(wait) wanders far more than a binomial count suggests;
the standard error says whether an error beyond ±0.005 is bias or noise. The closed form is also checked
against the brute-force birth-death chain (`staffing.reference`) at the worst points.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import time

import numpy as np

from tandem.engines.sim.erlang_a import ErlangAModel, simulate_erlang_a
from tandem.engines.staffing.erlang_a import erlang_a
from tandem.engines.staffing.model import ServiceModel
from tandem.engines.staffing.reference import brute_force_erlang_a

AGENTS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000)
LOADS = (0.7, 0.85, 1.0, 1.1, 1.2)
RATIOS = (0.1, 0.5, 1.0, 3.0, 10.0)  # patience / handle
TOLERANCE = 0.005


def mixing_customers(model: ErlangAModel, cap: int) -> int:
    """Near critical load the queue forgets its state only over many patience times: run longer there."""
    if abs(model.load - 1.0) > 0.15:
        return 0
    return min(int(model.arrival_rate * max(model.patience, model.handle_time) * 2000), cap)


def point(n: int, load: float, ratio: float, customers: int, reps: int, cap: int, seed: int) -> dict[str, float]:
    """One grid point: handle 1 min, arrival rate load*n, patience ratio*handle; errors with standard errors."""
    model = ErlangAModel(arrival_rate=load * n, handle_time=1.0, patience=ratio, agents=n)
    each = max(customers, mixing_customers(model, cap)) // reps
    runs = [simulate_erlang_a(model, each, np.random.default_rng([seed, r])) for r in range(reps)]
    ref = erlang_a(model.arrival_rate, n, ServiceModel(1.0, ratio), 20.0)
    ab = np.array([r.p_abandon for r in runs])
    wait = np.array([r.p_wait for r in runs])
    return {"n": n, "load": load, "ratio": ratio, "customers": each * reps,
            "err_abandon": float(ab.mean() - ref.p_abandon), "se_abandon": float(ab.std(ddof=1) / math.sqrt(reps)),
            "err_wait": float(wait.mean() - ref.p_wait), "se_wait": float(wait.std(ddof=1) / math.sqrt(reps)),
            "exact_abandon": ref.p_abandon, "exact_wait": ref.p_wait}


def significant(row: dict[str, float], name: str) -> bool:
    """Outside the tolerance and more than 3 standard errors from exact: a real discrepancy, not noise."""
    err, se = abs(row[f"err_{name}"]), row[f"se_{name}"]
    return err > TOLERANCE and err > 3 * max(se, 1e-12)


def needed_customers(row: dict[str, float]) -> int:
    """Customers for a P(wait) standard error of TOLERANCE/2 at this point (noise ~ 1/sqrt(customers))."""
    return int(row["customers"] * (row["se_wait"] / (TOLERANCE / 2)) ** 2)


def brute_force_check(row: dict[str, float]) -> float:
    """Largest difference between the closed form and the brute-force chain at a point."""
    n, ratio = int(row["n"]), row["ratio"]
    bf = brute_force_erlang_a(row["load"] * n, n, ServiceModel(1.0, ratio), 20.0)
    return max(abs(bf.p_wait - row["exact_wait"]), abs(bf.p_abandon - row["exact_abandon"]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=2_000_000)
    parser.add_argument("--replications", type=int, default=4)
    parser.add_argument("--cap", type=int, default=20_000_000, help="most customers at a slow-mixing point")
    parser.add_argument("--quick", action="store_true", help="a 3x3x3 corner grid")
    args = parser.parse_args()
    grid = list(itertools.product(AGENTS, LOADS, RATIOS))
    if args.quick:
        grid = list(itertools.product((1, 50, 2000), (0.7, 1.0, 1.2), (0.1, 1.0, 10.0)))
    start = time.perf_counter()
    rows = [point(n, load, ratio, args.customers, args.replications, args.cap, seed)
            for seed, (n, load, ratio) in enumerate(grid)]
    worst_ab = max(rows, key=lambda r: abs(r["err_abandon"]))
    worst_w = max(rows, key=lambda r: abs(r["err_wait"]))
    outside = [r for r in rows if max(abs(r["err_abandon"]), abs(r["err_wait"])) > TOLERANCE]
    z = np.array([r["err_wait"] / r["se_wait"] for r in rows if r["se_wait"] > 0])
    print(json.dumps({
        "points": len(rows), "replications": args.replications, "min_customers_per_point": args.customers,
        "max_abs_err_abandon": round(abs(worst_ab["err_abandon"]), 5), "worst_abandon_point": worst_ab,
        "max_abs_err_wait": round(abs(worst_w["err_wait"]), 5), "worst_wait_point": worst_w,
        "points_outside_0.005": len(outside),
        "outside_0.005_and_beyond_3_se": sum(1 for r in rows if significant(r, "wait") or significant(r, "abandon")),
        "outside_points": [{k: round(v, 5) for k, v in r.items()} | {"customers_for_se_0.0025": needed_customers(r)}
                           for r in outside],
        "wait_z_scores": {"count": int(z.size), "mean": round(float(z.mean()), 3),
                          "mean_square": round(float(np.mean(z**2)), 3)},
        "closed_form_vs_brute_force_max": max((brute_force_check(r) for r in outside[:8] + [worst_w]), default=0.0),
        "seconds": round(time.perf_counter() - start, 1),
    }, indent=2))


if __name__ == "__main__":
    main()
