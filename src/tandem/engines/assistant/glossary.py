"""Cross-lingual query expansion: the English words of the customer-service concepts a question in another language
names, for the lexical (BM25) side of retrieval against an English help center.

BM25 cannot match "remboursement" with "refund"; the dense encoder can, but is weaker across languages than within
one. `data/retrieval/glossary.txt` is a hand-written, generic customer-service vocabulary (refund, cancel,
delivery, invoice, password, ...) in 14 languages; a question's words are matched against it in the question's
language (Snowball-stemmed and accent-folded, a form matching any word that starts with its stem, so inflected
Finnish or Polish forms meet), and the matched concepts' English words are what `english` returns.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tandem.engines.assistant.kb import _WORD, _stemmer, fold

log = logging.getLogger(__name__)

GLOSSARY_PATH = Path(__file__).resolve().parents[2] / "data" / "retrieval" / "glossary.txt"
MIN_PREFIX = 4  # a stem this long or longer also matches a question word that starts with it
LONG_STEM = 6  # a stem this long also matches a word starting with all but its last letter ('hyvitys', 'hyvityksen')


class GlossaryError(ValueError):
    """A malformed glossary line (the message names the line)."""


@dataclass(frozen=True, slots=True)
class Concept:
    english: str
    forms: dict[str, tuple[tuple[str, ...], ...]]  # language -> forms, each a tuple of stemmed folded words


def _stems(text: str, language: str) -> tuple[str, ...]:
    words = [w for w in _WORD.findall(text.casefold())]
    stemmer = _stemmer(language)
    stemmed = stemmer.stemWords(words) if stemmer is not None else words
    return tuple(fold(w) for w in stemmed)


def parse(text: str, source: str = "glossary") -> list[Concept]:
    """Concepts from glossary text: `english words | lang: form, form | ...` a line, `#` comments skipped."""
    concepts = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        english, *cells = [c.strip() for c in line.split("|")]
        if not english or not cells:
            raise GlossaryError(f"{source}:{number}: expected 'english words | lang: form, ...', got {line[:60]!r}")
        forms: dict[str, tuple[tuple[str, ...], ...]] = {}
        for cell in cells:
            language, sep, rest = cell.partition(":")
            language = language.strip()
            if not sep or not language.isalpha() or len(language) != 2:
                raise GlossaryError(f"{source}:{number}: a cell must start with a two-letter language code and ':', "
                                    f"got {cell[:40]!r}")
            parsed = []
            for form in (f.strip() for f in rest.split(",")):
                words = tuple(w for w in _stems(form, language) if len(w) > 2)  # 'de', 'en', 'à' carry nothing
                if words:
                    parsed.append(words)
            forms[language] = tuple(parsed)
        concepts.append(Concept(english, forms))
    return concepts


class Glossary:
    """The concepts, indexed by language."""

    def __init__(self, concepts: list[Concept]) -> None:
        self.concepts = concepts
        self.languages = frozenset(lang for c in concepts for lang in c.forms)

    def english(self, text: str, language: str) -> list[str]:
        """The English words of every concept `text` (written in `language`) names, in glossary order."""
        if language not in self.languages:
            return []
        folded = [fold(w) for w in _WORD.findall(text.casefold())]
        stemmed = set(_stems(text, language))
        words = set(folded) | stemmed

        def matches(stem: str) -> bool:
            if stem in words:
                return True
            prefix = stem[:-1] if len(stem) >= LONG_STEM else stem
            return len(stem) >= MIN_PREFIX and any(w.startswith(prefix) for w in words)

        return [c.english for c in self.concepts
                if any(all(matches(s) for s in form) for form in c.forms.get(language, ()))]


@lru_cache(maxsize=4)
def load(path: Path = GLOSSARY_PATH) -> Glossary:
    """The glossary at `path` (the shipped one by default); an unreadable file gives an empty glossary."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        log.warning("cannot read the cross-lingual glossary at %s", path)
        return Glossary([])
    return Glossary(parse(text, str(path)))
