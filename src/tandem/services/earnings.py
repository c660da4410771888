"""The earnings ledger: append-only pay entries credited when an agent's part of a conversation ends.

Pay per stint (assigned_at .. release), at the rates fixed on the accepted offer:

| how the agent's part ended             | base | per minute | surge bonus |
|----------------------------------------|------|------------|-------------|
| resolved                               | yes  | yes        | yes         |
| handed back to the assistant           | yes  | yes        | yes         |
| transferred (back to the queue)        | yes  | yes        | yes         |
| dropped (went offline, logged out, lost heartbeat) | no | yes | no      |

Corrections are new `adjustment` entries; nothing is ever updated or deleted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select

from tandem.core.errors import Forbidden, InvalidInput
from tandem.core.money import ZERO, money, per_minute_amount
from tandem.domain.conversation import ConversationState
from tandem.domain.offer import OfferState
from tandem.services.context import Work
from tandem.storage.models import Agent, Conversation, Offer
from tandem.storage.models_workforce import LedgerEntry

MAX_ADJUSTMENT = Decimal("10000.00")
# releases that mean the agent left the customer mid-conversation (dispatch.go_offline's reasons)
DROPPED_REASONS = frozenset({"heartbeat_lost", "went_offline", "logout"})


class Kind(StrEnum):
    BASE = "base"
    PER_MINUTE = "per_minute"
    SURGE_BONUS = "surge_bonus"
    ADJUSTMENT = "adjustment"


class Outcome(StrEnum):
    RESOLVED = "resolved"
    HANDED_BACK = "handed_back"
    TRANSFERRED = "transferred"
    DROPPED = "dropped"


PAID_KINDS = {
    Outcome.RESOLVED: (Kind.BASE, Kind.PER_MINUTE, Kind.SURGE_BONUS),
    Outcome.HANDED_BACK: (Kind.BASE, Kind.PER_MINUTE, Kind.SURGE_BONUS),
    Outcome.TRANSFERRED: (Kind.BASE, Kind.PER_MINUTE, Kind.SURGE_BONUS),
    Outcome.DROPPED: (Kind.PER_MINUTE,),
}


@dataclass(frozen=True)
class Rates:
    base: Decimal
    per_minute: Decimal
    surge_bonus: Decimal
    offer_id: str | None


def outcome_of(target: ConversationState, reason: str) -> Outcome:
    """Classify a release by where the conversation goes and why."""
    if target == ConversationState.RESOLVED:
        return Outcome.RESOLVED
    if target == ConversationState.AI:
        return Outcome.HANDED_BACK
    return Outcome.DROPPED if reason in DROPPED_REASONS else Outcome.TRANSFERRED


def stint_rates(work: Work, conv: Conversation, agent_id: str) -> Rates:
    """The rates of the offer this agent accepted for the current stint; queue claims get the default rates."""
    # a row tuple, not an Offer object: this runs on every release (issue 17)
    offer = work.session.execute(select(Offer.base_pay, Offer.per_minute_pay, Offer.surge_bonus, Offer.id).where(
        Offer.conversation_id == conv.id, Offer.agent_id == agent_id, Offer.state == OfferState.ACCEPTED.value,
        Offer.answered_at == conv.assigned_at)).first()
    if offer is None:
        pay = work.settings.pay
        return Rates(pay.base, pay.per_minute, ZERO, None)
    return Rates(offer.base_pay, offer.per_minute_pay, offer.surge_bonus, offer.id)


def credit_release(work: Work, conv: Conversation, agent_id: str, outcome: Outcome) -> list[LedgerEntry]:
    """Append the entries that pay for the stint that is ending now (call before the conversation changes)."""
    started = conv.assigned_at if conv.assigned_at is not None else work.now
    seconds = max(0, int(work.now - started))
    rates = stint_rates(work, conv, agent_id)
    amounts = {Kind.BASE: money(rates.base), Kind.PER_MINUTE: per_minute_amount(rates.per_minute, seconds),
               Kind.SURGE_BONUS: money(rates.surge_bonus)}
    entries = [
        LedgerEntry(agent_id=agent_id, conversation_id=conv.id, offer_id=rates.offer_id, kind=kind.value,
                    amount=amounts[kind], at=work.now, assignment_at=started, outcome=outcome.value,
                    seconds=seconds, created_by="system")
        # the base entry is always written: it is the record that the stint happened
        for kind in PAID_KINDS[outcome] if kind == Kind.BASE or amounts[kind] > 0
    ]
    work.session.add_all(entries)
    work.session.flush()
    return entries


def adjust(work: Work, *, agent_id: str, amount: Decimal, note: str, by: str,
           conversation_id: str | None = None) -> LedgerEntry:
    """Append a correction (positive or negative); the original entries stay as they were.

    Nobody corrects their own pay: a supervisor's own ledger is adjusted by another supervisor (finding 13).
    """
    if agent_id == by:
        raise Forbidden("you cannot adjust your own pay: ask another supervisor", agent_id=agent_id)
    if amount == 0 or abs(amount) > MAX_ADJUSTMENT:
        raise InvalidInput(f"an adjustment must be non-zero and at most {MAX_ADJUSTMENT} either way")
    if not note.strip():
        raise InvalidInput("say why: an adjustment needs a note")
    entry = LedgerEntry(agent_id=agent_id, conversation_id=conversation_id, offer_id=None,
                        kind=Kind.ADJUSTMENT.value, amount=amount, at=work.now, assignment_at=None, outcome=None,
                        seconds=None, note=note.strip()[:200], created_by=by)
    work.session.add(entry)
    work.session.flush()
    return entry


def entries_between(work: Work, start: float, end: float, agent_id: str | None = None) -> list[LedgerEntry]:
    """Ledger entries with start <= at < end, oldest first."""
    query = select(LedgerEntry).where(LedgerEntry.at >= start, LedgerEntry.at < end)
    if agent_id is not None:
        query = query.where(LedgerEntry.agent_id == agent_id)
    return list(work.session.scalars(query.order_by(LedgerEntry.at, LedgerEntry.id)))


@dataclass
class Totals:
    base: Decimal = ZERO
    per_minute: Decimal = ZERO
    surge_bonus: Decimal = ZERO
    adjustment: Decimal = ZERO
    # paid stints: every stint has exactly one base entry (a unique constraint guarantees it)
    conversations: int = 0

    def add(self, entry: LedgerEntry) -> None:
        self.add_sum(entry.kind, entry.amount, 1)

    def add_sum(self, kind: str, amount: Decimal, count: int) -> None:
        setattr(self, kind, getattr(self, kind) + amount)
        if kind == Kind.BASE:
            self.conversations += count

    @property
    def total(self) -> Decimal:
        return self.base + self.per_minute + self.surge_bonus + self.adjustment

    def view(self) -> dict[str, Any]:
        return {"conversations": self.conversations, "base": str(self.base), "per_minute": str(self.per_minute),
                "surge_bonus": str(self.surge_bonus), "adjustment": str(self.adjustment), "total": str(self.total)}


def totals(entries: list[LedgerEntry]) -> Totals:
    out = Totals()
    for entry in entries:
        out.add(entry)
    return out


def agent_zone(agent: Agent) -> ZoneInfo:
    """The agent's own time zone (days and weeks are theirs), UTC when unknown."""
    try:
        return ZoneInfo(agent.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def period_starts(now: float, zone: ZoneInfo) -> tuple[float, float]:
    """Epoch seconds of local midnight today and of local midnight on this week's Monday."""
    local = datetime.fromtimestamp(now, zone)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    monday = midnight - timedelta(days=local.weekday())
    return midnight.timestamp(), monday.timestamp()


def stint_rows(entries: list[LedgerEntry], limit: int) -> list[dict[str, Any]]:
    """One row per paid stint (newest first); adjustments are rows of their own."""
    groups: dict[tuple[Any, ...], list[LedgerEntry]] = defaultdict(list)
    for entry in entries:
        key = (entry.conversation_id, entry.assignment_at) if entry.kind != Kind.ADJUSTMENT else ("adj", entry.id)
        groups[key].append(entry)
    rows = [_stint_row(group) for group in groups.values()]
    rows.sort(key=lambda r: r["at"], reverse=True)
    return rows[:limit]


def _stint_row(group: list[LedgerEntry]) -> dict[str, Any]:
    first, sums = group[0], totals(group)
    return {"conversation_id": first.conversation_id, "kind": "adjustment" if first.kind == Kind.ADJUSTMENT
            else "conversation", "outcome": first.outcome, "seconds": first.seconds, "note": first.note,
            "assigned_at": first.assignment_at, "at": max(e.at for e in group), **sums.view()}


def agent_summary(work: Work, agent: Agent, limit: int = 50) -> dict[str, Any]:
    """What the earnings page shows: today, this week (in the agent's zone), all time, per conversation."""
    zone = agent_zone(agent)
    today, week = period_starts(work.now, zone)
    entries = entries_between(work, 0.0, work.now + 1, agent.id)
    return {
        "agent_id": agent.id, "timezone": str(zone), "now": work.now, "currency": work.settings.pay.currency,
        "today": totals([e for e in entries if e.at >= today]).view(),
        "week": totals([e for e in entries if e.at >= week]).view(),
        "all_time": totals(entries).view(),
        "conversations": stint_rows(entries, limit),
    }


def day_bounds(start: date, end: date) -> tuple[float, float]:
    """[start 00:00 UTC, the day after end 00:00 UTC) as epoch seconds."""
    begin = datetime(start.year, start.month, start.day, tzinfo=UTC)
    stop = datetime(end.year, end.month, end.day, tzinfo=UTC) + timedelta(days=1)
    return begin.timestamp(), stop.timestamp()


def payouts(work: Work, start: date, end: date) -> list[tuple[Agent, Totals]]:
    """Per-agent totals for the UTC days start..end inclusive, agents with entries only, by name."""
    begin, stop = day_bounds(start, end)
    # summed in SQL over whole cents (BIGINT), so the totals are exact and no row is loaded
    rows = work.session.execute(
        select(LedgerEntry.agent_id, LedgerEntry.kind, func.sum(LedgerEntry.amount), func.count())
        .where(LedgerEntry.at >= begin, LedgerEntry.at < stop).group_by(LedgerEntry.agent_id, LedgerEntry.kind))
    by_agent: dict[str, Totals] = defaultdict(Totals)
    for agent_id, kind, amount, count in rows:
        by_agent[agent_id].add_sum(kind, Decimal(amount), int(count))
    agents = {a.id: a for a in work.session.scalars(select(Agent).where(Agent.id.in_(list(by_agent))))}
    return sorted(((agents[a], t) for a, t in by_agent.items()), key=lambda pair: (pair[0].name, pair[0].id))
