"""Workbench REST: handoff card, suggestions, canned responses, actions, transfer, translation, supervision."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from pydantic import Field

from tandem.api.deps import AgentDep, ServicesDep, SupervisorDep
from tandem.api.responses import (
    ActionDone,
    CannedList,
    CannedOut,
    HandoffCard,
    LiveView,
    Ok,
    Suggestions,
    SuggestionStats,
    TakenOver,
    Transferred,
    Translation,
    WhisperOut,
    Whispers,
)
from tandem.api.schemas import Strict
from tandem.services import audit, suggestions, workbench

router = APIRouter(prefix="/api/workbench", tags=["workbench"])
CONV = "/conversations/{conversation_id}"


class CannedBody(Strict):
    title: str = Field(min_length=1, max_length=120)
    shortcut: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")
    body: str = Field(min_length=1, max_length=4000)
    language: str = Field("en", pattern=r"^[a-z]{2,3}$")


class CannedPatch(Strict):
    title: str | None = Field(None, min_length=1, max_length=120)
    shortcut: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")
    body: str | None = Field(None, min_length=1, max_length=4000)
    language: str | None = Field(None, pattern=r"^[a-z]{2,3}$")


class ActionBody(Strict):
    action: str = Field(pattern=r"^[a-z_]{1,40}$")
    order_id: str | None = Field(None, max_length=64)
    days: int | None = Field(None, ge=-60, le=60)
    amount: str | None = Field(None, max_length=16)


class TransferBody(Strict):
    language: str | None = Field(None, max_length=3)
    topic: str | None = Field(None, max_length=32)
    note: str | None = Field(None, max_length=1000)


class TranslateBody(Strict):
    text: str = Field(min_length=1, max_length=4000)
    direction: str = Field("in", pattern=r"^(in|out)$")


class WhisperBody(Strict):
    body: str = Field(min_length=1, max_length=2000)


@router.get(CONV + "/card", response_model=HandoffCard,
            summary="Handoff card: summary, intent, sentiment trend, masked account facts")
def card(conversation_id: str, agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    return workbench.handoff_card(services, agent, conversation_id)


@router.post(CONV + "/suggestions", response_model=Suggestions,
             summary="Draft two or three replies from the help center (never sent)")
def suggest(conversation_id: str, agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    return workbench.suggest(services, agent, conversation_id)


@router.get(CONV + "/canned", response_model=CannedList,
            summary="Canned responses with placeholders filled for this customer")
def canned_filled(conversation_id: str, agent: AgentDep, services: ServicesDep,
                  q: str | None = Query(None, max_length=80)) -> dict[str, Any]:
    return {"canned": workbench.canned_for_conversation(services, agent, conversation_id, q)}


@router.post(CONV + "/actions", response_model=ActionDone,
             summary="Run an account action under the policy for the agent's tier")
def action(conversation_id: str, body: ActionBody, agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    return workbench.run_action(services, agent, conversation_id, body.action, order_id=body.order_id,
                                days=body.days, amount=body.amount)


@router.post(CONV + "/transfer", response_model=Transferred,
             summary="Transfer to another language or skill queue, keeping the wait")
def transfer(conversation_id: str, body: TransferBody, agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    return workbench.transfer(services, agent, conversation_id, language=body.language, topic=body.topic,
                              note=body.note)


@router.post(CONV + "/translate", response_model=Translation,
             summary="Translate a text for or to the customer (needs a provider)")
def translate(conversation_id: str, body: TranslateBody, agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    return workbench.translate(services, agent, conversation_id, body.text, body.direction)


@router.get(CONV + "/whispers", response_model=Whispers,
            summary="Private supervisor notes on this conversation (agent and supervisors)")
def list_whispers(conversation_id: str, agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    return {"whispers": workbench.whispers(services, agent, conversation_id)}


@router.post(CONV + "/whispers", status_code=201, response_model=WhisperOut,
             summary="Whisper a note to the agent (supervisors only)")
def add_whisper(conversation_id: str, body: WhisperBody, supervisor: SupervisorDep,
                services: ServicesDep) -> dict[str, Any]:
    return workbench.whisper(services, supervisor, conversation_id, body.body)


@router.post(CONV + "/takeover", response_model=TakenOver,
             summary="Take the conversation over from its agent (supervisors only)")
def takeover(conversation_id: str, supervisor: SupervisorDep, services: ServicesDep) -> dict[str, Any]:
    return workbench.takeover(services, supervisor, conversation_id)


@router.get("/live", response_model=LiveView,
            summary="Active conversations, long waits and expiring offers (supervisors only)")
def live(supervisor: SupervisorDep, services: ServicesDep,
         long_wait_s: float = Query(120.0, ge=0, le=86_400)) -> dict[str, Any]:
    with services.work() as work:  # the live view shows every active chat's last message: reading it is audited
        audit.record(work, actor=supervisor.id, action="live_view.read", subject="live_view")
    return workbench.live_view(services, long_wait_s)


@router.get("/canned", response_model=CannedList,
            summary="All canned responses, optionally searched")
def canned_list(agent: AgentDep, services: ServicesDep, q: str | None = Query(None, max_length=80)) -> dict[str, Any]:
    with services.work() as work:
        return {"canned": workbench.list_canned(work, q)}


@router.post("/canned", status_code=201, response_model=CannedOut,
             summary="Create a canned response (supervisors only)")
def canned_create(body: CannedBody, supervisor: SupervisorDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        return workbench.save_canned(work, supervisor, body.model_dump())


@router.patch("/canned/{canned_id}", response_model=CannedOut,
              summary="Change a canned response (supervisors only)")
def canned_update(canned_id: str, body: CannedPatch, supervisor: SupervisorDep,
                  services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        return workbench.save_canned(work, supervisor, body.model_dump(), canned_id)


@router.delete("/canned/{canned_id}", response_model=Ok, summary="Delete a canned response (supervisors only)")
def canned_delete(canned_id: str, supervisor: SupervisorDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        workbench.delete_canned(work, supervisor, canned_id)
    return {"ok": True}


@router.get("/suggestions/stats", response_model=SuggestionStats,
            summary="How often suggestions were used, edited or ignored (supervisors only)")
def suggestion_stats(supervisor: SupervisorDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        return {"outcomes": suggestions.outcome_counts(work)}
