"""The full engine: production routing, records, CLI, comparison; small runs only."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from tandem.cli.simulate import simulate
from tandem.engines.sim.compare import to_markdown, variants
from tandem.engines.sim.runner import run_scenario
from tandem.engines.sim.scenario import Arrivals, load_scenario

from .fakes import FifoRouter
from .markers import needs_callcenter_data

SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios"


def small(name: str, total: int, days: float) -> object:
    s = load_scenario(SCENARIOS / f"{name}.toml")
    return dataclasses.replace(s, arrivals=dataclasses.replace(s.arrivals, total=total, days=days))


def test_full_engine_with_production_router_matches_erlang_a() -> None:
    s = small("erlang-a", 60_000, 60_000 / 14_400)
    res = run_scenario(s, np.random.default_rng(2))
    assert res.summary["abandonment"] == pytest.approx(0.0510, abs=0.01)
    assert res.summary["service_level"] == pytest.approx(0.842, abs=0.02)


def test_production_router_and_fake_agree_on_plain_model() -> None:
    s = small("erlang-a", 5_000, 5_000 / 14_400)
    real = run_scenario(s, np.random.default_rng(4)).summary
    fake = run_scenario(s, np.random.default_rng(4), router_factory=lambda _: FifoRouter()).summary
    # FCFS, one skill, instant accept: any correct dispatcher gives the same waits (CSAT differs with who serves)
    real.pop("mean_csat")
    fake.pop("mean_csat")
    assert real == fake


def test_klarna_like_run_records_are_consistent() -> None:
    s = small("klarna-month", 20_000, 1.0)
    res = run_scenario(s, np.random.default_rng(1))
    c = res.records.columns
    assert len(res.records) == res.summary["conversations"]
    assert not np.any(c["served"] & c["abandoned"])
    assert np.all(c["served"] <= c["escalated"])  # only escalated conversations reach a human
    assert np.all((c["csat"] >= 1) & (c["csat"] <= 5))
    assert 0.6 < res.summary["ai_resolved_share"] < 0.73
    assert res.summary["agent_hours"] > 0


@needs_callcenter_data
def test_same_seed_same_summary() -> None:
    s = small("callcenter", 0, 1.0)
    s = dataclasses.replace(s, arrivals=dataclasses.replace(s.arrivals, days_filter=(2,)))
    a = run_scenario(s, np.random.default_rng(5)).summary
    b = run_scenario(s, np.random.default_rng(5)).summary
    assert a == b


def test_comparison_variants_differ_in_the_right_way() -> None:
    s = small("klarna-month", 8_000, 1.0)
    rows = {}
    for name, v in variants(s).items():
        rows[name] = run_scenario(v, np.random.default_rng(3)).summary
    assert set(rows) == {"ai_only", "shifts", "gig", "hybrid"}
    assert rows["ai_only"]["agent_hours"] == 0
    assert all(rows["ai_only"]["resolved_share"] < rows[k]["resolved_share"] for k in ("shifts", "gig", "hybrid"))
    assert all(rows[k]["agent_hours"] > 0 and rows[k]["total_cost"] > 0 for k in ("shifts", "gig", "hybrid"))
    assert "| hybrid |" in to_markdown([{"variant": k, **v} for k, v in rows.items()])


def test_comparison_variants_share_one_quality_model() -> None:
    s = small("klarna-month", 1_000, 1.0)
    guard = {name: v.agents.quality_min for name, v in variants(s).items() if name != "ai_only"}
    assert len(set(guard.values())) == 1 and guard["shifts"] == s.agents.quality_min


def test_cli_plain_model_json() -> None:
    out = CliRunner().invoke(simulate, ["--model", "erlang-a", "--arrival-rate", "10", "--handle-time", "3",
                                        "--patience", "2", "--agents", "32", "--customers", "200000",
                                        "--seed", "1", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["customers"] == 200_000
    assert abs(data["p_abandon"] - 0.0510) < 0.01 and abs(data["p_wait"] - 0.3476) < 0.02


def test_cli_scenario_writes_records(tmp_path: Path) -> None:
    toml = tmp_path / "tiny.toml"
    toml.write_text('name = "tiny"\n[arrivals]\ntotal = 500\ndays = 1\n[agents]\ncount = 3\n')
    out = CliRunner().invoke(simulate, [str(toml), "--json", "--records", str(tmp_path / "r.csv")])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["conversations"] == len((tmp_path / "r.csv").read_text().splitlines()) - 1


def test_unknown_scenario_key_is_rejected(tmp_path: Path) -> None:
    toml = tmp_path / "bad.toml"
    toml.write_text("[agents]\ncuont = 3\n")
    with pytest.raises(ValueError, match="cuont"):
        load_scenario(toml)


def test_arrivals_hourly_needs_24_weights() -> None:
    from tandem.engines.sim.profiles import hourly_means

    with pytest.raises(ValueError):
        hourly_means(Arrivals(hourly=(1.0, 2.0)))
