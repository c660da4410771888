"""Workforce tables: sign-up profiles, certification attempts and the append-only earnings ledger."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tandem.storage.models import Base, Cents


class WorkforceProfile(Base):
    """What a gig agent told us at sign-up beyond the account itself."""

    __tablename__ = "workforce_profiles"

    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True)
    topics: Mapped[list[Any]] = mapped_column(default=list)
    signed_up_at: Mapped[float] = mapped_column(Float)


class CertificationAttempt(Base):
    """One quiz for one topic: the questions drawn at start, graded once on submit."""

    __tablename__ = "certification_attempts"
    __table_args__ = (Index("ix_cert_attempts_agent_topic_started", "agent_id", "topic", "started_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(32))
    question_ids: Mapped[list[Any]] = mapped_column(default=list)
    started_at: Mapped[float] = mapped_column(Float)
    expires_at: Mapped[float] = mapped_column(Float)
    submitted_at: Mapped[float | None] = mapped_column(Float)
    correct: Mapped[int | None] = mapped_column(Integer)
    passed: Mapped[bool | None] = mapped_column(Boolean)


class LedgerEntry(Base):
    """One line of an agent's earnings. Never updated or deleted (database triggers refuse it)."""

    __tablename__ = "earnings_ledger"
    __table_args__ = (
        # one assignment is paid once per kind, even if a release were somehow credited twice
        UniqueConstraint("agent_id", "conversation_id", "assignment_at", "kind", name="uq_earnings_assignment_kind"),
        Index("ix_earnings_agent_at", "agent_id", "at"),
        Index("ix_earnings_at", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id"))
    conversation_id: Mapped[str | None] = mapped_column(String(64), index=True)
    offer_id: Mapped[str | None] = mapped_column(String(64))
    # base | per_minute | surge_bonus | adjustment
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(Cents())
    at: Mapped[float] = mapped_column(Float)
    # the assigned_at of the stint this entry pays for; None for adjustments
    assignment_at: Mapped[float | None] = mapped_column(Float)
    # resolved | handed_back | transferred | dropped (how the agent's part ended); None for adjustments
    outcome: Mapped[str | None] = mapped_column(String(16))
    seconds: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(64), default="system")


class AgentInvite(Base):
    """A single-use sign-up link a supervisor made (signup_mode = "invite"); only the token's SHA-256 is kept."""

    __tablename__ = "agent_invites"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    languages: Mapped[list[Any]] = mapped_column(default=list)
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[float] = mapped_column(Float)
    expires_at: Mapped[float] = mapped_column(Float)
    used_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    used_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    revoked_at: Mapped[float | None] = mapped_column(Float, nullable=True)
