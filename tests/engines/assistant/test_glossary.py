from pathlib import Path

import pytest

from tandem.engines.assistant.glossary import GLOSSARY_PATH, Glossary, GlossaryError, load, parse

TEXT = """# a comment
refund | fr: remboursement, rembourser | fi: hyvitys | de: geld zurück
parcel | fr: colis | pl: paczka
"""


def test_a_question_gets_the_english_words_of_the_concepts_it_names() -> None:
    g = Glossary(parse(TEXT))
    assert g.english("Je veux être remboursée pour mon colis", "fr") == ["refund", "parcel"]
    # inflected forms meet by their stem's prefix (Finnish, Polish)
    assert g.english("milloin saan hyvityksen", "fi") == ["refund"]
    assert g.english("gdzie jest moja paczki", "pl") == ["parcel"]
    # a form of several words needs all of them
    assert g.english("ich will mein Geld zurück", "de") == ["refund"]
    assert g.english("wo ist mein Geld", "de") == []
    # only the question's language is looked up, and a language without entries gives nothing
    assert g.english("colis", "de") == []
    assert g.english("colis", "ja") == []


def test_malformed_lines_are_named() -> None:
    with pytest.raises(GlossaryError, match="x.txt:2"):
        parse("refund | fr: remboursement\nrefund\n", "x.txt")
    with pytest.raises(GlossaryError, match="two-letter language"):
        parse("refund | french: remboursement\n")


def test_the_shipped_glossary_covers_the_fourteen_languages(tmp_path: Path) -> None:
    g = load(GLOSSARY_PATH)
    assert len(g.concepts) >= 100
    assert g.languages == frozenset("de fr es it nl sv no da fi pl pt cs ro tr".split())
    assert "cancel" in g.english("Wie kann ich mein Abo kündigen?", "de")
    assert load(tmp_path / "missing.txt").concepts == []
