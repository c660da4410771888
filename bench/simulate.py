"""P3: simulator speed. The same M/M/n+M model in Tandem's kernel and in ciw 3.2.7 in one run, then klarna-month.

    python bench/simulate.py                 # Erlang-A check case side by side, then the klarna-month scenario
    python bench/simulate.py --skip-klarna   # only the side-by-side
    python bench/simulate.py --json          # one JSON object: tandem_customers_per_s, ciw_customers_per_s, ratio,
                                             # both runs' p_abandon and p_wait, the exact values, klarna seconds

The model is the Erlang-A check case (lambda = 10/min, exponential handle 3 min, exponential patience 2 min,
32 agents). Customers per second: customers simulated over the wall seconds of the run (Tandem's includes drawing
the random numbers; ciw's counts every customer it simulated). klarna-month runs the whole engine, production
router included; its CPU seconds are the comparable figure on a shared machine.
"""

from __future__ import annotations

import argparse
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


def engine_rate(seed: int) -> dict[str, float]:
    """The same model as scenarios/erlang-a.toml through the whole event loop and the production router."""
    from tandem.engines.sim.runner import run_scenario
    from tandem.engines.sim.scenario import load_scenario

    s = load_scenario(ROOT / "scenarios" / "erlang-a.toml")
    start = time.perf_counter()
    res = run_scenario(s, np.random.default_rng(seed))
    elapsed = time.perf_counter() - start
    waits = res.records.columns["wait"]
    return {"customers_per_s": round(len(res.records) / elapsed), "p_abandon": res.summary["abandonment"],
            "p_wait": round(float(np.count_nonzero(waits > 0)) / len(res.records), 4)}


def klarna_seconds() -> dict[str, float]:
    """Run scenarios/klarna-month.toml through the full engine and time it."""
    from tandem.engines.sim.runner import run_scenario_file

    start, cpu = time.perf_counter(), time.process_time()
    summary = run_scenario_file(ROOT / "scenarios" / "klarna-month.toml", seed=1)
    return {"seconds": round(time.perf_counter() - start, 1), "cpu_seconds": round(time.process_time() - cpu, 1),
            "conversations": summary["conversations"], "human_requests": summary["human_requests"],
            "load_average_1min": round(os.getloadavg()[0], 1)}


def exact(model: ErlangAModel) -> tuple[float, float]:
    """(P(abandon), P(wait)) of the model from the exact Erlang-A formula."""
    from tandem.engines.staffing.erlang_a import erlang_a
    from tandem.engines.staffing.model import ServiceModel

    res = erlang_a(model.arrival_rate, model.agents, ServiceModel(model.handle_time, model.patience), 20.0)
    return res.p_abandon, res.p_wait


def side_by_side(model: ErlangAModel, ciw_minutes: float, customers: int, seed: int) -> dict[str, object]:
    """Both simulators on the same model, one after the other; the flat keys are the P3 interface."""
    c_rate, c_ab, c_wait = ciw_rate(model, ciw_minutes, seed)
    t_rate, t_ab, t_wait = tandem_rate(model, customers, seed)
    x_ab, x_wait = exact(model)
    return {
        "model": f"M/M/{model.agents}+M, lambda={model.arrival_rate:g}/min, handle {model.handle_time:g} min, "
                 f"patience {model.patience:g} min",
        "tandem_customers_per_s": round(t_rate),
        "ciw_customers_per_s": round(c_rate),
        "ratio": round(t_rate / c_rate, 1),
        "tandem_p_abandon": round(t_ab, 4), "tandem_p_wait": round(t_wait, 4),
        "ciw_p_abandon": round(c_ab, 4), "ciw_p_wait": round(c_wait, 4),
        "exact_p_abandon": round(x_ab, 4), "exact_p_wait": round(x_wait, 4),
    }


def render(out: dict[str, object]) -> str:
    """The result as lines of text (without --json)."""
    lines = [
        str(out["model"]),
        f"  tandem  {out['tandem_customers_per_s']:>12,} customers/s   P(abandon) {out['tandem_p_abandon']:.4f}"
        f"   P(wait) {out['tandem_p_wait']:.4f}",
        f"  ciw     {out['ciw_customers_per_s']:>12,} customers/s   P(abandon) {out['ciw_p_abandon']:.4f}"
        f"   P(wait) {out['ciw_p_wait']:.4f}",
        f"  exact   {'':>12}               P(abandon) {out['exact_p_abandon']:.4f}   P(wait) {out['exact_p_wait']:.4f}",
        f"  ratio   {out['ratio']}x (target >= 10x)",
    ]
    engine = out.get("engine")
    if isinstance(engine, dict):
        lines.append(f"  full engine (event loop + production router, scenarios/erlang-a.toml): "
                     f"{engine['customers_per_s']:,} customers/s, {engine['ratio_to_ciw']}x ciw, "
                     f"P(abandon) {engine['p_abandon']:.4f}, P(wait) {engine['p_wait']:.4f}")
    klarna = out.get("klarna_month")
    if isinstance(klarna, dict):
        lines.append(f"klarna-month: {klarna['seconds']} s wall, {klarna['cpu_seconds']} s CPU, "
                     f"{klarna['conversations']:,} conversations, {klarna['human_requests']:,} to humans, "
                     f"load average {klarna['load_average_1min']} (target <= 30 s)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ciw-minutes", type=float, default=3000.0, help="simulated minutes for ciw")
    parser.add_argument("--customers", type=int, default=2_000_000, help="measured customers for Tandem")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-klarna", action="store_true", help="only the side-by-side")
    parser.add_argument("--skip-engine", action="store_true",
                        help="skip the erlang-a scenario through the event loop and the production router")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    out = side_by_side(MODEL, args.ciw_minutes, args.customers, args.seed)
    if not args.skip_engine:
        engine = engine_rate(args.seed)
        engine["ratio_to_ciw"] = round(engine["customers_per_s"] / float(str(out["ciw_customers_per_s"])), 1)
        out["engine"] = engine
    if not args.skip_klarna:
        out["klarna_month"] = klarna_seconds()
    print(json.dumps(out) if args.json else render(out))


if __name__ == "__main__":
    main()
