"""W1: hourly abandonment of a run, and the perfect-foresight staffing plan it is measured against.

Definitions (docs/simulator.md, "W1"): an hour counts if at least `min_requests` customers asked for a human in
it (1 = every hour with demand; 20 = hours where one lost customer alone does not exceed 5%). An hour meets the
bar if at most 5% of its requests abandoned; a run meets W1's service bar if at least 95% of its hours do.

The perfect-foresight plan knows each clock hour's true number of human requests in advance and pays no login
lag: at the top of every hour exactly the planned agents are online (shift mode of the same simulator, same
router, same seeds, so the same customers, handling times and patience). Hour h gets the least agents whose
exact Erlang-A abandonment at that hour's true arrival rate is at most `max_abandon` -- the plan's one
parameter. The baseline is the cheapest such plan (least agent-hours) that itself meets the service bar when
simulated; `search_plan` finds it by stepping `max_abandon` down a log grid and bisecting on the last step.

Over several seeds (replications of the month: other patience, handling and offer draws on the same arrivals) a
plan's share and agent-hours are the means over the seeds, and the baseline is the cheapest plan whose *mean*
share meets the bar. With one seed, "the cheapest plan that passed" picks whichever parameter drew lucky
customers -- the minimum over a dozen noisy evaluations is biased low -- so the per-seed baseline moves by 14%
between seeds; the mean over seeds removes that selection bias.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from tandem.engines.sim.run_log import Records
from tandem.engines.sim.scenario import Scenario
from tandem.engines.staffing.model import ServiceModel, StaffingTarget
from tandem.engines.staffing.optimize import required_agents

BUSY_HOUR_REQUESTS = 20
HOUR_BAR = 0.05  # an hour is good if at most this share of its requests abandoned
SHARE_BAR = 0.95  # ... and a run is good if at least this share of its hours are
GRID = (0.05, 0.03, 0.02, 0.01, 0.005, 0.002, 0.001, 5e-4, 2e-4, 1e-4, 5e-5, 2e-5, 1e-5)


def hourly_abandonment(rec: Records, min_requests: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Per clock hour with at least `min_requests` human requests: (requests, abandonment share)."""
    c = rec.columns
    asked = c["escalated"]
    hour = (c["arrival_min"][asked] // 60).astype(int)
    requests = np.bincount(hour)
    lost = np.bincount(hour, weights=c["abandoned"][asked].astype(float), minlength=requests.size)
    busy = requests >= max(min_requests, 1)
    return requests[busy], lost[busy] / requests[busy]


def share_of_good_hours(rec: Records, min_requests: int = 1) -> float:
    """Share of counted hours whose abandonment is at most HOUR_BAR."""
    _, share = hourly_abandonment(rec, min_requests)
    return float(np.mean(share <= HOUR_BAR)) if share.size else 1.0


def hourly_plan(requests_per_hour: np.ndarray, handle: float, patience: float, max_abandon: float,
                capacity: int = 1) -> np.ndarray:
    """Least agents per hour meeting `max_abandon` at each hour's true arrival rate (0 for empty hours)."""
    model = ServiceModel(handle, patience, concurrency=capacity)
    target = StaffingTarget(0.0, 20.0, max_abandon)
    need: dict[int, int] = {}
    for k in set(int(k) for k in requests_per_hour):
        need[k] = required_agents(k / 60.0, model, target).agents if k else 0
    return np.array([need[int(k)] for k in requests_per_hour], dtype=int)


def requests_per_hour(rec: Records) -> np.ndarray:
    """Human requests in each clock hour of the run."""
    c = rec.columns
    return np.bincount((c["arrival_min"][c["escalated"]] // 60).astype(int))


def plan_scenario(s: Scenario, plan: np.ndarray) -> Scenario:
    """The scenario staffed by an hourly plan: shift mode (no login lag, no pool behaviour), surge off."""
    shifts = tuple(int(k) for k in plan)
    return dataclasses.replace(
        s, agents=dataclasses.replace(s.agents, mode="shifts", shifts=shifts, pool_size=max(max(shifts), 1)),
        surge=dataclasses.replace(s.surge, enabled=False))


@dataclass(frozen=True)
class PlanRun:
    """One perfect-foresight plan simulated: its parameter, planned and simulated agent-hours, service."""

    max_abandon: float
    planned_hours: float
    agent_hours: float
    share: float
    busy_share: float
    abandonment: float

    @property
    def meets(self) -> bool:
        return self.share >= SHARE_BAR

    def as_dict(self) -> dict[str, float]:
        return {"max_abandon_per_hour": self.max_abandon, "planned_agent_hours": round(self.planned_hours, 1),
                "agent_hours": round(self.agent_hours, 1), "hours_abandon_le_5pct": round(self.share, 4),
                f"hours_ge_{BUSY_HOUR_REQUESTS}_abandon_le_5pct": round(self.busy_share, 4),
                "abandonment": round(self.abandonment, 4)}


Simulate = Callable[[Scenario], tuple[Records, float]]  # a scenario -> (records, agent-minutes)
Case = tuple[np.ndarray, Simulate]  # one seed: its true human requests per hour, and its simulator


def run_plan(s: Scenario, requests: np.ndarray, max_abandon: float, simulate: Simulate, handle: float,
             patience: float) -> PlanRun:
    """Build the plan for `max_abandon` on the true hourly requests and run it through the simulator."""
    plan = hourly_plan(requests, handle, patience, max_abandon, s.agents.capacity)
    rec, minutes = simulate(plan_scenario(s, plan))
    c = rec.columns
    asked = c["escalated"]
    abandonment = float(c["abandoned"][asked].mean()) if asked.any() else 0.0
    return PlanRun(max_abandon, float(plan.sum()), minutes / 60.0, share_of_good_hours(rec),
                   share_of_good_hours(rec, BUSY_HOUR_REQUESTS), abandonment)


def run_plan_cases(s: Scenario, cases: Sequence[Case], max_abandon: float, handle: float,
                   patience: float) -> PlanRun:
    """One plan parameter on every seed: shares, agent-hours and abandonment are the means over the seeds."""
    runs = [run_plan(s, requests, max_abandon, simulate, handle, patience) for requests, simulate in cases]
    if len(runs) == 1:
        return runs[0]
    return PlanRun(max_abandon, *(float(np.mean([getattr(r, f) for r in runs]))
                                  for f in ("planned_hours", "agent_hours", "share", "busy_share", "abandonment")))


def search_plan(s: Scenario, cases: Sequence[Case], handle: float, patience: float,
                bisect_steps: int = 4) -> tuple[PlanRun | None, list[PlanRun]]:
    """The cheapest simulated plan meeting the W1 service bar (None if even the grid's end fails), all runs.

    Steps `max_abandon` down GRID until a plan meets the bar (its mean share over the seeds in `cases`), then
    bisects (in log space) between that parameter and the last failing one. Plans are integer head counts, so
    the share is a step function of the parameter and only roughly monotone (same seeds, but different agents
    change who serves whom); the answer is the least agent-hours among every evaluated plan that meets the bar.
    """
    if not cases:
        raise ValueError("search_plan needs at least one seed")
    runs: list[PlanRun] = []

    def run(x: float) -> PlanRun:
        r = run_plan_cases(s, cases, x, handle, patience)
        runs.append(r)
        return r

    fail: float | None = None
    ok: float | None = None
    for x in GRID:
        if run(x).meets:
            ok = x
            break
        fail = x
    if ok is not None and fail is not None:
        for _ in range(bisect_steps):
            mid = math.sqrt(ok * fail)
            if run(mid).meets:
                ok = mid
            else:
                fail = mid
    good = [r for r in runs if r.meets]
    return (min(good, key=lambda r: r.agent_hours) if good else None), runs
