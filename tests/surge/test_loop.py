"""The live surge computation on a FakeClock: demand up, level up, offers pay the bonus; hysteresis coming down."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from tandem.core.clock import FakeClock
from tandem.engines.assistant.escalation import EscalationReason
from tandem.engines.staffing import StaffingTarget
from tandem.engines.surge import ControlRules, agents_needed
from tandem.services import conversations, dispatch, queue, surge
from tandem.services.context import Services
from tandem.services.leader import Lease
from tandem.storage.models_surge import SurgeNotice, SurgeState


@pytest.fixture
def events(services: Services, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    seen: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(services.bus, "publish", lambda topic, event: seen.append((topic, event)))
    monkeypatch.setattr(services.bus, "publish_many", seen.extend)  # a unit of work's events, after its commit
    return seen


def surge_events(events: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    return [e for topic, e in events if topic == "queue" and e.get("type") == "surge"]


def test_no_demand_no_surge(synth: Any, events: list[Any]) -> None:
    synth.agents(2)
    state = synth.step()
    assert (state.required, state.online, state.level, state.bonus) == (0, 2, "NONE", Decimal("0.00"))
    assert state.arrivals_source == "observed"
    assert surge_events(events) == []


def test_demand_up_raises_level_and_offers_carry_the_bonus(services: Services, synth: Any, events: list[Any]) -> None:
    synth.agents(1)
    assert synth.step().level == "NONE"
    # 60 arrivals in the last 10 minutes, half escalated, half resolved by the AI: 240/h arrive, 120/h need people
    synth.arrivals(60, escalated=30, ai_resolved=30)
    state = synth.step()
    assert state.arrivals == pytest.approx(240.0)
    assert state.containment == pytest.approx(0.5)
    assert state.demand == pytest.approx(120.0)
    assert state.required > 5 and state.online == 1
    assert (state.level, state.bonus) == ("HIGH", Decimal("2.00"))
    assert [(e["level"], e["previous"], e["bonus"]) for e in surge_events(events)] == [("HIGH", "NONE", "2.00")]
    assert surge_events(events)[0]["message"] == "Surge: HIGH, +$2.00 per conversation"

    with services.work() as work:
        conv, _ = conversations.create(work, language="en")
        entry = queue.request_human(work, conv, reason=EscalationReason.CUSTOMER_BUTTON)
        offer = dispatch.create_offer(work, entry, "agt-syn-" + _first_synthetic_suffix(services), 20.0)
        assert offer.surge_bonus == Decimal("2.00")
    offer_events = [e for topic, e in events if topic.startswith("agent:") and e.get("type") == "offer"]
    assert offer_events[-1]["offer"]["pay"]["surge_bonus"] == "2.00"


def _first_synthetic_suffix(services: Services) -> str:
    from tandem.storage.models import Agent

    with services.work() as work:
        ids = sorted(work.session.scalars(select(Agent.id).where(Agent.id.like("agt-syn-%"))))
        return ids[0].removeprefix("agt-syn-")


def test_stale_state_pays_no_bonus(services: Services, synth: Any, clock: FakeClock) -> None:
    synth.agents(1)
    synth.arrivals(60, escalated=60)
    assert synth.step().level == "HIGH"
    with services.work() as work:
        assert surge.current_bonus(work) == Decimal("2.00")
    clock.advance(surge.STALE_AFTER_S + 1)
    with services.work() as work:
        assert surge.current_bonus(work) == Decimal("0")


def _required(services: Services, arrivals_per_hour: float) -> int:
    """Agents needed for this many escalated arrivals per hour, with the loop's own model and target."""
    s = services.settings
    with services.work() as work:
        handle = queue.mean_handle_seconds(work, s.assumed_handle_time_s)
        model = surge.staffing_model(work, s, handle)
    target = StaffingTarget(s.surge_service_level, s.surge_target_s, s.surge_max_abandon)
    return agents_needed(arrivals_per_hour, surge.INTERVAL_MINUTES, model, target)


def _count_for(services: Services, online: int, low: float, high: float) -> int:
    """The number of escalated arrivals in the window whose shortfall against `online` lies in [low, high)."""
    per_arrival = surge.INTERVAL_MINUTES * 60.0 / surge.OBSERVED_WINDOW_S
    for n in range(1, 600):
        need = _required(services, n * per_arrival)
        if need and low <= (need - online) / need < high:
            return n
    raise AssertionError(f"no arrival count gives a shortfall in [{low}, {high})")


