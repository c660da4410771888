"""Surge level from the staffing gap, with hysteresis, and the additive bonus it pays."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum

from tandem.core.errors import InvalidInput


class SurgeLevel(IntEnum):
    """How loudly Tandem calls gig agents to log in."""

    NONE = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3


@dataclass(frozen=True)
class SurgeRules:
    """Shortfall thresholds to enter LOW/MEDIUM/HIGH, a hysteresis band, and the bonus per conversation.

    `bonus` is indexed by level and added to base pay (never a multiplier). Shortfall is
    (required - online) / required. A level is entered when the shortfall reaches its threshold and kept until
    the shortfall falls `hysteresis` below that threshold, so the level does not flap.
    """

    enter: tuple[float, float, float] = (0.05, 0.15, 0.30)
    hysteresis: float = 0.04
    bonus: tuple[Decimal, Decimal, Decimal, Decimal] = (
        Decimal("0"),
        Decimal("0.50"),
        Decimal("1.00"),
        Decimal("2.00"),
    )

    def __post_init__(self) -> None:
        if len(self.enter) != 3 or list(self.enter) != sorted(self.enter) or not 0 <= self.hysteresis < 1:
            raise InvalidInput("enter thresholds must be three ascending shortfalls; hysteresis in [0, 1)")
        if len(self.bonus) != len(SurgeLevel) or any(amount < 0 for amount in self.bonus):
            raise InvalidInput("bonus needs a non-negative amount for each of NONE, LOW, MEDIUM, HIGH")

    def threshold(self, level: SurgeLevel) -> float:
        """Return the shortfall at which `level` is entered (NONE: always)."""
        return -math.inf if level is SurgeLevel.NONE else self.enter[level - 1]


def shortfall(required: int, online: int) -> float:
    """Return the fraction of required agents that are missing (negative when overstaffed)."""
    if required < 0 or online < 0:
        raise InvalidInput(f"agent counts must be >= 0, got required={required}, online={online}")
    if required == 0:
        return -float(online)
    return (required - online) / required


def surge_level(required: int, online: int, previous: SurgeLevel, rules: SurgeRules) -> SurgeLevel:
    """Return the surge level: rise at once to the gap's level, fall only past the hysteresis band."""
    gap = shortfall(required, online)
    raw = max(level for level in SurgeLevel if gap >= rules.threshold(level))
    if raw >= previous:
        return raw
    return max(
        level
        for level in SurgeLevel
        if level <= previous and gap >= rules.threshold(level) - rules.hysteresis
    )


def bonus_for(level: SurgeLevel, rules: SurgeRules) -> Decimal:
    """Return the additive bonus per conversation paid at `level`."""
    return rules.bonus[level]
