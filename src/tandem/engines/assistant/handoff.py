"""Recognise an explicit request for a human, in many languages, with rules in code (no model).

A request for a human must always reach the queue (invariant 2 in docs/targets.md), so this check runs before any
model and cannot be switched off by conversation text. It favours precision on mentions ("your agent was
rude", "the delivery person") and honours negation ("I don't want to talk to a human").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from tandem.engines.assistant.nlu.handoff_declines import DECLINES_BY_LANGUAGE
from tandem.engines.assistant.nlu.handoff_lexicon import (
    BOT_REFUSALS,
    BOT_REFUSALS_BY_LANGUAGE,
    FUZZY_KEYWORDS,
    LANGUAGES,
    LanguageRules,
)

MAX_CHARS = 2000
_CHAR_MAP = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ı": "i", "ð": "d", "þ": "th", "ى": "ي", "ة": "ه", "ـ": ""}
)
_APOSTROPHES = re.compile(r"[’'`´ʼ‘]")
_CLAUSE_BREAK = re.compile(r"[.,;:!?¿¡。、，！？؟…\n\r\t()\[\]\"“”«»|/]+|\s[-–—]\s")
_CONJUNCTION = re.compile(
    r"\b(?:but|aber|sondern|men|mutta|vaan|mais|pero|sino|maar|ale|ama|ancak|lakin|lekin|magar|tapi|"
    r"nhung|instead|however|whereas)\b|(?:^|\s)(?:لكن|بل|लेकिन|но|αλλά|але)(?=\s|$)|但是|可是|而是|하지만|그런데"
)
# Greetings and fillers that may precede a one-phrase request in any language ("ok agent", "hola, humano").
_GREETING = r"(?:(?:ok|okay|hi|hello|hey|hej|hallo|hola|oi|ola|ciao|salut|bonjour|yes|ja|si|sim|tak|evet|hei|moi)\s+)*"
_RUNS = re.compile(r"([^\W\d_])\1{2,}")
# A one-word clause followed by a relative clause names a person, it does not ask for one: "Operátor, se kterým
# jsem včera mluvil, byl milý", "Agent, who helped me before, was great", "Kundtjänst, som jag pratade med...".
_RELATIVE_NEXT = (
    r"^(?:(?:with|to|from|mit|med|avec|con|com|met|z|s|se|с|со|з|cu|με)\s+)?(?:who|whom|whose|which|som|"
    r"dem|welche|welcher|welchem|qui|lequel|laquelle|dont|quien|quienes|el que|la que|el cual|la cual|cui|"
    r"il quale|la quale|wie|waarmee|ktory|ktora|ktorym|ktorego|ktery|ktera|ktere|kterym|kterou|kterého|jenz|"
    r"joka|jonka|jota|jolle|который|которая|которым|которой|которого|який|яка|яким|якою|якого|care|aki|"
    r"akivel|akit|akinek|amely|που|ο οποιος|η οποια|τον οποιο|την οποια|vilken|vilket|hvem|hvilken)\b"
)


_A_NOT_A = re.compile(r"(\w)[不没沒]\1")


@dataclass(frozen=True)
class HandoffMatch:
    """An explicit request for a human: which language's rule matched, and on what text."""

    language: str
    rule: str
    phrase: str


@dataclass(frozen=True)
class _Rule:
    language: str
    name: str
    pattern: re.Pattern[str]
    negatable: bool


def fold(text: str) -> str:
    """Lower-case and strip accents so spelling variants compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_CHAR_MAP))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped).translate(_CHAR_MAP)


def clauses(text: str) -> list[str]:
    """Split folded text into clauses without punctuation, so a rule sees one thought at a time."""
    text = _APOSTROPHES.sub(" ", fold(text[:MAX_CHARS]))
    parts: list[str] = []
    for chunk in _CLAUSE_BREAK.split(text):
        parts.extend(_CONJUNCTION.split(chunk))
    cleaned = (_clean(part) for part in parts)
    return [part for part in cleaned if part]


def _clean(part: str) -> str:
    """Drop symbols and punctuation, squeeze letter runs ("humannnn") and spaces."""
    chars = (" " if unicodedata.category(ch)[0] in "PSZ" else ch for ch in part)
    return " ".join(_RUNS.sub(r"\1", "".join(chars)).split())


def corrected(clause: str) -> str:
    """Return the clause with likely typos of handoff keywords fixed ("humna" -> "human")."""
    return " ".join(_correct(word) for word in clause.split())


def _correct(word: str) -> str:
    """Fix a Latin-script word one edit away from a handoff keyword, or split two glued words."""
    if len(word) < 4 or word in _VOCABULARY or not word.isascii():
        return word
    for i in range(1, len(word)):
        if word[:i] in _VOCABULARY and word[i:] in _VOCABULARY:
            return f"{word[:i]} {word[i:]}"
    for keyword in _KEYWORDS_BY_LENGTH.get(len(word), ()):
        if _one_edit(word, keyword):
            return keyword
    return word


def _one_edit(a: str, b: str) -> bool:
    """Tell whether a and b differ by one substitution, insertion, deletion or swap of neighbours."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :] or (a[i + 2 :] == b[i + 2 :] and a[i : i + 2] == b[i : i + 2][::-1])
    return a[i + 1 :] == b[i:] if len(a) > len(b) else a[i:] == b[i + 1 :]


_KEYWORDS = frozenset(fold(k) for k in FUZZY_KEYWORDS)
# Short words that customers glue to a keyword ("tocontact", "isthere", "speakwith").
_VOCABULARY = _KEYWORDS | {"to", "i", "is", "a", "an", "me", "you", "can", "there", "someone", "speak", "too"}
_KEYWORDS_BY_LENGTH: dict[int, tuple[str, ...]] = {
    n: tuple(k for k in _KEYWORDS if abs(len(k) - n) <= 1) for n in range(4, 40)
}


