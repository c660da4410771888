"""P4: simulated P(abandon) and P(wait) against exact Erlang-A over a wide grid; prints the max errors.

    python bench/sim_accuracy.py [--customers 2000000] [--quick]
"""

from __future__ import annotations

import argparse
import itertools
import json
import time

import numpy as np

from tandem.engines.sim.erlang_a import ErlangAModel, simulate_erlang_a
from tandem.engines.staffing.erlang_a import erlang_a
from tandem.engines.staffing.model import ServiceModel

AGENTS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000)
LOADS = (0.7, 0.85, 1.0, 1.1, 1.2)
RATIOS = (0.1, 0.5, 1.0, 3.0, 10.0)  # patience / handle


def mixing_customers(model: ErlangAModel) -> int:
    """Near critical load the queue forgets its state only over many patience times: run longer there."""
    if abs(model.load - 1.0) > 0.15:
        return 0
    return min(int(model.arrival_rate * max(model.patience, model.handle_time) * 2000), 30_000_000)


def point(n: int, load: float, ratio: float, customers: int, seed: int) -> dict[str, float]:
    """One grid point: handle 1 min, arrival rate load*n, patience ratio*handle."""
    model = ErlangAModel(arrival_rate=load * n, handle_time=1.0, patience=ratio, agents=n)
    customers = max(customers, mixing_customers(model))
    sim = simulate_erlang_a(model, customers, np.random.default_rng(seed))
    ref = erlang_a(model.arrival_rate, n, ServiceModel(1.0, ratio), 20.0)
    return {"n": n, "load": load, "ratio": ratio, "err_abandon": sim.p_abandon - ref.p_abandon,
            "err_wait": sim.p_wait - ref.p_wait, "exact_abandon": ref.p_abandon, "exact_wait": ref.p_wait}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=2_000_000)
    parser.add_argument("--quick", action="store_true", help="a 3x3x3 corner grid")
    args = parser.parse_args()
    grid = list(itertools.product(AGENTS, LOADS, RATIOS))
    if args.quick:
        grid = list(itertools.product((1, 50, 2000), (0.7, 1.0, 1.2), (0.1, 1.0, 10.0)))
    start = time.perf_counter()
    rows = [point(n, load, ratio, args.customers, seed) for seed, (n, load, ratio) in enumerate(grid)]
    worst_ab = max(rows, key=lambda r: abs(r["err_abandon"]))
    worst_w = max(rows, key=lambda r: abs(r["err_wait"]))
    print(json.dumps({
        "points": len(rows), "min_customers_per_point": args.customers,
        "max_abs_err_abandon": round(abs(worst_ab["err_abandon"]), 5), "worst_abandon_point": worst_ab,
        "max_abs_err_wait": round(abs(worst_w["err_wait"]), 5), "worst_wait_point": worst_w,
        "points_outside_0.005": sum(1 for r in rows
                                    if max(abs(r["err_abandon"]), abs(r["err_wait"])) > 0.005),
        "seconds": round(time.perf_counter() - start, 1),
    }, indent=2))


if __name__ == "__main__":
    main()
