"""`tandem staffing`: Erlang-A performance for a staffing level, or the least agents meeting a target."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
import numpy as np

from tandem.cli.common import cli_settings
from tandem.core.errors import InvalidInput
from tandem.core.settings import Settings
from tandem.engines.forecast import bin_arrivals, read_arrivals
from tandem.engines.forecast.history import ArrivalHistory
from tandem.engines.forecast.model import ForecastModel, fit
from tandem.engines.sim.scenario import Scenario, load_scenario
from tandem.engines.sim.staffing_compare import Rates
from tandem.engines.staffing import ServiceModel, StaffingTarget, erlang_a, required_agents
from tandem.engines.staffing.hourly import HourSizing
from tandem.engines.staffing.plan import history_before, horizon_dispersion, operator_profile, plan_roster
from tandem.engines.staffing.roster import ShiftRules, parse_opening_hours

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


def _parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"expected YYYY-MM-DD, got {value!r}", param_hint="--start") from exc


def _rates(settings: Settings) -> Rates:
    """Shift pay from settings; gig pay and surge bonuses as the live platform pays them."""
    pay = settings.pay
    bonus = tuple(float(b) for b in pay.surge_bonus)
    return Rates(settings.shift_hourly_pay, float(pay.base), float(pay.per_minute), bonus,  # type: ignore[arg-type]
                 settings.oncall_standby_pay)


def _profile(text: str | None, hours: tuple[str, ...]) -> ForecastModel | None:
    """--profile "Mon,...,Sun": the operator's expected requests per day, for a platform without history."""
    if text is None:
        return None
    try:
        daily = [float(v) for v in text.split(",")]
    except ValueError as exc:
        raise click.BadParameter(f"expected 7 numbers separated by commas, got {text!r}",
                                 param_hint="--profile") from exc
    return operator_profile(daily, hours)


def _opening(settings: Settings, hours: str | None) -> tuple[str, ...]:
    """--opening-hours "Mon;Tue;...;Sun" (7 entries separated by ';') or the settings' opening hours."""
    spec = tuple(part.strip() for part in hours.split(";")) if hours is not None else settings.opening_hours
    parse_opening_hours(spec)
    return spec


@staffing_group.command("roster")
@click.option("--history", "history_path", required=True, type=click.Path(dir_okay=False), help="History CSV.")
@click.option("--start", required=True, help="First day to roster, YYYY-MM-DD (only earlier days are used).")
@click.option("--days", default=7, show_default=True, type=click.IntRange(1, 31))
@click.option("--max-abandon", default=0.001, show_default=True, type=click.FloatRange(0, 1, min_open=True),
              help="Erlang-A abandonment target per interval.")
@click.option("--handle-time", type=POSITIVE, help="Minutes; default: fitted from a call-center file, else settings.")
@click.option("--patience", type=POSITIVE, help="Minutes; default: fitted from a call-center file, else settings.")
@click.option("--concurrency", default=1, show_default=True, type=click.IntRange(min=1))
@click.option("--quantile", type=click.FloatRange(0, 1, max_open=True), help="Size to this forecast quantile.")
@click.option("--good-hour-target", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              help="Size each clock hour for this probability of abandonment <= 5% in the hour (instead of "
                   "--max-abandon per half hour), given its forecast, the forecast's spread and --loss-floor.")
@click.option("--loss-floor", default=0.0, show_default=True, type=click.FloatRange(0, 1, max_open=True),
              help="With --good-hour-target: share of callers lost whatever the staffing (`compare` measures it).")
@click.option("--min-agents", default=0, show_default=True, type=click.IntRange(min=0),
              help="At least this many agents whenever open.")
@click.option("--opening-hours",
              help='Seven ";"-separated days, Monday first, e.g. "07:00-24:00;...;" (default: settings).')
