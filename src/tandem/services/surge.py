"""The live surge loop: every minute, human demand → required agents (Erlang-A) → surge level and bonus.

The level comes from `tandem.engines.surge.control`, the controller the simulator runs: the Erlang-A
requirement for the larger of forecast and observed demand, raised to everyone in the system now (agents with
work + customers waiting) and by a boost that grows one agent per look while the last half hour's abandonment is
over 5% with people waiting (carried from look to look in the state row), against the agents online plus those
who answered a surge notice with "on my way" (`notify.acknowledge`), with the engine's hysteresis. When the
supply stays above what this hour and the next hour's forecast need by more than the dead-band for
`release_hold` looks with nobody waiting, the longest-online idle agents get a release notice ("you may log
off"), as in the simulator. The simulator's estimate of sessions about to end is not live.

Only the process holding the dispatcher lease writes a state; every replica reads the latest row, so offers
carry the same bonus wherever they are made. A state older than STALE_AFTER_S pays no bonus: a surge that is no
longer being computed is not announced as if it were.
"""

from __future__ import annotations

import logging
import statistics
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select

from tandem.core.clock import utc
from tandem.core.settings import Settings
from tandem.domain.offer import OfferState
from tandem.domain.presence import Presence
from tandem.engines.forecast import ForecastModel, bin_arrivals, fit, forecast
from tandem.engines.staffing import ServiceModel, StaffingTarget
from tandem.engines.surge import (
    ControlRules,
    ControlState,
    Signals,
    SurgeLevel,
    SurgeRules,
    agents_needed,
    bonus_for,
    control,
    human_demand,
)
from tandem.services import leader, notify, queue
from tandem.services.context import Services, Work
from tandem.services.leader import Lease
from tandem.storage.models import Agent, Conversation, Handoff, Offer
from tandem.storage.models_surge import SurgeNotice, SurgeState

log = logging.getLogger(__name__)



def surge_rules(settings: Settings) -> SurgeRules:
    """The configured surge levels: entry shortfalls, hysteresis and the bonus at each level ([pay])."""
    pay = settings.pay
    return SurgeRules(enter=pay.surge_enter, hysteresis=pay.surge_hysteresis, bonus=pay.surge_bonus)

ABANDON_WINDOW_S = 30 * 60.0
RELEASE_QUIET_S = 30 * 60.0  # an agent told they may log off is not told again for this long
INTERVAL_MINUTES = 60
HISTORY_DAYS = 28
MIN_HISTORY_DAYS = 7
OBSERVED_WINDOW_S = 15 * 60.0
STALE_AFTER_S = 600.0


@dataclass(frozen=True)
class Reading:
    """What one computation measured and concluded."""

    interval_start: float
    arrivals: float
    source: str
    containment: float
    demand: float
    handle_s: float
    required: int
    online: int
    free_slots: int
    busy: int = 0
    waiting: int = 0
    recent_requests: int = 0
    recent_abandoned: int = 0
    # the next interval's forecast human demand (None without a forecast) and the staffing inputs, so the
    # release decision can keep the agents the next hour will need
    next_demand: float | None = None
    model: ServiceModel | None = None
    target: StaffingTarget | None = None

    def need(self, rate_per_minute: float) -> int:
        """Least agents for a human-demand rate (per minute), on this reading's staffing inputs."""
        if self.model is None or self.target is None:
            return self.required
        return agents_needed(rate_per_minute * INTERVAL_MINUTES, INTERVAL_MINUTES, self.model, self.target)


def _naive_utc(ts: float) -> datetime:
    return utc(ts).replace(tzinfo=None)


def _epoch(day: date) -> float:
    return datetime.combine(day, time(), tzinfo=UTC).timestamp()


def _slot(ts: float) -> int:
    """The index of the interval of its UTC day that `ts` falls in."""
    moment = utc(ts)
    return (moment.hour * 60 + moment.minute) // INTERVAL_MINUTES


def fit_history(work: Work, today: date) -> ForecastModel | None:
    """Fit the arrival forecast on whole past days of our own conversations; None with under a week of them."""
    stamps = list(work.session.scalars(select(Conversation.created_at).where(
        Conversation.created_at >= _epoch(today - timedelta(days=HISTORY_DAYS)),
        Conversation.created_at < _epoch(today))))
    if not stamps or (today - _naive_utc(min(stamps)).date()).days < MIN_HISTORY_DAYS:
        return None
    history = bin_arrivals((_naive_utc(s) for s in stamps), INTERVAL_MINUTES)
    return fit(history)


