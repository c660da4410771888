"""Which account tool a message asks for, and its slots (order, days), with rules in code.

The rules give the same answer every time, with or without the intent classifier, so tool selection is testable
and cannot be talked into anything: they only pick among the tools; the policy decides what a tool may do.
English is covered best; Swedish, German, French and Spanish phrasings are recognised for the common requests.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from tandem.backend.records import Order
from tandem.engines.assistant.kb import fold


class Tool(StrEnum):
    """The tools the assistant may use; waiving fees and giving credit are deliberately not among them."""

    PAYMENT_SCHEDULE = "payment_schedule"
    ORDER_STATUS = "order_status"
    REFUND_STATUS = "refund_status"
    PAUSE_PAYMENT = "pause_payment"
    CHANGE_DUE_DATE = "change_due_date"
    RESEND_INVOICE = "resend_invoice"


READS = frozenset({Tool.PAYMENT_SCHEDULE, Tool.ORDER_STATUS, Tool.REFUND_STATUS})
CHANGES = frozenset({Tool.PAUSE_PAYMENT, Tool.CHANGE_DUE_DATE})
# money the AI may never move: asked for, it explains and offers a person
MONEY_REQUEST = "money_request"


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


_PAYMENT = r"(payments?|instal+ments?|betalning(ar)?|delbetalning|zahlung(en)?|rate(n)?|paiements?|pagos?|cuotas?)"
_SHIFT = r"(change|move|shift|push|later|earlier|different|another|new|adjust|extend)"
_RULES: tuple[tuple[Tool | str, re.Pattern[str]], ...] = (
    (MONEY_REQUEST, _any(
        r"\b(waive|remove|cancel|reverse|drop|forgive|refund|take off|get rid of)\b.{0,40}\b(late )?(fee|fees|charge)",
        r"\b(late )?fees?\b.{0,30}\b(waived?|removed?|cancell?ed|refunded|reversed|dropped)\b",
        r"\b(goodwill|compensation|compensate me)\b", r"\b(give|add|issue|send)\b.{0,20}\bcredit\b",
        r"\brefund( me)?\s+(\$|€|£)?\s?\d", r"\b(erlass|erlassen|avgift(en)? (tas bort|stryks)|annuler les frais)\b",
    )),
    (Tool.CHANGE_DUE_DATE, _any(
        rf"\b{_SHIFT}\b.{{0,30}}\b(due ?dates?|(payment|billing) (date|day))\b",
        rf"\b(due ?dates?|(payment|billing) (date|day))\b.{{0,30}}\b{_SHIFT}\b",
        r"\b(andra|flytta)\b.{0,20}\bforfallo(dag|datum)", r"\bfalligkeit\w*\b.{0,30}\b(andern|verschieben)",
        r"\b(changer|modifier|decaler)\b.{0,30}\bdate d.?echeance", r"\bcambiar\b.{0,30}\bfecha de (vencimiento|pago)",
    )),
    (Tool.PAUSE_PAYMENT, _any(
        rf"\b(pause|postpone|delay|defer|push back|hold off|skip)\b.{{0,40}}\b{_PAYMENT}",
        rf"\b{_PAYMENT}\b.{{0,30}}\b(paused|postponed|delayed|deferred|on hold)\b",
        r"\b(pause|postpone)\b", r"\b(pausa|skjuta upp)\b", r"\b(pausieren|aussetzen|verschieben|stunden)\b",
        r"\b(suspendre|reporter|mettre en pause)\b", r"\b(pausar|aplazar|posponer)\b",
    )),
    (Tool.RESEND_INVOICE, _any(
        r"\b(re-?send|send( me)?( it)? again|send me|email me|mail me|another copy|copy of|didn.?t (get|receive)|"
        r"never (got|received)|lost)\b.{0,30}\b(invoice|receipt|bill|statement)",
        r"\b(invoice|receipt|bill|statement)\b.{0,30}\b(again|re-?sent|resend|never arrived|not arrived)\b",
        r"\bfaktura(n)?\b", r"\brechnung\b", r"\bfacture\b", r"\bfactura\b",
    )),
    (Tool.REFUND_STATUS, _any(
        r"\b(where|status|when|yet|track|check|happened|arrive[ds]?|received|processed)\b.{0,30}\brefund",
        r"\brefund\b.{0,30}\b(status|yet|arrive[ds]?|received|processed|pending|come|coming|land|take)",
        r"\b(aterbetalning(en)?|ruckerstattung|erstattung|remboursement|reembolso)\b",
    )),
    (Tool.PAYMENT_SCHEDULE, _any(
        r"\bpayment (schedule|plan)s?\b", r"\bnext (payment|instal+ment)", r"\bremaining (payments|instal+ments)",
        r"\b(when|how much)\b.{0,30}\b(due|owe|pay next|next payment)\b", r"\b(what|how much) do i (still )?owe\b",
        r"\b(schedule|dates) of my payments\b", r"\b(when|what) is my (next )?due date\b",
        r"\bmy (instal+ments|payments)\b",
        r"\b(nasta betalning|betalplan)\b", r"\b(nachste zahlung|zahlungsplan|ratenplan)\b",
        r"\b(prochain paiement|echeancier)\b", r"\b(proximo pago|calendario de pagos)\b",
    )),
    (Tool.ORDER_STATUS, _any(
        r"\b(status|details) of (my|the|this) (order|purchase)", r"\b(my|the) (order|purchase)s? status\b",
        r"\b(show|list|see|view)\b.{0,20}\b(orders|purchases)\b", r"\bwhat orders\b", r"\border ord_\w+",
        r"\bord_\w+\b", r"\b(mina ordrar|meine bestellungen|mes commandes|mis pedidos)\b",
    )),
)

# questions about how a change works ("can I pause a payment?") are for the help center, not for acting
_INFO_QUESTION = re.compile(
    r"^\s*(can i|could i|how (do|can|many|long|often|does)|is it possible|what happens|what is|what are|do you|"
    r"are there|why|kan jag|kann ich|wie|puis-je|comment|puedo|como)\b"
)
_DAYS = re.compile(
    r"\b(\d{1,3})\s*(?:more |extra |additional |further )?"
    r"(days?|d\b|dagar|dager|dage|dagen|dag|tage?n?|jours?|dias?|dni|paivaa|paivalla|giorni|giorno)"
    r"|\b(a|one|1|two|2|three|3)\s*(weeks?|veckor?|wochen?|semaines?|semanas?)\b"
    r"|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|twenty|thirty)"
    r"\s+days?\b|\bfortnight\b"
)
_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen".split())}
_WORDS.update({"twenty": 20, "thirty": 30, "a": 1})
_MINE = re.compile(r"\b(my|mine|min|mitt|mina|meine?n?|mon|ma|mes|mis?)\b")
_EARLIER = re.compile(r"\b(earlier|sooner|forward|before|fruher|tidigare|tidligere|plus tot|antes|aiemmin|"
                      r"aikaisemmin|prima|eerder|wczesniej|mais cedo)\b")
_ORDER_ID = re.compile(r"\bord_[a-z0-9_]{2,60}\b")
_BARE_NUMBER = re.compile(r"^\s*#?(\d{1,3})\s*[.!]?\s*$")
_NOISE = frozenset("and the co inc ltd pay home with for from of a an".split())


@dataclass(frozen=True)
class Request:
    """What a message asks for: a tool (or a money request), whether it is only a question, and its slots."""

    tool: Tool | str | None
    question_only: bool = False
    order_id: str | None = None
    days: int | None = None


def match(text: str) -> Request:
    """Read which tool the message asks for and any slots it carries."""
    folded = fold(text)
    tool = next((tool for tool, pattern in _RULES if pattern.search(folded)), None)
    order_id = order_id_in(folded)
    days = days_in(folded, earlier_sign=tool is Tool.CHANGE_DUE_DATE)
    question = (tool != MONEY_REQUEST and _INFO_QUESTION.search(folded) is not None and days is None
                and order_id is None and (tool in CHANGES or _MINE.search(folded) is None))
    return Request(tool, question, order_id, days)


def is_info_question(text: str) -> bool:
    """Whether the message asks how something works rather than asking for it to be done."""
    folded = fold(text)
    return _INFO_QUESTION.search(folded) is not None and days_in(folded) is None and order_id_in(folded) is None


def order_id_in(text: str) -> str | None:
    """Return an order id written in the message."""
    found = _ORDER_ID.search(fold(text))
    return found.group(0) if found else None


def days_in(text: str, earlier_sign: bool = False) -> int | None:
    """Return the number of days the message names (a week = 7); negative when it asks for earlier."""
    folded = fold(text)
    found = _DAYS.search(folded)
    if found is None:
        return None
    if found.group(1):
        days = int(found.group(1))
    elif found.group(3):
        days = 7 * (_WORDS.get(found.group(3), 0) or int(found.group(3)))
    elif found.group(5):
        days = _WORDS[found.group(5)]
    else:
        days = 14
    return -days if earlier_sign and _EARLIER.search(folded) else days


def bare_number(text: str) -> int | None:
    """Return the number when the whole message is one small number (an answer to a question)."""
    found = _BARE_NUMBER.match(text)
    return int(found.group(1)) if found else None


def orders_named(text: str, orders: Sequence[Order]) -> list[Order]:
    """Return the orders the message names by id, merchant or item; the best-matching ones when several do."""
    folded = fold(text)
    by_id = [o for o in orders if o.id in folded]
    if by_id:
        return by_id
    words = set(re.findall(r"[^\W_]{3,}", folded))
    scores = [(len(words & _order_words(o)), o) for o in orders]
    best = max((s for s, _ in scores), default=0)
    return [o for s, o in scores if s and s == best]


def _order_words(order: Order) -> set[str]:
    names = [order.merchant, *(item.name for item in order.items)]
    words = {w for name in names for w in re.findall(r"[^\W_]{3,}", fold(name))}
    words |= {w.rstrip("s") for w in words} | {w + "s" for w in words}
    return words - _NOISE
