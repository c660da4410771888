from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from tandem.core.errors import InvalidInput
from tandem.engines.staffing import ServiceModel, StaffingTarget, erlang_a, required_agents
from tandem.engines.surge import SurgeLevel, human_demand, plan, surge_levels
from tandem.engines.surge.levels import SurgeRules

MODEL = ServiceModel(handle_time=3.0, patience=2.0)
TARGET = StaffingTarget(service_level=0.8, target_seconds=20.0, max_abandon=0.05)


@dataclass(frozen=True)
class Row:
    start: datetime
    forecast: float


def rows(*arrivals: float) -> list[Row]:
    t0 = datetime(2024, 1, 1, 9)
    return [Row(t0 + timedelta(hours=i), a) for i, a in enumerate(arrivals)]


def test_human_demand_is_forecast_times_uncontained_share() -> None:
    assert human_demand(600.0, 0.6) == pytest.approx(240.0)
    with pytest.raises(InvalidInput):
        human_demand(10.0, 1.5)


def test_plan_requires_erlang_a_staffing_for_human_demand() -> None:
    [hour] = plan(rows(1500.0), 0.6, MODEL, TARGET)
    assert hour.human_demand == pytest.approx(600.0)
    assert hour.required_agents == required_agents(10.0, MODEL, TARGET).agents
    assert erlang_a(10.0, hour.required_agents, MODEL).meets(TARGET)
    assert hour.level is SurgeLevel.NONE and hour.online_agents is None


def test_plan_sets_surge_from_online_agents_with_hysteresis() -> None:
    hours = plan(rows(1500.0, 1500.0, 1500.0), 0.6, MODEL, TARGET, online=[20, 30, 40])
    assert [h.level for h in hours] == [SurgeLevel.HIGH, SurgeLevel.LOW, SurgeLevel.NONE]
    assert hours[0].bonus > hours[1].bonus > hours[2].bonus == 0


def test_plan_checks_online_length() -> None:
    with pytest.raises(InvalidInput):
        plan(rows(10.0, 10.0), 0.5, MODEL, TARGET, online=[1])


def test_surge_levels_carry_state() -> None:
    assert surge_levels([100, 100, 100], [70, 74, 80], SurgeRules()) == [
        SurgeLevel.HIGH,
        SurgeLevel.HIGH,
        SurgeLevel.MEDIUM,
    ]
