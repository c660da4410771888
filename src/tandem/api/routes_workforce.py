"""Workforce endpoints: sign-up, certification, capacity, earnings, tiers, adjustments and the payout export."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field

from tandem.api.deps import AgentDep, ServicesDep, SupervisorDep
from tandem.api.responses import (
    PAYOUTS_CSV_RESPONSES,
    AdjustmentOut,
    AgentOut,
    CapacityOut,
    Certifications,
    EarningsSummary,
    QuizAttempt,
    QuizResult,
    SignupAccepted,
)
from tandem.api.schemas import AgentSignup, Strict
from tandem.core.errors import Forbidden, InvalidInput
from tandem.domain.skills import Tier
from tandem.services import agents as agent_service
from tandem.services import audit, earnings, invites, workforce

router = APIRouter(tags=["workforce"])
STATIC = resources.files("tandem.web") / "static"
MAX_PAYOUT_DAYS = 366


class CapacityUpdate(Strict):
    capacity: int = Field(ge=1, le=4)


class QuizAnswers(Strict):
    answers: dict[Annotated[str, Field(max_length=64)], Annotated[int, Field(ge=0, le=20)]] = Field(max_length=50)


class TierUpdate(Strict):
    topic: str = Field(max_length=32)
    tier: str = Field(pattern=r"^(new|verified|senior)$")
    reason: str = Field(min_length=1, max_length=500)


class AdjustmentCreate(Strict):
    amount: str = Field(pattern=r"^-?\d{1,5}(\.\d{1,2})?$")
    note: str = Field(min_length=1, max_length=200)
    conversation_id: str | None = Field(None, max_length=64)


class SignupTopic(BaseModel):
    name: str
    label: str
    sensitive: bool


class SignupOptions(BaseModel):
    """What the sign-up page offers: the company's configured topics and languages, and whether an invite is needed."""

    mode: str
    topics: list[SignupTopic]
    languages: list[str]


SIGNUP_ACCEPTED = ("Thank you. If this address is new, your account is ready: log in with it. If it already "
                   "has an account, we have told its owner and nothing was changed.")


@router.get("/api/workforce/signup", response_model=SignupOptions,
            summary="The topics and languages a new agent can choose, and the sign-up mode (public)")
def signup_options(services: ServicesDep) -> SignupOptions:
    settings = services.settings
    topics = [SignupTopic(name=t.name, label=t.label or t.name, sensitive=t.sensitive) for t in settings.topics]
    return SignupOptions(mode=settings.signup_mode, topics=topics, languages=list(settings.languages))


@router.post("/api/workforce/signup", status_code=202, response_model=SignupAccepted,
             summary="Sign up as a gig agent (no skills until certified); the same answer for any valid request")
def signup(body: AgentSignup, services: ServicesDep) -> dict[str, Any]:
    by_invite = services.settings.signup_mode == "invite"
    if by_invite and not body.invite:  # the company's people come from invite links or `tandem users create`
        raise Forbidden("sign-up here is by invitation only: ask the support team's supervisor for an invite link",
                        reason="invite_required")
    with services.work() as work:
        invite = invites.check(work, body.invite, body.email) if by_invite else None
        languages = list(invite.languages) if invite is not None and invite.languages else body.languages
        # a registered address is not an error: the answer would tell a stranger who has an account here
        agent = workforce.sign_up(work, name=body.name, email=body.email, password=body.password,
                                  languages=languages, topics=body.topics, capacity=body.capacity,
                                  country=body.country, timezone=body.timezone)
        if invite is not None and agent is not None:
            invites.use(work, invite, agent.id)  # single use, in the same transaction as the account
    return {"status": "accepted", "message": SIGNUP_ACCEPTED}


