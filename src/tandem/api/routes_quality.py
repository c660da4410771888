"""Quality endpoints: measures and the dashboard feed (supervisors), the guardrail, QA reviews, /metrics.

The router brings its own background task: every MONITOR_INTERVAL_S, on the replica that holds the dispatcher
lease (so exactly one replica), it runs the guardrail monitor, samples conversations for QA and stores a snapshot
of the floor for the charts.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager, asynccontextmanager
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header, Query
from fastapi.responses import FileResponse, PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import case, func, literal_column, select

from tandem.api.deps import AgentDep, ServicesDep, SupervisorDep
from tandem.api.responses import (
    CurrentReview,
    Dashboard,
    Guarded,
    GuardrailOut,
    KnowledgeGaps,
    Measures,
    MonitorRun,
    Ok,
    ReviewOffers,
    ReviewResult,
    ReviewTaskHeld,
    Targets,
    TargetsExplained,
)
from tandem.core import counters
from tandem.core.errors import NotFound, Unauthorized
from tandem.services import agents as agent_service
from tandem.services import conversations, guardrail, quality, review
from tandem.services.context import Services, Work
from tandem.services.leader import LeaderLoop
from tandem.storage.models import Conversation, Handoff

log = logging.getLogger(__name__)
MONITOR_INTERVAL_S = 10.0
STATIC = resources.files("tandem.web") / "static"


def housekeeping(services: Services, unit: Callable[[], AbstractContextManager[Work]] | None = None) -> None:
    """One monitor pass: guardrail decisions, QA sampling, a floor snapshot (each its own transaction, each
    fenced by the dispatcher lease when `unit` is the monitor loop's)."""
    unit = unit or services.work
    with unit() as work:
        guardrail.run_monitor(work)
    with unit() as work:
        review.sample(work)
    with unit() as work:
        quality.record_sample(work, services.settings.assumed_handle_time_s)


def monitor_loop(app: FastAPI) -> LeaderLoop | None:
    """The monitor, run by the shared leader-loop runner on the dispatcher's lease (None for an app built without
    a dispatcher: tests drive `housekeeping` by hand)."""
    dispatcher = getattr(app.state, "dispatcher", None)
    if dispatcher is None:
        return None
    services: Services = app.state.services
    return LeaderLoop("quality-monitor", dispatcher.lease, MONITOR_INTERVAL_S,
                      lambda unit: housekeeping(services, unit), services.work)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    loop = monitor_loop(app)
    if loop is not None:
        loop.start()
    try:
        yield
    finally:
        if loop is not None:
            await loop.stop()


router = APIRouter(lifespan=_lifespan)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TargetsUpdate(Strict):
    values: dict[str, float] = Field(max_length=20)


class GuardUpdate(Strict):
    guarded: bool
    reason: str = Field("", max_length=300)


class ReviewSubmit(Strict):
    correct: bool
    complete: bool
    policy_safe: bool
    tone: int = Field(ge=1, le=5)
    should_have_escalated: bool
    comment: str | None = Field(None, max_length=2000)


# ---- measures and the dashboard ----

@router.get("/api/quality/measures", tags=["quality"], response_model=Measures,
            summary="Every measure of docs/metrics.md, grouped")
def measures(_: SupervisorDep, services: ServicesDep,
             by: str = Query("overall", pattern="^(overall|time|day|hour|channel|intent|handler|agent)$"),
             hours: float = Query(24.0, gt=0, le=24 * 90), width: int = Query(3600, ge=60, le=86400)) -> dict[str, Any]:
    group, width = {"day": ("time", 86400), "hour": ("time", 3600)}.get(by, (by, width))
    with services.work() as work:
        window = quality.Window(work.now - hours * 3600, work.now + 1)
        return {"now": work.now, "by": by, "width": width, "rows": quality.measures(work, window, group, width)}


@router.get("/api/quality/dashboard", tags=["quality"], response_model=Dashboard,
            summary="Everything the operations page draws")
def dashboard(_: SupervisorDep, services: ServicesDep, minutes: float = Query(60.0, gt=0, le=7 * 24 * 60),
              width: int = Query(300, ge=10, le=86400)) -> dict[str, Any]:
    with services.work() as work:
        window = quality.Window(work.now - minutes * 60, work.now + 1)
        floor = quality.floor_snapshot(work, services.settings.assumed_handle_time_s)
        return {
            "now": work.now, "width": width,
            "floor": {"queue_length": floor.queue_length, "longest_wait_s": round(floor.longest_wait_s, 1),
                      "agents_online": floor.agents_online, "agents_available": floor.agents_available,
                      "agents_needed": floor.agents_needed, "occupancy": floor.occupancy,
                      "arrivals_per_min": floor.arrivals_per_min},
            "samples": quality.samples(work, window.since),
            "overall": next(iter(quality.measures(work, window)), None),
            "series": quality.measures(work, window, "time", width),
            "csat_series": {who: quality.csat_series(work, window, width, who) for who in ("ai", "human")},
            "by_handler": quality.measures(work, window, "handler"),
            "qa": review.pass_rates(work, window.since),
            "guarded": guardrail.guarded(work), "changes": guardrail.changes(work, 20),
        }


# ---- guardrail ----

@router.get("/api/quality/targets", tags=["quality"], response_model=TargetsExplained,
            summary="Guardrail targets (defaults filled in)")
def get_targets(_: SupervisorDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        return {"targets": guardrail.targets(work),
                "meaning": {k: spec[3] for k, spec in guardrail.TARGETS.items()}}


@router.put("/api/quality/targets", tags=["quality"], response_model=Targets,
            summary="Change guardrail targets (logged)")
def put_targets(body: TargetsUpdate, me: SupervisorDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        return {"targets": guardrail.set_targets(work, body.values, actor=me.id)}


@router.get("/api/quality/guardrail", tags=["quality"], response_model=GuardrailOut,
            summary="Guarded intents and recent policy changes")
def get_guardrail(_: SupervisorDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        return {"guarded": guardrail.guarded(work), "changes": guardrail.changes(work)}


@router.put("/api/quality/guardrail/{intent}", tags=["quality"], response_model=Guarded,
            summary="Operator override for an intent")
def put_guard(intent: str, body: GuardUpdate, me: SupervisorDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        guardrail.override(work, intent, body.guarded, body.reason, actor=me.id)
        return {"guarded": guardrail.guarded(work)}


@router.delete("/api/quality/guardrail/{intent}", tags=["quality"], response_model=Guarded,
               summary="Give an intent back to the monitor")
def clear_guard(intent: str, me: SupervisorDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        guardrail.clear_override(work, intent, actor=me.id)
        return {"guarded": guardrail.guarded(work)}


@router.post("/api/quality/guardrail/run", tags=["quality"], response_model=MonitorRun, summary="Run the monitor now")
def run_guardrail(_: SupervisorDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        return {"changes": guardrail.run_monitor(work)}


@router.get("/api/quality/knowledge-gaps", tags=["quality"], response_model=KnowledgeGaps,
            summary="Questions the assistant could not answer")
def knowledge_gaps(_: SupervisorDep, services: ServicesDep, hours: float = Query(24 * 7, gt=0, le=24 * 90),
                   limit: int = Query(20, ge=1, le=200)) -> dict[str, Any]:
    with services.work() as work:
        return {"gaps": review.knowledge_gaps(work, work.now - hours * 3600, limit)}


# ---- QA reviews by senior agents ----

class ReviewDecline(Strict):
    reason: str | None = Field(None, max_length=200)


@router.get("/api/review/offers", tags=["review"], response_model=ReviewOffers,
            summary="My pending review offers (cards, no transcript)")
def review_offers(agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        return {"offers": review.pending_offers_view(work, agent.id)}


@router.post("/api/review/offers/{offer_id}/accept", tags=["review"], response_model=ReviewTaskHeld,
             summary="Accept a review offer (first wins)")
def accept_review(offer_id: str, agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        task = review.accept(work, agent_service.get(work, agent.id), offer_id)
        return {"task": review.task_view(work, task)}


@router.post("/api/review/offers/{offer_id}/decline", tags=["review"], response_model=Ok,
             summary="Decline a review offer")
def decline_review(offer_id: str, agent: AgentDep, services: ServicesDep,
                   body: ReviewDecline | None = None) -> dict[str, Any]:
    with services.work() as work:
        review.decline(work, agent_service.get(work, agent.id), offer_id, body.reason if body else None)
    return {"ok": True}


@router.get("/api/review/current", tags=["review"], response_model=CurrentReview,
            summary="The review I accepted and have not submitted yet")
def current_review(agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        review.require_senior(work, agent)
        task = review.current_task(work, agent)
        return {"task": review.task_view(work, task) if task else None}


@router.post("/api/review/next", tags=["review"], response_model=CurrentReview,
             summary="Kept for old clients: the same as GET /api/review/current",
             deprecated=True)
def next_review(agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    # reviews are offered now (dispatcher); nobody pulls an open task past the offer rules
    return current_review(agent, services)


@router.get("/api/review/tasks/{task_id}", tags=["review"], response_model=ReviewTaskHeld,
            summary="One review assigned to me (masked transcript)")
def read_review(task_id: str, agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        if not review.is_senior(work, agent):
            raise NotFound("no such review among yours", task_id=task_id)
        return {"task": review.task_view(work, review.own_task(work, agent, task_id))}


@router.post("/api/review/tasks/{task_id}", tags=["review"], response_model=ReviewResult,
             summary="Submit the rubric; paid per review")
def submit_review(task_id: str, body: ReviewSubmit, agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        score, pay = review.submit(work, agent, task_id, body.model_dump())
        return {"passed": score.passed, "pay": str(pay)}


@router.get("/review", include_in_schema=False)
async def review_page() -> FileResponse:
    return FileResponse(str(STATIC / "review.html"), headers={"Cache-Control": "no-cache"})


# ---- Prometheus ----

def _metrics_auth(services: ServicesDep, authorization: Annotated[str | None, Header()] = None) -> None:
    token = services.settings.metrics_token
    if token is None or not token.get_secret_value():
        return  # open: `tandem check-deploy` and a production start refuse this
    # constant time: a byte-by-byte comparison would let a client find the token one character at a time
    expected = f"Bearer {token.get_secret_value()}".encode()
    if not hmac.compare_digest(expected, (authorization or "").encode()):
        raise Unauthorized("send 'Authorization: Bearer <TANDEM_METRICS_TOKEN>'")


@router.get("/metrics", tags=["ops"], summary="Prometheus text exposition", dependencies=[Depends(_metrics_auth)],
            response_class=PlainTextResponse)
def metrics(services: ServicesDep) -> PlainTextResponse:
    with services.work() as work:
        body = prometheus_text(work, services.settings.assumed_handle_time_s)
    return PlainTextResponse(body, media_type="text/plain; version=0.0.4; charset=utf-8")


WAIT_BUCKETS = (5, 15, 30, 60, 120, 300, 600, 1800)


def prometheus_text(work: Work, default_handle_s: float) -> str:
    """Key gauges and histograms in the Prometheus text format (written by hand: no extra dependency)."""
    floor = quality.floor_snapshot(work, default_handle_s)
    lines = [*_gauge("tandem_queue_length", "Conversations waiting for a human", [({}, floor.queue_length)]),
             *_gauge("tandem_queue_longest_wait_seconds", "Longest current wait for a human",
                     [({}, round(floor.longest_wait_s, 3))]),
             *_gauge("tandem_agents_available", "Agents available for offers", [({}, floor.agents_available)]),
             *_gauge("tandem_agents_online", "Agents not offline", [({}, floor.agents_online)]),
             *_gauge("tandem_agents_needed", "Agents needed now (Erlang-A, recent arrival rate)",
                     [({}, floor.agents_needed or 0)]),
             *_gauge("tandem_conversations", "Conversations by state",
                     [({"state": k}, v) for k, v in conversations.count_by_state(work).items()]),
             *_gauge("tandem_guarded_intents", "Intents the assistant currently hands to humans",
                     [({}, sum(1 for g in guardrail.guarded(work) if g["guarded"]))])]
    lines += _wait_histogram(work)
    lines += _ratings(work)
    lines += _detections(work)
    lines += counters.prometheus_lines()
    return "\n".join(lines) + "\n"


def _detections(work: Work) -> list[str]:
    """Typed requests for a person that reached the queue, by the layer that found them and the language."""
    rows = work.session.execute(
        select(Handoff.detected_by, Handoff.language, func.count()).where(Handoff.detected_by.is_not(None))
        .group_by(Handoff.detected_by, Handoff.language).order_by(Handoff.detected_by, Handoff.language))
    name = "tandem_handoff_requests_detected_total"
    return [f"# HELP {name} Typed requests for a person, by detecting layer (rule or model) and language",
            f"# TYPE {name} counter",
            *(f"{name}{_labels({'layer': str(layer), 'language': str(lang)})} {int(n)}" for layer, lang, n in rows)]


def _labels(labels: dict[str, str]) -> str:
    if not labels:
        return ""
    inner = ",".join(f'{k}="{str(v).replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
                     for k, v in labels.items())
    return "{" + inner + "}"


def _gauge(name: str, help_text: str, samples: list[tuple[dict[str, str], float]]) -> list[str]:
    return [f"# HELP {name} {help_text}", f"# TYPE {name} gauge",
            *(f"{name}{_labels(lab)} {value}" for lab, value in samples)]


def _wait_histogram(work: Work) -> list[str]:
    wait = Handoff.assigned_at - Handoff.requested_at
    cols: list[Any] = [func.count(), func.coalesce(func.sum(wait), 0.0)] + [
        func.sum(case((wait <= b, 1), else_=0)) for b in WAIT_BUCKETS]
    count, total, *cum = work.session.execute(select(*cols).where(Handoff.assigned_at.is_not(None))).one()
    name = "tandem_time_to_human_seconds"
    lines = [f"# HELP {name} Handoff requested to agent assigned", f"# TYPE {name} histogram"]
    lines += [f'{name}_bucket{{le="{b}"}} {int(c or 0)}' for b, c in zip(WAIT_BUCKETS, cum, strict=True)]
    return lines + [f'{name}_bucket{{le="+Inf"}} {int(count)}', f"{name}_sum {float(total):.3f}",
                    f"{name}_count {int(count)}"]


def _ratings(work: Work) -> list[str]:
    who = quality.handled_by().label("who")
    rows = list(work.session.execute(
        select(who, Conversation.rating, func.count()).where(Conversation.rating.is_not(None))
        .group_by(literal_column("who"), Conversation.rating)))
    name = "tandem_csat_ratings_total"
    lines = [f"# HELP {name} Customer ratings (1-5) by who handled the conversation", f"# TYPE {name} counter"]
    lines += [f'{name}{{handled_by="{w}",score="{r}"}} {n}' for w, r, n in rows]
    means: dict[str, list[int]] = {}
    for w, r, n in rows:
        acc = means.setdefault(w, [0, 0])
        acc[0], acc[1] = acc[0] + int(r or 0) * n, acc[1] + n
    return lines + _gauge("tandem_csat", "Mean customer rating by who handled the conversation",
                          [({"handled_by": w}, round(s / n, 4)) for w, (s, n) in means.items()])