def test_demand_down_lowers_level_only_past_hysteresis(services: Services, synth: Any, events: list[Any]) -> None:
    rules = surge.surge_rules(services.settings)
    synth.agents(20)
    high = _count_for(services, 20, rules.enter[2], 1.0)
    in_band = _count_for(services, 20, rules.enter[2] - rules.hysteresis, rules.enter[2])
    below = _count_for(services, 20, rules.enter[1], rules.enter[2] - rules.hysteresis)
    assert high > in_band > below

    synth.arrivals(high, escalated=high)
    assert synth.step().level == "HIGH"
    synth.clear_arrivals()
    synth.arrivals(in_band, escalated=in_band)
    state = synth.step()
    # a fresh start at this demand would only be MEDIUM; coming down from HIGH it stays HIGH
    assert state.level == "HIGH" and state.bonus == Decimal("2.00")
    assert rules.enter[2] - rules.hysteresis <= (state.required - state.online) / state.required < rules.enter[2]
    synth.clear_arrivals()
    synth.arrivals(below, escalated=below)
    assert synth.step().level == "MEDIUM"
    synth.clear_arrivals()
    assert synth.step().level == "NONE"
    assert [e["level"] for e in surge_events(events)] == ["HIGH", "MEDIUM", "NONE"]


def test_more_agents_online_lower_the_level(synth: Any) -> None:
    synth.agents(40)
    synth.set_online(1)
    synth.arrivals(60, escalated=60)
    assert synth.step().level == "HIGH"
    synth.set_online(40)
    state = synth.step()
    assert state.online == 40 and state.required < 40 and state.level == "NONE"


def test_only_the_lease_holder_writes(services: Services, synth: Any) -> None:
    leader, standby = Lease(services.db, "dispatcher"), Lease(services.db, "dispatcher")
    assert leader.acquire() and not standby.acquire()
    assert surge.SurgeLoop(services, standby).step() is None
    assert surge.SurgeLoop(services, leader).step() is not None
    leader.lose()  # a deposed leader that has not noticed: its stale token is fenced off
    assert surge.SurgeLoop(services, leader).step() is None
    with services.work() as work:
        assert work.session.scalar(select(func.count()).select_from(SurgeState)) == 1


def test_forecast_from_own_history_is_used_when_higher(services: Services, synth: Any, clock: FakeClock) -> None:
    synth.agents(1)
    day = 86400.0
    # ten past days, 6 arrivals in every hour; today has no arrivals yet
    start_of_today = clock.now() - clock.now() % day
    for d in range(1, 11):
        for h in range(24):
            synth.arrivals(6, escalated=6, at=start_of_today - d * day + h * 3600 + 1800, spread_s=1200)
    state = synth.step()
    assert state.arrivals_source == "forecast"
    assert state.arrivals == pytest.approx(6.0, rel=0.05)
    assert state.containment == pytest.approx(0.0)
    with services.work() as work:
        view = surge.today_view(work, synth.loop.forecaster)
    assert view["has_forecast"] and len(view["intervals"]) == 24
    assert all(row["forecast"] == pytest.approx(6.0, rel=0.05) for row in view["intervals"])


def test_queue_feedback_raises_the_level_past_the_forecast_requirement(services: Services, synth: Any) -> None:
    """The live loop runs the simulator's controller: everyone in the system now needs an agent."""
    from sqlalchemy import update

    from tandem.engines.surge import SurgeLevel, surge_level
    from tandem.storage.models import Agent, Handoff

    synth.agents(2, capacity=1)
    synth.arrivals(3, escalated=3, at=synth.clock.now() - 1200.0, spread_s=60.0)  # before the observed window
    with services.work() as work:
        work.session.execute(update(Agent).where(Agent.id.like("agt-syn-%")).values(load=1))
        work.session.execute(update(Handoff).where(Handoff.id.like("hsyn-%")).values(status="waiting"))
    state = synth.step()
    # no arrivals in the last 15 minutes: Erlang-A needs nobody, but 5 are in the system (2 chatting + 3
    # waiting) against 2 online: short by 60%
    assert state.required == 0 and state.online == 2 and state.level == "HIGH"
    with services.work() as work:
        work.session.execute(update(Agent).where(Agent.id.like("agt-syn-%")).values(load=0))
        work.session.execute(update(Handoff).where(Handoff.id.like("hsyn-%")).values(status="closed"))
    # nobody chatting or waiting: the level is the engine rule on the Erlang-A requirement alone
    after = synth.step()
    expected = surge_level(after.required, after.online, SurgeLevel.HIGH, surge.surge_rules(services.settings))
    assert after.level == expected.name


def _queue_pressure(services: Services, synth: Any, *, waiting: int, abandoned: int, closed: int) -> None:
    """Handoffs of the last half hour: some still waiting, some abandoned, the rest closed."""
    from sqlalchemy import update

    from tandem.storage.models import Handoff

    total = waiting + abandoned + closed
    synth.arrivals(total, escalated=total, spread_s=600.0)
    with services.work() as work:
        ids = sorted(work.session.scalars(select(Handoff.id).where(Handoff.id.like("hsyn-%"))))
        work.session.execute(update(Handoff).where(Handoff.id.in_(ids[:waiting])).values(status="waiting"))
        work.session.execute(update(Handoff).where(Handoff.id.in_(ids[waiting:waiting + abandoned]))
                             .values(status="abandoned"))


