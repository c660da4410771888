"""The assistant acts on the customer's account, within policy: tools on the account backend.

Every tool call, whether chosen by the rules here or by a language model, goes through `AccountTools.run`:
the customer is always the conversation's own `customer_ref` (never an argument), the backend scopes every
lookup by that customer, and the backend's policy decides whether a change may happen. A refusal is explained
to the customer with its reason, offered a person, and recorded so the failed-action escalation rule fires.
A question the assistant asked (which order? how many days?) lives in the conversation history, as the intent
of its reply, so the next message can answer it without any hidden state.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from tandem.backend import policy
from tandem.backend.policy import DEFAULT_LIMITS
from tandem.backend.protocol import AccountBackend
from tandem.backend.records import Actor, Order, OrderStatus
from tandem.core.errors import NotFound, PolicyDenied
from tandem.core.settings import ActionPolicy
from tandem.domain.skills import Topic
from tandem.engines.assistant import actions_text as say
from tandem.engines.assistant.actions_match import (
    CHANGES,
    MONEY_REQUEST,
    READS,
    Request,
    Tool,
    bare_number,
    days_in,
    is_info_question,
    match,
    order_id_in,
    orders_named,
)
from tandem.engines.assistant.base import AssistantTurn, Turn, TurnContext
from tandem.engines.assistant.nlu.intents import Intent

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    SHOWN = "shown"
    DONE = "done"
    CLARIFY = "clarify"
    SIGN_IN = "sign_in_required"
    DENIED = "denied"
    NOT_FOUND = "not_found"
    FAILED = "failed"


TOOLS = frozenset(t.value for t in Tool)
FAILED_OUTCOMES = frozenset({Outcome.DENIED, Outcome.NOT_FOUND, Outcome.FAILED})
INTENT_PREFIX = "action:"
TOPIC = {Tool.REFUND_STATUS: Topic.REFUNDS, Tool.ORDER_STATUS: Topic.ACCOUNT}
# classifier intents that may pick a tool when the rules found none, and how sure the classifier must be
HINTS = {Intent.PAYMENT_SCHEDULE: Tool.PAYMENT_SCHEDULE, Intent.ORDER_STATUS: Tool.ORDER_STATUS,
         Intent.REFUND_STATUS: Tool.REFUND_STATUS, Intent.PAUSE_PAYMENT: Tool.PAUSE_PAYMENT,
         Intent.CHANGE_DUE_DATE: Tool.CHANGE_DUE_DATE, Intent.RESEND_INVOICE: Tool.RESEND_INVOICE}
HINT_CONFIDENCE = 0.8


@dataclass(frozen=True)
class ToolResult:
    """What one tool call did, in words for the customer and as a record for the message meta."""

    action: str
    outcome: Outcome
    text: str
    order_id: str | None = None
    policy: str | None = None

    def record(self) -> dict[str, object]:
        """The meta record of the action: what, on which order, how it went, and the policy code."""
        return {"action": str(self.action), "order": self.order_id, "outcome": self.outcome.value,
                "policy": self.policy}

    @property
    def failed(self) -> bool:
        return self.outcome in FAILED_OUTCOMES


def turn_intent(action: str, outcome: Outcome) -> str:
    """The intent stored on the reply: which action, and how it went (the history reads it back)."""
    return f"{INTENT_PREFIX}{action}:{outcome.value}"


def parse_turn_intent(intent: str | None) -> tuple[str, Outcome] | None:
    """Read an action reply's intent back into (action, outcome)."""
    if not intent or not intent.startswith(INTENT_PREFIX):
        return None
    action, _, outcome = intent[len(INTENT_PREFIX):].rpartition(":")
    try:
        return action, Outcome(outcome)
    except ValueError:
        return None


