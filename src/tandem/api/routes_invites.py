"""Invite links for signup_mode = "invite" (supervisors only, audited): create, list, revoke."""

from __future__ import annotations

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from tandem.api.deps import ServicesDep, SupervisorDep
from tandem.api.schemas import Strict
from tandem.services import invites

router = APIRouter(prefix="/api/workforce/invites", tags=["workforce"])


class InviteCreate(Strict):
    email: str | None = Field(None, max_length=254)
    languages: list[str] = Field(default_factory=lambda: ["en"], min_length=1, max_length=20)
    ttl_s: float | None = Field(None, description="seconds until the link expires (default and most: invite_ttl_s)")


class InviteView(BaseModel):
    id: str
    email: str | None
    languages: list[str]
    created_by: str
    created_at: float
    expires_at: float
    used_at: float | None
    used_by: str | None
    revoked_at: float | None
    status: str = Field(description="open, used, expired or revoked")


class InviteCreated(InviteView):
    token: str = Field(description="shown only here; only its SHA-256 is stored")
    url: str = Field(description="the sign-up link to send: <public_url>/signup?invite=<token>")


class InviteList(BaseModel):
    invites: list[InviteView]


@router.post("", status_code=201, response_model=InviteCreated, summary="Make a single-use sign-up link")
def create_invite(body: InviteCreate, supervisor: SupervisorDep, services: ServicesDep) -> InviteCreated:
    settings = services.settings
    with services.work() as work:
        invite, token = invites.create(work, actor=supervisor.id, email=body.email, languages=body.languages,
                                       ttl_s=body.ttl_s if body.ttl_s is not None else settings.invite_ttl_s)
        view = invites.view(invite, work.now)
    url = f"{settings.public_url.rstrip('/')}/signup?invite={token}"
    return InviteCreated(**view, token=token, url=url)


@router.get("", response_model=InviteList, summary="Invites, newest first (no tokens)")
def list_invites(supervisor: SupervisorDep, services: ServicesDep) -> InviteList:
    with services.work() as work:
        return InviteList(invites=[InviteView(**v) for v in invites.listing(work)])


@router.delete("/{invite_id}", response_model=InviteView, summary="Revoke an unused invite")
def revoke_invite(supervisor: SupervisorDep, services: ServicesDep,
                  invite_id: str = Path(min_length=1, max_length=40)) -> InviteView:
    with services.work() as work:
        return InviteView(**invites.view(invites.revoke(work, invite_id, supervisor.id), work.now))
