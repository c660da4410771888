"""What the customer reads about their account: amounts, dates and outcomes in short chat text.

Only the current customer's records reach these functions. Order notes are never shown: they are internal free
text (and sometimes hostile), not something to repeat to the customer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from tandem.backend.policy import DUE_DATE_SHIFT_MAX_DAYS, PAUSE_MAX_DAYS, next_unpaid
from tandem.backend.records import ActionResult, Installment, Order, PlanType, Refund
from tandem.core.masking import mask_cards

_SYMBOL = {"USD": "$", "EUR": "€", "GBP": "£"}
_PLAN = {PlanType.PAY_IN_4: "Pay in 4", PlanType.PAY_IN_30: "Pay in 30 days", PlanType.FINANCING: "financing"}
OFFER_HUMAN = 'A person from our team can help with this — just say "talk to a human" or press the button.'


def money(amount: Decimal, currency: str) -> str:
    """Format an amount with its currency: $40.00, €12.50, 99.00 SEK."""
    symbol = _SYMBOL.get(currency)
    return f"{symbol}{amount:,.2f}" if symbol else f"{amount:,.2f} {currency}"


def day(when: date) -> str:
    """Format a date the way people read it: 5 Jun 2025."""
    return f"{when.day} {when:%b %Y}"


def order_label(order: Order) -> str:
    """Name an order the way the customer knows it: merchant, total and plan."""
    return f"{order.merchant} ({money(order.total, order.currency)}, {_PLAN[order.plan]}, {order.id})"


def schedule_text(order: Order, schedule: Sequence[Installment], today: date) -> str:
    """List an order's installments with their status, the next payment and any outstanding late fee."""
    lines = [f"Payment plan for {order_label(order)}:"]
    for inst in schedule:
        paid = f" on {day(inst.paid_on)}" if inst.paid_on else ""
        lines.append(f"{inst.seq}. {money(inst.amount, order.currency)} due {day(inst.due_on)} — "
                     f"{inst.status.value}{paid}")
    upcoming = next_unpaid(schedule, today)
    if upcoming is not None:
        lines.append(f"Your next payment is {money(upcoming.amount, order.currency)} on {day(upcoming.due_on)}.")
    fees = sum((i.fee_outstanding for i in schedule), Decimal("0"))
    if fees > 0:
        lines.append(f"Late fees outstanding: {money(fees, order.currency)}.")
    return "\n".join(lines)


def next_payments_text(plans: Sequence[tuple[Order, Sequence[Installment]]], today: date) -> str:
    """Summarise the next payment of each active plan."""
    lines = ["Your next payments:"]
    for order, schedule in plans:
        upcoming = next_unpaid(schedule, today)
        due = f"{money(upcoming.amount, order.currency)} on {day(upcoming.due_on)}" if upcoming else "nothing upcoming"
        lines.append(f"- {order.merchant} ({order.id}): {due}")
    lines.append("Name an order (for example the merchant) to see its full schedule.")
    return "\n".join(lines)


def order_text(order: Order, schedule: Sequence[Installment], today: date) -> str:
    """Describe one order: merchant, date, items, total, plan, status and the next payment."""
    items = ", ".join(f"{i.quantity} × {i.name}" if i.quantity > 1 else i.name for i in order.items)
    text = (f"Your order {order.id} from {order.merchant}, placed {day(order.placed_on)}: "
            f"{items or 'no items listed'}. "
            f"Total {money(order.total, order.currency)} on {_PLAN[order.plan]}; the plan is {order.status.value}.")
    upcoming = next_unpaid(schedule, today)
    if upcoming is not None:
        text += f" Next payment: {money(upcoming.amount, order.currency)} on {day(upcoming.due_on)}."
    return text


def orders_text(orders: Sequence[Order]) -> str:
    """List the customer's orders, newest first."""
    lines = ["Your orders:"] + [
        f"- {day(o.placed_on)}: {order_label(o)} — {o.status.value}" for o in orders
    ]
    return "\n".join(lines) if orders else "I don't see any orders on your account."


def refunds_text(refunds: Sequence[tuple[Order, Refund]]) -> str:
    """Describe refunds with amount, method, status and expected date."""
    if not refunds:
        return "I don't see any refunds on your orders. Refunds start when the merchant processes your return."
    lines = []
    for order, refund in refunds:
        expected = f", expected by {day(refund.expected_by)}" if refund.expected_by and refund.status.value in (
            "requested", "processing") else ""
        lines.append(f"- {money(refund.amount, order.currency)} from {order.merchant} to your "
                     f"{refund.method.value.replace('_', ' ')}: {refund.status.value}, requested "
                     f"{day(refund.requested_on)}{expected}.")
    return "Your refunds:\n" + "\n".join(lines)


def changed_text(change: str, order: Order, result: ActionResult) -> str:
    """Confirm a pause or due-date change with the new dates."""
    dates = ", ".join(day(d) for d in result.new_due_dates[:4])
    return f"Done: the payments on your {order.merchant} order ({order.id}) are {change}. New due dates: {dates}."


def invoice_text(order: Order) -> str:
    """Confirm an invoice was sent to the email on file (not repeated in chat)."""
    return f"Done: I sent the invoice for your {order.merchant} order ({order.id}) again to the email on file."


def denied_text(what: str, reason: str) -> str:
    """Explain plainly why an action was refused and offer a person."""
    return f"I can't {what}: {mask_cards(reason)} {OFFER_HUMAN}"


def which_order_text(what: str, orders: Sequence[Order]) -> str:
    """Ask which order the customer means, listing them by merchant."""
    listed = "\n".join(f"- {order_label(o)}" for o in orders)
    return f"Which order should I {what}?\n{listed}\nReply with the merchant's name."


def how_many_days_text(tool_verb: str, order: Order, change: bool) -> str:
    """Ask for the number of days, stating the allowed range."""
    if change:
        return (f"How many days should I move the due dates of your {order.merchant} order? "
                f"Say for example \"5 days later\" or \"3 days earlier\" (up to {DUE_DATE_SHIFT_MAX_DAYS} days).")
    return (f"For how many days should I {tool_verb} your {order.merchant} payments? "
            f"I can pause 1 to {PAUSE_MAX_DAYS} days.")


SIGN_IN = ("I can only look at or change an account when you are signed in. Please sign in and open the chat "
           "again, or ask for a person and they will check who you are.")
MONEY_REFUSAL = ("I can't waive fees, give credit or send refunds — only a person on our team can decide that. "
                 + OFFER_HUMAN)
NO_ELIGIBLE = "None of your orders has an active payment plan I could change. " + OFFER_HUMAN
NOT_FOUND = "I can't find that order on your account. Please check the order number. " + OFFER_HUMAN
FAILED = "Sorry, I couldn't reach your account just now. " + OFFER_HUMAN
UNRESOLVED = "I couldn't work out which order you mean. " + OFFER_HUMAN