def test_the_abandonment_boost_is_carried_from_look_to_look(services: Services, synth: Any) -> None:
    synth.agents(2, capacity=1)
    _queue_pressure(services, synth, waiting=2, abandoned=4, closed=14)  # 20% lost, people waiting
    first, second, third = synth.step(), synth.step(), synth.step()
    assert (first.boost, second.boost, third.boost) == (1, 2, 3)  # one more agent per look while it lasts
    assert second.level == "HIGH"
    synth.clear_arrivals()  # queue clear, nobody lost lately: the boost decays one look at a time
    assert [synth.step().boost for _ in range(3)] == [2, 1, 0]


def test_a_stale_state_carries_no_boost(services: Services, synth: Any) -> None:
    synth.agents(2, capacity=1)
    _queue_pressure(services, synth, waiting=2, abandoned=4, closed=14)
    assert synth.step().boost == 1
    assert synth.step(advance_s=surge.STALE_AFTER_S + 60).boost == 1  # restarted from zero, not 2


def test_idle_surplus_gets_release_notices_after_the_hold(services: Services, synth: Any,
                                                          events: list[Any]) -> None:
    from tandem.services import notify

    synth.agents(10)
    first = synth.step()
    assert (first.required, first.released, first.surplus_looks) == (0, 0, 1)  # one look is not enough
    second = synth.step()
    # no demand, nobody waiting, 10 online: keep 0 plus half the band of 2, so 9 may log off
    assert second.released == 9 and second.surplus_looks == 0
    told = [(topic, e) for topic, e in events if e.get("type") == "release"]
    assert len(told) == 9 and all(topic.startswith("agent:agt-syn-") for topic, _ in told)
    assert told[0][1]["message"] == notify.RELEASE_MESSAGE
    # nobody logged off (it is a suggestion): the next looks do not tell the tenth agent, nor anyone twice
    assert synth.step().released == 0 and synth.step().released == 0
    with services.work() as work:
        notices = work.session.scalars(select(SurgeNotice).where(SurgeNotice.kind == "release")).all()
        assert len(notices) == 9 and len({n.agent_id for n in notices}) == 9


def test_release_can_be_switched_off(services: Services, synth: Any) -> None:
    services.settings = services.settings.model_copy(update={"surge_release": False})
    synth.agents(10)
    assert [synth.step().released for _ in range(3)] == [0, 0, 0]


def test_on_my_way_counts_as_supply(services: Services, synth: Any) -> None:
    from sqlalchemy import update

    from tandem.services import notify
    from tandem.storage.models import Agent

    synth.agents(40)
    synth.set_online(0)
    with services.work() as work:
        work.session.execute(update(Agent).where(Agent.id.like("agt-syn-%")).values(presence="offline"))
        for agent_id in sorted(work.session.scalars(select(Agent.id).where(Agent.id.like("agt-syn-%")))):
            work.session.add(notify.AgentNotification(agent_id=agent_id, opted_in=True, updated_at=work.now))
    synth.arrivals(60, escalated=60)
    called = synth.step()
    assert called.level == "HIGH" and called.pending == 0 and called.required > 2
    with services.work() as work:
        calls = work.session.scalars(select(SurgeNotice).where(SurgeNotice.kind == "surge")).all()
        assert len(calls) == 40
        for notice in calls[: called.required]:  # enough agents answer "on my way"
            notify.acknowledge(work, notice.agent_id, notice.id)
    on_the_way = synth.step()
    assert on_the_way.pending == called.required and on_the_way.level == "NONE"
    synth.set_online(called.required)  # they log in: online now, no longer pending
    arrived = synth.step()
    assert arrived.pending == 0 and arrived.online == called.required and arrived.level == "NONE"
    synth.clock.advance(notify.ACK_WINDOW_S)  # an answer that never turned into a login stops counting
    synth.set_online(0)
    assert synth.step().pending == 0


class _QuietNowBusyNext(surge.Forecaster):
    """Nothing expected this hour, a peak forecast for the next one."""

    def expected(self, work: Any) -> float | None:
        return 0.0

    def expected_next(self, work: Any) -> float | None:
        return 60.0


def test_release_keeps_the_agents_the_next_hour_needs(services: Services, synth: Any) -> None:
    import math

    synth.loop.forecaster = _QuietNowBusyNext()
    synth.agents(10)
    with services.work() as work:
        reading = surge.measure(work, services.settings, synth.loop.forecaster, None)
    assert reading.required == 0 and reading.next_demand == 60.0
    keep = reading.need(reading.next_demand / surge.INTERVAL_MINUTES)
    assert 1 <= keep <= 7  # the next hour needs some of the ten, not all of them
    control = ControlRules()
    band = max(control.release_min, math.ceil(control.release_margin * keep))
    synth.step()
    released = synth.step().released
    assert released == 10 - keep - band // 2  # not 9, as with nothing forecast (see above)
