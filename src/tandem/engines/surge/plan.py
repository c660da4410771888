"""Turn an arrival forecast into human demand, required agents, and surge levels per interval."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from tandem.core.errors import InvalidInput
from tandem.engines.staffing import ServiceModel, StaffingTarget, required_agents
from tandem.engines.surge.levels import SurgeLevel, SurgeRules, bonus_for, surge_level


class ForecastInterval(Protocol):
    """Anything with an interval start and expected arrivals (e.g. a forecast.ForecastRow)."""

    @property
    def start(self) -> datetime: ...

    @property
    def forecast(self) -> float: ...


@dataclass(frozen=True)
class IntervalPlan:
    """The staffing plan for one interval."""

    start: datetime
    arrivals: float
    human_demand: float
    required_agents: int
    online_agents: int | None
    level: SurgeLevel
    bonus: Decimal


def human_demand(arrivals: float, containment: float) -> float:
    """Return the conversations that reach a human: arrivals × (1 − AI containment)."""
    if not 0 <= containment <= 1:
        raise InvalidInput(f"containment must be within [0, 1], got {containment}")
    if arrivals < 0:
        raise InvalidInput(f"arrivals must be >= 0, got {arrivals}")
    return arrivals * (1 - containment)


def agents_needed(demand: float, interval_minutes: float, model: ServiceModel, target: StaffingTarget) -> int:
    """Return the least agents for `demand` conversations spread evenly over the interval (Erlang-A)."""
    return required_agents(demand / interval_minutes, model, target).agents


def plan(
    rows: Sequence[ForecastInterval],
    containment: float,
    model: ServiceModel,
    target: StaffingTarget,
    *,
    interval_minutes: float = 60.0,
    online: Sequence[int] | None = None,
    rules: SurgeRules | None = None,
    previous: SurgeLevel = SurgeLevel.NONE,
) -> list[IntervalPlan]:
    """Return the plan per interval; with `online` counts, also the surge level and bonus (NONE without)."""
    if online is not None and len(online) != len(rows):
        raise InvalidInput(f"online has {len(online)} entries for {len(rows)} intervals")
    rules = rules or SurgeRules()
    plans: list[IntervalPlan] = []
    for i, row in enumerate(rows):
        demand = human_demand(row.forecast, containment)
        need = agents_needed(demand, interval_minutes, model, target)
        here = None if online is None else online[i]
        level = previous if here is None else surge_level(need, here, previous, rules)
        plans.append(
            IntervalPlan(row.start, row.forecast, demand, need, here, level, bonus_for(level, rules))
        )
        previous = level
    return plans


def surge_levels(
    required: Sequence[int], online: Sequence[int], rules: SurgeRules, previous: SurgeLevel = SurgeLevel.NONE
) -> list[SurgeLevel]:
    """Return the surge level for each interval, carrying hysteresis from one to the next."""
    levels: list[SurgeLevel] = []
    for need, here in zip(required, online, strict=True):
        previous = surge_level(need, here, previous, rules)
        levels.append(previous)
    return levels