@click.option("--profile", help='No history: expected requests per day, Monday first, e.g. "900,900,900,900,300,0,0".')
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def roster_command(history_path: str, start: str, days: int, max_abandon: float, handle_time: float | None,
                   patience: float | None, concurrency: int, quantile: float | None, good_hour_target: float | None,
                   loss_floor: float, min_agents: int, opening_hours: str | None, profile: str | None,
                   as_json: bool) -> None:
    """Least-cost shifts (4/6/8 h, half-hour starts, unpaid break) meeting the Erlang-A requirement per half hour,
    or with --good-hour-target the good-hour requirement per clock hour."""
    settings = cli_settings()
    first = _parse_day(start)
    if good_hour_target is not None and quantile is not None:
        raise click.UsageError("--quantile goes with the per-interval sizing, not with --good-hour-target")
    try:
        hours = _opening(settings, opening_hours)
        prior = _profile(profile, hours)
        history, fitted = _history(history_path, first) if prior is None else (None, (None, None))
        model = ServiceModel(handle_time or fitted[0] or settings.assumed_handle_time_s / 60,
                             patience or fitted[1] or settings.surge_patience_s / 60, concurrency=concurrency)
        rules = ShiftRules(slot_minutes=30, hourly_rate=settings.shift_hourly_pay)
        known = history or ArrivalHistory(first, 30, np.zeros((0, 48)))
        hourly = None
        if good_hour_target is not None:
            fitted_model = prior or fit(history_before(known, first))
            spread = horizon_dispersion(history_before(known, first), days) if prior is None else None
            hourly = HourSizing(good_hour_target, loss_floor,
                                fitted_model.dispersion if spread is None else spread)
        plan = plan_roster(known, first, days, model, StaffingTarget(0.0, 20.0, max_abandon), rules, hours,
                           quantile, with_greedy=True, min_agents=min_agents, forecast_model=prior, hourly=hourly)
    except InvalidInput as exc:
        raise click.ClickException(exc.message) from exc
    payload = plan.as_dict()
    if as_json:
        click.echo(json.dumps(payload))
        return
    for row in plan.roster.shifts(plan.start):
        brk = f"  break {str(row['break_start'])[11:16]}" if "break_start" in row else ""
        click.echo(f"{row['start']} – {str(row['end'])[11:16]}  {row['hours']:>3} h  × {row['agents']}{brk}")
    g = plan.greedy
    greedy = f"; greedy {g.cost:.2f}, +{g.cost / plan.roster.cost - 1:.1%}" if g and plan.roster.cost else ""
    click.echo(f"{plan.roster.agents} shifts, {plan.roster.paid_hours:.1f} paid agent-hours, cost "
               f"{plan.roster.cost:.2f} (MILP {plan.roster.seconds:.2f} s, proven gap {plan.roster.gap:.2%}{greedy})")
    if plan.hourly is not None and plan.sizing is not None:
        click.echo(f"good-hour sizing: P(hour good) >= {plan.sizing.target:g} (loss floor {plan.sizing.loss_floor:.2%},"
                   f" forecast spread {plan.sizing.dispersion:.3f}); expected good hours "
                   f"{plan.hourly.expected_share():.1%}, ceiling {plan.hourly.expected_ceiling():.1%}")


def _history(path: str, start: date) -> tuple[ArrivalHistory, tuple[float | None, float | None]]:
    """Requests per half hour before `start`, and (handle, patience) fitted when the file records them."""
    from tandem.engines.sim import staffing_compare as sc

    try:
        calls = sc.read_recorded(path)
    except InvalidInput as exc:
        if "recorded service times" not in exc.message:
            raise
        return bin_arrivals(read_arrivals(path), 30), (None, None)
    fitted = start > calls.first_day
    model = sc.Study(calls, Scenario(), _rates(cli_settings())).service_model(start) if fitted else None
    return sc.history(calls, start), (model.handle_time, model.patience) if model else (None, None)


@staffing_group.command("compare")
@click.option("--history", "history_path", required=True, type=click.Path(dir_okay=False),
              help="Recorded calls: the call-center layout, or arrived_at + handle_seconds.")
@click.option("--start", required=True, help="First simulated day, YYYY-MM-DD; plans use only earlier days.")
@click.option("--days", default=7, show_default=True, type=click.IntRange(1, 31))
@click.option("--scenario", "scenario_path", type=click.Path(dir_okay=False, exists=True),
              help="Agent behaviour (default: scenarios/callcenter.toml).")
@click.option("--seeds", default=3, show_default=True, type=click.IntRange(1, 20), help="Replications.")
@click.option("--sizing", type=click.Choice(["hourly", "erlang"]),
              help="hourly: agents per clock hour for a probability that the hour is good (default); erlang: per "
                   "half hour for an Erlang-A abandonment target (default with --max-abandon, --quantile or "
                   "--profile).")
