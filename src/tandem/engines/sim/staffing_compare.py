"""The business case at equal service: an optimized shift roster, the gig pool with the surge loop, and a hybrid.

For a window of days [start, start + days) of a recorded history:

* every plan sees only the days before `start` (forecast, handle time and patience fitted on them);
* the three variants are simulated on the window's recorded arrivals to the agent queue and, for calls that were
  served, their recorded service times (abandoned calls never had one: theirs are drawn from the lognormal
  fitted to the window's served calls); patience is exponential with the window's censored-MLE mean. Each seed
  draws those once and all variants get the very same customers;
* agents behave as the scenario says (offer acceptance and decision time, the gig pool's logins, sessions, idle
  logout, login lag), agent profiles and quality come from the same model for every variant, and the router is
  the production one;
* costs: a rostered agent is paid every rostered hour (breaks unpaid) at `Rates.shift_hourly`; a gig agent per
  conversation, per handled minute and the surge bonus fixed at offer time.

Sizing. `shifts` is the least-cost roster (`tandem.engines.staffing.roster`) for a requirement; `hybrid` is a core
roster with the gig pool and surge loop beside it. The requirement is either the good-hour sizing
(`sizing="hourly"`, the default: per clock hour the least agents making the hour good with probability p, given its
forecast, the forecast's hourly spread at the planning horizon and a loss floor measured with an unbounded roster
on the days before; the core for a lower probability c) or the Erlang-A one (`sizing="erlang"`: a per-interval
abandonment target x; the core at the same x on the q-quantile of the forecast). Both are sized to the service bar
(>= 95% of hours with abandonment <= 5%) on a *calibration window*: up to the same number of days just before
`start`, planned from the days before those, of which there must be at least a week (a plan from fewer days
over-forecasts the weekdays it has not seen and makes any x look good). p (or x) steps along a grid to the first
that meets the bar there; c (or q) is the cheapest on its grid that meets it. The chosen values are then planned
for the window from all days before `start` and measured once. An operator may fix them instead. For the record,
`hindsight` gives the cheapest grid value whose roster would have met the bar on the window itself (not a plan
anyone could have made) and the window's ceiling: its share of good hours with an unbounded roster.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from tandem.core.errors import InvalidInput
from tandem.engines.forecast.history import ArrivalHistory
from tandem.engines.forecast.model import ForecastModel, fit
from tandem.engines.sim.ai_stage import lognormal
from tandem.engines.sim.callcenter import CallCenterData, load_callcenter
from tandem.engines.sim.human import HumanDemand, HumanStage
from tandem.engines.sim.pool import core_size, make_profiles, pool_size
from tandem.engines.sim.scenario import Scenario
from tandem.engines.sim.surge_loop import PriorDaysForecast, SurgeController
from tandem.engines.sim.w1 import GRID, HOUR_BAR, SHARE_BAR, hourly_plan
from tandem.engines.sim.workforce import Workforce
from tandem.engines.staffing.hourly import HourSizing
from tandem.engines.staffing.model import ServiceModel, StaffingTarget
from tandem.engines.staffing.plan import ALWAYS_OPEN, RosterPlan, horizon_dispersion, join_plans, plan_roster
from tandem.engines.staffing.roster import ShiftRules

SLOT_MINUTES = 30
TARGET_GRID = (0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 5e-4, 2e-4, 1e-4, 5e-5, 2e-5, 1e-5)
QUANTILE_GRID = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5)  # 0 would be no core at all: the gig variant itself
MIN_PLAN_DAYS = 7  # a calibration plan needs at least a week of history (weekday factors and profiles)
GOOD_HOUR_GRID = (0.95, 0.96, 0.97, 0.98, 0.99)  # P(hour good) targets for the roster, cheapest first
CORE_GRID = (0.3, 0.5, 0.7, 0.8, 0.9)  # P(the core alone makes the hour good) for the hybrid core
LOSS_FLOOR_DAYS = 7  # the loss floor is measured on up to this many days before a plan's first day
SIZINGS = ("hourly", "erlang")
SL_SECONDS = 20.0


@dataclass(frozen=True)
class Rates:
    """What each kind of agent is paid (all from settings)."""

    shift_hourly: float
    per_conversation: float
    per_minute: float
    surge_bonus: tuple[float, float, float, float]
    oncall_standby_hourly: float = 0.0  # per on-call agent per hour the roster leaves empty


# --- the recorded history ------------------------------------------------------------------------------------


def read_recorded(path: str | Path) -> CallCenterData:
    """Queued calls with their waits, outcomes and service times: the call-center layout (date, q_start, q_time,
    outcome, ser_time), or `arrived_at` with `handle_seconds` (0 or empty = not served) and optional
    `wait_seconds`."""
    file = Path(path)
    if not file.is_file():
        raise InvalidInput(f"history file not found: {file}", path=str(file))
    with file.open(newline="", encoding="utf-8-sig") as handle:
        header = set(csv.DictReader(handle).fieldnames or [])
    try:
        if {"date", "q_start", "q_time", "outcome", "ser_time"} <= header:
            return load_callcenter(file.resolve())
        if {"arrived_at", "handle_seconds"} <= header:
            return _read_generic(file)
    except (ValueError, KeyError) as exc:
        raise InvalidInput(f"{file}: cannot read the recorded calls ({exc})", path=str(file)) from exc
    raise InvalidInput(f"{file}: the comparison needs recorded service times: the call-center columns (date, "
                       f"q_start, q_time, outcome, ser_time) or arrived_at + handle_seconds; found {sorted(header)}",
                       path=str(file))


def _read_generic(file: Path) -> CallCenterData:
    rows = []
    with file.open(newline="", encoding="utf-8-sig") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            try:
                at = datetime.fromisoformat(row["arrived_at"].strip().replace("Z", "+00:00")).replace(tzinfo=None)
                handle_s = float(row["handle_seconds"] or 0)
                wait_s = float(row.get("wait_seconds") or 0)
            except ValueError as exc:
                raise ValueError(f"line {line}: {exc}") from exc
            rows.append((at, wait_s, handle_s))
    if not rows:
        raise ValueError("no rows")
    rows.sort()
    first = rows[0][0].date()
    minutes = np.array([(r[0] - datetime.combine(first, time())).total_seconds() / 60 for r in rows])
    handles = np.array([r[2] / 60 for r in rows])
    return CallCenterData(minutes, np.array([r[1] / 60 for r in rows]), handles > 0, handles, first)


@dataclass(frozen=True)
class Window:
    """Queued calls of [start, start + days), times in minutes from midnight of `start`."""

    start: date
    days: int
    entry: np.ndarray
    served: np.ndarray
    service: np.ndarray
    waits: np.ndarray


def _day_bounds(calls: CallCenterData, start: date, days: int) -> tuple[int, int]:
    lo = (start - calls.first_day).days * 1440.0
    return (int(np.searchsorted(calls.arrivals, lo, side="left")),
            int(np.searchsorted(calls.arrivals, lo + days * 1440.0, side="left")))


def last_day(calls: CallCenterData) -> date:
    return calls.first_day + timedelta(days=int(calls.arrivals[-1] // 1440))


def window(calls: CallCenterData, start: date, days: int) -> Window:
    """The window's calls; every day of it must be in the file."""
    end = start + timedelta(days=days - 1)
    if start < calls.first_day or end > last_day(calls):
        raise InvalidInput(f"the days {start.isoformat()} to {end.isoformat()} are not all in the history "
                           f"({calls.first_day.isoformat()} to {last_day(calls).isoformat()})",
                           start=start.isoformat(), days=days)
    i, j = _day_bounds(calls, start, days)
    offset = (start - calls.first_day).days * 1440.0
    return Window(start, days, calls.arrivals[i:j] - offset, calls.served[i:j], calls.services[i:j], calls.waits[i:j])


