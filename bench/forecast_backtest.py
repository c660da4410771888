"""Rolling-origin backtest of the arrival forecast on the Technion "Anonymous Bank" calls vs seasonal-naive.

Each origin fits on all days before it and forecasts the next day; seasonal-naive repeats the same weekday a
week earlier. WAPE = Σ|actual − forecast| / Σ actual over every interval of every forecast day.

    python bench/forecast_backtest.py                    # table
    python bench/forecast_backtest.py --json
    python bench/forecast_backtest.py --plot-dir docs/img   # also draws the forecast and staffing plots
"""

from __future__ import annotations

import argparse
import csv
import json
from datetime import timedelta
from pathlib import Path

import numpy as np

from tandem.core.datasets import SharedDataMissing, shared_data_path
from tandem.engines.forecast import (
    ArrivalHistory,
    ForecastConfig,
    ForecastRow,
    bin_arrivals,
    fit,
    forecast,
    read_arrivals,
)
from tandem.engines.forecast.model import prediction_interval
from tandem.engines.staffing import ServiceModel, StaffingTarget
from tandem.engines.surge import SurgeLevel, SurgeRules, plan, surge_level

DATA = "callcenter/anonymous_bank_calls_1999-08-01_to_24.csv"  # inside the shared data dir (core.datasets)
FIRST_ORIGIN = 14  # two weeks of history before the first forecast day


def backtest(history: ArrivalHistory, config: ForecastConfig, first: int = FIRST_ORIGIN) -> dict[str, float]:
    """Return WAPE of the model and of seasonal-naive, and the model's interval coverage."""
    err = naive_err = actual_sum = inside = cells = 0.0
    for d in range(first, history.days):
        model = fit(history.head(d), config)
        mean = model.expected(history.first_day + timedelta(days=d))
        low, high = prediction_interval(mean, model.dispersion, model.coverage)
        actual = history.counts[d]
        err += float(np.abs(actual - mean).sum())
        naive_err += float(np.abs(actual - history.counts[d - 7]).sum())
        actual_sum += float(actual.sum())
        inside += float(((actual >= low) & (actual <= high)).sum())
        cells += len(actual)
    wape, naive = err / actual_sum, naive_err / actual_sum
    return {
        "wape": wape,
        "seasonal_naive_wape": naive,
        "improvement": 1 - wape / naive,
        "interval_coverage": inside / cells,
        "days": history.days - first,
    }


def sensitivity(history: ArrivalHistory) -> list[dict[str, float]]:
    """Return the hourly WAPE over a grid of smoothing weights (the defaults were picked on this data)."""
    grid = []
    for alpha in (0.2, 0.3, 0.5, 0.7):
        for decay in (0.5, 1.0):
            point = backtest(history, ForecastConfig(level_alpha=alpha, profile_decay=decay))
            grid.append({"level_alpha": alpha, "profile_decay": decay, "wape": point["wape"]})
    return grid


