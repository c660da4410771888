"""Today's shift roster from our own history: the forecast per half hour, the Erlang-A requirement, the least-cost
full roster, and a hybrid's core roster (sized to a forecast quantile) with the gig cover above it.

The engines do the work (`engines.forecast`, `engines.staffing.plan`); this reads the platform's conversations
and settings. Human demand is arrivals x (1 - AI containment), as the surge loop takes it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import select

from tandem.core.clock import utc
from tandem.core.settings import Settings
from tandem.engines.forecast import bin_arrivals, fit
from tandem.engines.staffing import StaffingTarget
from tandem.engines.staffing.plan import RosterPlan, plan_roster
from tandem.engines.staffing.roster import ShiftRules
from tandem.services import queue, surge
from tandem.services.context import Work
from tandem.storage.models import Conversation

SLOT_MINUTES = 30


def _history(work: Work, today: date) -> Any:
    stamps = list(work.session.scalars(select(Conversation.created_at).where(
        Conversation.created_at >= surge._epoch(today - timedelta(days=surge.HISTORY_DAYS)),
        Conversation.created_at < surge._epoch(today))))
    if not stamps or (today - surge._naive_utc(min(stamps)).date()).days < surge.MIN_HISTORY_DAYS:
        return None
    return bin_arrivals((surge._naive_utc(s) for s in stamps), SLOT_MINUTES)


def roster_view(work: Work, settings: Settings, quantile: float = 0.3) -> dict[str, Any]:
    """Today's (UTC) plan: per half hour forecast, requirement, full roster, hybrid core and gig cover; shifts."""
    today = utc(work.now).date()
    history = _history(work, today)
    out: dict[str, Any] = {"date": today.isoformat(), "slot_minutes": SLOT_MINUTES, "quantile": quantile,
                           "hourly_rate": settings.shift_hourly_pay, "has_roster": history is not None}
    if history is None:
        out["reason"] = f"fewer than {surge.MIN_HISTORY_DAYS} days of history"
        return out
    latest = surge.latest(work)
    contained = surge.containment(work, settings.surge_window_s)
    if contained is None:
        contained = latest.containment if latest is not None else 0.0
    model = surge.staffing_model(work, settings, queue.mean_handle_seconds(work, settings.assumed_handle_time_s))
    target = StaffingTarget(settings.surge_service_level, settings.surge_target_s, settings.surge_max_abandon)
    rules = ShiftRules(slot_minutes=SLOT_MINUTES, hourly_rate=settings.shift_hourly_pay)
    scaled = type(history)(history.first_day, SLOT_MINUTES, history.counts * (1.0 - contained))
    fitted = fit(scaled)
    full = plan_roster(scaled, today, 1, model, target, rules, settings.opening_hours, forecast_model=fitted)
    core = plan_roster(scaled, today, 1, model, target, rules, settings.opening_hours, quantile=quantile,
                       forecast_model=fitted)
    return out | _view(full, core, contained)


def _epoch(moment: datetime) -> float:
    return surge._epoch(moment.date()) + (moment.hour * 60 + moment.minute) * 60.0


def _view(full: RosterPlan, core: RosterPlan, contained: float) -> dict[str, Any]:
    start = _epoch(full.start)
    step = SLOT_MINUTES * 60.0
    gig = np.maximum(full.required - core.roster.coverage, 0)

    def shifts(plan: RosterPlan) -> list[dict[str, Any]]:
        rows = []
        for p, count in sorted(zip(plan.roster.patterns, plan.roster.counts, strict=True),
                               key=lambda pc: (pc[0].start, pc[0].length, pc[0].break_at)):
            rows.append({"start": start + p.start * step, "end": start + (p.start + p.length) * step,
                         "break_start": start + (p.start + p.break_at) * step if p.break_at >= 0 else None,
                         "agents": count})
        return rows

    return {
        "containment": round(contained, 4),
        "intervals": [{"start": start + i * step, "forecast": round(float(full.arrivals[i]), 2),
                       "required": int(full.required[i]), "rostered": int(full.roster.coverage[i]),
                       "core": int(core.roster.coverage[i]), "gig_cover": int(gig[i]), "open": bool(full.open[i])}
                      for i in range(full.required.size)],
        "shifts": shifts(full), "core_shifts": shifts(core),
        "agent_hours": round(full.roster.paid_hours, 1), "cost": round(full.roster.cost, 2),
        "core_agent_hours": round(core.roster.paid_hours, 1), "core_cost": round(core.roster.cost, 2),
        "solve_seconds": round(full.roster.seconds + core.roster.seconds, 3),
    }
