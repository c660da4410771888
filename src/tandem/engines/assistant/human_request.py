"""Does this customer message ask for a person? Rules first, then the learned multilingual backstop.

The rules (`handoff.read_request`) import no model library and answer first; the backstop runs only when they
did not match, and only to add requests; when they matched a request only under a negation cue ("I don't want to
talk to an operator", v12) the backstop is not asked. If the encoder or its weights cannot load, or anything else
fails in the model layer, the rules' answer stands (the customer can also always press "Talk to a human"). This
module imports numpy and the encoder lazily, so importing it can never fail because of a broken model install.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from tandem.engines.assistant.handoff import read_request

log = logging.getLogger(__name__)
RULE = "rule"
MODEL = "model"


@dataclass(frozen=True)
class HumanRequest:
    """A detected request for a person: which layer decided, its score, and the customer's language."""

    layer: str  # "rule" or "model"
    score: float  # 1.0 for a rule; the backstop's probability otherwise
    language: str
    detail: str


def detect_request(text: str, *, use_model: bool = True, language_hint: str | None = None) -> HumanRequest | None:
    """Return the request for a person in `text`, if the rules or (when they miss) the backstop find one."""
    match, declined = read_request(text)
    if match is not None:
        return HumanRequest(RULE, 1.0, match.language, f"{match.rule}: {match.phrase}")
    if not use_model or not text.strip() or declined is not None:
        # v12: the rules found a person named only under a negation cue ("I don't want to talk to an operator")
        # and nothing asked for: the backstop, which does not read negation, is not asked
        return None
    try:
        from tandem.engines.assistant.nlu.handoff_model import shared_backstop

        backstop = shared_backstop()
        score = backstop.score(text)
    except Exception as exc:  # EncoderUnavailable, BackstopUnavailable, or a bug: the rules' answer stands
        log.warning("handoff backstop unavailable, rules only: %s", exc)
        return None
    if score < backstop.threshold:
        return None
    return HumanRequest(MODEL, round(score, 4), _language(text, language_hint), f"backstop p={score:.3f}")


def _language(text: str, hint: str | None) -> str:
    """The customer's language for the reply: detected from the text, else the conversation's."""
    try:
        from tandem.engines.assistant.nlu.language import detect_language

        return detect_language(text, default=hint or "en")
    except Exception:  # the fastText package is optional at run time; fall back to the conversation's language
        return hint or "en"
