"""Surge: human demand, required agents and an additive surge bonus, as pure functions."""

from tandem.engines.surge.control import (
    ControlRules,
    ControlState,
    Signals,
    SurgeDecision,
    control,
    corrected_forecast,
)
from tandem.engines.surge.levels import SurgeLevel, SurgeRules, bonus_for, shortfall, surge_level
from tandem.engines.surge.plan import IntervalPlan, agents_needed, human_demand, plan, surge_levels

__all__ = [
    "ControlRules",
    "ControlState",
    "SurgeDecision",
    "Signals",
    "control",
    "corrected_forecast",
    "IntervalPlan",
    "SurgeLevel",
    "SurgeRules",
    "agents_needed",
    "bonus_for",
    "human_demand",
    "plan",
    "shortfall",
    "surge_level",
    "surge_levels",
]
