"""Sentiment (VADER, English) and frustration cues that do not depend on a lexicon or a language."""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher
from enum import StrEnum
from functools import lru_cache
from typing import Any

from tandem.engines.assistant.handoff import fold


class FrustrationCue(StrEnum):
    REPEATED_MESSAGE = "repeated_message"
    DID_NOT_HELP = "did_not_help"
    SHOUTING = "shouting"
    EXCLAMATION_RUN = "exclamation_run"
    INSULT = "insult"
    NEGATIVE_SENTIMENT = "negative_sentiment"
    LONG_WAIT = "long_wait"
    COMPLAINT = "complaint"


NEGATIVE_SENTIMENT_AT = -0.5
REPEAT_SIMILARITY = 0.85

_DID_NOT_HELP = re.compile(
    r"\b(?:(?:that|this|it|you)\s+(?:did not|didn t|didnt|does not|doesn t|doesnt|do not|don t|dont|is not|"
    r"isn t|are not|aren t|arent|re not)\s+(?:help|helping|helpful|work|working|answer|understand)\w*|"
    r"not (?:helpful|helping|what i asked)|useless|pointless|you don t understand|you re not listening|"
    r"i already (?:said|told you|asked)|that s not what i (?:asked|meant|said)|wrong answer|"
    r"hilft nicht|hat nicht geholfen|nutzlos|hjalper inte|hjalpte inte|meningslos|hjelper ikke|hjaelper ikke|"
    r"ei auta|ca n aide pas|ca ne m aide pas|inutile|no me ayuda|no sirve|inutil|non mi aiuta|helpt niet|"
    r"nutteloos|nao ajuda|nie pomaga|bezuzyteczn|ise yaramaz|yardimci olmadi|бесполезн|не помога)\b"
)
_LONG_WAIT = re.compile(
    r"\b(?:still (?:waiting|haven t|have not|no|not)|(?:for|since) (?:weeks|months|ages|days)|"
    r"(?:how many|so many) times|(?:third|3rd|fourth|fifth|again and again)|every time|nobody (?:answers|"
    r"replies|responds)|no one (?:answers|replies|responds|is answering)|waiting forever|immer noch|"
    r"fortfarande|fortsatt|toujours pas|todavia|ancora|nog steeds|ainda|nadal)\b"
)
_INSULT = re.compile(
    r"\b(?:stupid|idiot\w*|dumb|moron\w*|fuck\w*|shit\w*|crap|bullshit|wtf|damn|scam\w*|thieves|thief|"
    r"ridiculous|pathetic|joke|disgrace\w*|terrible|awful|horrible|worst|scheisse|dumm|idioten|betrug|"
    r"skit|jävla|javla|helvete|dritt|faen|paska|merde|putain|arnaque|mierda|estafa|ladrones|merda|truffa|"
    r"kut|oplichters|porra|golpe|kurwa|oszust\w*|rezalet|dolandırıcı|dolandirici)\b"
)
_EXCLAMATION_RUN = re.compile(r"[!?！？]{3,}|(?:![^!]*){4,}")


def sentiment(text: str) -> float:
    """Return a polarity in [-1, 1] (VADER compound; English, near 0 for other languages)."""
    return float(_analyzer().polarity_scores(text[:1000])["compound"])


@lru_cache(maxsize=1)
def _analyzer() -> Any:
    """Load the VADER lexicon once."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def frustration_cues(text: str, previous: Sequence[str] = (), polarity: float = 0.0) -> tuple[FrustrationCue, ...]:
    """List the frustration cues in a message, given the customer's earlier messages."""
    folded = re.sub(r"[’'`]", " ", fold(text))
    checks = (
        (FrustrationCue.REPEATED_MESSAGE, is_repeat(text, previous)),
        (FrustrationCue.DID_NOT_HELP, bool(_DID_NOT_HELP.search(folded))),
        (FrustrationCue.SHOUTING, is_shouting(text)),
        (FrustrationCue.EXCLAMATION_RUN, bool(_EXCLAMATION_RUN.search(text))),
        (FrustrationCue.INSULT, bool(_INSULT.search(folded))),
        (FrustrationCue.NEGATIVE_SENTIMENT, polarity <= NEGATIVE_SENTIMENT_AT),
        (FrustrationCue.LONG_WAIT, bool(_LONG_WAIT.search(folded))),
    )
    return tuple(cue for cue, present in checks if present)


def is_shouting(text: str) -> bool:
    """Tell whether most of a message's letters (at least eight) are capitals."""
    letters = [ch for ch in text if ch.isalpha() and ch.lower() != ch.upper()]
    if len(letters) < 8:
        return False
    return sum(ch.isupper() for ch in letters) / len(letters) >= 0.8


def is_repeat(text: str, previous: Sequence[str]) -> bool:
    """Tell whether the customer already sent (nearly) the same message."""
    current = " ".join(fold(text).split())
    if len(current) < 3:
        return False
    for earlier in previous:
        other = " ".join(fold(earlier).split())
        if other == current or SequenceMatcher(None, other, current).ratio() >= REPEAT_SIMILARITY:
            return True
    return False
