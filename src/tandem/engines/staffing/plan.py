"""From arrival history to a shift roster: forecast per interval -> Erlang-A requirement -> least-cost shifts.

The forecast is the forecast engine's (`tandem.engines.forecast`), fitted on the history it is given and nothing
after. Two ways to turn it into a requirement:

* per interval, the least agents meeting an Erlang-A abandonment target at the forecast mean (or, for a hybrid
  core, at a quantile of the forecast's negative-binomial predictive distribution);
* per clock hour (`hourly=HourSizing(...)`, `tandem.engines.staffing.hourly`): the least agents making the hour
  good (abandonment <= 5%) with a target probability, given the hour's predicted volume, the forecast's spread at
  the planning horizon (`horizon_dispersion`) and a loss floor.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
from scipy.stats import nbinom, poisson

from tandem.core.errors import InvalidInput
from tandem.engines.forecast.history import ArrivalHistory
from tandem.engines.forecast.model import ForecastConfig, ForecastModel, fit, fit_point
from tandem.engines.staffing.hourly import HourlyRequirement, HourSizing, hourly_requirement
from tandem.engines.staffing.model import ServiceModel, StaffingTarget
from tandem.engines.staffing.roster import (
    Pattern,
    Roster,
    ShiftRules,
    build_problem,
    open_mask,
    requirement,
    solve_greedy,
    solve_milp,
)

ALWAYS_OPEN = ("00:00-24:00",) * 7


def operator_profile(daily: Sequence[float], opening_hours: Sequence[str] = ALWAYS_OPEN,
                     slot_minutes: int = 30) -> ForecastModel:
    """A forecast for a platform without history: the operator's expected requests per day (Monday first),
    spread evenly over each day's opening hours."""
    if len(daily) != 7 or any(v < 0 for v in daily) or not sum(daily) > 0:
        raise InvalidInput("the demand profile needs 7 daily volumes (Monday first), not negative, not all zero")
    level = sum(daily) / 7.0
    mask = open_mask(datetime(2024, 1, 1), 7, opening_hours, slot_minutes).reshape(7, -1)  # 1 Jan 2024: a Monday
    profile = np.zeros(mask.shape)
    for w in range(7):
        if daily[w] > 0 and not mask[w].any():
            raise InvalidInput(f"the profile expects requests on weekday {w} (Monday = 0), which is closed all day")
        profile[w] = mask[w] / max(mask[w].sum(), 1)
    factors = tuple(float(v) / level for v in daily)
    return ForecastModel(slot_minutes, level, factors, profile, 0.0, 0.8)


def history_before(history: ArrivalHistory, start: date) -> ArrivalHistory:
    """The history's days before `start` only (the plan may not see the days it plans)."""
    keep = (start - history.first_day).days
    if keep < 1:
        raise InvalidInput(f"no history before {start.isoformat()}: the plan needs at least one earlier day",
                           start=start.isoformat())
    return history.head(min(keep, history.days))


def slot_arrivals(model: ForecastModel, start: date, days: int, quantile: float | None = None) -> np.ndarray:
    """Arrivals per interval for `days` days: the forecast's mean, or a quantile of its predictive distribution."""
    if days < 1:
        raise InvalidInput(f"days must be >= 1, got {days}")
    mean = np.concatenate([model.expected(start + timedelta(days=d)) for d in range(days)])
    if quantile is None:
        return mean
    if not 0 <= quantile < 1:
        raise InvalidInput(f"the quantile must be in [0, 1), got {quantile}")
    if quantile == 0:
        return np.zeros_like(mean)
    safe = np.maximum(mean, 1e-12)
    if model.dispersion > 0:
        size = 1.0 / model.dispersion
        q = nbinom.ppf(quantile, size, size / (size + safe))
    else:
        q = poisson.ppf(quantile, safe)
    return np.where(mean > 0, np.maximum(q, 0.0), 0.0)


