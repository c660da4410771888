"""The handoff card: an extractive summary of what happened before a person took over.

Nothing is generated: the card quotes the customer's own sentences, lists the articles the assistant cited
and the actions it ran (from message meta), and gives the escalation reason, intent, language and a
sentiment trend with one VADER score per customer message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from tandem.engines.assistant.escalation import EscalationReason
from tandem.engines.assistant.kb import terms
from tandem.engines.assistant.nlu.signals import sentiment

_SENTENCE = re.compile(r"(?<=[.!?…。！？])\s+|\n+")
MAX_ASKED = 3
MAX_SENTENCE = 200
# a drop or rise of this much between the first and the last customer messages counts as a trend
TREND_STEP = 0.25

R = EscalationReason
REASONS: dict[str, str] = {  # every EscalationReason, as the handoff card says it (a test checks none is missing)
    R.CUSTOMER_REQUEST: "the customer asked for a person",
    R.CUSTOMER_BUTTON: "the customer pressed 'Talk to a human'",
    R.EXPLICIT_REQUEST: "the customer asked for a person",
    R.ASKED_FOR_HUMAN: "the customer asked for a person",
    R.SENSITIVE_TOPIC: "a sensitive topic (the assistant does not handle it)",
    R.VULNERABILITY: "signs that the customer may be vulnerable",
    R.FRUSTRATION: "the customer seemed frustrated",
    R.FAILED_ACTION: "an account action the assistant tried was refused or failed",
    R.LOW_CONFIDENCE: "the assistant had no good answer twice",
    R.LOOP: "the conversation was going in circles",
    R.MODEL_UNAVAILABLE: "the assistant's model was unavailable",
    R.QUALITY_GUARDRAIL: "the quality guardrail sends this kind of question to people for now",
    R.ASSISTANT_ERROR: "the assistant failed",
    R.TRANSFER: "transferred by another agent",
}


def sentences(text: str) -> list[str]:
    """Split a message into trimmed sentences."""
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def informativeness(sentence: str) -> float:
    """Content words, plus a bonus for a question: how much a sentence says about the problem."""
    return len(terms(sentence)) + (1.5 if sentence.rstrip().endswith("?") else 0.0)


def asked(customer_texts: Sequence[str], limit: int = MAX_ASKED) -> list[str]:
    """The first customer sentence plus the most informative others, in the order they were written."""
    pool = [s for text in customer_texts for s in sentences(text) if terms(s)]
    if not pool:
        return []
    ranked = sorted(range(1, len(pool)), key=lambda i: (-informativeness(pool[i]), i))
    keep = sorted({0, *ranked[: limit - 1]})
    seen: set[str] = set()
    out: list[str] = []
    for i in keep:
        key = pool[i].casefold()
        if key not in seen:
            seen.add(key)
            out.append(_clip(pool[i]))
    return out


def _clip(text: str) -> str:
    return text if len(text) <= MAX_SENTENCE else text[: MAX_SENTENCE - 1].rstrip() + "…"


def tried(messages: Sequence[Mapping[str, Any]]) -> dict[str, list[Any]]:
    """Articles the assistant cited and actions it ran, each once, in order."""
    articles: dict[str, str] = {}
    actions: list[Any] = []
    for m in messages:
        if m["author"] != "ai":
            continue
        meta = m.get("meta") or {}
        for c in meta.get("citations") or []:
            articles.setdefault(str(c.get("article_id")), str(c.get("title")))
        actions.extend(meta.get("actions") or [])
    return {"articles": [{"article_id": a, "title": t} for a, t in articles.items()], "actions": actions}


def sentiment_trend(messages: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """One polarity per customer message and the direction from the first to the last."""
    points = [{"seq": m["seq"], "score": round(sentiment(m["body"]), 3)} for m in messages
              if m["author"] == "customer"]
    if len(points) < 2:
        direction = "steady" if points else "unknown"
    else:
        delta = points[-1]["score"] - points[0]["score"]
        direction = "worsening" if delta <= -TREND_STEP else "improving" if delta >= TREND_STEP else "steady"
    return {"points": points, "direction": direction}


def build(messages: Sequence[Mapping[str, Any]], *, intent: str | None, topic: str | None, language: str,
          escalation_reason: str | None, note: str | None = None) -> dict[str, Any]:
    """The whole handoff card for the messages before (and around) the handoff."""
    customer = [m["body"] for m in messages if m["author"] == "customer"]
    card = {
        "intent": intent, "topic": topic, "language": language, "escalation_reason": escalation_reason,
        "asked": asked(customer), "tried": tried(messages), "sentiment": sentiment_trend(messages), "note": note,
    }
    card["summary"] = summary_text(card)
    return card


def summary_text(card: Mapping[str, Any]) -> str:
    """Two or three plain sentences an agent reads in five seconds."""
    parts = []
    if card["asked"]:
        parts.append(f"Customer: \u201c{card['asked'][0]}\u201d")
    else:
        parts.append("The customer has not written anything yet.")
    articles = [a["title"] for a in card["tried"]["articles"]]
    if articles:
        parts.append("Assistant already sent: " + "; ".join(articles) + ".")
    else:
        parts.append("The assistant has not answered from the help center.")
    if card["tried"]["actions"]:
        parts.append(f"Assistant actions: {len(card['tried']['actions'])}.")
    reason = card["escalation_reason"]
    if reason:
        parts.append("Handed over because " + REASONS.get(reason, reason.replace("_", " ")) + ".")
    return " ".join(parts)