class Forecaster:
    """The day's forecast model, fitted once per UTC day (fitting reads four weeks of arrivals)."""

    def __init__(self) -> None:
        self._day: date | None = None
        self._model: ForecastModel | None = None

    def model(self, work: Work) -> ForecastModel | None:
        today = utc(work.now).date()
        if self._day != today:
            self._model, self._day = fit_history(work, today), today
        return self._model

    def expected(self, work: Work) -> float | None:
        """Arrivals forecast for the current interval, or None without enough history."""
        model = self.model(work)
        if model is None:
            return None
        return float(model.expected(utc(work.now).date())[_slot(work.now)])

    def expected_next(self, work: Work) -> float | None:
        """Arrivals forecast for the next interval (the first of tomorrow after the last of today)."""
        model = self.model(work)
        if model is None:
            return None
        nxt = utc(work.now + INTERVAL_MINUTES * 60.0)
        return float(model.expected(nxt.date())[_slot(work.now + INTERVAL_MINUTES * 60.0)])


def observed_arrivals(work: Work) -> float:
    """Arrivals in the last OBSERVED_WINDOW_S, scaled to one interval."""
    count = work.session.scalar(select(func.count()).select_from(Conversation).where(
        Conversation.created_at > work.now - OBSERVED_WINDOW_S, Conversation.created_at <= work.now))
    return int(count or 0) * INTERVAL_MINUTES * 60.0 / OBSERVED_WINDOW_S


def containment(work: Work, window_s: float) -> float | None:
    """Share of conversations decided in the window that the AI resolved without a human; None if none."""
    since = work.now - window_s
    ai = work.session.scalar(select(func.count()).select_from(Conversation).where(
        Conversation.resolved_by == "ai", Conversation.closed_at > since)) or 0
    escalated = work.session.scalar(select(func.count(func.distinct(Handoff.conversation_id))).where(
        Handoff.requested_at > since)) or 0
    decided = int(ai) + int(escalated)
    return int(ai) / decided if decided else None


def staffing_model(work: Work, settings: Settings, handle_s: float) -> ServiceModel:
    """Erlang-A inputs: recent handle time, configured patience, typical agent concurrency."""
    capacities = list(work.session.scalars(select(Agent.capacity).where(Agent.active.is_(True))))
    concurrency = max(1, int(statistics.median(capacities))) if capacities else 1
    return ServiceModel(handle_time=handle_s / 60.0, patience=settings.surge_patience_s / 60.0,
                        concurrency=concurrency)


def online_agents(work: Work) -> tuple[int, int]:
    """Available agents and their free chat slots."""
    # two aggregates in the database, not a row per available agent every surge step (10,000 rows)
    online, free = work.session.execute(select(
        func.count(), func.coalesce(func.sum(case((Agent.capacity > Agent.load, Agent.capacity - Agent.load),
                                                  else_=0)), 0),
    ).where(Agent.presence == Presence.AVAILABLE.value, Agent.active.is_(True))).one()
    return int(online), int(free)


def measure(work: Work, settings: Settings, forecaster: Forecaster, previous: SurgeState | None) -> Reading:
    """Human demand for the current interval and the agents it needs, against the agents online now."""
    predicted, observed = forecaster.expected(work), observed_arrivals(work)
    # like the simulator's surge loop: never signal less than what is arriving right now
    arrivals, source = (observed, "observed") if predicted is None or observed > predicted else (predicted, "forecast")
    contained = containment(work, settings.surge_window_s)
    if contained is None:
        contained = previous.containment if previous is not None else 0.0
    demand = human_demand(arrivals, contained)
    handle_s = queue.mean_handle_seconds(work, settings.assumed_handle_time_s)
    target = StaffingTarget(settings.surge_service_level, settings.surge_target_s, settings.surge_max_abandon)
    model = staffing_model(work, settings, handle_s)
    required = agents_needed(demand, INTERVAL_MINUTES, model, target)
    online, free = online_agents(work)
    start = _epoch(utc(work.now).date()) + _slot(work.now) * INTERVAL_MINUTES * 60.0
    busy, waiting, requests, abandoned = queue_signals(work)
    ahead = forecaster.expected_next(work)
    next_demand = human_demand(ahead, contained) if ahead is not None else None
    return Reading(start, arrivals, source, contained, demand, handle_s, required, online, free, busy, waiting,
                   requests, abandoned, next_demand, model, target)