def failed_turns(history: Sequence[Turn], current_text: str) -> list[bool]:
    """For each earlier customer message, whether the action taken on it failed (aligned with their order)."""
    turns = list(history)
    if turns and turns[-1].author == "customer" and turns[-1].text == current_text:
        turns.pop()
    flags: list[bool] = []
    for turn in turns:
        if turn.author == "customer":
            flags.append(False)
        elif turn.author == "ai" and flags:
            parsed = parse_turn_intent(turn.intent)
            flags[-1] = flags[-1] or (parsed is not None and parsed[1] in FAILED_OUTCOMES)
    return flags


@dataclass(frozen=True)
class _Pending:
    """A question the assistant asked about an action, and the customer messages that led to it."""

    tool: Tool
    texts: tuple[str, ...]
    rounds: int


def pending_question(history: Sequence[Turn], current_text: str) -> _Pending | None:
    """Return the action question the assistant's last reply asked, if it asked one."""
    turns = list(history)
    if turns and turns[-1].author == "customer" and turns[-1].text == current_text:
        turns.pop()
    texts: list[str] = []
    tool: Tool | None = None
    rounds = 0
    while len(turns) >= 2 and turns[-1].author == "ai" and turns[-2].author == "customer":
        parsed = parse_turn_intent(turns[-1].intent)
        if parsed is None or parsed[1] is not Outcome.CLARIFY or parsed[0] not in TOOLS:
            break
        if tool is not None and parsed[0] != tool:
            break
        tool = Tool(parsed[0])
        texts.insert(0, turns[-2].text)
        rounds += 1
        del turns[-2:]
    return _Pending(tool, tuple(texts), rounds) if tool is not None else None


