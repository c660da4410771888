"""W1: hourly abandonment of a run, and the agent-hours of a perfect-foresight staffing plan.

Definitions (docs/simulator.md): an hour counts if at least `min_requests` customers asked for a human in it
(1 = every hour with demand; 20 = hours where one lost customer alone does not exceed 5%). The
perfect-foresight plan gives each clock hour the least agents whose exact Erlang-A abandonment at that hour's
true arrival rate is at most `max_abandon`; it knows every hour's rate in advance and pays no login lag.
"""

from __future__ import annotations

import numpy as np

from tandem.engines.sim.records import Records
from tandem.engines.staffing.model import ServiceModel, StaffingTarget
from tandem.engines.staffing.optimize import required_agents

BUSY_HOUR_REQUESTS = 20


def hourly_abandonment(rec: Records, min_requests: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Per clock hour with at least `min_requests` human requests: (requests, abandonment share)."""
    c = rec.columns
    asked = c["escalated"]
    hour = (c["arrival_min"][asked] // 60).astype(int)
    requests = np.bincount(hour)
    lost = np.bincount(hour, weights=c["abandoned"][asked].astype(float), minlength=requests.size)
    busy = requests >= max(min_requests, 1)
    return requests[busy], lost[busy] / requests[busy]


def hourly_plan(requests_per_hour: np.ndarray, handle: float, patience: float, max_abandon: float,
                capacity: int = 1) -> np.ndarray:
    """Least agents per hour meeting `max_abandon` at each hour's true arrival rate (0 for empty hours)."""
    model = ServiceModel(handle, patience, concurrency=capacity)
    target = StaffingTarget(0.0, 20.0, max_abandon)
    return np.array([required_agents(k / 60.0, model, target).agents if k else 0 for k in requests_per_hour])


def requests_per_hour(rec: Records) -> np.ndarray:
    """Human requests in each clock hour of the run."""
    c = rec.columns
    return np.bincount((c["arrival_min"][c["escalated"]] // 60).astype(int))


def perfect_foresight_hours(rec: Records, handle: float, patience: float, max_abandon: float,
                            capacity: int = 1) -> float:
    """Agent-hours if each hour had exactly the least agents meeting `max_abandon` at its true arrival rate."""
    return float(hourly_plan(requests_per_hour(rec), handle, patience, max_abandon, capacity).sum())


def w1_report(rec: Records, agent_minutes: float, handle: float, patience: float,
              capacity: int = 1) -> dict[str, float]:
    """Share of hours with abandonment <= 5% (all hours, busy hours) and agent-hours relative to the plan."""
    _, share = hourly_abandonment(rec)
    _, busy = hourly_abandonment(rec, BUSY_HOUR_REQUESTS)
    plan = perfect_foresight_hours(rec, handle, patience, 0.05, capacity)
    return {
        "hours": int(share.size),
        "hours_abandon_le_5pct": round(float(np.mean(share <= 0.05)), 4),
        f"hours_ge_{BUSY_HOUR_REQUESTS}_requests": int(busy.size),
        f"hours_ge_{BUSY_HOUR_REQUESTS}_abandon_le_5pct": round(float(np.mean(busy <= 0.05)), 4),
        "agent_hours": round(agent_minutes / 60.0, 1),
        "plan_agent_hours": round(plan, 1),
        "ratio_to_plan": round(agent_minutes / 60.0 / plan, 3),
    }