def queue_signals(work: Work) -> tuple[int, int, int, int]:
    """Available agents with work, customers waiting, and the last half hour's requests and abandonments."""
    busy = work.session.scalar(select(func.count()).select_from(Agent).where(
        Agent.presence == Presence.AVAILABLE.value, Agent.active.is_(True), Agent.load > 0)) or 0
    waiting = work.session.scalar(select(func.count()).select_from(Handoff).where(
        Handoff.status == queue.WAITING)) or 0
    # the half hour's requests and, of those, the abandoned ones, in one scan
    requests, abandoned = work.session.execute(
        select(func.count(), func.count().filter(Handoff.status == queue.ABANDONED))
        .select_from(Handoff).where(Handoff.requested_at > work.now - ABANDON_WINDOW_S)).one()
    return int(busy), int(waiting), int(requests or 0), int(abandoned or 0)


def latest(work: Work) -> SurgeState | None:
    """The most recent surge state, from any replica."""
    return work.session.scalars(select(SurgeState).order_by(SurgeState.at.desc(), SurgeState.id.desc())
                                .limit(1)).first()


def level_of(state: SurgeState | None, now: float) -> SurgeLevel:
    """The level a state stands for now: NONE when there is none or it is stale."""
    if state is None or now - state.at > STALE_AFTER_S:
        return SurgeLevel.NONE
    return SurgeLevel[state.level]


def current_bonus(work: Work) -> Decimal:
    """The additive bonus per conversation an offer made now carries."""
    return bonus_for(level_of(latest(work), work.now), surge_rules(work.settings))


def idle_agents(work: Work, count: int) -> list[str]:
    """The agents to tell they may log off when the controller asks for `count` fewer: available agents with
    nothing to do (no chat, no pending offer), longest online first. Agents told so in the last RELEASE_QUIET_S
    who are still online count against `count` (a notice is only a suggestion) and are not told again."""
    told = select(SurgeNotice.agent_id).where(SurgeNotice.kind == notify.RELEASE,
                                              SurgeNotice.at > work.now - RELEASE_QUIET_S)
    available = (Agent.presence == Presence.AVAILABLE.value, Agent.active.is_(True), Agent.role == "agent")
    still_here = work.session.scalar(select(func.count()).select_from(Agent).where(*available, Agent.id.in_(told)))
    count -= int(still_here or 0)
    if count <= 0:
        return []
    offered = select(Offer.agent_id).where(Offer.state == OfferState.PENDING.value)
    return list(work.session.scalars(
        select(Agent.id).where(*available, Agent.load == 0, Agent.id.not_in(offered), Agent.id.not_in(told))
        .order_by(Agent.presence_since, Agent.id).limit(count)))


def record(work: Work, reading: Reading, release: bool = True) -> tuple[SurgeState, SurgeLevel]:
    """Persist the state for this reading, with hysteresis from the previous level and the controller state it
    carried; send release notices when the controller asks for them. Return the state and the previous level."""
    before = latest(work)
    previous = level_of(before, work.now)
    fresh = before is not None and work.now - before.at <= STALE_AFTER_S
    carried = ControlState(previous, before.boost, before.surplus_looks) if fresh and before else ControlState()
    pending = notify.acknowledged_pending(work)
    rate = reading.demand / INTERVAL_MINUTES
    hold = reading.next_demand / INTERVAL_MINUTES if reading.next_demand is not None else None
    signals = Signals(None, rate, reading.online, pending, reading.busy, reading.waiting, reading.recent_requests,
                      reading.recent_abandoned, forecast_hold=hold)

    def need(r: float) -> int:  # the reading's own requirement for its demand, Erlang-A for the next hour's
        return reading.required if r == rate else reading.need(r)

    rules = surge_rules(work.settings)
    decision = control(signals, need, carried, ControlRules(levels=rules))
    level, looks = decision.level, decision.state.surplus_looks
    released = idle_agents(work, decision.release) if release else []
    if released:
        notify.release(work, released, level.name)
        looks = 0  # a notice is a suggestion: count the surplus afresh before suggesting it again
    state = SurgeState(at=work.now, interval_start=reading.interval_start, interval_minutes=INTERVAL_MINUTES,
                       arrivals=reading.arrivals, arrivals_source=reading.source, containment=reading.containment,
                       demand=reading.demand, handle_s=reading.handle_s, required=reading.required,
                       online=reading.online, free_slots=reading.free_slots, level=level.name,
                       bonus=bonus_for(level, rules), boost=decision.state.boost, surplus_looks=looks,
                       pending=pending, released=len(released))
    work.session.add(state)
    work.session.flush()
    if level != previous:
        work.emit("queue", {"type": "surge", "level": level.name, "previous": previous.name,
                            "bonus": f"{state.bonus:.2f}", "message": notify.surge_message(level.name, state.bonus),
                            "at": work.now})
    return state, previous


