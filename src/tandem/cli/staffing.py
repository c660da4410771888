"""`tandem staffing`: Erlang-A performance for a staffing level, or the least agents meeting a target."""

from __future__ import annotations

import json

import click

from tandem.core.errors import InvalidInput
from tandem.engines.staffing import ServiceModel, StaffingTarget, erlang_a, required_agents

POSITIVE = click.FloatRange(min=0, min_open=True)


@click.group("staffing")
def staffing_group() -> None:
    """Erlang-A staffing: exact queue metrics and required agents."""


@staffing_group.command("erlang-a")
@click.option("--arrival-rate", required=True, type=click.FloatRange(min=0), help="Arrivals per minute.")
@click.option("--handle-time", required=True, type=POSITIVE, help="Mean handle time, minutes.")
@click.option("--patience", required=True, type=POSITIVE, help="Mean patience before abandoning, minutes.")
@click.option("--agents", type=click.IntRange(min=0), help="Agents online; omit to find the least needed.")
@click.option(
    "--concurrency", default=1, show_default=True, type=click.IntRange(min=1), help="Chats per agent."
)
@click.option(
    "--slowdown", default=0.25, show_default=True, type=click.FloatRange(0, 1), help="Per extra chat."
)
@click.option("--target-seconds", default=20.0, show_default=True, type=click.FloatRange(min=0))
@click.option("--target-sl", type=click.FloatRange(0, 1, max_open=True), help="Service level to reach.")
@click.option("--max-abandon", type=click.FloatRange(0, 1, min_open=True), help="Abandonment cap.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def erlang_a_command(
    arrival_rate: float,
    handle_time: float,
    patience: float,
    agents: int | None,
    concurrency: int,
    slowdown: float,
    target_seconds: float,
    target_sl: float | None,
    max_abandon: float | None,
    as_json: bool,
) -> None:
    """Print P(wait), P(abandon) and service level (answered within --target-seconds, over all arrivals)."""
    try:
        model = ServiceModel(handle_time, patience, concurrency=concurrency, slowdown=slowdown)
        if agents is not None:
            payload = _metrics(erlang_a(arrival_rate, agents, model, target_seconds).as_dict())
        else:
            payload = _optimise(arrival_rate, model, target_sl, target_seconds, max_abandon)
    except InvalidInput as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(json.dumps(payload) if as_json else "\n".join(f"{k:>15}: {v}" for k, v in payload.items()))


def _metrics(result: dict[str, float | int]) -> dict[str, float | int]:
    """Put the three headline metrics first."""
    head = ("p_wait", "p_abandon", "service_level")
    return {**{k: result[k] for k in head}, **{k: v for k, v in result.items() if k not in head}}


def _optimise(
    arrival_rate: float, model: ServiceModel, target_sl: float | None, seconds: float, cap: float | None
) -> dict[str, float | int]:
    """Return the least-agents result, asking for the targets it needs."""
    if target_sl is None or cap is None:
        raise click.UsageError("give --agents, or --target-sl and --max-abandon to find the least agents")
    best = required_agents(arrival_rate, model, StaffingTarget(target_sl, seconds, cap))
    metrics = _metrics(best.as_dict())
    return {"agents": metrics.pop("agents"), **metrics}
