"""Agents: accounts, sessions (hashed, expiring tokens), presence and heartbeats."""

from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from tandem.core import counters
from tandem.core.errors import Conflict, InvalidInput, NotFound, Unauthorized
from tandem.core.ids import new_id, new_token, token_digest
from tandem.domain.presence import Presence, move_presence
from tandem.domain.skills import Tier
from tandem.services import audit
from tandem.services.context import Work
from tandem.storage.models import Agent, AgentSession, AgentSkill, AuditEntry, Conversation

_HASHER = PasswordHasher()


# how much lower than the server's other threads Argon2 runs (a Unix nice increment: CPU shares ~1/10)
HASH_NICE = 10


def hash_threads(cpus: int | None) -> int:
    """Verifications at once: half the cores, at least one (docs/operations.md, "Login storms")."""
    return max(1, (cpus or 1) // 2)


def make_hash_pool(workers: int, nice: int = HASH_NICE) -> ThreadPoolExecutor:
    """A pool whose threads run `nice` steps below the server's other threads. argon2-cffi releases the GIL and
    verifies a default hash (parallelism 4) on four native threads of its own, which inherit the pool thread's
    priority: a burst of logins still uses idle cores, but the event loop and the request workers (offers,
    accepts, messages) go first."""

    def lower_priority() -> None:
        if nice and sys.platform.startswith("linux"):  # a priority per thread; elsewhere it is the process's
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(),
                               os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) + nice)

    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tandem-argon2", initializer=lower_priority)


# where logins verify passwords (api/routes_agent.login): at most hash_threads() verifications at once, the rest
# wait in the pool's queue (they hold no worker thread and no database connection while waiting)
HASH_POOL = make_hash_pool(hash_threads(os.cpu_count()))
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
# a fixed hash to verify against when the email is unknown, so timing does not reveal who has an account
_DUMMY_HASH = _HASHER.hash("not-a-real-password")


def create(work: Work, *, email: str, name: str, password: str, languages: Iterable[str],
           role: str = "agent", capacity: int = 2, country: str | None = None,
           timezone: str | None = None, password_hash: str | None = None) -> Agent:
    """Register an agent; the password is stored only as an Argon2 hash."""
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise InvalidInput("email address is not valid")
    if not 8 <= len(password) <= 200:
        raise InvalidInput("password must be 8 to 200 characters")
    if not name.strip() or len(name) > 200:
        raise InvalidInput("name is required (at most 200 characters)")
    langs = sorted({lang.strip().lower() for lang in languages if lang.strip()})
    if not langs or any(not re.fullmatch(r"[a-z]{2,3}", lang) for lang in langs):
        raise InvalidInput("languages must be ISO 639 codes such as 'en' or 'sv'")
    if not 1 <= capacity <= 4:
        raise InvalidInput("capacity must be 1 to 4 concurrent chats")
    existing = work.session.scalars(select(Agent).where(Agent.email == email)).first()
    if existing is not None:
        raise EmailTaken(existing.id)
    agent = Agent(
        id=new_id("agt"), email=email, name=name.strip(), password_hash=password_hash or _HASHER.hash(password),
        role=role,
        languages=langs, capacity=capacity, load=0, presence=Presence.OFFLINE.value, created_at=work.now,
        country=country, timezone=timezone, active=True,
    )
    work.session.add(agent)
    work.session.flush()
    return agent


class EmailTaken(Conflict):
    """The address is registered (409 where it may be said; sign-up answers alike instead)."""

    def __init__(self, agent_id: str) -> None:
        super().__init__("an agent with this email exists")
        self.agent_id = agent_id


def set_password(work: Work, agent: Agent, password: str) -> int:
    """Give the account a new password and end every session it has; return how many sessions ended."""
    if not 8 <= len(password) <= 200:
        raise InvalidInput("password must be 8 to 200 characters")
    agent.password_hash = _HASHER.hash(password)
    return purge_sessions_of(work, agent.id)


def purge_sessions_of(work: Work, agent_id: str) -> int:
    """End every session of one account (logged out everywhere)."""
    result = work.session.execute(delete(AgentSession).where(AgentSession.agent_id == agent_id))
    return int(getattr(result, "rowcount", 0) or 0)


def hash_password(password: str) -> str:
    """Argon2 hash of a password (tens of milliseconds by design)."""
    return _HASHER.hash(password)


def grant_skill(work: Work, agent_id: str, topic: str, tier: Tier, granted_by: str) -> None:
    """Give an agent a topic at a tier (or raise the tier)."""
    skill = work.session.get(AgentSkill, (agent_id, str(topic)))
    if skill is None:
        work.session.add(AgentSkill(agent_id=agent_id, topic=str(topic), tier=int(tier), granted_at=work.now,
                                    granted_by=granted_by))
    elif skill.tier < tier:
        skill.tier, skill.granted_at, skill.granted_by = int(tier), work.now, granted_by


