"""bench/sim_accuracy.py: the P4 verdict rule, a cheap grid point, and the committed wide-grid rows."""

from __future__ import annotations

import importlib.util
import itertools
import json
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[3]


def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_sim_accuracy", ROOT / "bench" / "sim_accuracy.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_verdict_needs_the_whole_interval_inside_the_tolerance() -> None:
    b = bench()
    assert b.verdict(0.001, 0.001, 2.0) == "ok"  # 0.003 <= 0.005
    assert b.verdict(-0.004, 0.001, 2.0) == "open"  # 0.006: could be either
    assert b.verdict(0.009, 0.001, 2.0) == "fail"  # 0.007 > 0.005 even at the near end
    assert b.customers_to_verify({"err_abandon": 0.0, "se_abandon": 0.0, "err_wait": 0.001, "se_wait": 0.004,
                                  "customers": 1000}) == 4000  # (2 * 0.004 / 0.004) ** 2 * 1000


def test_a_cheap_point_is_verified_against_the_exact_values() -> None:
    row = bench().point(5, 0.85, 1.0, 200_000, 8, 10_000_000, 10_000_000, seed=3)
    assert row["verdict"] == "ok" and row["replications"] >= 8
    assert abs(row["err_abandon"]) <= 0.005 and abs(row["err_wait"]) <= 0.005


def test_the_committed_wide_grid_covers_every_point_and_verifies_it() -> None:
    b = bench()
    rows = b.read_rows([ROOT / "bench" / "results" / "sim_accuracy_rows.jsonl"])
    assert {(r["n"], r["load"], r["ratio"]) for r in rows} == set(itertools.product(b.AGENTS, b.LOADS, b.RATIOS))
    report = b.summarize(rows, 0.0)
    assert report["verdicts"] == {"ok": 275, "open": 0, "fail": 0}
    # the stored errors and standard errors really satisfy the rule they claim
    for r in rows:
        t = b.t_quantile(r["replications"])
        for m in ("abandon", "wait"):
            assert abs(r[f"err_{m}"]) + t * r[f"se_{m}"] <= b.TOLERANCE
    assert json.loads(json.dumps(report))["closed_form_vs_brute_force_max"] < 1e-9
