"""Per-language phrasings of "let me talk to a human", as regular expressions over folded text.

Patterns are written in natural spelling and folded (lower case, accents removed) with the same function
as the customer's text, so "människa", "manniska" and "MÄNNISKA" all match. Apostrophes become spaces
("don't" -> "don t"). Each language has request frames, a "solo" body for messages that are nothing but a
request ("agent please", "人工"), and negation cues checked just before (and for some languages just after)
a match.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LanguageRules:
    """The handoff phrasings of one language."""

    frames: tuple[str, ...]
    solo: str = ""
    negation_before: str = ""
    negation_after: str = ""
    unspaced: bool = False  # CJK: no word boundaries, negation checked by characters
