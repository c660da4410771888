"""All languages' handoff phrasings, keyed by ISO 639-1 code (the order is the order rules are tried)."""

from __future__ import annotations

from tandem.engines.assistant.nlu.handoff_asia import (
    ARABIC,
    CHINESE,
    HINDI,
    INDONESIAN,
    JAPANESE,
    KOREAN,
    TURKISH,
    VIETNAMESE,
)
from tandem.engines.assistant.nlu.handoff_bare import NEW_ORDER, extended, new_language
from tandem.engines.assistant.nlu.handoff_english import BOT_REFUSALS, ENGLISH, FUZZY_KEYWORDS
from tandem.engines.assistant.nlu.handoff_europe import (
    CZECH,
    DANISH,
    DUTCH,
    FINNISH,
    FRENCH,
    GERMAN,
    GREEK,
    HUNGARIAN,
    ITALIAN,
    NORWEGIAN,
    POLISH,
    PORTUGUESE,
    ROMANIAN,
    RUSSIAN,
    SPANISH,
    SWEDISH,
    UKRAINIAN,
)
from tandem.engines.assistant.nlu.handoff_refusals import BOT_REFUSALS_BY_LANGUAGE
from tandem.engines.assistant.nlu.handoff_rules import LanguageRules

# BOT_REFUSALS_BY_LANGUAGE: refusing the bot is itself a request for a person, not subject to negation checks
__all__ = ["BOT_REFUSALS", "BOT_REFUSALS_BY_LANGUAGE", "FUZZY_KEYWORDS", "LANGUAGES", "LanguageRules"]

# the rules as of v13; LANGUAGES below extends them
_V13: dict[str, LanguageRules] = {
    "en": ENGLISH,
    "sv": SWEDISH,
    "no": NORWEGIAN,
    "da": DANISH,
    "fi": FINNISH,
    "de": GERMAN,
    "fr": FRENCH,
    "es": SPANISH,
    "it": ITALIAN,
    "nl": DUTCH,
    "pt": PORTUGUESE,
    "pl": POLISH,
    "tr": TURKISH,
    "ar": ARABIC,
    "hi": HINDI,
    "ja": JAPANESE,
    "zh": CHINESE,
    "ko": KOREAN,
    "cs": CZECH,
    "ru": RUSSIAN,
    "el": GREEK,
    "uk": UKRAINIAN,
    "ro": ROMANIAN,
    "hu": HUNGARIAN,
    "id": INDONESIAN,
    "vi": VIETNAMESE,
}

# v14 (handoff_bare): bare role words and call-back frames added to every language, and ten more languages.
LANGUAGES: dict[str, LanguageRules] = {code: extended(code, rules) for code, rules in _V13.items()}
LANGUAGES.update((code, new_language(code)) for code in NEW_ORDER)
