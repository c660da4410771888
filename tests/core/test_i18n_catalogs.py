"""Every customer-facing message is in tandem.pot, and every catalog translates all of it, placeholders intact."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tandem.core import i18n
from tandem.core.i18n import LANGUAGES, LOCALE_DIR, _t, locale_of, placeholders

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_t": (2,), "N_": None, "_l": None}  # the same as `make messages`


def _read(path: Path, locale: str | None = None) -> Catalog:
    with open(path, "rb") as handle:
        return read_po(handle, locale=locale)


def catalog_problems(template: Catalog, catalog: Catalog) -> list[str]:
    """What is wrong with one catalog: missing, untranslated, fuzzy, stale, placeholder mismatch."""
    problems = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id)
        if found is None:
            problems.append(f"missing: {message.id!r}")
        elif not found.string:
            problems.append(f"untranslated: {message.id!r}")
        elif found.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        elif placeholders(str(found.string)) != placeholders(str(message.id)):
            problems.append(f"placeholders {sorted(placeholders(str(found.string)))} != "
                            f"{sorted(placeholders(str(message.id)))}: {message.id!r}")
    known = {m.id for m in template}
    problems += [f"not in tandem.pot (stale): {m.id!r}" for m in catalog if m.id and m.id not in known]
    return problems


def _extracted() -> set[str]:
    found: Iterable[tuple[str, int, str | tuple[str, ...], list[str], str | None]] = extract_from_dir(
        ROOT / "src" / "tandem", method_map=[("**.py", "python"), ("web/static/chat.js", "javascript"),
                                             ("web/static/widget.js", "javascript")],
        keywords=KEYWORDS)
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


def test_template_lists_exactly_the_messages_in_the_code() -> None:
    """A message added to or removed from the code without `make messages` fails here."""
    template = {m.id for m in _read(LOCALE_DIR / "tandem.pot") if m.id}
    code = _extracted()
    assert code - template == set(), "run `make messages`: these are not in tandem.pot"
    assert template - code == set(), "run `make messages`: tandem.pot has messages the code no longer uses"


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_catalog_translates_every_message(language: str) -> None:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "tandem.po"
    assert path.exists(), f"no catalog for {language}"
    problems = catalog_problems(_read(LOCALE_DIR / "tandem.pot"), _read(path, language))
    assert problems == [], "\n".join(problems)


def test_checker_reports_each_kind_of_problem() -> None:
    template = Catalog()
    for msgid in ("Hello {name}", "Bye", "Later", "Fuzzy one"):
        template.add(msgid)
    catalog = Catalog(locale="sv")
    catalog.add("Hello {name}", "Hej {namn}")
    catalog.add("Bye", "")
    catalog.add("Fuzzy one", "Luddig", flags=["fuzzy"])
    catalog.add("Gone", "Borta")
    problems = catalog_problems(template, catalog)
    assert [p.split(":")[0].split(" [")[0] for p in problems] == [
        "placeholders", "untranslated", "missing", "fuzzy", "not in tandem.pot (stale)"]


def test_translation_fills_placeholders_and_falls_back_to_english() -> None:
    msgid = "You are number {position} in the queue for a person."
    assert _t("sv", msgid, position=3) == "Du är nummer 3 i kön till en person."
    assert _t("de-AT", msgid, position=2).startswith("Sie sind Nummer 2")
    assert _t("no", msgid, position=1) == _t("nb", msgid, position=1) != _t("en", msgid, position=1)
    assert _t("xx", msgid, position=4) == "You are number 4 in the queue for a person."
    assert _t("sv", "a message nobody translated") == "a message nobody translated"
    assert locale_of(None) == "en" and locale_of("sv_SE") == "sv" and locale_of("nn") == "nb"


def test_numbers_money_and_dates_follow_the_locale() -> None:
    from datetime import date

    assert i18n.format_money(Decimal("1234.5"), "EUR", "de") == "1.234,50\xa0€"
    assert i18n.format_money(Decimal("40"), "USD", "en") == "$40.00"
    assert i18n.format_money(Decimal("40"), "SEK", "sv") == "40,00\xa0kr"
    assert i18n.format_day(date(2025, 6, 5), "en") == "5 Jun 2025"
    assert i18n.format_day(date(2025, 6, 5), "sv") == "5 juni 2025"
    assert i18n.format_day(date(2025, 6, 5), "de") == "05.06.2025"
    assert i18n.format_duration(250, "fi") == "4 minuuttia"


def test_widget_labels_come_from_the_javascript() -> None:
    labels = i18n.widget_messages("fr")
    assert labels["Talk to a human"] == "Parler à un humain"
    assert "Help" in labels and "{count} of 5 stars" in labels
    assert not any("queue for a person" in k for k in labels)  # server-side text is not sent to the page


def test_greeting_never_mixes_english_brand_words_into_another_language() -> None:
    from tandem.engines.assistant.phrases import phrase

    assert phrase("greeting", "sv").startswith("Hej! Jag är den virtuella assistenten.")
    assert phrase("greeting", "de", company="Acme", assistant="Ada").startswith("Hallo! Ich bin Ada von Acme.")