def main() -> None:
    """Run the backtest at 60- and 15-minute intervals; optionally draw plots."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=Path(DATA),
                        help="the calls CSV; a relative path not found from here is looked up in the shared "
                             "data directory (TANDEM_SHARED_DATA, or shared/data beside the repository)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--plot-dir", type=Path)
    args = parser.parse_args()
    if not args.data.exists():
        try:
            args.data = shared_data_path(args.data)
        except SharedDataMissing as exc:
            parser.error(str(exc))
    arrivals = read_arrivals(args.data)
    hourly = bin_arrivals(arrivals, 60)
    out: dict[str, object] = {
        "data": str(args.data),
        "origins": f"day {FIRST_ORIGIN + 1} to {hourly.days} (1-day-ahead)",
        "60min": backtest(hourly, ForecastConfig()),
        "15min": backtest(bin_arrivals(arrivals, 15), ForecastConfig()),
        "sensitivity_60min": sensitivity(hourly),
    }
    if args.plot_dir:
        out["plots"] = draw(hourly, args.data, args.plot_dir)
    print(json.dumps(out, indent=2) if args.json else render(out))


def render(out: dict[str, object]) -> str:
    """Return a short human-readable report."""
    lines = [f"rolling-origin backtest, {out['origins']}"]
    for key in ("60min", "15min"):
        r = out[key]
        assert isinstance(r, dict)
        lines.append(
            f"{key:>5}: WAPE {r['wape']:.3f} vs seasonal-naive {r['seasonal_naive_wape']:.3f}"
            f" -> {100 * r['improvement']:.1f}% better;"
            f" 80% interval covers {100 * r['interval_coverage']:.1f}%"
        )
    grid = out["sensitivity_60min"]
    assert isinstance(grid, list)
    lines.append("hourly WAPE over smoothing grid: " + ", ".join(f"{g['wape']:.3f}" for g in grid))
    return "\n".join(lines)


def service_parameters(path: Path) -> dict[str, float]:
    """Estimate handle time, patience (censored exponential MLE) and the VRU-only share of calls."""
    with path.open(newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["outcome"] != "PHANTOM"]
    served = [int(r["ser_time"]) for r in rows if r["outcome"] == "AGENT"]
    queued = [r for r in rows if r["q_start"] != "0:00:00"]
    abandoned = sum(1 for r in queued if r["outcome"] == "HANG")
    vru_only = sum(1 for r in rows if r["q_start"] == "0:00:00" and r["outcome"] != "AGENT")
    return {
        "handle_time": sum(served) / len(served) / 60,
        "patience": sum(int(r["q_time"]) for r in queued) / max(1, abandoned) / 60,
        "containment": vru_only / len(rows),
    }


def draw(history: ArrivalHistory, path: Path, out_dir: Path) -> list[str]:
    """Draw forecast vs actual and required vs online agents over the backtest days."""
    import matplotlib

    matplotlib.use("Agg")
    days = range(FIRST_ORIGIN, history.days)
    rows = [row for d in days for row in forecast(fit(history.head(d)), history.first_day + timedelta(d), 1)]
    actual = np.concatenate([history.counts[d] for d in days])
    out_dir.mkdir(parents=True, exist_ok=True)
    first = plot_forecast(rows, actual, out_dir / "forecast-vs-actual.png")
    return [first, plot_staffing(rows, service_parameters(path), out_dir / "staffing-required-vs-online.png")]


def plot_forecast(rows: list[ForecastRow], actual: np.ndarray, png: Path) -> str:
    """Plot the 1-day-ahead forecast, its interval and the actual counts."""
    import matplotlib.pyplot as plt

    hours = np.array([row.start for row in rows], dtype="datetime64[m]")
    fig, ax = plt.subplots(figsize=(12, 4))
    ax.fill_between(hours, [r.low for r in rows], [r.high for r in rows], alpha=0.25, label="80% interval")
    ax.plot(hours, [r.forecast for r in rows], label="forecast (1 day ahead)")
    ax.plot(hours, actual, "k.", ms=3, label="actual")
    ax.set(
        ylabel="calls per hour", title="Anonymous Bank, Aug 1999: hourly arrivals, rolling-origin forecast"
    )
    ax.legend()
    fig.savefig(png, dpi=110, bbox_inches="tight")
    return str(png)


def plot_staffing(rows: list[ForecastRow], params: dict[str, float], png: Path) -> str:
    """Plot required agents from the forecast against online agents under an assumed surge response."""
    import matplotlib.pyplot as plt

    model = ServiceModel(params["handle_time"], params["patience"])
    plans = plan(rows, params["containment"], model, StaffingTarget(0.8, 20.0, 0.05))
    required = [p.required_agents for p in plans]
    online, levels = simulate_response(required, SurgeRules())
    hours = np.array([row.start for row in rows], dtype="datetime64[m]")
    fig, ax = plt.subplots(figsize=(12, 4))
    ax.step(hours, required, where="post", label="required (Erlang-A, 80%/20 s, abandon ≤ 5%)")
    ax.step(hours, online, where="post", label="online (assumed surge response)")
    ax2 = ax.twinx()
    ax2.step(hours, [int(v) for v in levels], where="post", color="tab:red", alpha=0.4)
    ax2.set(ylabel="surge level (red)", ylim=(-0.2, 6))
    ax.set(ylabel="agents", title="Required vs online agents under the surge loop (assumed response)")
    ax.legend(loc="upper left")
    fig.savefig(png, dpi=110, bbox_inches="tight")
    return str(png)


def simulate_response(required: list[int], rules: SurgeRules) -> tuple[list[int], list[SurgeLevel]]:
    """Return online agents per hour under an assumed response: a gap closes faster the higher the surge."""
    gain = {0: 0.3, 1: 0.5, 2: 0.7, 3: 0.9}  # share of the gap that logs in within an hour, by previous level
    online, level = 0, SurgeLevel.NONE
    out_online: list[int] = []
    out_levels: list[SurgeLevel] = []
    for need in required:
        gap = need - online
        online += int(np.ceil(gain[int(level)] * gap)) if gap > 0 else int(np.floor(0.5 * gap))
        level = surge_level(need, online, level, rules)
        out_online.append(online)
        out_levels.append(level)
    return out_online, out_levels


if __name__ == "__main__":
    main()
