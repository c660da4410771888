"""Surge tables: the computed surge state per minute, agents' notification settings and their in-app notices."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tandem.storage.models import Base, Cents


class SurgeState(Base):
    """One surge computation: the inputs it used, required vs online agents, and the level and bonus it set."""

    __tablename__ = "surge_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[float] = mapped_column(Float, index=True)
    # start of the forecast interval (epoch seconds, UTC) this computation belongs to
    interval_start: Mapped[float] = mapped_column(Float)
    interval_minutes: Mapped[int] = mapped_column(Integer)
    # arrivals expected in the interval, and where the figure came from: "forecast" or "observed"
    arrivals: Mapped[float] = mapped_column(Float)
    arrivals_source: Mapped[str] = mapped_column(String(16))
    containment: Mapped[float] = mapped_column(Float)
    demand: Mapped[float] = mapped_column(Float)
    handle_s: Mapped[float] = mapped_column(Float)
    required: Mapped[int] = mapped_column(Integer)
    online: Mapped[int] = mapped_column(Integer)
    free_slots: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(8))
    bonus: Mapped[Decimal] = mapped_column(Cents)
    # the controller's state carried to the next look (engines.surge.control.ControlState)
    boost: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    surplus_looks: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # acknowledged logins counted as supply, and idle agents told they may log off, at this look
    pending: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    released: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class AgentNotification(Base):
    """Whether an agent wants to hear about surges while offline, and where to send the webhook."""

    __tablename__ = "agent_notifications"

    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True)
    opted_in: Mapped[bool] = mapped_column(Boolean, default=False)
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    # random, set with the webhook: the agent's signing secret is derived from it and the server secret
    # (notify.webhook_secret), so the table alone does not hold a usable secret
    webhook_salt: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[float] = mapped_column(Float)


class SurgeNotice(Base):
    """A surge announcement to one agent: shown in the app, and posted to their webhook if they set one."""

    __tablename__ = "surge_notices"
    __table_args__ = (Index("ix_surge_notices_agent_at", "agent_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"))
    at: Mapped[float] = mapped_column(Float)
    level: Mapped[str] = mapped_column(String(8))
    bonus: Mapped[Decimal] = mapped_column(Cents)
    message: Mapped[str] = mapped_column(Text)
    # none (no webhook) | pending | delivered | failed | refused (not a public address)
    webhook: Mapped[str] = mapped_column(String(16), default="none")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # "surge" (come online, sent to offline agents) or "release" (you may log off, sent to idle online agents)
    kind: Mapped[str] = mapped_column(String(16), default="surge", server_default="surge")
    # when the agent answered a surge notice with "on my way": counted as supply until they log in
    acked_at: Mapped[float | None] = mapped_column(Float, index=True)