def horizon_dispersion(history: ArrivalHistory, days_ahead: int, config: ForecastConfig | None = None,
                       warmup: int = 7) -> float | None:
    """φ (Var = μ + φμ²) of the forecast's *hourly* errors 1 to `days_ahead` days ahead, by moments.

    The forecast is refitted at every daily origin after a warm-up week, on the days before that origin only,
    and compared with the recorded hours of the following `days_ahead` days: the spread a plan made `days_ahead`
    days in advance actually faces. None when the history is too short to have an origin.
    """
    if 60 % history.interval_minutes:
        raise InvalidInput(f"hourly errors need intervals that divide an hour, got {history.interval_minutes} min")
    per_hour = 60 // history.interval_minutes
    config = config or ForecastConfig()
    excess, scale = 0.0, 0.0
    for origin in range(warmup, history.days):
        model = fit_point(history.head(origin), config)
        for ahead in range(min(days_ahead, history.days - origin)):
            day = origin + ahead
            mu = model.expected(history.first_day + timedelta(days=day)).reshape(-1, per_hour).sum(axis=1)
            y = history.counts[day].reshape(-1, per_hour).sum(axis=1)
            excess += float(((y - mu) ** 2 - mu).sum())
            scale += float((mu**2).sum())
    return max(0.0, excess / scale) if scale > 0 else None


