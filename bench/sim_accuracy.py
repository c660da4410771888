"""P4: simulated P(abandon) and P(wait) against exact Erlang-A over the wide grid, verified point by point.

    python bench/sim_accuracy.py                       # the 275-point grid (n 1-2000, load 0.7-1.2, ratio 0.1-10)
    python bench/sim_accuracy.py --quick               # a 3x3x3 corner grid
    python bench/sim_accuracy.py --shard 0/2 --rows a.jsonl &  python bench/sim_accuracy.py --shard 1/2 --rows b.jsonl
    python bench/sim_accuracy.py --summarize a.jsonl b.jsonl   # merge shards into one report

Each point runs independent replications (own seeds, own warm-up) in rounds until the tolerance is *verified*:
for both P(abandon) and P(wait), |mean error| + t * standard error <= 0.005, with t the two-sided 95% Student
quantile for the number of replications. A point still unverified when `--budget` customers are spent is reported
as a failure if its error exceeds the tolerance by more than t standard errors (a bias, not noise), otherwise as
open, with the customers it would need. A failure is only called at the end of the budget: with a handful of
replications the spread itself is uncertain, and calling it early turned noise into false failures.

Near critical load with many agents and long patience the "all agents busy" state mixes slowly, so a run's
P(wait) wanders far more than a binomial count suggests: those points get longer runs (`mixing_customers`) and,
where needed, hundreds of millions of customers. The closed form is also checked against the brute-force
birth-death chain (`staffing.reference`) at the worst points.

Rows are appended to `--rows` (JSON lines) as they finish, so an interrupted run keeps its points and a rerun
with the same file skips them.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import time
from pathlib import Path

import numpy as np
from scipy import stats

from tandem.engines.sim.erlang_a import ErlangAModel, simulate_erlang_a
from tandem.engines.staffing.erlang_a import erlang_a
from tandem.engines.staffing.model import ServiceModel
from tandem.engines.staffing.reference import brute_force_erlang_a

AGENTS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000)
LOADS = (0.7, 0.85, 1.0, 1.1, 1.2)
RATIOS = (0.1, 0.5, 1.0, 3.0, 10.0)  # patience / handle
TOLERANCE = 0.005
METRICS = ("abandon", "wait")


def mixing_customers(model: ErlangAModel, cap: int) -> int:
    """Near critical load the queue forgets its state only over many patience times: run longer there."""
    if abs(model.load - 1.0) > 0.15:
        return 0
    return min(int(model.arrival_rate * max(model.patience, model.handle_time) * 2000), cap)


def t_quantile(reps: int) -> float:
    """Two-sided 95% Student quantile for the mean of `reps` replications."""
    return float(stats.t.ppf(0.975, reps - 1))


def verdict(err: float, se: float, t: float) -> str:
    """'ok' (tolerance verified), 'fail' (beyond it by more than t SE) or 'open' (cannot tell yet)."""
    if abs(err) + t * se <= TOLERANCE:
        return "ok"
    if abs(err) - t * se > TOLERANCE:
        return "fail"
    return "open"


def point(n: int, load: float, ratio: float, customers: int, reps: int, cap: int, budget: int,
          seed: int) -> dict[str, object]:
    """One grid point (handle 1 min, arrival rate load*n, patience ratio*handle), replicated until decided."""
    model = ErlangAModel(arrival_rate=load * n, handle_time=1.0, patience=ratio, agents=n)
    each = max(customers, mixing_customers(model, cap)) // reps
    ref = erlang_a(model.arrival_rate, n, ServiceModel(1.0, ratio), 20.0)
    exact = {"abandon": ref.p_abandon, "wait": ref.p_wait}
    values: dict[str, list[float]] = {m: [] for m in METRICS}
    start = time.perf_counter()
    while True:
        for r in range(len(values["wait"]), len(values["wait"]) + reps):
            run = simulate_erlang_a(model, each, np.random.default_rng([seed, r]))
            values["abandon"].append(run.p_abandon)
            values["wait"].append(run.p_wait)
        k = len(values["wait"])
        t = t_quantile(k)
        row: dict[str, object] = {"n": n, "load": load, "ratio": ratio, "replications": k, "customers": each * k}
        states = []
        for m in METRICS:
            v = np.array(values[m])
            err, se = float(v.mean() - exact[m]), float(v.std(ddof=1) / math.sqrt(k))
            row |= {f"exact_{m}": exact[m], f"err_{m}": err, f"se_{m}": se}
            states.append(verdict(err, se, t))
        if "fail" in states:
            row["verdict"] = "fail"
        elif all(s == "ok" for s in states):
            row["verdict"] = "ok"
        else:
            row["verdict"] = "open"
        if row["verdict"] == "ok" or each * (k + reps) > budget:
            row["seconds"] = round(time.perf_counter() - start, 1)
            row["customers_to_verify"] = customers_to_verify(row)
            return row


def customers_to_verify(row: dict[str, object]) -> int:
    """Customers for which the current errors would be verified (noise ~ 1/sqrt(customers)); 0 if done."""
    need = 0.0
    for m in METRICS:
        err, se = abs(float(row[f"err_{m}"])), float(row[f"se_{m}"])  # type: ignore[arg-type]
        room = TOLERANCE - err
        if err + 2 * se > TOLERANCE:
            need = max(need, math.inf if room <= 0 else float(row["customers"]) * (2 * se / room) ** 2)  # type: ignore[arg-type]
    return -1 if math.isinf(need) else int(need)


def brute_force_check(row: dict[str, object]) -> float:
    """Largest difference between the closed form and the brute-force chain at a point."""
    n, ratio, load = int(row["n"]), float(row["ratio"]), float(row["load"])  # type: ignore[call-overload, arg-type]
    bf = brute_force_erlang_a(load * n, n, ServiceModel(1.0, ratio), 20.0)
    return max(abs(bf.p_wait - float(row["exact_wait"])), abs(bf.p_abandon - float(row["exact_abandon"])))  # type: ignore[arg-type]


def summarize(rows: list[dict[str, object]], seconds: float) -> dict[str, object]:
    """The report over all rows: worst errors, verdict counts, z-scores, closed form vs brute force."""
    def worst(m: str) -> dict[str, object]:
        return max(rows, key=lambda r: abs(float(r[f"err_{m}"])))  # type: ignore[arg-type]

    z = np.array([float(r["err_wait"]) / float(r["se_wait"]) for r in rows if float(r["se_wait"]) > 0])  # type: ignore[arg-type]
    counts = {v: sum(1 for r in rows if r["verdict"] == v) for v in ("ok", "open", "fail")}
    flagged = [r for r in rows if r["verdict"] != "ok"]
    outside = [r for r in rows if max(abs(float(r["err_abandon"])), abs(float(r["err_wait"]))) > TOLERANCE]  # type: ignore[arg-type]
    return {
        "points": len(rows),
        "verdicts": counts,
        "customers_total": sum(int(r["customers"]) for r in rows),  # type: ignore[call-overload]
        "max_abs_err_abandon": round(abs(float(worst("abandon")["err_abandon"])), 5),  # type: ignore[arg-type]
        "worst_abandon_point": worst("abandon"),
        "max_abs_err_wait": round(abs(float(worst("wait")["err_wait"])), 5),  # type: ignore[arg-type]
        "worst_wait_point": worst("wait"),
        "points_with_mean_error_outside_0.005": len(outside),
        "not_verified_points": flagged,
        "wait_z_scores": {"count": int(z.size), "mean": round(float(z.mean()), 3) if z.size else None,
                          "mean_square": round(float(np.mean(z**2)), 3) if z.size else None},
        "closed_form_vs_brute_force_max": max((brute_force_check(r) for r in flagged[:8] + [worst("wait")]),
                                              default=0.0),
        "seconds": round(seconds, 1),
    }


def read_rows(paths: list[Path]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for path in paths:
        if path.exists():
            rows += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2_000_000, help="customers per point and round, at least")
    parser.add_argument("--replications", type=int, default=8, help="replications per round")
    parser.add_argument("--cap", type=int, default=40_000_000, help="most customers per round at slow-mixing points")
    parser.add_argument("--budget", type=int, default=1_600_000_000, help="most customers at one point")
    parser.add_argument("--quick", action="store_true", help="a 3x3x3 corner grid")
    parser.add_argument("--shard", default="0/1", help="i/k: run every k-th point starting at i")
    parser.add_argument("--rows", type=Path, help="append finished points here (JSON lines); resumes a run")
    parser.add_argument("--summarize", type=Path, nargs="+", help="only merge these row files into a report")
    args = parser.parse_args()
    if args.summarize:
        print(json.dumps(summarize(read_rows(args.summarize), 0.0), indent=2))
        return
    grid = list(itertools.product(AGENTS, LOADS, RATIOS))
    if args.quick:
        grid = list(itertools.product((1, 50, 2000), (0.7, 1.0, 1.2), (0.1, 1.0, 10.0)))
    index, _, count = args.shard.partition("/")
    done = {(r["n"], r["load"], r["ratio"]) for r in read_rows([args.rows])} if args.rows else set()
    start = time.perf_counter()
    rows = []
    for seed, (n, load, ratio) in enumerate(grid):
        if seed % int(count) != int(index) or (n, load, ratio) in done:
            continue
        row = point(n, load, ratio, args.customers, args.replications, args.cap, args.budget, seed)
        rows.append(row)
        if args.rows:
            with args.rows.open("a") as out:
                out.write(json.dumps(row) + "\n")
                out.flush()
                os.fsync(out.fileno())
    everything = read_rows([args.rows]) if args.rows else rows
    print(json.dumps(summarize(everything, time.perf_counter() - start), indent=2))


if __name__ == "__main__":
    main()
