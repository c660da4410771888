"""Invite links (signup_mode = "invite"): a supervisor makes a single-use link, optionally for one address, with
the languages the new agent will serve and an expiry; sign-up succeeds only with a valid, unused, unexpired,
unrevoked invite. Only the token's SHA-256 is stored; the link is shown once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from tandem.core.errors import Forbidden, InvalidInput, NotFound
from tandem.core.ids import new_id, new_token, token_digest
from tandem.services import audit
from tandem.services.context import Work
from tandem.storage.models_workforce import AgentInvite

INVALID = "this invitation link is not valid: ask your supervisor for a new one"


def create(work: Work, *, actor: str, email: str | None, languages: list[str], ttl_s: float) -> tuple[AgentInvite, str]:
    """A new invite and its token (the only time the token exists in clear)."""
    if not 60 <= ttl_s <= work.settings.invite_ttl_s:
        raise InvalidInput(f"ttl_s must be between 60 and {work.settings.invite_ttl_s:g} seconds (invite_ttl_s)")
    address = email.strip().lower() if email else None
    if address is not None and ("@" not in address or len(address) > 254):
        raise InvalidInput("email address is not valid")
    token = new_token()
    invite = AgentInvite(id=new_id("inv"), token_digest=token_digest(token), email=address,
                         languages=[x.strip().lower() for x in languages if x.strip()], created_by=actor,
                         created_at=work.now, expires_at=work.now + ttl_s)
    work.session.add(invite)
    audit.record(work, actor=actor, action="invite.created", subject=invite.id, expires_at=invite.expires_at,
                 for_address=address is not None)
    return invite, token


def view(invite: AgentInvite, now: float) -> dict[str, Any]:
    status = ("revoked" if invite.revoked_at is not None else "used" if invite.used_at is not None
              else "expired" if invite.expires_at <= now else "open")
    return {"id": invite.id, "email": invite.email, "languages": list(invite.languages),
            "created_by": invite.created_by, "created_at": invite.created_at, "expires_at": invite.expires_at,
            "used_at": invite.used_at, "used_by": invite.used_by, "revoked_at": invite.revoked_at, "status": status}


def listing(work: Work) -> list[dict[str, Any]]:
    rows = work.session.scalars(select(AgentInvite).order_by(AgentInvite.created_at.desc()).limit(200))
    return [view(i, work.now) for i in rows]


def revoke(work: Work, invite_id: str, actor: str) -> AgentInvite:
    invite = work.session.get(AgentInvite, invite_id)
    if invite is None:
        raise NotFound("no such invite", invite_id=invite_id)
    if invite.used_at is None and invite.revoked_at is None:
        invite.revoked_at = work.now
        audit.record(work, actor=actor, action="invite.revoked", subject=invite.id)
    return invite


def check(work: Work, token: str | None, email: str) -> AgentInvite:
    """The invite this token opens, if it may still be used for this address; else Forbidden."""
    invite = work.session.scalars(select(AgentInvite).where(
        AgentInvite.token_digest == token_digest(token or ""))).first() if token else None
    if invite is None or invite.revoked_at is not None:
        raise Forbidden(INVALID, reason="invalid")
    if invite.used_at is not None:
        raise Forbidden("this invitation link has already been used: ask your supervisor for a new one",
                        reason="used")
    if invite.expires_at <= work.now:
        raise Forbidden("this invitation link has expired: ask your supervisor for a new one", reason="expired")
    if invite.email is not None and invite.email != email.strip().lower():
        raise Forbidden("this invitation is for another email address", reason="other_address")
    return invite


def use(work: Work, invite: AgentInvite, agent_id: str) -> None:
    """Mark the invite used by this new account; a concurrent use of the same link loses (Forbidden)."""
    unused = (AgentInvite.id == invite.id, AgentInvite.used_at.is_(None), AgentInvite.revoked_at.is_(None))
    done = work.session.execute(update(AgentInvite).where(*unused).values(used_at=work.now, used_by=agent_id)
                                .execution_options(synchronize_session=False))
    if getattr(done, "rowcount", 0) != 1:
        raise Forbidden("this invitation link has already been used: ask your supervisor for a new one",
                        reason="used")
    audit.record(work, actor=agent_id, action="invite.used", subject=invite.id)