def holds(work: Work, lease: Lease) -> bool:
    """Whether our tenure of the lease is still the current one (a fence against a deposed leader)."""
    return leader.holds(work.session, lease)


def state_view(state: SurgeState) -> dict[str, Any]:
    """A surge state as JSON."""
    return {"at": state.at, "interval_start": state.interval_start, "interval_minutes": state.interval_minutes,
            "arrivals": round(state.arrivals, 3), "arrivals_source": state.arrivals_source,
            "containment": round(state.containment, 4), "demand": round(state.demand, 3),
            "handle_s": round(state.handle_s, 1), "required": state.required, "online": state.online,
            "free_slots": state.free_slots, "level": state.level, "bonus": f"{state.bonus:.2f}",
            "boost": state.boost, "pending": state.pending, "released": state.released}


def shared_forecaster(services: Services) -> Forecaster:
    """The process's forecaster, shared by the loop and the staffing page so the model is fitted once a day."""
    forecaster: Forecaster = services.extras.setdefault("surge.forecaster", Forecaster())
    return forecaster


class SurgeLoop:
    """Recomputes the surge state every `surge_interval_s` while this process holds the dispatcher lease."""

    def __init__(self, services: Services, lease: Lease | None = None,
                 sender: notify.WebhookSender | None = None) -> None:
        self.services = services
        self.lease = lease
        self.forecaster = shared_forecaster(services)
        # every environment: a self-signed-up agent must never make the server POST into its own network
        self.sender = sender or notify.WebhookSender(services.db, services.settings.secret_key, public_only=True,
                                                       clock=services.clock)
        # run like the dispatcher and the quality monitor: only on the lease holder, every transaction fenced
        self.loop = leader.LeaderLoop("surge", lease, services.settings.surge_interval_s, self.step, services.work)

    def step(self, unit: Callable[[], AbstractContextManager[Work]] | None = None) -> SurgeState | None:
        """Compute and persist one state (None when another replica leads); announce a rise after commit."""
        deliveries: list[notify.Delivery] = []
        try:
            with (unit or self.loop.unit)() as work:
                reading = measure(work, self.services.settings, self.forecaster, latest(work))
                state, previous = record(work, reading, self.services.settings.surge_release)
                if SurgeLevel[state.level] > previous:
                    deliveries = notify.announce(work, state.level, state.bonus)
        except leader.LeaseLost:  # not the leader (any more): nothing was written
            return None
        for delivery in deliveries:
            self.sender.submit(delivery)
        return state

    def start(self) -> None:
        self.loop.start()

    async def stop(self) -> None:
        await self.loop.stop()
        self.sender.close()


def today_view(work: Work, forecaster: Forecaster) -> dict[str, Any]:
    """Forecast vs actual arrivals per interval for today (UTC), from our own conversation history."""
    today = utc(work.now).date()
    model = forecaster.model(work)
    rows = forecast(model, today, 1) if model is not None else []
    actual = [0] * (1440 // INTERVAL_MINUTES)
    for ts in work.session.scalars(select(Conversation.created_at).where(
            Conversation.created_at >= _epoch(today), Conversation.created_at <= work.now)):
        actual[_slot(ts)] += 1
    now_slot = _slot(work.now)
    return {"date": today.isoformat(), "interval_minutes": INTERVAL_MINUTES, "has_forecast": model is not None,
            "intervals": [{"start": _epoch(today) + i * INTERVAL_MINUTES * 60.0,
                           "forecast": round(rows[i].forecast, 2) if rows else None,
                           "low": rows[i].low if rows else None, "high": rows[i].high if rows else None,
                           "actual": actual[i] if i <= now_slot else None} for i in range(len(actual))]}