@router.get("/api/workforce/certifications", response_model=Certifications, summary="My certification status per topic")
def certifications(agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        return {"topics": workforce.certification_status(work, agent, services.banks)}


@router.post("/api/workforce/certifications/{topic}/attempts", status_code=201, response_model=QuizAttempt,
             summary="Start a quiz for a topic (questions and choices only; answers stay on the server)")
def start_attempt(topic: str, agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        return workforce.start_attempt(work, agent, topic, services.banks)


@router.post("/api/workforce/certifications/attempts/{attempt_id}/submit", response_model=QuizResult,
             summary="Submit answers; graded once")
def submit_attempt(attempt_id: str, body: QuizAnswers, agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        return workforce.submit_attempt(work, agent, attempt_id, body.answers, services.banks)


@router.put("/api/agent/me/capacity", response_model=CapacityOut,
            summary="Set how many chats I take at once (1-4, not below my load)")
def set_capacity(body: CapacityUpdate, agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        return {"capacity": workforce.set_capacity(work, agent, body.capacity)}


@router.get("/api/workforce/me/earnings", response_model=EarningsSummary,
            summary="My earnings: today, this week, per conversation")
def my_earnings(agent: AgentDep, services: ServicesDep,
                limit: int = Query(50, ge=1, le=500)) -> dict[str, Any]:
    with services.work() as work:
        return earnings.agent_summary(work, agent, limit)


@router.get("/api/workforce/agents/{agent_id}/earnings", response_model=EarningsSummary,
            summary="An agent's earnings (supervisors only)")
def agent_earnings(agent_id: str, supervisor: SupervisorDep, services: ServicesDep,
                   limit: int = Query(50, ge=1, le=500)) -> dict[str, Any]:
    with services.work() as work:
        target = agent_service.get(work, agent_id)
        audit.record(work, actor=supervisor.id, action="earnings.read", subject=agent_id)
        return earnings.agent_summary(work, target, limit)


@router.post("/api/workforce/agents/{agent_id}/tier", response_model=AgentOut,
             summary="Set a certified topic's tier (supervisors only)")
def set_tier(agent_id: str, body: TierUpdate, supervisor: SupervisorDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        workforce.set_tier(work, supervisor, agent_id, body.topic, Tier[body.tier.upper()], body.reason)
        skills = agent_service.skills_of(work, [agent_id])[agent_id]
        return agent_service.agent_view(agent_service.get(work, agent_id), skills)


@router.post("/api/workforce/agents/{agent_id}/adjustments", status_code=201, response_model=AdjustmentOut,
             summary="Append a pay correction to an agent's ledger (supervisors only)")
def add_adjustment(agent_id: str, body: AdjustmentCreate, supervisor: SupervisorDep,
                   services: ServicesDep) -> dict[str, Any]:
    try:
        amount = Decimal(body.amount)
    except InvalidOperation:
        raise InvalidInput("amount must be a decimal such as '-1.50'") from None
    with services.work() as work:
        agent_service.get(work, agent_id)
        entry = earnings.adjust(work, agent_id=agent_id, amount=amount, note=body.note, by=supervisor.id,
                                conversation_id=body.conversation_id)
        audit.record(work, actor=supervisor.id, action="earnings.adjusted", subject=agent_id,
                     amount=str(amount), note=body.note, entry=entry.id)
        return {"id": entry.id, "kind": entry.kind, "amount": str(entry.amount), "at": entry.at}


@router.get("/api/workforce/payouts.csv", response_class=Response, responses=PAYOUTS_CSV_RESPONSES,
            summary="Payout export for UTC days start..end (supervisors only)")
def payouts_csv(supervisor: SupervisorDep, services: ServicesDep, start: str = Query(max_length=10),
                end: str = Query(max_length=10)) -> Response:
    first, last = _day(start, "start"), _day(end, "end")
    if last < first or (last - first).days >= MAX_PAYOUT_DAYS:
        raise InvalidInput(f"end must be on or after start, and the period at most {MAX_PAYOUT_DAYS} days")
    with services.work() as work:
        rows = earnings.payouts(work, first, last)
        audit.record(work, actor=supervisor.id, action="payouts.exported", subject="payouts",
                     start=start, end=end, agents=len(rows))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["agent_id", "agent", "email", "conversations", "base", "per_minute", "surge_bonus",
                     "adjustment", "total"])
    for agent, sums in rows:
        v = sums.view()
        writer.writerow([agent.id, _cell(agent.name), _cell(agent.email), v["conversations"], v["base"],
                         v["per_minute"], v["surge_bonus"], v["adjustment"], v["total"]])
    name = f"payouts-{first.isoformat()}-{last.isoformat()}.csv"
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


def _day(text: str, name: str) -> date:
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{name} must be a date as YYYY-MM-DD", **{name: text}) from None


def _cell(text: str) -> str:
    # a spreadsheet runs a cell starting with = + - @ as a formula: agent-chosen names must stay text
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _page(filename: str) -> Any:
    async def serve() -> FileResponse:
        return FileResponse(str(STATIC / filename), headers={"Cache-Control": "no-cache"})

    return serve


for _path, _file in {"/signup": "signup.html", "/certify": "certify.html", "/earnings": "earnings.html",
                     "/alerts": "alerts.html"}.items():
    router.add_api_route(_path, _page(_file), include_in_schema=False, methods=["GET"])
