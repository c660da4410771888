"""Quality tables: QA review tasks and scores, guardrail targets, guarded intents, policy changes, ops samples."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tandem.storage.models import Base, Cents


class ReviewTask(Base):
    """One conversation sampled for QA; offered to an idle senior agent, scored once, paid per review."""

    __tablename__ = "review_tasks"
    __table_args__ = (Index("ix_review_tasks_status_created", "status", "created_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), unique=True)
    # who handled the conversation: ai | human
    handled_by: Mapped[str] = mapped_column(String(8))
    intent: Mapped[str | None] = mapped_column(String(64))
    # open | offered (one pending review offer) | assigned (accepted, being scored) | done
    status: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[float] = mapped_column(Float)
    reviewer_id: Mapped[str | None] = mapped_column(ForeignKey("agents.id"), index=True)
    assigned_at: Mapped[float | None] = mapped_column(Float)
    # an assignment not finished by then goes back to open
    due_at: Mapped[float | None] = mapped_column(Float)
    completed_at: Mapped[float | None] = mapped_column(Float)
    pay: Mapped[Decimal] = mapped_column(Cents, default=Decimal("0"))


class ReviewOffer(Base):
    """A review task offered to one idle senior agent until a deadline, at a pay fixed when it is made."""

    __tablename__ = "review_offers"
    __table_args__ = (Index("ix_review_offers_state_expires", "state", "expires_at"),
                      Index("ix_review_offers_agent_state", "agent_id", "state"),
                      Index("ix_review_offers_task", "task_id"))

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("review_tasks.id", ondelete="CASCADE"))
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"))
    # pending | accepted | declined | expired | rescinded (domain.offer.OfferState)
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[float] = mapped_column(Float)
    expires_at: Mapped[float] = mapped_column(Float)
    answered_at: Mapped[float | None] = mapped_column(Float)
    decline_reason: Mapped[str | None] = mapped_column(String(200))
    pay: Mapped[Decimal] = mapped_column(Cents)


class ReviewScore(Base):
    """The rubric a senior agent filled in for one review task."""

    __tablename__ = "review_scores"

    task_id: Mapped[str] = mapped_column(ForeignKey("review_tasks.id", ondelete="CASCADE"), primary_key=True)
    reviewer_id: Mapped[str] = mapped_column(ForeignKey("agents.id"))
    correct: Mapped[bool] = mapped_column(Boolean)
    complete: Mapped[bool] = mapped_column(Boolean)
    policy_safe: Mapped[bool] = mapped_column(Boolean)
    tone: Mapped[int] = mapped_column(Integer)
    should_have_escalated: Mapped[bool] = mapped_column(Boolean)
    passed: Mapped[bool] = mapped_column(Boolean, index=True)
    comment: Mapped[str | None] = mapped_column(Text)
    at: Mapped[float] = mapped_column(Float, index=True)


class QualityTarget(Base):
    """One operator-set target of the guardrail (e.g. ai_csat_margin = 0.2)."""

    __tablename__ = "quality_targets"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)
    updated_by: Mapped[str] = mapped_column(String(64))


class GuardedIntent(Base):
    """Whether the assistant must hand an intent ("*" = every intent) to humans, and who decided."""

    __tablename__ = "guarded_intents"

    intent: Mapped[str] = mapped_column(String(64), primary_key=True)
    guarded: Mapped[bool] = mapped_column(Boolean)
    # monitor: the rolling monitor decides; operator: an override the monitor leaves alone until cleared
    source: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(String(300))
    since: Mapped[float] = mapped_column(Float)


class PolicyChange(Base):
    """Every automatic or manual change of the guardrail, with its reason, shown to operators."""

    __tablename__ = "policy_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[float] = mapped_column(Float, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    intent: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(300))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class OpsSample(Base):
    """A periodic snapshot of the floor (queue, agents online vs needed) for charts over time."""

    __tablename__ = "ops_samples"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[float] = mapped_column(Float, index=True)
    queue_length: Mapped[int] = mapped_column(Integer)
    longest_wait_s: Mapped[float] = mapped_column(Float)
    agents_online: Mapped[int] = mapped_column(Integer)
    agents_available: Mapped[int] = mapped_column(Integer)
    agents_needed: Mapped[int | None] = mapped_column(Integer)
    occupancy: Mapped[float | None] = mapped_column(Float)
    arrivals_per_min: Mapped[float] = mapped_column(Float)