@click.option("--good-hour-target", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              help="hourly: fix the roster's P(hour good) instead of searching it on the calibration days.")
@click.option("--core-target", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              help="hourly: fix the hybrid core's P(hour good by the core alone) instead of searching it.")
@click.option("--max-abandon", type=click.FloatRange(0, 1, min_open=True),
              help="erlang: fix the roster's per-interval target instead of searching it.")
@click.option("--quantile", type=click.FloatRange(0, 1, max_open=True),
              help="erlang: fix the hybrid core's forecast quantile instead of searching it.")
@click.option("--opening-hours", help='Seven ";"-separated days, Monday first (default: settings).')
@click.option("--replan", type=click.Choice(["once", "daily"]), default="once", show_default=True,
              help="Plan the rosters once from the days before --start, or each day from the days before it.")
@click.option("--no-w1", is_flag=True, help="Skip the perfect-foresight W1 baseline.")
@click.option("--no-hindsight", is_flag=True, help="Skip the hindsight roster (the cheapest x meeting the bar).")
@click.option("--oncall", default=0, show_default=True, type=click.IntRange(0, 20),
              help="An on-call list of this many agents for the intervals a roster leaves empty.")
@click.option("--profile", help="Plan from these expected requests per day (Monday first) instead of history.")
@click.option("--handle-time", type=POSITIVE, help="With --profile: the handle time to plan for, minutes.")
@click.option("--patience", type=POSITIVE, help="With --profile: the patience to plan for, minutes.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def compare_command(history_path: str, start: str, days: int, scenario_path: str | None, seeds: int,
                    sizing: str | None, good_hour_target: float | None, core_target: float | None,
                    max_abandon: float | None, quantile: float | None, opening_hours: str | None, replan: str,
                    no_w1: bool,
                    no_hindsight: bool, oncall: int, profile: str | None, handle_time: float | None,
                    patience: float | None, as_json: bool) -> None:
    """Shift roster vs gig + surge vs hybrid on the recorded days from --start, each planned from earlier days."""
    from tandem.engines.sim import staffing_compare as sc

    erlang_given = profile is not None or max_abandon is not None or quantile is not None
    sizing = sizing or ("erlang" if erlang_given else "hourly")
    if sizing == "hourly" and erlang_given:
        raise click.UsageError("--max-abandon, --quantile and --profile go with --sizing erlang")
    if sizing == "erlang" and (good_hour_target is not None or core_target is not None):
        raise click.UsageError("--good-hour-target and --core-target go with --sizing hourly")
    settings = cli_settings()
    first = _parse_day(start)
    default = Path(__file__).resolve().parents[3] / "scenarios" / "callcenter.toml"
    path = Path(scenario_path) if scenario_path else default
    try:
        hours = _opening(settings, opening_hours)
        prior = _profile(profile, hours)
        service = ServiceModel(handle_time or settings.assumed_handle_time_s / 60,
                               patience or settings.surge_patience_s / 60) if prior is not None else None
        if prior is not None and (max_abandon is None or quantile is None):
            raise click.UsageError("with --profile there is no history to size on: give --max-abandon and --quantile")
        study = sc.Study(sc.read_recorded(history_path), load_scenario(path), _rates(settings),
                         seeds=tuple(range(1, seeds + 1)), opening_hours=hours, oncall=oncall, profile=prior,
                         profile_service=service, daily=replan == "daily")
        result = sc.compare(study, first, days, max_abandon, quantile, w1=not no_w1, hindsight=not no_hindsight,
                            sizing=sizing, good_target=good_hour_target, core_target=core_target)
    except InvalidInput as exc:
        raise click.ClickException(exc.message) from exc
    if as_json:
        click.echo(json.dumps(result))
        return
    cols = ("good_hours_share", "abandonment", "service_level", "agent_hours", "total_cost", "cost_per_handled")
    click.echo("| variant | " + " | ".join(cols) + " |")
    click.echo("|---" * (len(cols) + 1) + "|")
    for name, row in result["variants"].items():
        click.echo(f"| {name} | " + " | ".join(str(row[c]) for c in cols) + " |")
    click.echo(json.dumps({"cost_ratios": result["cost_ratios"], "targets": result["targets"]}))