def skills_of(work: Work, agent_ids: Iterable[str]) -> dict[str, dict[str, int]]:
    """Map agent id -> {topic: tier}."""
    ids = list(agent_ids)
    out: dict[str, dict[str, int]] = {a: {} for a in ids}
    if ids:
        for skill in work.session.scalars(select(AgentSkill).where(AgentSkill.agent_id.in_(ids))):
            out[skill.agent_id][skill.topic] = skill.tier
    return out


def login(work: Work, email: str, password: str, ttl_s: int) -> tuple[Agent, str]:
    """Check the password and open a session in one unit of work; return the agent and a bearer token.

    The API does the same in three steps (api/routes_agent.login) so that no transaction is open, and no
    SQLite write turn held, while Argon2 runs at its lower priority: stored_hash, verify_password, open_session.
    """
    hashed = stored_hash(work, email)
    return open_session(work, email, hashed if verify_password(hashed, password) else None, ttl_s)


def stored_hash(work: Work, email: str) -> str | None:
    """The password hash of the account with this email, or None when there is none."""
    agent = work.session.scalars(select(Agent).where(Agent.email == email.strip().lower())).first()
    return agent.password_hash if agent is not None else None


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; with no hash a fixed one is verified, so timing does not reveal who has an
    account. Tens to hundreds of milliseconds of CPU: call it in HASH_POOL, outside any transaction."""
    try:
        _HASHER.verify(password_hash if password_hash is not None else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return password_hash is not None


def open_session(work: Work, email: str, verified_hash: str | None, ttl_s: int) -> tuple[Agent, str]:
    """Open a session for the account whose password matched `verified_hash` (None: it did not); the hash must
    still be the account's, so a password changed meanwhile does not let the old one in."""
    agent = known = work.session.scalars(select(Agent).where(Agent.email == email.strip().lower())).first()
    if verified_hash is None or agent is None or agent.password_hash != verified_hash or not agent.active:
        _record_failed_login(work, email, known)
        raise Unauthorized("wrong email or password")
    # each login clears the agent's own dead sessions (expired or logged out): indexed by agent, so a login
    # storm never contends on other agents' rows, and an agent's sessions cannot pile up (finding 19)
    purge_sessions(work, agent.id)
    token = new_token()
    work.session.add(AgentSession(token_digest=token_digest(token), agent_id=agent.id, created_at=work.now,
                                  expires_at=work.now + ttl_s, revoked=False))
    audit.record(work, actor=agent.id, action="agent.login", subject=agent.id)
    return agent, token


def _record_failed_login(work: Work, email: str, known: Agent | None) -> None:
    """Audit a failed login in its own transaction: the caller's rolls back with the Unauthorized.

    The subject is the account's id when the email is registered, else a digest of the email, so the log
    neither stores addresses typed by strangers nor hides repeated attempts on one address.
    """
    subject = known.id if known is not None else "email:" + token_digest(email.strip().lower())[:16]
    with Session(work.session.get_bind()) as own, own.begin():
        own.add(AuditEntry(at=work.now, actor=subject, action="agent.login_failed", subject=subject, detail={}))


def authenticate(work: Work, token: str | None) -> Agent:
    """Return the agent behind a live session token, or raise Unauthorized."""
    return authenticate_session(work, token)[0]


def authenticate_session(work: Work, token: str | None) -> tuple[Agent, float]:
    """The agent behind a live session token and when that session expires; Unauthorized if it is not live."""
    # the session and its agent in one statement: every hot request of a cycle (accept, reply, resolve) checks one
    row = work.session.execute(
        select(AgentSession.expires_at, AgentSession.revoked, Agent)
        .outerjoin(Agent, Agent.id == AgentSession.agent_id)
        .where(AgentSession.token_digest == _digest(token))
    ).one_or_none()
    _judge(row, row is not None and row.Agent is not None and row.Agent.active, work.now)
    assert row is not None  # _judge refuses a missing session
    return row.Agent, row.expires_at


def _digest(token: str | None) -> str:
    if not token:
        raise Unauthorized("missing agent token")
    return token_digest(token)


def _judge(row: Any, active: bool, now: float) -> None:
    """The refusals of every session check, in this order: a dead (unknown, revoked or expired) session, then a
    disabled or deleted account. `row` is the session's row (None when the token is unknown)."""
    if row is None or row.revoked or row.expires_at <= now:
        raise Unauthorized("session expired or invalid; log in again")
    if not active:
        raise Unauthorized("agent account is disabled")


