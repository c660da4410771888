"""`tandem staffing roster` and `tandem staffing compare` on files: output shape, planning only from earlier days,
clear errors."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from tandem.cli.staffing import staffing_group


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(staffing_group, list(args))
    return result.exit_code, result.output


def write_history(path: Path, days: int = 10, seed: int = 2, served: bool = True) -> None:
    """Calls 08:00-18:00 with service times: `arrived_at,handle_seconds,wait_seconds`."""
    rng = np.random.default_rng(seed)
    lines = ["arrived_at,handle_seconds,wait_seconds"] if served else ["arrived_at"]
    first = datetime(2026, 11, 2)
    for d in range(days):
        for minute in np.sort(rng.uniform(8 * 60, 18 * 60, rng.poisson(120))):
            at = (first + timedelta(days=d, minutes=float(minute))).isoformat()
            lines.append(f"{at},{rng.exponential(180):.0f},{rng.exponential(10):.0f}" if served else at)
    path.write_text("\n".join(lines) + "\n")


def test_roster_json(tmp_path: Path) -> None:
    csv = tmp_path / "h.csv"
    write_history(csv)
    code, out = run("roster", "--history", str(csv), "--start", "2026-11-09", "--days", "2", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["agent_hours"] > 0 and data["cost"] == data["agent_hours"] * data["hourly_rate"]
    assert all(c >= r for c, r in zip(data["coverage"], data["required"], strict=True))
    assert data["greedy"]["cost"] >= data["cost"] and data["greedy"]["gap_to_milp"] >= 0
    shift = data["shifts"][0]
    assert {"start", "end", "hours", "agents"} <= set(shift)
    assert all(s["hours"] in (4.0, 6.0, 8.0) for s in data["shifts"])
    assert all(("break_start" in s) == (s["hours"] >= 6) for s in data["shifts"])
    # the days from --start are not used: changing them changes nothing
    write_history(tmp_path / "other.csv", days=7)
    code2, out2 = run("roster", "--history", str(tmp_path / "other.csv"), "--start", "2026-11-09", "--days", "2",
                      "--json")
    assert code2 == 0 and json.loads(out2)["cost"] == data["cost"]


def test_roster_opening_hours_and_errors(tmp_path: Path) -> None:
    csv = tmp_path / "h.csv"
    write_history(csv, served=False)
    closed_weekend = "08:00-18:00;" * 5 + ";"
    code, out = run("roster", "--history", str(csv), "--start", "2026-11-09", "--days", "7", "--json",
                    "--opening-hours", closed_weekend, "--handle-time", "3", "--patience", "5")
    assert code == 0, out
    cov = np.array(json.loads(out)["coverage"]).reshape(7, 48)
    assert cov[5:].sum() == 0 and cov[:5, :16].sum() == 0 and cov[:5, 36:].sum() == 0
    code, out = run("roster", "--history", str(csv), "--start", "2026-11-02", "--json")
    assert code == 1 and "no history before" in out
    code, out = run("roster", "--history", str(csv), "--start", "2026-11-09", "--opening-hours", "9-5")
    assert code == 1 and "opening hours" in out
    code, out = run("roster", "--history", str(csv), "--start", "09/11/2026")
    assert code == 2 and "YYYY-MM-DD" in out


def test_compare_needs_the_days_and_service_times(tmp_path: Path) -> None:
    csv = tmp_path / "h.csv"
    write_history(csv, days=4)
    code, out = run("compare", "--history", str(csv), "--start", "2026-11-05", "--days", "3", "--json")
    assert code == 1 and "not all in the history" in out
    plain = tmp_path / "plain.csv"
    write_history(plain, served=False)
    code, out = run("compare", "--history", str(plain), "--start", "2026-11-05", "--days", "1")
    assert code == 1 and "recorded service times" in out


def test_compare_json_shape(tmp_path: Path) -> None:
    csv = tmp_path / "h.csv"
    write_history(csv, days=6)
    code, out = run("compare", "--history", str(csv), "--start", "2026-11-06", "--days", "1", "--seeds", "1",
                    "--max-abandon", "0.01", "--quantile", "0.2", "--no-w1", "--no-hindsight",
                    "--json")
    assert code == 0, out
    data = json.loads(out)
    assert set(data["variants"]) == {"shifts", "gig", "hybrid"}
    keys = {"good_hours_share", "abandonment", "service_level", "agent_hours", "total_cost", "cost_per_handled"}
    for name, v in data["variants"].items():
        assert keys <= set(v), name
        assert 0 <= v["good_hours_share"] <= 1 and 0 <= v["abandonment"] <= 1
    shifts, gig, hybrid = (data["variants"][k] for k in ("shifts", "gig", "hybrid"))
    assert shifts["gig_cost"] == 0 and shifts["total_cost"] == shifts["shift_hours"] * data["rates"]["shift_hourly"]
    assert gig["shift_cost"] == 0 and gig["gig_cost"] > 0
    assert hybrid["shift_cost"] > 0 and hybrid["shift_cost"] < shifts["shift_cost"]
    assert data["window"]["planned_from"].endswith("2026-11-05")


def test_roster_from_an_operator_profile_without_history(tmp_path: Path) -> None:
    csv = tmp_path / "h.csv"
    write_history(csv, days=1, served=False)
    code, out = run("roster", "--history", str(csv), "--start", "2026-11-02", "--days", "7", "--json",
                    "--profile", "480,480,480,480,480,0,0", "--opening-hours", "08:00-18:00;" * 5 + ";",
                    "--handle-time", "3", "--patience", "5")
    assert code == 0, out
    data = json.loads(out)
    cov = np.array(data["coverage"]).reshape(7, 48)
    assert cov[:5, 16:36].min() >= 1 and cov[5:].sum() == 0
    assert sum(data["forecast"]) == pytest.approx(5 * 480)
    code, out = run("roster", "--history", str(csv), "--start", "2026-11-02", "--profile", "1,2")
    assert code == 1 and "7 daily volumes" in out


def test_compare_with_the_good_hour_sizing(tmp_path: Path) -> None:
    csv = tmp_path / "h.csv"
    write_history(csv, days=6)
    code, out = run("compare", "--history", str(csv), "--start", "2026-11-06", "--days", "1", "--seeds", "1",
                    "--good-hour-target", "0.95", "--core-target", "0.5", "--no-w1", "--no-hindsight", "--json")
    assert code == 0, out
    data = json.loads(out)
    sizing = data["sizing"]
    assert sizing["method"] == "hourly" and 0 <= sizing["loss_floor"] < 1 and sizing["dispersion"] >= 0
    shifts, hybrid = data["variants"]["shifts"], data["variants"]["hybrid"]
    assert shifts["good_hour_target"] == 0.95 and hybrid["good_hour_target"] == 0.5
    assert 0 < shifts["expected_good_hours_share"] <= 1
    assert 0 < hybrid["shift_cost"] < shifts["shift_cost"]  # the core aims lower than the roster
    code, out = run("compare", "--history", str(csv), "--start", "2026-11-06", "--max-abandon", "0.01",
                    "--good-hour-target", "0.95")
    assert code == 2 and "--sizing hourly" in out
    code, out = run("compare", "--history", str(csv), "--start", "2026-11-06", "--sizing", "hourly",
                    "--quantile", "0.2")
    assert code == 2 and "--sizing erlang" in out


def test_loss_floor_is_measured_on_earlier_days_only(tmp_path: Path) -> None:
    from tandem.core.settings import Settings
    from tandem.engines.sim import staffing_compare as sc
    from tandem.engines.sim.scenario import load_scenario

    scenario = load_scenario(Path(__file__).resolve().parents[3] / "scenarios" / "callcenter.toml")
    rates = sc.Rates(Settings().shift_hourly_pay, 0.8, 0.12, (0.0, 0.5, 1.0, 2.0))
    floors = []
    for seed in (2, 5):  # the same first 4 days, different days after them
        csv = tmp_path / f"h{seed}.csv"
        write_history(csv, days=4)
        later = tmp_path / f"later{seed}.csv"
        write_history(later, days=7, seed=seed)
        lines = csv.read_text().splitlines() + [row for row in later.read_text().splitlines()[1:]
                                                if row >= "2026-11-06"]
        csv.write_text("\n".join(lines) + "\n")
        study = sc.Study(sc.read_recorded(csv), scenario, rates, seeds=(1,))
        floors.append(study.loss_floor(datetime(2026, 11, 6).date()))
    # offers take seconds and 5% are declined: some callers are lost with unlimited agents, not many
    assert floors[0] == floors[1] and 0 < floors[0] < 0.05


def test_roster_with_a_good_hour_target(tmp_path: Path) -> None:
    csv = tmp_path / "h.csv"
    write_history(csv, days=10)
    args = ("roster", "--history", str(csv), "--start", "2026-11-09", "--days", "2",
            "--opening-hours", ";".join(["08:00-18:00"] * 7), "--loss-floor", "0.01", "--json")
    runs = {}
    for target in ("0.9", "0.98"):
        code, out = run(*args, "--good-hour-target", target)
        assert code == 0, out
        runs[target] = json.loads(out)
    low, high = runs["0.9"], runs["0.98"]
    assert low["hourly_sizing"]["good_hour_target"] == 0.9 and low["hourly_sizing"]["loss_floor"] == 0.01
    assert high["cost"] > low["cost"]
    required = np.array(high["required"]).reshape(-1, 2)
    assert np.all(required[:, 0] == required[:, 1])
    code, out = run(*args[:-1], "--good-hour-target", "0.98")  # the text form says what the model expects
    assert code == 0 and "P(hour good) >= 0.98" in out and "expected good hours" in out
    code, out = run(*args, "--good-hour-target", "0.9", "--quantile", "0.3")
    assert code == 2 and "--quantile" in out


def test_compare_replanned_daily(tmp_path: Path) -> None:
    csv = tmp_path / "h.csv"
    write_history(csv, days=7)
    code, out = run("compare", "--history", str(csv), "--start", "2026-11-07", "--days", "2", "--seeds", "1",
                    "--good-hour-target", "0.95", "--core-target", "0.5", "--replan", "daily", "--no-w1",
                    "--no-hindsight", "--opening-hours", ";".join(["08:00-18:00"] * 7), "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["replan"] == "daily" and data["roster"]["method"].endswith("re-planned daily")
    assert data["variants"]["shifts"]["shift_cost"] > data["variants"]["hybrid"]["shift_cost"] > 0
