"""Money, one way: a `Decimal` in Python, whole cents (an integer) in the database, floats refused at the edge.

* `money(value)` turns what a caller gives (Decimal, int or str; never a float, which is not exact) into an
  amount rounded half-up to the cent. Settings, offers, the ledger and the account records all go through it.
* `to_cents` / `from_cents` are the storage boundary; `storage.models.Cents` is the column type that uses them,
  so every money column is a BIGINT of cents and no database rounds an amount through a float. A per-minute
  rate may carry hundredths of a cent (an hourly wage divided by 60), so its column keeps four places.
* Estimates are not money: the simulator and the staffing models compute costs as floats over arrays, and say
  so where they report them.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from tandem.core.errors import InvalidInput

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal | int | str) -> Decimal:
    """An amount rounded half-up to the cent; floats, booleans, NaN and infinities are refused."""
    if isinstance(value, (float, bool)):
        raise InvalidInput("amounts must be given as strings or integers, not floats")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidInput(f"not an amount: {value!r}") from None
    if not amount.is_finite():
        raise InvalidInput(f"not an amount: {value!r}")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def to_cents(amount: Decimal, places: int = 2) -> int:
    """Whole cents (or, with `places` = 4, hundredths of a cent: a per-minute rate) of an amount; a finer amount
    is an error, never silently rounded."""
    units = Decimal(amount).scaleb(places)
    if units != units.to_integral_value():
        unit = "cents" if places == 2 else f"units of 1e-{places}"
        raise ValueError(f"amount {amount} is not a whole number of {unit}")
    return int(units)


def from_cents(units: int, places: int = 2) -> Decimal:
    """The amount of a whole number of cents (or of 10^-places units), with that many decimal places."""
    return Decimal(int(units)).scaleb(-places)


def per_minute_amount(rate: Decimal, seconds: int) -> Decimal:
    """Pay for whole seconds worked at a per-minute rate, rounded half-up to the cent."""
    return (rate * seconds / 60).quantize(CENT, rounding=ROUND_HALF_UP)
