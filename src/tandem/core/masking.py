"""Card numbers (Luhn-valid, 13-19 digits) are masked before storage, logs, prompts and screens."""

from __future__ import annotations

import re

# digits optionally separated by single spaces, dashes or dots; bounded so hostile input stays linear
_CANDIDATE = re.compile(r"(?<![\d])\d(?:[ \-.]?\d){12,18}(?![\d])")


def luhn_valid(digits: str) -> bool:
    """Return True when a string of digits passes the Luhn checksum."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _mask_match(match: re.Match[str]) -> str:
    raw = match.group(0)
    digits = "".join(ch for ch in raw if ch.isdigit())
    if not 13 <= len(digits) <= 19 or not luhn_valid(digits):
        return raw
    return "[card •••• " + digits[-4:] + "]"


def mask_cards(text: str) -> str:
    """Replace every Luhn-valid card number in text by a mask that keeps only the last four digits."""
    if not text:
        return text
    return _CANDIDATE.sub(_mask_match, text)


def contains_card(text: str) -> bool:
    """Return True when text holds a Luhn-valid card number."""
    return mask_cards(text) != text
