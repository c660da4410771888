"""Card numbers (Luhn-valid, 13-19 digits) are masked before storage, logs, prompts and screens.

People type card numbers in many shapes: "4111 - 1111 - 1111 - 1111", groups split by two spaces, tabs or line
breaks, "/" or "_" between groups, Arabic-Indic or full-width digits. The matcher therefore finds *runs* of
digits (any Unicode decimal digit) joined by separator runs, reads every digit by its numeric value, and masks
each Luhn-valid stretch of 13-19 digits that starts and ends on a group boundary. Only that stretch of the
original text is replaced: everything around it is left exactly as typed.
"""

from __future__ import annotations

import re
import unicodedata

# dashes (ASCII, Unicode hyphens and dashes, minus, full-width), dot, slash and underscore (and full-width forms)
_PUNCT = "\\-./_\u2010-\u2015\u2212\u00b7\u30fb\uff0d\uff0e\uff0f\uff3f"
# one separator run: whitespace (spaces, tabs, line breaks, NBSP, ideographic space) around at most one
# punctuation mark, at most 4 whitespace characters on each side; each alternative starts differently, so a
# failed attempt backtracks a bounded number of steps and hostile input stays linear
_SEP = f"(?:[{_PUNCT}]\\s{{0,4}}|\\s{{1,4}}(?:[{_PUNCT}]\\s{{0,4}})?)"
# \d is every Unicode decimal digit (Nd) for str patterns
_RUN = re.compile(f"(?<!\\d)\\d+(?:{_SEP}\\d+)*(?!\\d)")
_GROUP = re.compile(r"\d+")
MIN_DIGITS, MAX_DIGITS = 13, 19


def luhn_valid(digits: str) -> bool:
    """Return True when a string of ASCII digits passes the Luhn checksum."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def ascii_digits(text: str) -> str:
    """Every decimal digit in text by its value, as ASCII ("٤١" and "４１" both give "41")."""
    return "".join(str(unicodedata.decimal(ch)) for ch in text if ch.isdecimal())


def _card_spans(run: str) -> list[tuple[int, int, str]]:
    """(start, end, digits) of each card inside one run, longest first from the left, never overlapping."""
    groups = [(m.start(), m.end(), ascii_digits(m.group(0))) for m in _GROUP.finditer(run)]
    spans: list[tuple[int, int, str]] = []
    first = 0
    while first < len(groups):
        found = _longest_card_from(groups, first)
        if found is None:
            first += 1
            continue
        last, digits = found
        spans.append((groups[first][0], groups[last][1], digits))
        first = last + 1
    return spans


def _longest_card_from(groups: list[tuple[int, int, str]], first: int) -> tuple[int, str] | None:
    digits, candidates = "", []
    for last in range(first, len(groups)):
        digits += groups[last][2]
        if len(digits) > MAX_DIGITS:
            break
        if len(digits) >= MIN_DIGITS:
            candidates.append((last, digits))
    for last, digits in reversed(candidates):
        if luhn_valid(digits):
            return last, digits
    return None


def _mask_run(match: re.Match[str]) -> str:
    run = match.group(0)
    spans = _card_spans(run)
    if not spans:
        return run
    out, at = [], 0
    for start, end, digits in spans:
        out += [run[at:start], "[card •••• " + digits[-4:] + "]"]
        at = end
    out.append(run[at:])
    return "".join(out)


def mask_cards(text: str) -> str:
    """Replace every Luhn-valid card number in text by a mask that keeps only the last four digits."""
    if not text:
        return text
    return _RUN.sub(_mask_run, text)


def contains_card(text: str) -> bool:
    """Return True when text holds a Luhn-valid card number."""
    return mask_cards(text) != text
