"""Tables of the agent workbench: canned responses, suggested-reply outcomes and supervisor whispers."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tandem.storage.models import Base


class CannedResponse(Base):
    """A reply template a supervisor maintains; placeholders such as {customer_name} are filled on insert."""

    __tablename__ = "canned_responses"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    # the word an agent types after "/" to find it, e.g. "refund-time"
    shortcut: Mapped[str] = mapped_column(String(40), unique=True)
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8), default="en")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)


class ReplySuggestion(Base):
    """One drafted reply shown to an agent, and what became of it: used as is, edited, or ignored."""

    __tablename__ = "reply_suggestions"
    __table_args__ = (Index("ix_reply_suggestions_conversation", "conversation_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    agent_id: Mapped[str] = mapped_column(String(64))
    article_id: Mapped[str | None] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    rank: Mapped[int] = mapped_column(Integer, default=1)
    # shown | used | edited | ignored
    outcome: Mapped[str] = mapped_column(String(16), default="shown")
    message_seq: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[float] = mapped_column(Float)
    decided_at: Mapped[float | None] = mapped_column(Float)


class Whisper(Base):
    """A supervisor's private note to the assigned agent; never part of the customer's transcript."""

    __tablename__ = "whispers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[str] = mapped_column(String(64))
    author_name: Mapped[str] = mapped_column(String(200))
    agent_id: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[float] = mapped_column(Float)