def history(calls: CallCenterData, before: date, slot_minutes: int = SLOT_MINUTES) -> ArrivalHistory:
    """Queued calls per day and interval, from the first day to the day before `before`."""
    days = (before - calls.first_day).days
    if days < 1:
        raise InvalidInput(f"no history before {before.isoformat()}: plans need at least one earlier day",
                           start=before.isoformat())
    counts = np.zeros((days, 1440 // slot_minutes))
    minute = calls.arrivals[calls.arrivals < days * 1440.0].astype(int)
    np.add.at(counts, (minute // 1440, (minute % 1440) // slot_minutes), 1.0)
    return ArrivalHistory(calls.first_day, slot_minutes, counts)


def fits(served: np.ndarray, service: np.ndarray, waits: np.ndarray) -> tuple[float, float, float]:
    """(lognormal handle mean, log-sd, exponential patience mean) in minutes from queued calls."""
    data = CallCenterData(np.zeros(served.size), waits, served, service, date.min)
    mean, sigma = data.handle_fit()
    return mean, sigma, data.patience_fit()


# --- simulating one variant ----------------------------------------------------------------------------------


def demand_for(win: Window, s: Scenario, rng: np.random.Generator) -> HumanDemand:
    """The window's customers: recorded arrivals and service times, drawn patience (and handle if none)."""
    mean, sigma, patience = fits(win.served, win.service, win.waits)
    recorded = win.served & (win.service > 0)
    handle = np.where(recorded, win.service, lognormal(rng, mean, sigma, win.entry.size))
    topic = s.ai.intents[0].topic if s.ai.intents else "payments"
    language = next(iter(s.customers.languages), "en")
    n = win.entry.size
    return HumanDemand(win.entry.copy(), [topic] * n, [language] * n, rng.exponential(patience, n), handle)


@dataclass(frozen=True)
class VariantRun:
    """One simulated variant on one seed."""

    requests: int
    abandoned: int
    answered_in_time: int
    handled: int
    good_hours_share: float
    hours: int
    shift_hours: float
    gig_hours: float
    shift_cost: float
    gig_cost: float
    oncall_hours: float = 0.0
    oncall_cost: float = 0.0
    oncall_calls: int = 0

    @property
    def total_cost(self) -> float:
        return self.shift_cost + self.gig_cost + self.oncall_cost


def simulate(s: Scenario, demand: HumanDemand, days: int, rates: Rates, seed: int,
             controller: SurgeController | None = None, rostered_hours: float = 0.0) -> VariantRun:
    """Run the human stage on `demand` with the scenario's workforce; pay as `rates` say."""
    from tandem.engines.sim.routing_adapter import RoutingEngineRouter

    rng = np.random.default_rng(seed)
    profiles = make_profiles(s.agents, pool_size(s.agents), rng)
    horizon = days * 1440.0
    handle_mean = float(demand.handle.mean()) if demand.handle.size else 1.0
    workforce = Workforce(s.agents, s.surge, s.pay, profiles, rng, horizon, controller,
                          chats_per_hour=60.0 * s.agents.capacity / handle_mean)
    out = HumanStage(demand, RoutingEngineRouter(s), workforce, s.offers, rng).run()
    workforce.close(horizon)
    core = core_size(s.agents) if s.agents.mode == "hybrid" else (len(profiles) if s.agents.mode == "shifts" else 0)
    served = out.agent >= 0
    by_gig = served & (out.agent >= core)
    gig_cost = float(np.sum((rates.per_conversation + rates.per_minute * demand.handle + out.bonus)[by_gig]))
    hour = (demand.entry // 60).astype(int)
    requests = np.bincount(hour, minlength=days * 24)
    lost = np.bincount(hour, weights=out.abandoned.astype(float), minlength=days * 24)
    counted = requests > 0
    good = float(np.mean(lost[counted] / requests[counted] <= HOUR_BAR)) if counted.any() else 1.0
    gig_minutes = float(workforce.online_minutes[core:].sum())
    oncall_hours = workforce.oncall_minutes / 60.0
    empty_hours = sum(1 for v in s.agents.shifts if v == 0) * s.agents.shift_minutes / 60.0
    oncall_cost = (oncall_hours * rates.shift_hourly
                   + s.agents.oncall * empty_hours * rates.oncall_standby_hourly) if s.agents.oncall else 0.0
    return VariantRun(int(demand.entry.size), int(out.abandoned.sum()),
                      int(np.count_nonzero(served & (out.wait * 60 <= SL_SECONDS))), int(served.sum()), good,
                      int(counted.sum()), rostered_hours, gig_minutes / 60.0,
                      rostered_hours * rates.shift_hourly, gig_cost, oncall_hours, oncall_cost,
                      workforce.oncall_calls)


def summary(runs: Sequence[VariantRun]) -> dict[str, Any]:
    """Means over the seeds, in the comparison's output shape."""
    def mean(f: str) -> float:
        return float(np.mean([getattr(r, f) for r in runs]))

    requests = max(mean("requests"), 1.0)
    cost = mean("total_cost")
    return {
        "good_hours_share": round(mean("good_hours_share"), 4),
        "good_hours_share_by_seed": [round(r.good_hours_share, 4) for r in runs],
        "hours": runs[0].hours,
        "abandonment": round(mean("abandoned") / requests, 4),
        "service_level": round(mean("answered_in_time") / requests, 4),
        "service_level_seconds": SL_SECONDS,
        "agent_hours": round(mean("shift_hours") + mean("gig_hours"), 1),
        "shift_hours": round(mean("shift_hours"), 1),
        "gig_hours": round(mean("gig_hours"), 1),
        "total_cost": round(cost, 2),
        "shift_cost": round(mean("shift_cost"), 2),
        "gig_cost": round(mean("gig_cost"), 2),
        "oncall_hours": round(mean("oncall_hours"), 1),
        "oncall_cost": round(mean("oncall_cost"), 2),
        "oncall_calls": round(mean("oncall_calls"), 1),
        "handled": round(mean("handled"), 1),
        "cost_per_handled": round(cost / max(mean("handled"), 1.0), 3),
    }


# --- planning and sizing -------------------------------------------------------------------------------------


class Study:
    """Plans, simulations and the sizing search on one recorded history with one scenario's behaviour."""

    def __init__(self, calls: CallCenterData, scenario: Scenario, rates: Rates, seeds: Sequence[int] = (1, 2, 3),
                 opening_hours: Sequence[str] = ALWAYS_OPEN, rules: ShiftRules | None = None,
                 min_agents: int = 1, oncall: int = 0, profile: ForecastModel | None = None,
                 profile_service: ServiceModel | None = None, daily: bool = False) -> None:
        """`profile` (an operator's demand profile, `plan.operator_profile`) replaces the forecast for every plan
        and stands in for the surge loop's forecast on a first day without history; `profile_service` replaces the
        handle time and patience fitted from history. `oncall` puts an on-call list on the intervals a roster
        leaves empty. `daily` re-plans every roster each day from the days before that day (forecast, handle time,
        patience, loss floor and spread all refitted) instead of once for the whole window."""
        if not seeds:
            raise InvalidInput("give at least one seed")
        self.calls, self.rates, self.seeds = calls, rates, tuple(seeds)
        self.opening_hours = tuple(opening_hours)
        self.min_agents = min_agents
        self.oncall, self.profile, self.profile_service = oncall, profile, profile_service
        self.daily = daily
        self.time_limit = 30.0  # the machine is shared: HiGHS's incumbent at 8 s under load can be far off
        self.rules = rules or ShiftRules(slot_minutes=SLOT_MINUTES, hourly_rate=rates.shift_hourly)
        self.scenario = dataclasses.replace(
            scenario, service_level_seconds=SL_SECONDS,
            surge=dataclasses.replace(scenario.surge, bonus=rates.surge_bonus),
            pay=dataclasses.replace(scenario.pay, per_conversation=rates.per_conversation,
                                    per_minute=rates.per_minute, shift_hourly=rates.shift_hourly))
        self._forecasts: dict[date, ForecastModel] = {}
        self._demand: dict[tuple[date, int, int], HumanDemand] = {}
        self._floors: dict[date, float] = {}

    # what the platform knows before `start`
    def forecast_model(self, start: date) -> ForecastModel:
        if self.profile is not None:
            return self.profile
        if start not in self._forecasts:
            self._forecasts[start] = fit(history(self.calls, start))
        return self._forecasts[start]

    def service_model(self, start: date) -> ServiceModel:
        if self.profile_service is not None:
            return self.profile_service
        days = (start - self.calls.first_day).days
        i, j = _day_bounds(self.calls, self.calls.first_day, days)
        mean, _, patience = fits(self.calls.served[i:j], self.calls.services[i:j], self.calls.waits[i:j])
        return ServiceModel(mean, patience, concurrency=self.scenario.agents.capacity)

    def roster(self, start: date, days: int, max_abandon: float | None, quantile: float | None = None,
               with_greedy: bool = False, hourly: HourSizing | None = None, core: bool = False) -> RosterPlan:
        """The roster for [start, start + days) from the days before `start`: per-interval Erlang-A at
        `max_abandon` (a core at `quantile`), or with `hourly` the good-hour sizing (`core`: no floor). Re-planned
        daily, each day gets its own roster and, with `hourly`, its own loss floor and spread at `hourly.target`."""
        if self.daily and days > 1:
            return join_plans([self.roster(day, 1, max_abandon, quantile, with_greedy,
                                           self.hour_sizing(day, 1, hourly.target) if hourly else None, core)
                               for day in (start + timedelta(days=d) for d in range(days))])
        empty = ArrivalHistory(start, SLOT_MINUTES, np.zeros((0, 1440 // SLOT_MINUTES)))
        known = history(self.calls, start) if self.profile is None else empty
        floor = 0 if (quantile is not None or core) else self.min_agents
        if max_abandon is None and hourly is None:
            raise InvalidInput("a roster needs an Erlang-A abandonment target or a good-hour sizing")
        target = StaffingTarget(0.0, SL_SECONDS, 1.0 if max_abandon is None else max_abandon)  # unused if hourly
        return plan_roster(known, start, days, self.service_model(start), target, self.rules, self.opening_hours,
                           quantile, with_greedy, forecast_model=self.forecast_model(start),
                           min_agents=floor, time_limit=self.time_limit, hourly=hourly)

    # the good-hour sizing's inputs, all from the days before `start`
    def unbounded(self, win: Window) -> dict[str, Any]:
        """The window with an unbounded roster: every interval staffed with twice the busiest hour's calls, so
        no caller ever waits for a free agent; what is still lost is the loss floor (offers being answered)."""
        busiest = int(np.bincount((win.entry // 60).astype(int)).max()) if win.entry.size else 0
        k = max(2 * busiest, 1)
        s = self.scenario
        agents = dataclasses.replace(s.agents, mode="shifts", shifts=(k,) * (win.days * 1440 // SLOT_MINUTES),
                                     shift_minutes=SLOT_MINUTES, pool_size=k + 2, oncall=0)
        s = dataclasses.replace(s, agents=agents, surge=dataclasses.replace(s.surge, enabled=False))
        runs = [simulate(s, self.demand(win, seed), win.days, self.rates, seed, None, 0.0) for seed in self.seeds]
        return summary(runs) | {"agents_per_interval": k}

    def loss_floor(self, start: date) -> float:
        """Abandonment with an unbounded roster on up to LOSS_FLOOR_DAYS days before `start` (0 without any)."""
        if start not in self._floors:
            length = min(LOSS_FLOOR_DAYS, (start - self.calls.first_day).days)
            self._floors[start] = (float(self.unbounded(window(self.calls, start - timedelta(days=length),
                                                                length))["abandonment"]) if length >= 1 else 0.0)
        return self._floors[start]

    def hour_sizing(self, start: date, days: int, target: float) -> HourSizing:
        """Good-hour sizing for a plan of `days` days from `start`: the loss floor measured before `start`, the
        forecast's hourly spread at that horizon (the forecast's own dispersion if the history is too short)."""
        if self.profile is not None:
            raise InvalidInput("the good-hour sizing needs history (loss floor, forecast spread); with an "
                               "operator profile use the Erlang-A sizing with --max-abandon and --quantile")
        spread = horizon_dispersion(history(self.calls, start), days)
        if spread is None:
            spread = self.forecast_model(start).dispersion
        return HourSizing(target, self.loss_floor(start), spread)

    def demand(self, win: Window, seed: int) -> HumanDemand:
        key = (win.start, win.days, seed)
        if key not in self._demand:
            self._demand[key] = demand_for(win, self.scenario, np.random.default_rng(10_000 + seed))
        return self._demand[key]

    def controller(self, win: Window, demand: HumanDemand) -> SurgeController:
        """The surge loop as the live platform runs it on `start`: its forecast has the days before too."""
        offset = (win.start - self.calls.first_day).days * 1440.0
        before = self.calls.arrivals[self.calls.arrivals < offset]
        entry = np.concatenate([before, demand.entry + offset])
        forecast = PriorDaysForecast(entry, self.calls.first_day, offset_minutes=offset, prior=self.profile)
        s = self.scenario
        return SurgeController(demand.entry, forecast, self.service_model(win.start), s.surge,
                               s.agents.mean_session_minutes)

    # the three variants
    def scenario_for(self, kind: str, plan: RosterPlan | None = None) -> Scenario:
        s = self.scenario
        agents, surge = s.agents, s.surge
        if kind == "shifts":
            assert plan is not None
            shifts = tuple(int(v) for v in plan.roster.coverage)
            agents = dataclasses.replace(agents, mode="shifts", shifts=shifts, shift_minutes=self.rules.slot_minutes,
                                         pool_size=2 * max(shifts, default=0) + 2, oncall=self.oncall)
            surge = dataclasses.replace(surge, enabled=False)
        elif kind == "hybrid":
            assert plan is not None
            shifts = tuple(int(v) for v in plan.roster.coverage)
            agents = dataclasses.replace(agents, mode="hybrid", shifts=shifts, shift_minutes=self.rules.slot_minutes,
                                         oncall=self.oncall)
            surge = dataclasses.replace(surge, enabled=True)
        else:
            agents = dataclasses.replace(agents, mode="gig")
            surge = dataclasses.replace(surge, enabled=True)
        return dataclasses.replace(s, agents=agents, surge=surge)

    def run(self, kind: str, win: Window, plan: RosterPlan | None = None) -> list[VariantRun]:
        s = self.scenario_for(kind, plan)
        hours = plan.roster.paid_hours if plan is not None else 0.0
        runs = []
        for seed in self.seeds:
            demand = self.demand(win, seed)
            ctl = self.controller(win, demand) if kind != "shifts" else None
            runs.append(simulate(s, demand, win.days, self.rates, seed, ctl, hours))
        return runs

    # sizing on the calibration window
    def size_shifts(self, start: date, days: int) -> dict[str, Any]:
        """The largest x on the grid whose roster meets the bar on the calibration window."""
        calib, _ = self._calibration(start, days)
        tried = []
        for x in TARGET_GRID:
            share = summary(self.run("shifts", calib, self.roster(calib.start, days, x)))["good_hours_share"]
            tried.append({"max_abandon": x, "good_hours_share": share})
            if share >= SHARE_BAR:
                return {"max_abandon": x, "met_on_calibration": True, "calibration_start": calib.start.isoformat(),
                        "calibration_days": calib.days, "tried": tried}
        return {"max_abandon": TARGET_GRID[-1], "met_on_calibration": False,
                "calibration_start": calib.start.isoformat(), "tried": tried}

    def size_hybrid(self, start: date, days: int, max_abandon: float) -> dict[str, Any]:
        """The cheapest quantile on the grid whose hybrid meets the bar on the calibration window."""
        calib, _ = self._calibration(start, days)
        tried = []
        for q in QUANTILE_GRID:
            res = summary(self.run("hybrid", calib, self.roster(calib.start, days, max_abandon, q)))
            tried.append({"quantile": q, "good_hours_share": res["good_hours_share"], "total_cost": res["total_cost"]})
        ok = [t for t in tried if t["good_hours_share"] >= SHARE_BAR]
        best = min(ok, key=lambda t: t["total_cost"]) if ok else max(tried, key=lambda t: t["good_hours_share"])
        return {"quantile": best["quantile"], "max_abandon": max_abandon, "met_on_calibration": bool(ok),
                "calibration_start": calib.start.isoformat(), "tried": tried}

    def size_shifts_hourly(self, start: date, days: int) -> dict[str, Any]:
        """The lowest good-hour target on the grid whose roster meets the bar on the calibration window."""
        calib, _ = self._calibration(start, days)
        tried = []
        for p in GOOD_HOUR_GRID:
            plan = self.roster(calib.start, calib.days, None, hourly=self.hour_sizing(calib.start, calib.days, p))
            res = summary(self.run("shifts", calib, plan))
            tried.append({"good_hour_target": p, "good_hours_share": res["good_hours_share"],
                          "expected_share": round(plan.hourly.expected_share(), 4) if plan.hourly else None,
                          "total_cost": res["total_cost"]})
            if res["good_hours_share"] >= SHARE_BAR:
                return {"good_hour_target": p, "met_on_calibration": True, "calibration_start": calib.start.isoformat(),
                        "calibration_days": calib.days, "tried": tried}
        return {"good_hour_target": GOOD_HOUR_GRID[-1], "met_on_calibration": False,
                "calibration_start": calib.start.isoformat(), "calibration_days": calib.days, "tried": tried}

    def size_hybrid_hourly(self, start: date, days: int) -> dict[str, Any]:
        """The cheapest core target on the grid whose hybrid meets the bar on the calibration window."""
        calib, _ = self._calibration(start, days)
        tried = []
        for c in CORE_GRID:
            plan = self.roster(calib.start, calib.days, None, hourly=self.hour_sizing(calib.start, calib.days, c),
                               core=True)
            res = summary(self.run("hybrid", calib, plan))
            tried.append({"core_target": c, "good_hours_share": res["good_hours_share"],
                          "total_cost": res["total_cost"]})
        ok = [t for t in tried if t["good_hours_share"] >= SHARE_BAR]
        best = min(ok, key=lambda t: t["total_cost"]) if ok else max(tried, key=lambda t: t["good_hours_share"])
        return {"core_target": best["core_target"], "met_on_calibration": bool(ok),
                "calibration_start": calib.start.isoformat(), "calibration_days": calib.days, "tried": tried}

    def _calibration(self, start: date, days: int) -> tuple[Window, date]:
        length = min(days, (start - self.calls.first_day).days - MIN_PLAN_DAYS)
        if length < 1:
            raise InvalidInput(f"sizing needs {MIN_PLAN_DAYS} days of history and at least one more day before "
                               f"{start.isoformat()} to calibrate on; give --max-abandon and --quantile instead")
        first = start - timedelta(days=length)
        return window(self.calls, first, length), first

    def hindsight_hourly(self, win: Window) -> dict[str, Any]:
        """The lowest good-hour target on the grid whose roster meets the bar on the window itself (hindsight)."""
        tried = []
        for p in GOOD_HOUR_GRID:
            res = summary(self.run("shifts", win, self.roster(win.start, win.days, None,
                                                              hourly=self.hour_sizing(win.start, win.days, p))))
            tried.append({"good_hour_target": p, "good_hours_share": res["good_hours_share"],
                          "total_cost": res["total_cost"]})
            if res["good_hours_share"] >= SHARE_BAR:
                return {"good_hour_target": p, "met": True, "total_cost": res["total_cost"], "tried": tried}
        return {"met": False, "tried": tried}

    def hindsight_shifts(self, win: Window) -> dict[str, Any]:
        """The cheapest x on the grid whose roster meets the bar on the window itself (hindsight)."""
        tried = []
        for x in TARGET_GRID:
            plan = self.roster(win.start, win.days, x)
            res = summary(self.run("shifts", win, plan))
            tried.append({"max_abandon": x, "good_hours_share": res["good_hours_share"],
                          "total_cost": res["total_cost"]})
            if res["good_hours_share"] >= SHARE_BAR:
                return {"max_abandon": x, "met": True, "total_cost": res["total_cost"], "tried": tried}
        return {"met": False, "tried": tried}


def perfect_foresight(study: Study, win: Window, gig: dict[str, Any]) -> dict[str, Any]:
    """W1 on the window: the cheapest hourly plan that knows each hour's true requests and meets the bar."""
    requests = np.bincount((win.entry // 60).astype(int), minlength=win.days * 24)
    model = study.service_model(win.start)
    best: dict[str, Any] | None = None
    for x in GRID:
        plan = hourly_plan(requests, model.handle_time, model.patience, x, study.scenario.agents.capacity)
        s = study.scenario_for("gig")
        hourly = tuple(int(v) for v in plan)
        agents = dataclasses.replace(s.agents, mode="shifts", shifts=hourly, shift_minutes=60.0,
                                     pool_size=2 * max(hourly) + 2)
        s = dataclasses.replace(s, agents=agents,
                                surge=dataclasses.replace(s.surge, enabled=False))
        runs = [simulate(s, study.demand(win, seed), win.days, study.rates, seed, None, float(plan.sum()))
                for seed in study.seeds]
        res = summary(runs)
        if res["good_hours_share"] >= SHARE_BAR:
            best = {"max_abandon_per_hour": x, "agent_hours": res["agent_hours"],
                    "good_hours_share": res["good_hours_share"]}
            break
    out: dict[str, Any] = {"gig_good_hours_share": gig["good_hours_share"], "gig_agent_hours": gig["agent_hours"],
                           "baseline_plan": best, "definition": "perfect-foresight hourly plan (true requests per "
                           "hour, no login lag), the first on the grid whose mean share meets 95%"}
    if best:
        out["ratio_to_baseline"] = round(gig["agent_hours"] / best["agent_hours"], 3)
        out["w1_met"] = bool(gig["good_hours_share"] >= SHARE_BAR and out["ratio_to_baseline"] <= 1.10)
    return out


def compare(study: Study, start: date, days: int, max_abandon: float | None = None,
            quantile: float | None = None, w1: bool = True, hindsight: bool = True, sizing: str = "hourly",
            good_target: float | None = None, core_target: float | None = None) -> dict[str, Any]:
    """Plan from the days before `start`, size on the calibration window, simulate the three variants.

    `sizing="hourly"` (default) sizes the roster and the hybrid core per clock hour for a probability that the
    hour is good (`good_target`, `core_target`; searched on the calibration window unless given);
    `sizing="erlang"` per interval for an Erlang-A abandonment target (`max_abandon`) and, for the core, a
    forecast quantile (`quantile`)."""
    if sizing not in SIZINGS:
        raise InvalidInput(f"sizing must be one of {', '.join(SIZINGS)}, got {sizing!r}")
    win = window(study.calls, start, days)
    if study.profile is None:
        history(study.calls, start)  # at least one day before
    plans: dict[str, Any] = {}
    if sizing == "hourly":
        if good_target is None:
            plans["shifts"] = study.size_shifts_hourly(start, days)
            good_target = float(plans["shifts"]["good_hour_target"])
        if core_target is None:
            plans["hybrid"] = study.size_hybrid_hourly(start, days)
            core_target = float(plans["hybrid"]["core_target"])
        roster = study.roster(start, days, None, with_greedy=True,
                              hourly=study.hour_sizing(start, days, good_target))
        core = study.roster(start, days, None, hourly=study.hour_sizing(start, days, core_target), core=True)
    else:
        if max_abandon is None:
            plans["shifts"] = study.size_shifts(start, days)
            max_abandon = float(plans["shifts"]["max_abandon"])
        if quantile is None:
            plans["hybrid"] = study.size_hybrid(start, days, max_abandon)
            quantile = float(plans["hybrid"]["quantile"])
        roster = study.roster(start, days, max_abandon, with_greedy=True)
        core = study.roster(start, days, max_abandon, quantile)
    plans["method"] = sizing
    variants = {
        "shifts": summary(study.run("shifts", win, roster)),
        "gig": summary(study.run("gig", win)),
        "hybrid": summary(study.run("hybrid", win, core)),
    }
    variants["shifts"] |= {"shifts": roster.roster.agents, "solve_seconds": round(roster.roster.seconds, 3)}
    variants["hybrid"] |= {"core_shifts": core.roster.agents, "core_hours": round(core.roster.paid_hours, 1)}
    if sizing == "hourly":
        for name, plan, target in (("shifts", roster, good_target), ("hybrid", core, core_target)):
            assert plan.hourly is not None and plan.sizing is not None
            variants[name] |= {"good_hour_target": target, "expected_good_hours_share":
                               round(plan.hourly.expected_share(), 4)}
        plans["loss_floor"] = round(study.loss_floor(start), 5)
        plans["dispersion"] = round(roster.sizing.dispersion, 4) if roster.sizing else None
        plans["expected_ceiling"] = round(roster.hourly.expected_ceiling(), 4) if roster.hourly else None
    else:
        variants["shifts"]["max_abandon"] = max_abandon
        variants["hybrid"] |= {"max_abandon": max_abandon, "quantile": quantile}
    for name in ("shifts", "hybrid"):
        v = variants[name]
        v["meets_target"] = v["good_hours_share"] >= SHARE_BAR
        if not v["meets_target"]:
            v["note"] = f"below the {SHARE_BAR:.0%} bar on this window"
    shifts_cost = variants["shifts"]["total_cost"]
    ratios = {f"{a}_to_{b}": round(variants[a]["total_cost"] / variants[b]["total_cost"], 3)
              for a, b in (("hybrid", "shifts"), ("gig", "shifts"), ("gig", "hybrid"))
              if variants[b]["total_cost"] > 0}
    g = roster.greedy
    out: dict[str, Any] = {
        "window": {"start": start.isoformat(), "days": days, "requests": int(win.entry.size),
                   "planned_from": f"{study.calls.first_day.isoformat()} to {(start - timedelta(days=1)).isoformat()}"},
        "variants": variants,
        "cost_ratios": ratios,
        "targets": {"shifts_95": variants["shifts"]["meets_target"], "hybrid_95": variants["hybrid"]["meets_target"],
                    "hybrid_le_0.95x_shifts": bool(shifts_cost and variants["hybrid"]["total_cost"]
                                                   <= 0.95 * shifts_cost)},
        "roster": {"method": roster.roster.method, "cost": round(roster.roster.cost, 2),
                   "seconds": round(roster.roster.seconds, 3),
                   "lower_bound": round(roster.roster.lower_bound, 2),
                   "greedy_cost": round(g.cost, 2) if g else None,
                   "greedy_gap": round(g.cost / roster.roster.cost - 1, 4) if g and roster.roster.cost else None},
        "sizing": plans,
        "rates": dataclasses.asdict(study.rates),
        "seeds": list(study.seeds),
        "opening_hours": list(study.opening_hours),
        "replan": "daily" if study.daily else "once",
    }
    if hindsight:
        top = study.unbounded(win)
        out["hindsight"] = {
            "shifts": study.hindsight_shifts(win) if sizing == "erlang" else study.hindsight_hourly(win),
            "ceiling": {"good_hours_share": top["good_hours_share"],
                        "good_hours_share_by_seed": top["good_hours_share_by_seed"],
                        "abandonment": top["abandonment"], "agents_per_interval": top["agents_per_interval"],
                        "definition": "the window itself with an unbounded roster (no caller ever waits for a "
                                      "free agent): the most any staffing reaches in this model"}}
    if w1:
        out["w1"] = perfect_foresight(study, win, variants["gig"])
    return out