class AccountTools:
    """Pick a tool for a customer message by rules, fill its slots, and run it under the backend's policy."""

    def __init__(self, backend: AccountBackend, max_clarify_rounds: int = 2,
                 limits: ActionPolicy = DEFAULT_LIMITS) -> None:
        self.backend = backend
        self.limits = limits  # the company's [policy]: the ranges the replies state and the precheck applies
        self.actor = Actor.ai()
        self.max_clarify_rounds = max_clarify_rounds

    # the one gate every tool call passes -----------------------------------------------------------------

    def run(self, customer_ref: str | None, action: str, order_id: str | None = None,
            days: int | None = None, language: str = "en") -> ToolResult:
        """Run one tool for this conversation's customer; the backend's policy has the last word.

        The reply is in `language` (the conversation's), amounts and dates in its locale."""
        lang = language
        if action not in TOOLS:
            return ToolResult(action, Outcome.DENIED, say.money_refusal(lang), order_id, "human_only")
        tool = Tool(action)
        if customer_ref is None:
            return ToolResult(tool, Outcome.SIGN_IN, say.sign_in(lang))
        try:
            return self._run(customer_ref, tool, order_id, days, lang)
        except PolicyDenied as err:
            code = str(err.details.get("policy", "denied"))
            return ToolResult(tool, Outcome.DENIED, say.denied_text(tool, code, err.message, lang, self.limits),
                              order_id, code)
        except NotFound:
            return ToolResult(tool, Outcome.NOT_FOUND, say.not_found(lang), order_id, "not_found")
        except Exception:  # the backend is someone else's system: its failure must not strand the customer
            log.exception("account tool %s failed", tool)
            return ToolResult(tool, Outcome.FAILED, say.failed(lang), order_id, "backend_error")

    def _run(self, customer: str, tool: Tool, order_id: str | None, days: int | None, lang: str) -> ToolResult:
        if order_id is None:
            return self._overview(customer, tool, lang)
        b = self.backend
        if tool in CHANGES and days is None:
            order = b.get_order(customer, order_id)
            text = say.how_many_days_text(order, tool is Tool.CHANGE_DUE_DATE, lang, self.limits)
            return ToolResult(tool, Outcome.CLARIFY, text, order_id)
        if tool is Tool.PAUSE_PAYMENT:
            assert days is not None
            result = b.pause_payment(customer, order_id, days, self.actor)
            text = say.paused_text(b.get_order(customer, order_id), result, days, lang)
        elif tool is Tool.CHANGE_DUE_DATE:
            assert days is not None
            result = b.change_due_date(customer, order_id, days, self.actor)
            text = say.moved_text(b.get_order(customer, order_id), result, days, lang)
        elif tool is Tool.RESEND_INVOICE:
            b.resend_invoice(customer, order_id, self.actor)
            text = say.invoice_text(b.get_order(customer, order_id), lang)
        else:
            return ToolResult(tool, Outcome.SHOWN, self._read(customer, tool, order_id, lang), order_id)
        return ToolResult(tool, Outcome.DONE, text, order_id, "allowed")

    def _read(self, customer: str, tool: Tool, order_id: str, lang: str) -> str:
        b = self.backend
        order = b.get_order(customer, order_id)
        if tool is Tool.REFUND_STATUS:
            return say.refunds_text([(order, r) for r in b.refund_status(customer, order_id)], lang)
        schedule = b.payment_schedule(customer, order_id)
        if tool is Tool.PAYMENT_SCHEDULE:
            return say.schedule_text(order, schedule, b.today(), lang)
        return say.order_text(order, schedule, b.today(), lang)

    def _overview(self, customer: str, tool: Tool, lang: str) -> ToolResult:
        """A read over all the customer's orders, or a question when a change needs one order."""
        b = self.backend
        orders = b.list_orders(customer)
        if tool in CHANGES or tool is Tool.RESEND_INVOICE:
            return ToolResult(tool, Outcome.CLARIFY, say.which_order_text(tool, orders, lang))
        if tool is Tool.ORDER_STATUS:
            return ToolResult(tool, Outcome.SHOWN, say.orders_text(orders[:6], lang))
        if tool is Tool.REFUND_STATUS:
            refunds = [(o, r) for o in orders for r in b.refund_status(customer, o.id)]
            return ToolResult(tool, Outcome.SHOWN, say.refunds_text(refunds, lang))
        active = [o for o in orders if o.status is OrderStatus.ACTIVE][:6]
        if len(active) == 1:
            return ToolResult(tool, Outcome.SHOWN, self._read(customer, tool, active[0].id, lang), active[0].id)
        plans = [(o, b.payment_schedule(customer, o.id)) for o in active]
        text = say.next_payments_text(plans, b.today(), lang) if plans else say.no_active_plans(lang)
        return ToolResult(tool, Outcome.SHOWN, text)

    # the rule-based path ------------------------------------------------------------------------------------

    def respond(self, ctx: TurnContext, hint: Intent | None = None,
                hint_confidence: float = 0.0) -> AssistantTurn | None:
        """Act on the message when it asks for an account tool; None lets the help center answer instead."""
        request = match(ctx.text)
        pending = pending_question(ctx.history, ctx.text)
        if request.tool is None and pending is not None and self._answers(ctx, pending):
            request = Request(pending.tool)
        if request.tool is None and hint in HINTS and hint_confidence >= HINT_CONFIDENCE:
            request = Request(HINTS[hint], is_info_question(ctx.text))
        if request.tool is None or request.question_only:
            return None
        lang = ctx.language
        if request.tool == MONEY_REQUEST:
            return result_turn(ToolResult("waive_or_credit", Outcome.DENIED, say.money_refusal(lang), None,
                                          "human_only"))
        tool = Tool(request.tool)
        if ctx.customer_ref is None:
            return None if tool in READS else result_turn(ToolResult(tool, Outcome.SIGN_IN, say.sign_in(lang)))
        same = pending if pending is not None and pending.tool is tool else None
        texts = (*(same.texts if same else ()), ctx.text)
        try:
            return result_turn(self._choose_and_run(ctx.customer_ref, tool, texts, same, lang))
        except NotFound:
            return result_turn(ToolResult(tool, Outcome.NOT_FOUND, say.not_found(lang), None, "not_found"))

    def _answers(self, ctx: TurnContext, pending: _Pending) -> bool:
        """Whether the message answers the pending question: it names an order or a number of days."""
        if ctx.customer_ref is None or len(ctx.text.split()) > 12:
            return False
        if order_id_in(ctx.text) or days_in(ctx.text) or bare_number(ctx.text):
            return True
        return bool(orders_named(ctx.text, self.backend.list_orders(ctx.customer_ref)))

    def _choose_and_run(self, customer: str, tool: Tool, texts: Sequence[str], pending: _Pending | None,
                        lang: str) -> ToolResult:
        """Fill the order and days from this message and the ones before the pending question, then run."""
        named_id = next((i for i in map(order_id_in, reversed(texts)) if i), None)
        days = next((d for d in (days_in(t, tool is Tool.CHANGE_DUE_DATE) for t in reversed(texts)) if d), None)
        if days is None and pending is not None and tool in CHANGES:
            days = bare_number(texts[-1])  # "7" answers "how many days?"
        if named_id is not None:
            return self._checked(customer, tool, named_id, days, lang)
        orders = self.backend.list_orders(customer)
        order = _pick_order(tool, texts, orders)
        if order is not None:
            return self._checked(customer, tool, order.id, days, lang)
        if tool in READS:
            return self.run(customer, tool, None, days, lang)
        if pending is not None and pending.rounds >= self.max_clarify_rounds:
            return ToolResult(tool, Outcome.FAILED, say.unresolved(lang), None, "unresolved")
        candidates = _eligible(tool, orders)
        if not candidates:
            return ToolResult(tool, Outcome.DENIED, say.no_eligible(lang), None, "plan_not_active")
        return ToolResult(tool, Outcome.CLARIFY, say.which_order_text(tool, candidates, lang))

    def _checked(self, customer: str, tool: Tool, order_id: str, days: int | None, lang: str) -> ToolResult:
        """Before asking for the days, check the policy would allow some change at all (the backend checks again)."""
        if tool in CHANGES and days is None:
            denial = self._precheck(customer, tool, order_id, lang)
            if denial is not None:
                return denial
        return self.run(customer, tool, order_id, days, lang)

    def _precheck(self, customer_id: str, tool: Tool, order_id: str, lang: str) -> ToolResult | None:
        b = self.backend
        customer, order = b.get_customer(customer_id), b.get_order(customer_id, order_id)
        check = policy.check_pause if tool is Tool.PAUSE_PAYMENT else policy.check_due_date_change
        decision = check(self.actor, customer, order, b.payment_schedule(customer_id, order_id), 1, b.today(),
                         self.limits)
        if decision.allowed or decision.code in ("days_out_of_range", "date_in_past"):
            return None
        text = say.denied_text(tool, decision.code, decision.reason, lang, self.limits)
        return ToolResult(tool, Outcome.DENIED, text, order_id, decision.code)


def _pick_order(tool: Tool, texts: Sequence[str], orders: Sequence[Order]) -> Order | None:
    """The order the customer named (latest message first), else the only eligible one."""
    for text in reversed(texts):
        named = orders_named(text, orders)
        if len(named) == 1:
            return named[0]
    eligible = _eligible(tool, orders)
    return eligible[0] if len(eligible) == 1 else None


def _eligible(tool: Tool, orders: Sequence[Order]) -> list[Order]:
    if tool in CHANGES or tool is Tool.PAYMENT_SCHEDULE:
        return [o for o in orders if o.status is OrderStatus.ACTIVE]
    return list(orders)


def result_turn(result: ToolResult) -> AssistantTurn:
    """The reply for one tool result, its intent naming the action and outcome."""
    topic = TOPIC.get(Tool(result.action), Topic.PAYMENTS) if result.action in TOOLS else None
    return AssistantTurn(
        text=result.text, intent=turn_intent(result.action, result.outcome), topic=topic,
        confidence=1.0, actions=(result.record(),),
    )