# a regex escape such as \S or \W: folding would lower-case it into its opposite (\s, \w)
_ESCAPE = re.compile(r"(\\[A-Za-z])")


def _compile(pattern: str) -> re.Pattern[str]:
    """Compile a pattern written in natural spelling against folded text (its escapes left as written)."""
    pieces = _ESCAPE.split(pattern)
    folded = "".join(piece if i % 2 else fold(piece) for i, piece in enumerate(pieces))
    return re.compile(_APOSTROPHES.sub(" ", folded))


def _language_rules(code: str, rules: LanguageRules) -> list[_Rule]:
    """Compile the frames and the solo body of one language."""
    compiled = [_Rule(code, f"{code}.frame{i}", _compile(f), True) for i, f in enumerate(rules.frames)]
    if rules.solo:
        compiled.append(_Rule(code, f"{code}.solo", _compile(rf"^{_GREETING}(?:{rules.solo})$"), False))
    return compiled


@lru_cache(maxsize=1)
def _rules() -> tuple[tuple[_Rule, ...], dict[str, tuple[re.Pattern[str] | None, re.Pattern[str] | None]]]:
    """Compile every rule once, with each language's negation cues."""
    rules = [_Rule("en", f"en.bot_refusal{i}", _compile(p), False) for i, p in enumerate(BOT_REFUSALS)]
    for code, patterns in BOT_REFUSALS_BY_LANGUAGE.items():
        rules.extend(_Rule(code, f"{code}.bot_refusal{i}", _compile(p), False) for i, p in enumerate(patterns))
    negations: dict[str, tuple[re.Pattern[str] | None, re.Pattern[str] | None]] = {}
    for code, language in LANGUAGES.items():
        rules.extend(_language_rules(code, language))
        before = _compile(language.negation_before) if language.negation_before else None
        after = _compile(language.negation_after) if language.negation_after else None
        negations[code] = (before, after)
    return tuple(rules), negations


def _negated(rule: _Rule, clause: str, match: re.Match[str]) -> bool:
    """Tell whether a negation cue governs the match (a few words before it, or right after it)."""
    if not rule.negatable:
        return False
    before, after = _rules()[1][rule.language]
    if before is not None and before.search(_window(rule, clause, match)):
        return not (rule.language == "en" and clause.startswith(("why ", "how come ")))
    return after is not None and after.search(clause[match.end() :]) is not None


# characters before a match that a negation cue must sit in, where words have no spaces: "不要"; Thai's longest cue,
# "ไม่ต้องการ" (folded "ไมตองการ", eight), and a space
_CUE_CHARS = {"th": 10}


def _window(rule: _Rule, clause: str, match: re.Match[str]) -> str:
    """The text a negation cue must sit in: the match plus a few words (or characters) before it."""
    head = clause[: match.start()]
    if LANGUAGES[rule.language].unspaced:
        # a Chinese A-not-A question ("能不能", "可不可以", "有没有", "是不是") asks, it does not negate
        return _A_NOT_A.sub("", head)[-_CUE_CHARS.get(rule.language, 4) :]
    return " ".join(head.split()[-4:] + [match.group()])


def _named_not_asked(rule: _Rule, parts: list[str], index: int) -> bool:
    """A solo match ("operator") on a clause that the next clause describes and a third one goes on about
    ("Agent, who helped me before, was nice"); "Agent, who can help me?" stays a request."""
    if not rule.name.endswith(".solo") or index + 2 >= len(parts):
        return False
    return _relative_next().search(parts[index + 1]) is not None


@lru_cache(maxsize=1)
def _relative_next() -> re.Pattern[str]:
    return _compile(_RELATIVE_NEXT)


def wants_human(text: str) -> HandoffMatch | None:
    """Return the first rule that reads the text as an explicit request for a human, if any."""
    return read_request(text)[0]


def read_request(text: str) -> tuple[HandoffMatch | None, HandoffMatch | None]:
    """(request, declined) in one pass over the rules: the first match that reads the text as a request for a
    human, else None and the first match that a negation cue governs ("I don't want to talk to an operator"),
    if any. A declined match with no request means the customer named a person and said no to it."""
    rules, _ = _rules()
    parts = clauses(text)
    fixed = [corrected(part) for part in parts]
    # the clauses as typed, then any that read differently once typos are fixed (each keeps its position)
    candidates = list(enumerate(parts)) + [(i, f) for i, (f, part) in enumerate(zip(fixed, parts, strict=True))
                                           if f != part]
    declined = None
    for index, clause in candidates:
        for rule in rules:
            for match in rule.pattern.finditer(clause):
                if _negated(rule, clause, match):
                    declined = declined or HandoffMatch(rule.language, rule.name, match.group().strip())
                elif not _named_not_asked(rule, parts, index):
                    return HandoffMatch(rule.language, rule.name, match.group().strip()), None
    if declined is None:  # "no need for an agent", "don't transfer me": a person declined in so many words (v17)
        declined = next((HandoffMatch(rule.language, rule.name, hit.group().strip()) for part in parts
                         for rule in _declines() if (hit := rule.pattern.search(part))), None)
    return None, declined


@lru_cache(maxsize=1)
def _declines() -> tuple[_Rule, ...]:
    return tuple(_Rule(code, f"{code}.decline{i}", _compile(p), False)
                 for code, patterns in DECLINES_BY_LANGUAGE.items() for i, p in enumerate(patterns))
