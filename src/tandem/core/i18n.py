"""Customer-facing text in the customer's language: gettext catalogs (Babel) and locale formatting.

Messages are written in English in the code and marked for extraction:

    _t(language, "You are number {position} in the queue.", position=3)   # translate now
    N_("Talk to a human")                                                  # mark only (a table of texts)

The catalogs are `tandem/locale/<lang>/LC_MESSAGES/tandem.po`, read directly with Babel when first needed (no
compile step, so a plain `pip install -e .` and the package data are enough). Placeholders use `str.format`
names (`{position}`, `{company}`); a translation must keep exactly the placeholders of its English text
(tests/core/test_i18n_catalogs.py checks every catalog). A language without a catalog, or a message missing from
one, falls back to English. `make messages` re-extracts `tandem.pot` and merges it into every catalog.
"""

from __future__ import annotations

import string
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "tandem"
SOURCE = "en"
# the languages every customer-facing message is translated into (Norwegian Bokmål is "nb")
LANGUAGES = ("en", "sv", "nb", "da", "fi", "de", "fr", "es", "it", "nl", "pl", "pt")
_ALIASES = {"no": "nb", "nn": "nb"}
# English dates read "5 Jun 2025" (Babel's en medium date is the US "Jun 5, 2025"); others use their medium form
_DATE_PATTERN = {"en": "d MMM y"}
_lock = threading.Lock()


def N_(msgid: str) -> str:  # noqa: N802 - the gettext convention extraction looks for
    """Mark a message for extraction without translating it (translate later with `_t`)."""
    return msgid


def locale_of(language: str | None) -> str:
    """The catalog language for a conversation language: 'sv-SE' -> 'sv', 'no' -> 'nb', unknown -> 'en'."""
    code = (language or SOURCE).replace("_", "-").split("-")[0].lower()
    code = _ALIASES.get(code, code)
    return code if code in LANGUAGES else SOURCE


@dataclass(frozen=True, slots=True)
class Translator:
    """The messages of one language: English msgid -> translation (empty for English itself)."""

    language: str
    messages: dict[str, str]
    widget: frozenset[str]

    def gettext(self, msgid: str, **params: object) -> str:
        """Translate a message and fill its `{placeholders}`; English when the catalog lacks it."""
        text = self.messages.get(msgid) or msgid
        return text.format(**params) if params else text


def translator(language: str | None) -> Translator:
    """The translator for a conversation language (loaded once per process)."""
    return _load(locale_of(language))


def _t(language: str | None, msgid: str, **params: object) -> str:
    """Translate `msgid` into the language and fill its placeholders: `_t("sv", "Hi {name}!", name="Maya")`."""
    return translator(language).gettext(msgid, **params)


@lru_cache(maxsize=32)
def _load(language: str) -> Translator:
    if language == SOURCE:
        return Translator(SOURCE, {}, _widget_ids())
    from babel.messages.pofile import read_po

    with _lock, open(LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as handle:
        catalog = read_po(handle, locale=language)
    messages = {str(m.id): str(m.string) for m in catalog if m.id and m.string and not m.fuzzy
                and isinstance(m.id, str) and isinstance(m.string, str)}
    return Translator(language, messages, _widget_ids())


@lru_cache(maxsize=1)
def _widget_ids() -> frozenset[str]:
    """The msgids used by the chat page and widget (their catalog locations are under web/)."""
    from babel.messages.pofile import read_po

    with open(LOCALE_DIR / f"{DOMAIN}.pot", "rb") as handle:
        template = read_po(handle)
    return frozenset(str(m.id) for m in template
                     if m.id and isinstance(m.id, str) and any("web/" in path for path, _ in m.locations))


def widget_messages(language: str | None) -> dict[str, str]:
    """The chat page's labels in a language, keyed by their English text (served as JSON to the browser)."""
    tr = translator(language)
    return {msgid: tr.messages.get(msgid) or msgid for msgid in sorted(tr.widget)}


def placeholders(text: str) -> set[str]:
    """The `{names}` a message uses."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


# --- numbers, money, dates and durations in the customer's locale (Babel's CLDR data) ------------------------

def format_money(amount: Decimal | float, currency: str, language: str | None) -> str:
    """An amount with its currency as the locale writes it: en $40.00, sv 40,00 US$, de 40,00 $."""
    from babel.numbers import format_currency

    return format_currency(amount, currency, locale=locale_of(language))


def format_day(day: date, language: str | None) -> str:
    """A date as people read it in the locale: en 5 Jun 2025, sv 5 juni 2025, de 05.06.2025."""
    from babel.dates import format_date

    lang = locale_of(language)
    return format_date(day, _DATE_PATTERN.get(lang, "medium"), locale=lang)


def format_number(value: int | float | Decimal, language: str | None) -> str:
    """A number with the locale's digit grouping and decimal sign."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=locale_of(language))


def format_duration(seconds: float, language: str | None) -> str:
    """A rounded duration in words: '4 minutes', '4 minuter', '4 Minuten'."""
    from babel.dates import format_timedelta

    return format_timedelta(timedelta(seconds=max(1.0, seconds)), threshold=1.1, locale=locale_of(language))