def hour_means(arrivals: np.ndarray, slot_minutes: int) -> np.ndarray:
    """Expected requests per clock hour from expected requests per interval."""
    if 60 % slot_minutes:
        raise InvalidInput(f"hourly sizing needs intervals that divide an hour, got {slot_minutes} min")
    return np.asarray(arrivals, dtype=float).reshape(-1, 60 // slot_minutes).sum(axis=1)


@dataclass(frozen=True)
class RosterPlan:
    """A planned roster and what it was built from (per interval: arrivals, requirement, opening)."""

    start: datetime
    days: int
    arrivals: np.ndarray
    required: np.ndarray
    open: np.ndarray
    roster: Roster
    greedy: Roster | None
    model: ServiceModel
    target: StaffingTarget
    quantile: float | None
    hourly: HourlyRequirement | None = None
    sizing: HourSizing | None = None

    def as_dict(self) -> dict[str, object]:
        rules = self.roster.rules
        out: dict[str, object] = {
            "start": self.start.isoformat(), "days": self.days, "slot_minutes": rules.slot_minutes,
            "handle_minutes": round(self.model.handle_time, 3), "patience_minutes": round(self.model.patience, 3),
            "max_abandon": self.target.max_abandon, "quantile": self.quantile,
            "forecast": [round(float(v), 3) for v in self.arrivals], **self.roster.as_dict(self.start)}
        if self.hourly is not None and self.sizing is not None:
            out["max_abandon"] = None
            out["hourly_sizing"] = {
                "good_hour_target": self.sizing.target, "loss_floor": round(self.sizing.loss_floor, 5),
                "dispersion": round(self.sizing.dispersion, 4), "hour_bar": self.sizing.bar,
                "slack": self.sizing.slack,
                "expected_good_hours_share": round(self.hourly.expected_share(), 4),
                "expected_ceiling": round(self.hourly.expected_ceiling(), 4),
                "agents_per_hour": self.hourly.agents.tolist()}
        if self.greedy is not None:
            g = self.greedy
            out["greedy"] = {"agent_hours": round(g.paid_hours, 2), "cost": round(g.cost, 2), "agents": g.agents,
                             "solve_seconds": round(g.seconds, 3),
                             "gap_to_milp": round(g.cost / self.roster.cost - 1, 4) if self.roster.cost else 0.0}
        return out


def plan_roster(history: ArrivalHistory, start: date, days: int, model: ServiceModel, target: StaffingTarget,
                rules: ShiftRules | None = None, opening_hours: Sequence[str] = ALWAYS_OPEN,
                quantile: float | None = None, with_greedy: bool = False,
                forecast_model: ForecastModel | None = None, min_agents: int = 0,
                time_limit: float = 8.0, hourly: HourSizing | None = None) -> RosterPlan:
    """Forecast the days from `start` on the history before it, staff every interval, solve the roster.

    `min_agents` is a floor for every open interval (somebody answers while the doors are open, whatever the
    forecast says). With `hourly`, the requirement is the good-hour sizing of each clock hour on the forecast
    mean (`target` and `quantile` are then not used)."""
    rules = rules or ShiftRules()
    if history.interval_minutes != rules.slot_minutes:
        raise InvalidInput(f"history is binned per {history.interval_minutes} min, the roster per "
                           f"{rules.slot_minutes} min")
    fitted = forecast_model or fit(history_before(history, start))
    hours: HourlyRequirement | None = None
    if hourly is not None:
        arrivals = slot_arrivals(fitted, start, days)
        hours = hourly_requirement(hour_means(arrivals, rules.slot_minutes), model, hourly)
        required = np.repeat(hours.agents, 60 // rules.slot_minutes)
        quantile = None
    else:
        arrivals = slot_arrivals(fitted, start, days, quantile)
        required = requirement(arrivals / rules.slot_minutes, model, target)
    first = datetime.combine(start, time())
    is_open = open_mask(first, days, opening_hours, rules.slot_minutes)
    problem = build_problem(np.maximum(required, min_agents), is_open, rules)
    greedy = solve_greedy(problem)
    roster = solve_milp(problem, time_limit, max_shifts=greedy.agents)
    if greedy.cost < roster.cost:  # HiGHS stopped at its time limit with a worse roster: keep the better one
        roster = dataclasses.replace(greedy, method="greedy (the MILP's incumbent at its time limit was dearer)",
                                     seconds=roster.seconds + greedy.seconds, lower_bound=roster.lower_bound)
    return RosterPlan(first, days, arrivals, problem.required.astype(int), is_open, roster,
                      greedy if with_greedy else None, model, target, quantile, hours, hourly)


def _join_rosters(rosters: Sequence[Roster], lengths: Sequence[int], method: str) -> Roster:
    patterns: list[Pattern] = []
    counts: list[int] = []
    offset = 0
    for roster, length in zip(rosters, lengths, strict=True):
        patterns += [dataclasses.replace(p, start=p.start + offset) for p in roster.patterns]
        counts += list(roster.counts)
        offset += length
    return Roster(tuple(patterns), tuple(counts), np.concatenate([r.required for r in rosters]),
                  np.concatenate([r.coverage for r in rosters]), rosters[0].rules, method,
                  sum(r.seconds for r in rosters), sum(r.lower_bound for r in rosters))


def join_plans(plans: Sequence[RosterPlan]) -> RosterPlan:
    """Consecutive plans (a roster re-planned each day from the days before it) as one plan over their days.

    Shifts stay inside the plan that made them; costs, bounds and solve times add up. The service model,
    targets and sizing shown are the first plan's, with the loss floor and spread averaged over the plans."""
    if not plans:
        raise InvalidInput("nothing to join: no plans")
    for before, after in zip(plans, plans[1:], strict=False):
        if after.start != before.start + timedelta(days=before.days):
            raise InvalidInput("the plans to join must be consecutive")
    lengths = [p.required.size for p in plans]
    methods = sorted({p.roster.method for p in plans})
    roster = _join_rosters([p.roster for p in plans], lengths, f"{', '.join(methods)}; re-planned daily")
    greedy = (_join_rosters([p.greedy for p in plans if p.greedy is not None], lengths, "greedy; re-planned daily")
              if all(p.greedy is not None for p in plans) else None)
    first = plans[0]
    hourly = sizing = None
    if all(p.hourly is not None and p.sizing is not None for p in plans):
        parts = [p.hourly for p in plans if p.hourly is not None]
        hourly = HourlyRequirement(*(np.concatenate([getattr(h, f) for h in parts])
                                     for f in ("agents", "probability", "ceiling", "busy")))
        sizes = [p.sizing for p in plans if p.sizing is not None]
        sizing = dataclasses.replace(sizes[0], loss_floor=float(np.mean([s.loss_floor for s in sizes])),
                                     dispersion=float(np.mean([s.dispersion for s in sizes])))
    return RosterPlan(first.start, sum(p.days for p in plans), np.concatenate([p.arrivals for p in plans]),
                      np.concatenate([p.required for p in plans]), np.concatenate([p.open for p in plans]), roster,
                      greedy, first.model, first.target, first.quantile, hourly, sizing)
