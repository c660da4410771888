"""From arrival history to a shift roster: forecast per interval -> Erlang-A requirement -> least-cost shifts.

The forecast is the forecast engine's (`tandem.engines.forecast`), fitted on the history it is given and nothing
after; a core roster for a hybrid plan is sized to a quantile of the forecast's negative-binomial predictive
distribution instead of its mean.
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
from tandem.engines.forecast.model import ForecastModel, fit
from tandem.engines.staffing.model import ServiceModel, StaffingTarget
from tandem.engines.staffing.roster import (
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

    def as_dict(self) -> dict[str, object]:
        rules = self.roster.rules
        out: dict[str, object] = {
            "start": self.start.isoformat(), "days": self.days, "slot_minutes": rules.slot_minutes,
            "handle_minutes": round(self.model.handle_time, 3), "patience_minutes": round(self.model.patience, 3),
            "max_abandon": self.target.max_abandon, "quantile": self.quantile,
            "forecast": [round(float(v), 3) for v in self.arrivals], **self.roster.as_dict(self.start)}
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
                time_limit: float = 8.0) -> RosterPlan:
    """Forecast the days from `start` on the history before it, staff every interval, solve the roster.

    `min_agents` is a floor for every open interval (somebody answers while the doors are open, whatever the
    forecast says)."""
    rules = rules or ShiftRules()
    if history.interval_minutes != rules.slot_minutes:
        raise InvalidInput(f"history is binned per {history.interval_minutes} min, the roster per "
                           f"{rules.slot_minutes} min")
    fitted = forecast_model or fit(history_before(history, start))
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
                      greedy if with_greedy else None, model, target, quantile)
