"""`tandem simulate`: run a scenario file, the plain Erlang-A model, or a side-by-side comparison."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import numpy as np


@click.command()
@click.argument("scenario", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--model", type=click.Choice(["erlang-a"]), help="Run the plain M/M/n+M model without a file.")
@click.option("--arrival-rate", type=float, help="Arrivals per minute (--model).")
@click.option("--handle-time", type=float, help="Mean handle time, minutes (--model).")
@click.option("--patience", type=float, help="Mean patience, minutes (--model).")
@click.option("--agents", type=int, help="Agents (--model).")
@click.option("--customers", type=int, default=1_000_000, show_default=True,
              help="Measured customers (--model).")
@click.option("--seed", type=int, help="Random seed (default: the scenario's, or 1).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON (no progress bar).")
@click.option("--records", type=click.Path(dir_okay=False, path_type=Path), 
              help="Write records (.csv/.parquet).")
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), help="Write a plot (.png/.svg).")
@click.option("--compare", is_flag=True, help="AI-only vs fixed shifts vs Tandem on the same demand.")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", help="--compare output.")
def simulate(scenario: Path | None, model: str | None, arrival_rate: float | None, handle_time: float | None,
             patience: float | None, agents: int | None, customers: int, seed: int | None, as_json: bool,
             records: Path | None, plot: Path | None, compare: bool, fmt: str) -> None:
    """Simulate SCENARIO.toml (or --model erlang-a) and print a summary."""
    if model == "erlang-a":
        _plain(arrival_rate, handle_time, patience, agents, customers, seed or 1)
        return
    if scenario is None:
        raise click.UsageError("give a SCENARIO.toml or --model erlang-a")
    if compare:
        _compare(scenario, seed, fmt)
        return
    _scenario(scenario, seed, as_json, records, plot)


def _plain(rate: float | None, handle: float | None, patience: float | None, agents: int | None,
           customers: int, seed: int) -> None:
    from tandem.engines.sim.erlang_a import ErlangAModel, simulate_erlang_a

    if None in (rate, handle, patience, agents):
        raise click.UsageError("--model erlang-a needs --arrival-rate, --handle-time, --patience, --agents")
    assert rate is not None and handle is not None and patience is not None and agents is not None
    try:
        model = ErlangAModel(rate, handle, patience, agents)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    res = simulate_erlang_a(model, customers, np.random.default_rng(seed))
    click.echo(json.dumps({**res.as_dict(), "model": "erlang-a", "seed": seed}))


def _scenario(path: Path, seed: int | None, as_json: bool, records: Path | None, plot: Path | None) -> None:
    from tandem.engines.sim.runner import run_scenario
    from tandem.engines.sim.scenario import load_scenario

    s = load_scenario(path)
    rng = np.random.default_rng(s.seed if seed is None else seed)
    with _progress(enabled=not as_json and sys.stderr.isatty()) as advance:
        result = run_scenario(s, rng, progress=advance)
    if records is not None:
        _write_records(result.records, records)
    if plot is not None:
        from tandem.engines.sim.plots import plot_run

        plot_run(result, plot)
    if as_json:
        click.echo(json.dumps(result.summary))
    else:
        _print_table(result.summary)


def _write_records(rec: Any, path: Path) -> None:
    if path.suffix == ".parquet":
        if not rec.write_parquet(path):
            raise click.ClickException("Parquet needs pyarrow; write .csv instead or pip install pyarrow")
    else:
        rec.write_csv(path)


def _compare(path: Path, seed: int | None, fmt: str) -> None:
    from tandem.engines.sim.compare import compare_scenario, to_markdown

    rows = compare_scenario(path, seed)
    click.echo(json.dumps(rows, indent=2) if fmt == "json" else to_markdown(rows))


def _print_table(summary: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("metric", "value", title=str(summary.get("scenario", "")))
    for key, value in summary.items():
        table.add_row(key, str(value))
    Console().print(table)


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[int], None] | None]:
    """A Rich progress bar on stderr counting conversations that reached the human queue."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("simulating (human queue)", total=None)
        yield lambda k: bar.advance(task, k)
