"""Feedforward + feedback surge control: the level that calls gig agents in, and how many idle ones to release.

One look of the controller, as a pure function of what the platform can see:

- feedforward: the demand forecast (fitted on past days only) for the next `lead` minutes, corrected by how
  today's arrivals so far compare with what the forecast said for them (`corrected_forecast`), against the
  arrival rate observed in the last minutes -- staff for the larger;
- feedback: everyone in the system now (chatting + waiting) needs an agent, and when recent abandonment is
  over the bar a boost adds agents one look at a time (integral action) and decays one at a time once the queue
  is clear and abandonment is back under the bar;
- the level comes from the shortfall of (online + acknowledged logins on their way - sessions expected to end
  within the lead time) against the requirement,
  through `surge_level` (rise at once, fall only past the hysteresis band);
- release (the dead-band below): the agents to keep are the requirement over a longer horizon
  (`forecast_hold`, e.g. the next hour, so nobody is released who will be needed soon); only when the supply
  exceeds that by more than max(`release_min`, `release_margin` x keep) for `release_hold` looks in a row with
  nobody waiting are idle agents told they may log off, down to the middle of the band.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from tandem.core.errors import InvalidInput
from tandem.engines.surge.levels import SurgeLevel, SurgeRules, surge_level


@dataclass(frozen=True)
class Signals:
    """What the platform sees at one look. Rates are arrivals per minute."""

    forecast_rate: float | None  # highest expected rate over the next `lead` minutes (None: no forecast yet)
    recent_rate: float  # observed over the recent window
    online: int  # available agents
    pending: int  # agents who acknowledged the surge call and are on their way
    busy: int  # agents with at least one conversation
    waiting: int  # customers in the queue now
    recent_requests: int  # human requests in the recent window ...
    recent_abandoned: int  # ... and how many of them abandoned
    forecast_hold: float | None = None  # highest expected rate over the release horizon (None: forecast_rate)
    leaving: float = 0.0  # online agents expected to end their session within the lead time


@dataclass(frozen=True)
class ControlRules:
    """Operator settings of the controller (the staffing target itself is in the `need` function)."""

    levels: SurgeRules = field(default_factory=SurgeRules)
    abandon_bar: float = 0.05
    boost_max: int = 4
    release_margin: float = 0.15
    release_min: int = 2
    release_hold: int = 2

    def __post_init__(self) -> None:
        if not (0 <= self.abandon_bar <= 1 and self.boost_max >= 0 and self.release_margin >= 0
                and self.release_min >= 1 and self.release_hold >= 1):
            raise InvalidInput("abandon_bar in [0, 1], boost_max >= 0, release_margin >= 0, release_min and "
                               "release_hold >= 1")


@dataclass(frozen=True)
class ControlState:
    """What one look carries to the next."""

    level: SurgeLevel = SurgeLevel.NONE
    boost: int = 0
    surplus_looks: int = 0


@dataclass(frozen=True)
class SurgeDecision:
    """The outcome of a look: the new state, the requirement, the level and how many idle agents to release."""

    state: ControlState
    required: int
    level: SurgeLevel
    release: int


def corrected_forecast(ahead: float, said: float, seen: float, prior: float = 10.0,
                       bounds: tuple[float, float] = (0.25, 2.0)) -> float:
    """Scale the forecast `ahead` by how today's recent arrivals (`seen`) compare with what it `said` for them.

    `prior` pseudo-arrivals on both sides keep a handful of calls from swinging the ratio; it is clipped to
    `bounds` (a quiet day the history did not expect, e.g. the first Saturday, drives it to the low end).
    """
    if ahead < 0 or said < 0 or seen < 0:
        raise InvalidInput("forecast and observed counts must be >= 0")
    ratio = (seen + prior) / (said + prior)
    return ahead * min(max(ratio, bounds[0]), bounds[1])


def control(signals: Signals, need: Callable[[float], int], state: ControlState, rules: ControlRules) -> SurgeDecision:
    """One look: requirement from forecast and live signals, the surge level, and the release count."""
    rate = max(signals.recent_rate, signals.forecast_rate or 0.0)
    in_system = signals.busy + signals.waiting
    lost = signals.recent_abandoned / signals.recent_requests if signals.recent_requests else 0.0
    boost = state.boost
    if lost > rules.abandon_bar and signals.waiting > 0:
        boost = min(boost + 1, rules.boost_max)
    elif lost <= rules.abandon_bar and signals.waiting == 0:
        boost = max(boost - 1, 0)
    required = max(need(rate), in_system) + boost
    supply = max(signals.online + signals.pending - int(round(signals.leaving)), 0)
    level = surge_level(required, supply, state.level, rules.levels)
    hold = signals.forecast_hold if signals.forecast_hold is not None else signals.forecast_rate
    keep = max(need(max(signals.recent_rate, hold or 0.0)), in_system) + boost if hold is not None else required
    keep = max(keep, required)
    band = max(rules.release_min, math.ceil(rules.release_margin * keep))
    surplus = supply - keep
    looks = state.surplus_looks + 1 if surplus > band and signals.waiting == 0 else 0
    release = 0
    if looks >= rules.release_hold:
        idle = max(signals.online - signals.busy, 0)
        release = min(surplus - band // 2, idle)
    return SurgeDecision(ControlState(level, boost, looks), required, level, max(release, 0))
