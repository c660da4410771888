"""core/money.py: the one way amounts enter, are stored and are computed."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tandem.core.errors import InvalidInput
from tandem.core.money import from_cents, money, per_minute_amount, to_cents


def test_money_rounds_half_up_to_the_cent_and_refuses_what_is_not_exact() -> None:
    assert money("12.345") == D("12.35") and money(7) == D("7.00") and money(D("0.005")) == D("0.01")
    for bad in (0.1, True, "abc", "NaN", "Infinity"):
        with pytest.raises(InvalidInput):
            money(bad)  # type: ignore[arg-type]


def test_cents_are_exact_both_ways() -> None:
    assert to_cents(D("0.80")) == 80 and to_cents(D("-3.10")) == -310 and from_cents(80) == D("0.80")
    assert from_cents(to_cents(D("99999999.99"))) == D("99999999.99")
    with pytest.raises(ValueError, match="whole number of cents"):
        to_cents(D("0.125"))
    assert to_cents(D("0.1234"), places=4) == 1234 and from_cents(1234, places=4) == D("0.1234")


def test_per_minute_pay_is_for_whole_seconds_rounded_half_up() -> None:
    assert per_minute_amount(D("0.12"), 90) == D("0.18")
    assert per_minute_amount(D("0.125"), 12) == D("0.03")  # 0.025 rounds half up
