"""P5: Erlang-A evaluation and least-agents optimisation, Tandem's closed form beside a naive baseline.

The baseline is what one writes first: sum the birth–death chain state by state in a Python loop (truncated
when the weights vanish) and find the least agents by scanning n = 1, 2, ... until the target is met.

    python bench/staffing.py            # table
    python bench/staffing.py --json     # machine-readable
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from collections.abc import Callable

from scipy.special import betainc

from tandem.engines.staffing import ServiceModel, StaffingTarget, erlang_a, required_agents

MODEL = ServiceModel(handle_time=3.0, patience=2.0)
TARGET = StaffingTarget(service_level=0.8, target_seconds=20.0, max_abandon=0.05)
ERLANGS = (30, 300, 1000, 2000)


def naive_erlang_a(lam: float, n: int, handle: float, patience: float, seconds: float) -> tuple[float, ...]:
    """Return (P(wait), P(abandon), SL) by walking the truncated birth–death chain state by state."""
    mu, theta = 1.0 / handle, 1.0 / patience
    weights, log_w, top, j = [], 0.0, 0.0, 0
    while True:
        weights.append(log_w)
        top = max(top, log_w)  # the running maximum: one comparison a state, so the walk stays linear
        death = min(j + 1, n) * mu + max(j + 1 - n, 0) * theta
        log_w += math.log(lam / death)
        j += 1
        if j > n and lam < death and log_w < top - 40:
            break
    probs = [math.exp(w - top) for w in weights]
    total = sum(probs)
    a, c = n * mu / theta, math.exp(-theta * seconds / 60)
    p_wait = sum(probs[n:]) / total
    p_abandon = theta * sum(i * p for i, p in enumerate(probs[n:])) / total / lam
    answered = sum(p * a / (a + i + 1) * betainc(i + 1, a + 1, 1 - c) for i, p in enumerate(probs[n:]))
    return p_wait, p_abandon, (sum(probs[:n]) + answered) / total


def naive_required(lam: float) -> int:
    """Return the least agents meeting TARGET by scanning upward from one agent."""
    n = 1
    while True:
        p_wait, p_abandon, sl = naive_erlang_a(
            lam, n, MODEL.handle_time, MODEL.patience, TARGET.target_seconds
        )
        if sl >= TARGET.service_level and p_abandon <= TARGET.max_abandon:
            return n
        n += 1


def per_call_ms(call: Callable[[], object], budget_s: float, max_calls: int) -> dict[str, float]:
    """Return median, p95 and mean milliseconds per call, timing each call separately."""
    times: list[float] = []
    deadline = time.perf_counter() + budget_s
    while len(times) < max_calls and (not times or time.perf_counter() < deadline):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e3)
    times.sort()
    return {
        "median_ms": statistics.median(times),
        "p95_ms": times[int(0.95 * (len(times) - 1))],
        "mean_ms": statistics.fmean(times),
        "calls": len(times),
    }


def scenario(erlangs: int, naive_budget_s: float) -> dict[str, object]:
    """Time evaluation and optimisation at one offered load, ours and naive."""
    lam = erlangs / MODEL.handle_time
    best = required_agents(lam, MODEL, TARGET)
    args = (lam, best.agents, MODEL.handle_time, MODEL.patience, TARGET.target_seconds)
    ours_eval = per_call_ms(lambda: erlang_a(lam, best.agents, MODEL, 20.0), 1.0, 20_000)
    naive_eval = per_call_ms(lambda: naive_erlang_a(*args), naive_budget_s, 2_000)
    ours_opt = per_call_ms(lambda: required_agents(lam, MODEL, TARGET), 1.0, 5_000)
    start = time.perf_counter()
    naive_n = naive_required(lam)  # one run: the scan takes seconds at 1,000+ Erlangs
    naive_opt = {"median_ms": (time.perf_counter() - start) * 1e3, "calls": 1}
    return {
        "erlangs": erlangs,
        "agents": best.agents,
        "naive_agents": naive_n,
        "max_metric_diff": max(abs(x - y) for x, y in zip(naive_erlang_a(*args), _ours(best), strict=True)),
        "eval": {"tandem": ours_eval, "naive": naive_eval},
        "optimise": {"tandem": ours_opt, "naive": naive_opt},
        "eval_speedup": naive_eval["median_ms"] / ours_eval["median_ms"],
        "optimise_speedup": naive_opt["median_ms"] / ours_opt["median_ms"],
    }


def _ours(result: object) -> tuple[float, float, float]:
    """Return (P(wait), P(abandon), SL) of a result."""
    return (result.p_wait, result.p_abandon, result.service_level)  # type: ignore[attr-defined]


def print_table(rows: list[dict[str, object]]) -> None:
    """Print one line per scenario."""
    print(
        "Erlangs agents | eval ms: tandem median/p95, naive, ×speedup"
        " | optimise ms: tandem median/p95, naive, ×speedup"
    )
    for r in rows:
        ev, op = r["eval"], r["optimise"]
        assert isinstance(ev, dict) and isinstance(op, dict)
        ours_ev, ours_op = ev["tandem"], op["tandem"]
        print(
            f"{r['erlangs']:>7} {r['agents']:>6} | {ours_ev['median_ms']:.4f}/{ours_ev['p95_ms']:.4f}"
            f"  {ev['naive']['median_ms']:8.2f}  ×{r['eval_speedup']:,.0f}"
            f" | {ours_op['median_ms']:.4f}/{ours_op['p95_ms']:.4f}"
            f"  {op['naive']['median_ms']:9.1f}  ×{r['optimise_speedup']:,.0f}"
            f" | same n: {r['agents'] == r['naive_agents']}, max |Δ| {r['max_metric_diff']:.1e}"
        )


def main() -> None:
    """Run all scenarios and print a table or JSON."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--naive-budget", type=float, default=3.0, help="Seconds per naive measurement.")
    args = parser.parse_args()
    rows = [scenario(e, args.naive_budget) for e in ERLANGS]
    if args.json:
        print(json.dumps({"model": "handle 3 min, patience 2 min, SL 80%/20 s, abandon <= 5%", "rows": rows}))
    else:
        print_table(rows)


if __name__ == "__main__":
    main()
