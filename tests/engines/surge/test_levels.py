from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.core.errors import InvalidInput
from tandem.engines.surge import SurgeLevel, SurgeRules, bonus_for, shortfall, surge_level

RULES = SurgeRules()
levels = st.sampled_from(list(SurgeLevel))
counts = st.integers(0, 3000)


def test_rises_at_once_to_the_gap_level() -> None:
    assert surge_level(100, 100, SurgeLevel.NONE, RULES) is SurgeLevel.NONE
    assert surge_level(100, 95, SurgeLevel.NONE, RULES) is SurgeLevel.LOW
    assert surge_level(100, 85, SurgeLevel.NONE, RULES) is SurgeLevel.MEDIUM
    assert surge_level(100, 50, SurgeLevel.LOW, RULES) is SurgeLevel.HIGH


def test_falls_only_past_the_hysteresis_band() -> None:
    # HIGH entered at 30% short; held down to 26% short, dropped below it
    assert surge_level(100, 74, SurgeLevel.HIGH, RULES) is SurgeLevel.HIGH
    assert surge_level(100, 75, SurgeLevel.HIGH, RULES) is SurgeLevel.MEDIUM
    assert surge_level(100, 96, SurgeLevel.HIGH, RULES) is SurgeLevel.LOW
    assert surge_level(100, 100, SurgeLevel.HIGH, RULES) is SurgeLevel.NONE


def test_oscillating_gap_inside_the_band_does_not_flap() -> None:
    level = SurgeLevel.NONE
    seen = []
    for online in [84, 87, 84, 88, 85, 87, 84, 88]:  # 12–16% short around the MEDIUM threshold of 15%
        level = surge_level(100, online, level, RULES)
        seen.append(level)
    assert seen == [SurgeLevel.MEDIUM] * len(seen)


@given(required=counts, online=counts, previous=levels)
def test_level_is_a_fixed_point_for_steady_inputs(required: int, online: int, previous: SurgeLevel) -> None:
    level = surge_level(required, online, previous, RULES)
    assert surge_level(required, online, level, RULES) is level


@given(required=st.integers(1, 3000), online=counts, extra=st.integers(0, 500), previous=levels)
def test_more_online_agents_never_raise_the_level(
    required: int, online: int, extra: int, previous: SurgeLevel
) -> None:
    fewer = surge_level(required, online, previous, RULES)
    assert surge_level(required, online + extra, previous, RULES) <= fewer


@given(required=counts, online=counts, previous=levels)
def test_never_below_the_gap_level_nor_above_gap_or_previous(
    required: int, online: int, previous: SurgeLevel
) -> None:
    level = surge_level(required, online, previous, RULES)
    raw = surge_level(required, online, SurgeLevel.NONE, RULES)
    assert raw <= level <= max(raw, previous)


def test_bonus_is_additive_per_conversation_and_configurable() -> None:
    assert bonus_for(SurgeLevel.NONE, RULES) == Decimal("0")
    assert bonus_for(SurgeLevel.HIGH, RULES) == Decimal("2.00")
    rules = SurgeRules(bonus=(Decimal("0"), Decimal("0.25"), Decimal("0.75"), Decimal("3")))
    assert bonus_for(SurgeLevel.MEDIUM, rules) == Decimal("0.75")


def test_shortfall_edges() -> None:
    assert shortfall(0, 0) == 0.0 and shortfall(0, 3) < 0 and shortfall(10, 4) == pytest.approx(0.6)
    with pytest.raises(InvalidInput):
        shortfall(-1, 3)


def test_bad_rules_are_rejected() -> None:
    with pytest.raises(InvalidInput):
        SurgeRules(enter=(0.3, 0.1, 0.2))
    with pytest.raises(InvalidInput):
        SurgeRules(bonus=(Decimal("0"), Decimal("-1"), Decimal("1"), Decimal("2")))
