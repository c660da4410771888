"""W1: hourly abandonment of a run, and the agent-hours of a perfect-foresight staffing plan."""

from __future__ import annotations

import numpy as np

from tandem.engines.sim.records import Records
from tandem.engines.staffing.model import ServiceModel, StaffingTarget
from tandem.engines.staffing.optimize import required_agents


def hourly_abandonment(rec: Records) -> tuple[np.ndarray, np.ndarray]:
    """Per clock hour with human requests: (requests, abandonment share)."""
    c = rec.columns
    asked = c["escalated"]
    hour = (c["arrival_min"][asked] // 60).astype(int)
    requests = np.bincount(hour)
    lost = np.bincount(hour, weights=c["abandoned"][asked].astype(float), minlength=requests.size)
    busy = requests > 0
    return requests[busy], lost[busy] / requests[busy]


def perfect_foresight_hours(rec: Records, handle: float, patience: float, max_abandon: float,
                            capacity: int = 1) -> float:
    """Agent-hours if each hour had exactly the least agents meeting `max_abandon` at its true arrival rate."""
    c = rec.columns
    hour = (c["arrival_min"][c["escalated"]] // 60).astype(int)
    model = ServiceModel(handle, patience, concurrency=capacity)
    target = StaffingTarget(0.0, 20.0, max_abandon)
    return float(sum(required_agents(k / 60.0, model, target).agents for k in np.bincount(hour) if k))


def w1_report(rec: Records, agent_minutes: float, handle: float, patience: float,
              capacity: int = 1) -> dict[str, float]:
    """Share of hours with abandonment <= 5% and agent-hours relative to the perfect-foresight plan."""
    _, share = hourly_abandonment(rec)
    plan = perfect_foresight_hours(rec, handle, patience, 0.05, capacity)
    return {
        "hours": int(share.size),
        "hours_abandon_le_5pct": round(float(np.mean(share <= 0.05)), 4),
        "agent_hours": round(agent_minutes / 60.0, 1),
        "plan_agent_hours": round(plan, 1),
        "ratio_to_plan": round(agent_minutes / 60.0 / plan, 3),
    }
