from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tandem.core.masking import contains_card, luhn_valid, mask_cards


def luhn_complete(prefix: str) -> str:
    """Append the check digit that makes prefix Luhn-valid."""
    for d in "0123456789":
        if luhn_valid(prefix + d):
            return prefix + d
    raise AssertionError("unreachable")


def test_known_test_cards_are_masked() -> None:
    for pan in ("4111111111111111", "5500 0000 0000 0004", "3400-000000-00009", "4012888888881881"):
        masked = mask_cards(f"my card is {pan} thanks")
        digits = "".join(c for c in pan if c.isdigit())
        assert digits not in masked.replace(" ", "").replace("-", "")
        assert f"•••• {digits[-4:]}" in masked


def test_non_luhn_numbers_and_short_numbers_are_kept() -> None:
    assert mask_cards("order 4111111111111112") == "order 4111111111111112"
    assert mask_cards("call 0701234567") == "call 0701234567"
    assert not contains_card("my order id is 12345")


@given(
    body=st.text(alphabet="0123456789", min_size=12, max_size=18),
    sep=st.sampled_from(["", " ", "-", "."]),
    group=st.integers(min_value=3, max_value=6),
    before=st.text(alphabet="abc xyz!?", max_size=20),
    after=st.text(alphabet="abc xyz!?", max_size=20),
)
def test_any_luhn_valid_card_in_any_format_is_masked(body: str, sep: str, group: int, before: str,
                                                     after: str) -> None:
    pan = luhn_complete(body)
    spaced = sep.join(pan[i : i + group] for i in range(0, len(pan), group))
    masked = mask_cards(f"{before} {spaced} {after}")
    assert pan not in "".join(c for c in masked if c.isdigit())
    assert pan[-4:] in masked
