"""Surge endpoints: the current level for agents, notification opt-in and notices, staffing views for supervisors."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field
from sqlalchemy import select

from tandem.api.deps import AgentDep, ServicesDep, SupervisorDep
from tandem.api.responses import (
    ForecastToday,
    NoRoster,
    NoticeOut,
    Notices,
    NotificationSettingsOut,
    NotificationSettingsSaved,
    Roster,
    SurgeHistory,
    SurgeNow,
    SurgeStatus,
)
from tandem.engines.surge import bonus_for, shortfall
from tandem.services import notify, surge
from tandem.storage.models_surge import SurgeState

router = APIRouter(prefix="/api/surge", tags=["surge"])


class NotificationSettings(BaseModel):
    opted_in: bool
    webhook_url: str | None = Field(default=None, max_length=500)
    # a new signing secret for the same URL (the old one stops working at once)
    rotate_secret: bool = False


@router.get("/current", response_model=SurgeNow, summary="The surge level and bonus an offer made now carries")
def current(_: AgentDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        level = surge.level_of(surge.latest(work), work.now)
        bonus = bonus_for(level, surge.surge_rules(services.settings))
        return {"level": level.name, "bonus": f"{bonus:.2f}", "message": notify.surge_message(level.name, bonus)}


@router.get("/status", response_model=SurgeStatus,
            summary="Latest surge state: required vs online agents, level, bonus and their inputs")
def status(_: SupervisorDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        state = surge.latest(work)
        level, rules = surge.level_of(state, work.now), surge.surge_rules(services.settings)
        return {"now": work.now, "level": level.name, "bonus": f"{bonus_for(level, rules):.2f}",
                "stale": state is not None and work.now - state.at > surge.STALE_AFTER_S,
                "shortfall": round(shortfall(state.required, state.online), 4) if state else None,
                "state": surge.state_view(state) if state else None,
                "thresholds": {"enter": list(rules.enter), "hysteresis": rules.hysteresis}}


@router.get("/history", response_model=SurgeHistory, summary="Surge states of the last hours, oldest first")
def history(_: SupervisorDep, services: ServicesDep, hours: float = Query(24.0, gt=0, le=168)) -> dict[str, Any]:
    with services.work() as work:
        rows = work.session.scalars(select(SurgeState).where(SurgeState.at > work.now - hours * 3600)
                                    .order_by(SurgeState.at, SurgeState.id))
        return {"now": work.now, "states": [surge.state_view(s) for s in rows]}


@router.get("/forecast", response_model=ForecastToday,
            summary="Today's arrivals per interval: forecast (from our own history) vs actual")
def forecast_today(_: SupervisorDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        return surge.today_view(work, surge.shared_forecaster(services))


@router.get("/roster", response_model=Roster | NoRoster,
            summary="Today's least-cost shift roster, the hybrid core and the gig cover per half hour")
def roster_today(_: SupervisorDep, services: ServicesDep,
                 quantile: float = Query(0.3, ge=0, lt=1)) -> dict[str, Any]:
    from tandem.services.roster import roster_view

    with services.work() as work:
        return roster_view(work, services.settings, quantile)


@router.get("/notifications", response_model=NotificationSettingsOut, summary="My surge notification settings")
def get_notifications(agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        return notify.get_settings(work, agent.id)


@router.put("/notifications", response_model=NotificationSettingsSaved,
            summary="Opt in or out of surge announcements while offline; set a webhook")
def put_notifications(body: NotificationSettings, agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    production = services.settings.env == "production"
    url = notify.check_webhook_url(body.webhook_url, https_only=production, public_only=True)
    with services.work() as work:
        return notify.put_settings(work, agent.id, opted_in=body.opted_in, webhook_url=url,
                                   server_secret=services.settings.secret_key, rotate_secret=body.rotate_secret)


@router.get("/notices", response_model=Notices, summary="My latest surge notices, newest first")
def notices(agent: AgentDep, services: ServicesDep, limit: int = Query(20, ge=1, le=100)) -> dict[str, Any]:
    with services.work() as work:
        return {"notices": notify.notices(work, agent.id, limit)}


@router.post("/notices/{notice_id}/ack", response_model=NoticeOut, summary='Answer a surge notice with "on my way"')
def acknowledge(agent: AgentDep, services: ServicesDep, notice_id: int = Path(ge=1, le=2**31 - 1)) -> dict[str, Any]:
    with services.work() as work:
        return notify.acknowledge(work, agent.id, notice_id)
