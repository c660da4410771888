"""P3: simulator speed. The same M/M/n+M model in Tandem's fast kernel and in ciw 3.2.7, then klarna-month.

    python bench/sim.py                 # Erlang-A check case side by side, then the klarna-month scenario
    python bench/sim.py --skip-klarna   # only the side-by-side
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import time
from pathlib import Path

import numpy as np

from tandem.engines.sim.erlang_a import ErlangAModel, simulate_erlang_a

ROOT = Path(__file__).resolve().parent.parent
MODEL = ErlangAModel(arrival_rate=10.0, handle_time=3.0, patience=2.0, agents=32)


def ciw_rate(model: ErlangAModel, minutes: float, seed: int) -> tuple[float, float, float]:
    """Return (customers/s, P(abandon), P(wait)) for ciw on the same model."""
    import ciw

    net = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(model.arrival_rate)],
        service_distributions=[ciw.dists.Exponential(1.0 / model.handle_time)],
        number_of_servers=[model.agents],
        reneging_time_distributions=[ciw.dists.Exponential(1.0 / model.patience)],
    )
    ciw.seed(seed)
    sim = ciw.Simulation(net)
    start = time.perf_counter()
    sim.simulate_until_max_time(minutes)
    elapsed = time.perf_counter() - start
    recs = [r for r in sim.get_all_records() if r.arrival_date > 10 * model.handle_time]
    served = [r for r in recs if r.record_type == "service"]
    lost = [r for r in recs if r.record_type == "renege"]
    waited = sum(1 for r in served if r.waiting_time > 0) + len(lost)
    done = len(served) + len(lost)
    return len(sim.get_all_records()) / elapsed, len(lost) / done, waited / done


def tandem_rate(model: ErlangAModel, customers: int, seed: int) -> tuple[float, float, float]:
    """Return (customers/s, P(abandon), P(wait)) for Tandem's kernel, timed end to end (sampling included)."""
    start = time.perf_counter()
    res = simulate_erlang_a(model, customers, np.random.default_rng(seed))
    elapsed = time.perf_counter() - start
    return customers / elapsed, res.p_abandon, res.p_wait


def klarna_seconds() -> dict[str, float]:
    """Run scenarios/klarna-month.toml through the full engine and time it."""
    from tandem.engines.sim.runner import run_scenario_file

    start, cpu = time.perf_counter(), time.process_time()
    summary = run_scenario_file(ROOT / "scenarios" / "klarna-month.toml", seed=1)
    return {"seconds": round(time.perf_counter() - start, 1), "cpu_seconds": round(time.process_time() - cpu, 1),
            "conversations": summary["conversations"], "human_requests": summary["human_requests"],
            "load_average_1min": round(os.getloadavg()[0], 1)}


def w1() -> dict[str, object]:
    """W1: the surge loop on the call-center arrivals, and perfect-foresight plans run through the same engine."""
    from tandem.engines.sim.runner import handling_params, run_scenario
    from tandem.engines.sim.scenario import load_scenario
    from tandem.engines.sim.w1 import hourly_plan, requests_per_hour, w1_report

    s = load_scenario(ROOT / "scenarios" / "callcenter.toml")
    handle, _, patience = handling_params(s)

    def report(variant: object) -> dict[str, float]:
        res = run_scenario(variant, np.random.default_rng(s.seed))  # type: ignore[arg-type]
        return {**w1_report(res.records, float(res.agent_minutes.sum()), handle, patience),
                "abandonment": res.summary["abandonment"]}

    res = run_scenario(s, np.random.default_rng(s.seed))
    out: dict[str, object] = {"tandem_gig_surge": {**w1_report(res.records, float(res.agent_minutes.sum()), handle,
                                                               patience), "abandonment": res.summary["abandonment"]}}
    requests = requests_per_hour(res.records)
    for target in (0.05, 0.02, 0.005):  # the oracle: each hour staffed for its true rate, no login lag
        plan = tuple(int(k) for k in hourly_plan(requests, handle, patience, target))
        oracle = dataclasses.replace(s, agents=dataclasses.replace(s.agents, mode="shifts", shifts=plan,
                                                                   pool_size=max(plan)),
                                     surge=dataclasses.replace(s.surge, enabled=False))
        out[f"perfect_foresight_plan_at_{target}"] = report(oracle)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ciw-minutes", type=float, default=3000.0)
    parser.add_argument("--customers", type=int, default=2_000_000)
    parser.add_argument("--skip-klarna", action="store_true")
    parser.add_argument("--w1", action="store_true", help="also run the W1 surge-loop check")
    args = parser.parse_args()
    c_rate, c_ab, c_wait = ciw_rate(MODEL, args.ciw_minutes, seed=1)
    t_rate, t_ab, t_wait = tandem_rate(MODEL, args.customers, seed=1)
    out: dict[str, object] = {
        "model": "M/M/32+M, lambda=10/min, handle 3 min, patience 2 min",
        "ciw": {"customers_per_s": round(c_rate), "p_abandon": round(c_ab, 4), "p_wait": round(c_wait, 4)},
        "tandem": {"customers_per_s": round(t_rate), "p_abandon": round(t_ab, 4), "p_wait": round(t_wait, 4)},
        "ratio": round(t_rate / c_rate, 1),
    }
    if not args.skip_klarna:
        out["klarna_month"] = klarna_seconds()
    if args.w1:
        out["w1"] = w1()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
