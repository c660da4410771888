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


# the zero of each digit script people type card numbers in: ASCII, Arabic-Indic, Extended Arabic-Indic
# (Persian, Urdu), Devanagari, full-width
ZEROS = ("0", "\u0660", "\u06f0", "\u0966", "\uff10")
SEPARATORS = ("", " ", "  ", "-", ".", " - ", "\t", "\n", " \n", "/", " / ", "_", "\u00a0", "\u3000", "\uff0d",
              "\u2013", " \u2014 ")


def test_formats_seen_stored_in_clear_are_masked() -> None:
    seen = ("4111 - 1111 - 1111 - 1111", "4111  1111  1111  1111", "4111\t1111\t1111\t1111",
            "4111\n1111\n1111\n1111", "4111/1111/1111/1111", "4111_1111_1111_1111",
            "٤١١١ ١١١١ ١١١١ ١١١١", "۴۱۱۱-۱۱۱۱-۱۱۱۱-۱۱۱۱", "４１１１ １１１１ １１１１ １１１１",
            "４１１１－１１１１－１１１１－１１１１")
    for pan in seen:
        text = f"here: {pan}. ok?"
        masked = mask_cards(text)
        assert masked == "here: [card •••• 1111]. ok?", (pan, masked)


def test_a_card_inside_a_longer_digit_run_is_found_on_group_boundaries() -> None:
    assert mask_cards("ref 12-4111111111111111") == "ref 12-[card •••• 1111]"
    assert mask_cards("1234 4111 1111 1111 1111 ok") == "1234 [card •••• 1111] ok"
    # two cards in one run of groups, and a non-card number next to a card, kept as typed
    assert mask_cards("4111 1111 1111 1111 5500 0000 0000 0004") == "[card •••• 1111] [card •••• 0004]"
    assert mask_cards("order 12345, card 4111111111111111") == "order 12345, card [card •••• 1111]"


def test_surrounding_text_is_left_as_typed() -> None:
    text = "Ünïcode ٣ and ５ stay;\ttabs\n\nand lines 2024-01-02 10:30 stay too"
    assert mask_cards(text) == text


def test_hostile_input_finishes() -> None:
    # long separator runs and digit lists: the matcher must stay linear (this would hang if it backtracked)
    for text in ("1 " * 50_000, "1" + "    -    1" * 20_000 + "x", ("12  " * 30_000) + "-"):
        assert len(mask_cards(text)) > 0


def _in_script(digits: str, zero: str) -> str:
    return "".join(chr(ord(zero) + int(d)) for d in digits)


@given(
    body=st.text(alphabet="0123456789", min_size=12, max_size=18),
    seps=st.lists(st.sampled_from(SEPARATORS), min_size=1, max_size=6),
    group=st.integers(min_value=3, max_value=6),
    zero=st.sampled_from(ZEROS),
    before=st.text(alphabet="abc xyz!?\t\né", max_size=20),
    after=st.text(alphabet="abc xyz!?\t\né", max_size=20),
)
def test_any_luhn_valid_card_in_any_format_is_masked(body: str, seps: list[str], group: int, zero: str,
                                                     before: str, after: str) -> None:
    pan = luhn_complete(body)
    parts = [_in_script(pan[i : i + group], zero) for i in range(0, len(pan), group)]
    typed = parts[0] + "".join(seps[i % len(seps)] + p for i, p in enumerate(parts[1:]))
    masked = mask_cards(f"{before} {typed} {after}")
    assert masked == f"{before} [card •••• {pan[-4:]}] {after}"