class AgentRef(Protocol):
    """What the hot requests read of the agent making them: an ORM `Agent`, or a `Caller` read with the session."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def role(self) -> str: ...

    @property
    def presence(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Caller:
    """The agent behind a live session token, as accept, decline, reply, resolve and hand back need it: read with
    the session in one Core statement, not loaded as an ORM object (issue 17: about a third of that statement's
    cost was building the object). Read-only: what these requests change in the agent's row they change with
    their own conditional UPDATEs. Every request still reads the session and the account from the database: a
    logout, an expired session or a disabled account (`tandem users disable`, from any process) is refused at
    once."""

    id: str
    name: str
    role: str
    presence: str
    expires_at: float


_SESSION, _AGENT = AgentSession.__table__.c, Agent.__table__.c
_CALLER_COLUMNS = (_SESSION.expires_at, _SESSION.revoked, _AGENT.id, _AGENT.active, _AGENT.name, _AGENT.role,
                   _AGENT.presence)
_SESSION_AGENT = AgentSession.__table__.outerjoin(Agent.__table__, _AGENT.id == _SESSION.agent_id)


def _caller(row: Any, now: float) -> Caller:
    _judge(row, row is not None and row.id is not None and row.active, now)
    return Caller(row.id, row.name, row.role, row.presence, row.expires_at)


def authenticate_caller(work: Work, token: str | None) -> Caller:
    """The agent behind a live session token (one Core statement), or Unauthorized."""
    row = work.session.connection().execute(
        select(*_CALLER_COLUMNS).select_from(_SESSION_AGENT)
        .where(_SESSION.token_digest == _digest(token))).one_or_none()
    return _caller(row, work.now)


def authenticate_with_conversation(work: Work, token: str | None,
                                   conversation_id: str) -> tuple[Caller, Conversation | None]:
    """`authenticate_caller` and the conversation the request names (None if there is none), in one statement:
    reply, resolve and hand back read both. The session is judged first, so a dead session is 401 whether or not
    the conversation exists."""
    row = work.session.execute(
        select(*_CALLER_COLUMNS, Conversation).select_from(_SESSION_AGENT)
        .outerjoin(Conversation, Conversation.id == conversation_id)
        .where(_SESSION.token_digest == _digest(token))).one_or_none()
    caller = _caller(row, work.now)
    assert row is not None  # _caller refuses a missing session
    return caller, row.Conversation


def logout(work: Work, token: str) -> str | None:
    """Revoke a session; return its agent id so live sockets can be closed."""
    session = work.session.get(AgentSession, token_digest(token))
    if session is None:
        return None
    session.revoked = True
    audit.record(work, actor=session.agent_id, action="agent.logout", subject=session.agent_id)
    work.emit(f"agent:{session.agent_id}", {"type": "session.revoked", "token_digest": session.token_digest})
    return session.agent_id


def purge_sessions(work: Work, agent_id: str | None = None) -> int:
    """Delete expired and revoked sessions (of one agent, or everyone's); return how many."""
    stmt = delete(AgentSession).where((AgentSession.expires_at <= work.now) | AgentSession.revoked.is_(True))
    if agent_id is not None:
        stmt = stmt.where(AgentSession.agent_id == agent_id)
    result = work.session.execute(stmt.execution_options(synchronize_session=False))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def set_presence(work: Work, agent: Agent, target: Presence) -> None:
    """Move an agent's presence (offline/available/away); a no-op when already there."""
    if agent.presence == target.value:
        return
    move_presence(Presence(agent.presence), target)
    agent.presence = target.value
    agent.presence_since = work.now
    agent.last_heartbeat = work.now
    work.emit(f"agent:{agent.id}", {"type": "presence", "presence": target.value})
    work.emit("ops", {"type": "agent.presence", "agent_id": agent.id, "presence": target.value})
    work.emit("queue", {"type": "agents.changed"})


def heartbeat(work: Work, agent_id: str) -> None:
    """Record that the agent's client is alive."""
    work.session.execute(update(Agent).where(Agent.id == agent_id).values(last_heartbeat=work.now))
    counters.count("db_heartbeat_writes")


def get(work: Work, agent_id: str) -> Agent:
    agent = work.session.get(Agent, agent_id)
    if agent is None:
        raise NotFound("no such agent", agent_id=agent_id)
    return agent


def agent_view(agent: Agent, skills: dict[str, int] | None = None) -> dict[str, Any]:
    """The public shape of an agent (for the agent and supervisors)."""
    return {
        "id": agent.id, "name": agent.name, "email": agent.email, "role": agent.role,
        "languages": agent.languages, "capacity": agent.capacity, "load": agent.load,
        "presence": agent.presence, "skills": {t: Tier(v).name.lower() for t, v in (skills or {}).items()},
        "country": agent.country, "timezone": agent.timezone,
    }
