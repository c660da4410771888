"""Quality beside cost: CSAT, resolution, re-contact, containment, waits, handle time and cost, grouped in SQL.

Every measure is defined in docs/metrics.md. Aggregations run in the database (one statement per family, the
same SQL on SQLite and PostgreSQL); only percentiles are taken in Python from one column of numbers, because
SQLite has no percentile function.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, exists, func, literal, literal_column, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement

from tandem.core.money import ZERO
from tandem.core.settings import Costs
from tandem.services.context import Work
from tandem.storage.models import Base, Conversation, Handoff, Message
from tandem.storage.models_quality import OpsSample

RECONTACT_WINDOW_S = 7 * 86400
# group by the output column name: PostgreSQL would not match two copies of an expression with bound parameters
_K: ColumnElement[Any] = literal_column("k")
GROUPS = ("overall", "time", "channel", "intent", "handler", "agent")


class _Bucket(FunctionElement[int]):
    """floor(ts / width): a time bucket number, compiled per dialect."""

    type = Integer()
    inherit_cache = True
    name = "tandem_bucket"


@compiles(_Bucket)
def _bucket_default(element: _Bucket, compiler: Any, **kw: Any) -> str:
    ts, width = list(element.clauses)
    return f"CAST(FLOOR({compiler.process(ts, **kw)} / {compiler.process(width, **kw)}) AS BIGINT)"


@compiles(_Bucket, "sqlite")
def _bucket_sqlite(element: _Bucket, compiler: Any, **kw: Any) -> str:
    ts, width = list(element.clauses)
    # epoch seconds are positive, so truncation is the floor
    return f"CAST({compiler.process(ts, **kw)} / {compiler.process(width, **kw)} AS INTEGER)"


def bucket(ts: Any, width_s: int) -> ColumnElement[int]:
    """The start (epoch seconds) of the width_s-wide bucket holding ts."""
    return _Bucket(ts, literal_column(f"{int(width_s)}.0")) * int(width_s)


@dataclass(frozen=True, slots=True)
class Window:
    """A half-open time range [since, until) over conversation creation times."""

    since: float
    until: float


def handled_by() -> ColumnElement[str]:
    """'ai' for conversations the assistant kept (or got back and resolved), else 'human'."""
    return case((or_(Conversation.resolved_by == "ai", Conversation.escalation_reason.is_(None)), "ai"),
                else_="human")


def _resolver() -> ColumnElement[Any]:
    # the agent of the conversation's last closed queue entry: the one who resolved it
    return (select(func.max(Handoff.agent_id))
            .where(Handoff.conversation_id == Conversation.id, Handoff.status == "closed")
            .correlate(Conversation).scalar_subquery())


def _key(group: str, width_s: int, *, agent: Any = None) -> ColumnElement[Any]:
    if group == "time":
        return bucket(Conversation.created_at, width_s)
    if group == "channel":
        return Conversation.channel  # type: ignore[return-value]
    if group == "intent":
        return func.coalesce(Conversation.intent, "unknown")
    if group == "handler":
        return handled_by()
    if group == "agent":
        return agent if agent is not None else _resolver()
    return literal("all")


def _recontacted() -> ColumnElement[bool]:
    later = aliased(Conversation)
    return exists().where(
        later.customer_ref == Conversation.customer_ref, later.id != Conversation.id,
        func.coalesce(later.intent, "") == func.coalesce(Conversation.intent, ""),
        later.created_at > Conversation.created_at,
        later.created_at <= Conversation.created_at + RECONTACT_WINDOW_S,
    )


def _count_if(cond: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((cond, 1), else_=0))


def _in_window(window: Window) -> ColumnElement[bool]:
    return and_(Conversation.created_at >= window.since, Conversation.created_at < window.until)


def _conversation_rows(work: Work, window: Window, group: str, width_s: int) -> dict[Any, dict[str, float]]:
    key = _key(group, width_s).label("k")
    resolved = Conversation.state == "resolved"
    human_done = and_(Conversation.resolved_by == "human", Conversation.assigned_at.is_not(None))
    stmt = select(
        key, func.count().label("conversations"),
        _count_if(Conversation.state.in_(["resolved", "abandoned"])).label("closed"),
        _count_if(resolved).label("resolved"),
        _count_if(Conversation.resolved_by == "ai").label("ai_resolved"),
        _count_if(Conversation.escalation_reason.is_not(None)).label("escalated"),
        _count_if(and_(resolved, Conversation.customer_ref.is_not(None), _recontacted())).label("recontacted"),
        func.count(Conversation.rating).label("ratings"),
        func.coalesce(func.sum(Conversation.rating), 0).label("rating_sum"),
        _count_if(human_done).label("handled"),
        func.coalesce(func.sum(case((human_done, Conversation.closed_at - Conversation.assigned_at), else_=0.0)),
                      0.0).label("handle_s"),
    ).where(_in_window(window)).group_by(_K)
    return {row.k: dict(row._mapping) for row in work.session.execute(stmt)}


def _handoff_rows(work: Work, window: Window, group: str, width_s: int,
                  sl_seconds: float) -> dict[Any, dict[str, Any]]:
    key = _key(group, width_s, agent=Handoff.agent_id).label("k")
    wait = Handoff.assigned_at - Handoff.requested_at
    stmt = (select(key, Handoff.status, wait.label("wait"), Handoff.requested_at)
            .join(Conversation, Conversation.id == Handoff.conversation_id).where(_in_window(window)))
    out: dict[Any, dict[str, Any]] = defaultdict(lambda: {"handoffs": 0, "abandoned": 0, "waits": [],
                                                          "within_sl": 0})
    for row in work.session.execute(stmt):
        agg = out[row.k]
        agg["handoffs"] += 1
        agg["abandoned"] += int(row.status == "abandoned")
        if row.wait is not None:
            agg["waits"].append(float(row.wait))
            agg["within_sl"] += int(row.wait <= sl_seconds)
    return out


def _cost_rows(work: Work, window: Window, group: str, width_s: int,
               costs: Costs) -> dict[Any, dict[str, Decimal]]:
    """AI cost (an estimate at the configured rates) and human pay (the ledger's exact sum), as Decimals."""
    key = _key(group, width_s).label("k")
    msgs = (select(key, _count_if(Message.author == "ai").label("ai_messages"),
                   func.coalesce(func.sum(case((Message.author.in_(["ai", "customer"]), func.length(Message.body)),
                                               else_=0)), 0).label("chars"))
            .join(Conversation, Conversation.id == Message.conversation_id)
            .where(_in_window(window)).group_by(_K))
    out: dict[Any, dict[str, Decimal]] = defaultdict(lambda: {"ai_cost": ZERO, "human_pay": ZERO})
    for row in work.session.execute(msgs):
        # tokens estimated at four characters each: the offline assistant reports none
        tokens = Decimal(int(row.chars)) / 4
        out[row.k]["ai_cost"] = (int(row.ai_messages) * costs.ai_cost_per_message
                                 + tokens / 1000 * costs.ai_cost_per_1k_tokens)
    for k, pay in _human_pay(work, window, group, width_s).items():
        out[k]["human_pay"] = pay
    return out


def _human_pay(work: Work, window: Window, group: str, width_s: int) -> dict[Any, Decimal]:
    """Human pay from the append-only earnings ledger (review payments, stored as adjustments, excluded)."""
    ledger = Base.metadata.tables["earnings_ledger"]
    key = _key(group, width_s, agent=ledger.c.agent_id).label("k")
    # the ledger stores cents; the sum comes back through the Cents column type as an exact Decimal
    stmt = (select(key, func.sum(ledger.c.amount).label("amount"))
            .join(Conversation, Conversation.id == ledger.c.conversation_id)
            .where(_in_window(window), ledger.c.kind != "adjustment").group_by(_K))
    return {row.k: row.amount or ZERO for row in work.session.execute(stmt)}


def _occupancy(work: Work, window: Window, group: str, width_s: int) -> dict[Any, float]:
    if group not in ("overall", "time"):
        return {}
    key = (bucket(OpsSample.at, width_s) if group == "time" else literal("all")).label("k")
    stmt = (select(key, func.avg(OpsSample.occupancy).label("occ"))
            .where(OpsSample.at >= window.since, OpsSample.at < window.until, OpsSample.occupancy.is_not(None))
            .group_by(_K))
    return {row.k: float(row.occ) for row in work.session.execute(stmt)}


def percentile(values: Iterable[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..1); None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _ratio(num: float, den: float) -> float | None:
    return round(num / den, 4) if den else None


def measures(work: Work, window: Window, group: str = "overall", width_s: int = 3600,
             costs: Costs | None = None) -> list[dict[str, Any]]:
    """Every measure of docs/metrics.md for the window, one row per group key, sorted by key."""
    if group not in GROUPS:
        raise ValueError(f"group must be one of {GROUPS}")
    costs = costs or work.settings.costs
    convs = _conversation_rows(work, window, group, width_s)
    hands = _handoff_rows(work, window, group, width_s, costs.service_level_seconds)
    money = _cost_rows(work, window, group, width_s, costs)
    occ = _occupancy(work, window, group, width_s)
    keys = sorted({*convs, *hands, *occ} - {None}, key=str) + ([None] if None in {*convs, *hands} else [])
    return [_row(k, convs.get(k), hands.get(k), money.get(k), occ.get(k)) for k in keys]


def _row(key: Any, c: dict[str, float] | None, h: dict[str, Any] | None, m: dict[str, Decimal] | None,
         occupancy: float | None) -> dict[str, Any]:
    c = c or {}
    h = h or {"handoffs": 0, "abandoned": 0, "waits": [], "within_sl": 0}
    m = m or {"ai_cost": ZERO, "human_pay": ZERO}
    resolved, closed = c.get("resolved", 0), c.get("closed", 0)
    confirmed = resolved - c.get("recontacted", 0)
    answered = len(h["waits"])
    total_cost = m["ai_cost"] + m["human_pay"]
    return {
        "key": key, "conversations": int(c.get("conversations", 0)), "closed": int(closed),
        "resolved": int(resolved), "confirmed_resolutions": int(confirmed),
        "confirmed_resolution_rate": _ratio(confirmed, closed), "recontact_rate": _ratio(c.get("recontacted", 0),
                                                                                         resolved),
        "containment": _ratio(c.get("ai_resolved", 0), closed), "escalated": int(c.get("escalated", 0)),
        "ratings": int(c.get("ratings", 0)),
        "csat": round(c["rating_sum"] / c["ratings"], 3) if c.get("ratings") else None,
        "handoffs": h["handoffs"], "answered": answered, "abandoned": h["abandoned"],
        "abandonment_rate": _ratio(h["abandoned"], answered + h["abandoned"]),
        "service_level": _ratio(h["within_sl"], answered + h["abandoned"]),
        "time_to_human_p50_s": percentile(h["waits"], 0.5), "time_to_human_p90_s": percentile(h["waits"], 0.9),
        "handle_time_s": round(c["handle_s"] / c["handled"], 1) if c.get("handled") else None,
        "handled_minutes": round(c.get("handle_s", 0.0) / 60.0, 2), "occupancy": occupancy,
        # measures are reported as JSON numbers; the sums behind them are exact
        "ai_cost": _number(m["ai_cost"]), "human_pay": _number(m["human_pay"]),
        "cost_per_resolution": _number(total_cost / int(resolved)) if resolved else None,
    }


def _number(amount: Decimal) -> float:
    """A measure's amount for the dashboard: rounded to four places, as a plain number."""
    return float(amount.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


# ---- the floor now: queue, agents online vs needed (sampled periodically for charts over time) ----

ARRIVAL_LOOKBACK_S = 15 * 60
ASSUMED_PATIENCE_MIN = 2.0


def arrivals_per_minute(work: Work, lookback_s: float = ARRIVAL_LOOKBACK_S) -> float:
    """Requests for a human per minute over the recent past (the demand the workforce must meet)."""
    n = work.session.scalar(select(func.count()).select_from(Handoff)
                            .where(Handoff.requested_at > work.now - lookback_s)) or 0
    return float(n) / (lookback_s / 60.0)


def agents_needed(arrival_rate: float, handle_s: float, concurrency: int, costs: Costs) -> int:
    """Least agents meeting 80% within the service-level time and at most 5% abandonment (Erlang-A)."""
    from tandem.engines.staffing import ServiceModel, StaffingTarget, required_agents

    if arrival_rate <= 0:
        return 0
    model = ServiceModel(handle_time=max(handle_s, 1.0) / 60.0, patience=ASSUMED_PATIENCE_MIN,
                         concurrency=max(1, concurrency))
    target = StaffingTarget(service_level=0.8, target_seconds=costs.service_level_seconds, max_abandon=0.05)
    return required_agents(arrival_rate, model, target, max_agents=100_000).agents


def floor_snapshot(work: Work, default_handle_s: float, costs: Costs | None = None) -> OpsSample:
    """Measure the floor now (not stored; see record_sample)."""
    from tandem.domain.presence import Presence
    from tandem.services import queue
    from tandem.storage.models import Agent

    costs = costs or work.settings.costs
    waiting = queue.waiting(work)
    # aggregates in the database: a snapshot every monitor pass must not load every online agent (10,000 rows)
    online, available, capacity, load = work.session.execute(select(
        func.count(),
        func.coalesce(func.sum(case((Agent.presence == Presence.AVAILABLE.value, 1), else_=0)), 0),
        func.coalesce(func.sum(Agent.capacity), 0), func.coalesce(func.sum(Agent.load), 0),
    ).where(Agent.presence != Presence.OFFLINE.value)).one()
    online, available, capacity, load = int(online), int(available), int(capacity), int(load)
    rate = arrivals_per_minute(work)
    concurrency = round(capacity / online) if online else 2
    handle = queue.mean_handle_seconds(work, default_handle_s)
    return OpsSample(
        at=work.now, queue_length=len(waiting),
        longest_wait_s=max((work.now - h.queued_since for h in waiting), default=0.0),
        agents_online=online, agents_available=available,
        agents_needed=agents_needed(rate, handle, concurrency, costs),
        occupancy=round(load / capacity, 4) if capacity else None,
        arrivals_per_min=round(rate, 4),
    )


def record_sample(work: Work, default_handle_s: float, keep_s: float = 7 * 86400) -> OpsSample:
    """Store a floor snapshot for the charts, dropping samples older than keep_s."""
    from sqlalchemy import delete

    sample = floor_snapshot(work, default_handle_s)
    work.session.add(sample)
    work.session.execute(delete(OpsSample).where(OpsSample.at < work.now - keep_s))
    return sample


def samples(work: Work, since: float, limit: int = 2000) -> list[dict[str, Any]]:
    """Stored floor snapshots since a time, oldest first (thinned to at most `limit`)."""
    rows = list(work.session.scalars(select(OpsSample).where(OpsSample.at >= since).order_by(OpsSample.at)))
    step = max(1, math.ceil(len(rows) / limit))
    return [{"at": s.at, "queue_length": s.queue_length, "longest_wait_s": round(s.longest_wait_s, 1),
             "agents_online": s.agents_online, "agents_available": s.agents_available,
             "agents_needed": s.agents_needed, "occupancy": s.occupancy, "arrivals_per_min": s.arrivals_per_min}
            for s in rows[::step]]


def csat_series(work: Work, window: Window, width_s: int, who: str) -> list[dict[str, Any]]:
    """Mean rating per time bucket for conversations handled by `who` ('ai' or 'human')."""
    key = bucket(Conversation.created_at, width_s).label("k")
    stmt = (select(key, func.count(Conversation.rating), func.sum(Conversation.rating))
            .where(_in_window(window), Conversation.rating.is_not(None), handled_by() == who)
            .group_by(_K).order_by(_K))
    return [{"key": int(k), "csat": round(float(s or 0) / n, 3), "ratings": int(n)}
            for k, n, s in work.session.execute(stmt)]
