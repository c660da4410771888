"""What the customer reads about their account: amounts, dates and outcomes in short chat text, in their language.

Only the current customer's records reach these functions. Order notes are never shown: they are internal free
text (and sometimes hostile), not something to repeat to the customer. Every sentence is a whole message in the
catalogs (`tandem.core.i18n`); amounts and dates are formatted for the customer's locale.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from tandem.backend.policy import DEFAULT_LIMITS, next_unpaid
from tandem.backend.records import ActionResult, Installment, Order, PlanType, Refund
from tandem.core.i18n import N_, _t, format_day, format_money, locale_of
from tandem.core.masking import mask_cards
from tandem.core.settings import ActionPolicy

_PLAN = {PlanType.PAY_IN_4: N_("Pay in 4"), PlanType.PAY_IN_30: N_("Pay in 30 days"),
         PlanType.FINANCING: N_("financing")}
# record states as the customer reads them (installments, orders, refunds) and refund methods
_STATE = {"paid": N_("paid"), "upcoming": N_("upcoming"), "overdue": N_("overdue"), "active": N_("active"),
          "refunded": N_("refunded"), "cancelled": N_("cancelled"), "requested": N_("requested"),
          "processing": N_("processing"), "completed": N_("completed"), "rejected": N_("rejected")}
_METHOD = {"card": N_("card"), "bank": N_("bank account"), "gift_card": N_("gift card")}
OFFER_HUMAN = N_('A person from our team can help with this — just say "talk to a human" or press the button.')
# why the policy refused, by its stable code, in words for the customer (the backend's reason is English)
_DENIAL = {
    "account_closed": N_("The account is closed, so its plans cannot be changed."),
    "in_collections": N_("The account is with our collections team; a person must handle changes."),
    "dispute_open": N_("The account has a dispute under review; a specialist handles plan changes."),
    "plan_not_active": N_("This plan is not active any more."),
    "installment_overdue": N_("A payment is overdue; a person can look at options with you."),
    "nothing_unpaid": N_("There is no upcoming unpaid payment on this plan."),
    "pause_already_used": N_("This order cannot be paused again."),
    "due_date_change_already_used": N_("The due date of this plan cannot be changed again."),
    "date_in_past": N_("The new due date would be today or earlier."),
    "rate_limited": N_("The invoice has been sent several times in the last 24 hours."),
}
_DAYS_RANGE = {"pause_payment": N_("A pause is 1 to {max_days} days."),
               "change_due_date": N_("A due date can move 1 to {max_days} days.")}
_CANNOT = {"pause_payment": N_("I can't pause the payments on that order."),
           "change_due_date": N_("I can't move the due dates of that order."),
           "resend_invoice": N_("I can't resend the invoice for that order."),
           "payment_schedule": N_("I can't show the payment schedule of that order."),
           "order_status": N_("I can't show that order."),
           "refund_status": N_("I can't check the refunds of that order.")}
_WHICH = {"pause_payment": N_("Which order's payments should I pause?"),
          "change_due_date": N_("For which order should I move the due dates?"),
          "resend_invoice": N_("For which order should I resend the invoice?")}


def money(amount: Decimal, currency: str, lang: str = "en") -> str:
    """Format an amount with its currency for the locale: en $40.00, de 40,00 $, sv 40,00 kr."""
    return format_money(amount, currency, lang)


def day(when: date, lang: str = "en") -> str:
    """Format a date the way people read it in the locale: en 5 Jun 2025, sv 5 juni 2025."""
    return format_day(when, lang)


def days(count: int, lang: str) -> str:
    """A number of days in words with the locale's plural: '5 days', '1 dag', '5 dni'."""
    from babel.dates import format_timedelta

    return format_timedelta(timedelta(days=count), granularity="day", threshold=10_000, locale=locale_of(lang))


def state(value: str, lang: str) -> str:
    """A record's state (paid, overdue, processing ...) in the customer's language."""
    return _t(lang, _STATE[value]) if value in _STATE else value


def order_label(order: Order, lang: str = "en") -> str:
    """Name an order the way the customer knows it: merchant, total and plan."""
    return f"{order.merchant} ({money(order.total, order.currency, lang)}, {_t(lang, _PLAN[order.plan])}, {order.id})"


def schedule_text(order: Order, schedule: Sequence[Installment], today: date, lang: str = "en") -> str:
    """List an order's installments with their status, the next payment and any outstanding late fee."""
    lines = [_t(lang, "Payment plan for {order}:", order=order_label(order, lang))]
    for inst in schedule:
        amount, due = money(inst.amount, order.currency, lang), day(inst.due_on, lang)
        if inst.paid_on:
            lines.append(_t(lang, "{number}. {amount} due {due_date} — paid on {paid_date}", number=inst.seq,
                            amount=amount, due_date=due, paid_date=day(inst.paid_on, lang)))
        else:
            lines.append(_t(lang, "{number}. {amount} due {due_date} — {status}", number=inst.seq, amount=amount,
                            due_date=due, status=state(inst.status.value, lang)))
    upcoming = next_unpaid(schedule, today)
    if upcoming is not None:
        lines.append(_t(lang, "Your next payment is {amount} on {due_date}.",
                        amount=money(upcoming.amount, order.currency, lang), due_date=day(upcoming.due_on, lang)))
    fees = sum((i.fee_outstanding for i in schedule), Decimal("0"))
    if fees > 0:
        lines.append(_t(lang, "Late fees outstanding: {amount}.", amount=money(fees, order.currency, lang)))
    return "\n".join(lines)


def next_payments_text(plans: Sequence[tuple[Order, Sequence[Installment]]], today: date, lang: str = "en") -> str:
    """Summarise the next payment of each active plan."""
    lines = [_t(lang, "Your next payments:")]
    for order, schedule in plans:
        upcoming = next_unpaid(schedule, today)
        if upcoming is None:
            lines.append(_t(lang, "- {merchant} ({order_id}): nothing upcoming", merchant=order.merchant,
                            order_id=order.id))
        else:
            lines.append(_t(lang, "- {merchant} ({order_id}): {amount} on {due_date}", merchant=order.merchant,
                            order_id=order.id, amount=money(upcoming.amount, order.currency, lang),
                            due_date=day(upcoming.due_on, lang)))
    lines.append(_t(lang, "Name an order (for example the merchant) to see its full schedule."))
    return "\n".join(lines)


def order_text(order: Order, schedule: Sequence[Installment], today: date, lang: str = "en") -> str:
    """Describe one order: merchant, date, items, total, plan, status and the next payment."""
    items = ", ".join(f"{i.quantity} × {i.name}" if i.quantity > 1 else i.name for i in order.items)
    text = _t(lang, "Your order {order_id} from {merchant}, placed {placed}: {items}. Total {total} on {plan}; the "
              "plan is {status}.", order_id=order.id, merchant=order.merchant, placed=day(order.placed_on, lang),
              items=items or _t(lang, "no items listed"), total=money(order.total, order.currency, lang),
              plan=_t(lang, _PLAN[order.plan]), status=state(order.status.value, lang))
    upcoming = next_unpaid(schedule, today)
    if upcoming is not None:
        text += " " + _t(lang, "Next payment: {amount} on {due_date}.",
                         amount=money(upcoming.amount, order.currency, lang), due_date=day(upcoming.due_on, lang))
    return text


def orders_text(orders: Sequence[Order], lang: str = "en") -> str:
    """List the customer's orders, newest first."""
    if not orders:
        return _t(lang, "I don't see any orders on your account.")
    lines = [_t(lang, "Your orders:")] + [
        f"- {day(o.placed_on, lang)}: {order_label(o, lang)} — {state(o.status.value, lang)}" for o in orders
    ]
    return "\n".join(lines)


def refunds_text(refunds: Sequence[tuple[Order, Refund]], lang: str = "en") -> str:
    """Describe refunds with amount, method, status and expected date."""
    if not refunds:
        return _t(lang, "I don't see any refunds on your orders. Refunds start when the merchant processes your "
                  "return.")
    lines = []
    for order, refund in refunds:
        params = {"amount": money(refund.amount, order.currency, lang), "merchant": order.merchant,
                  "method": _t(lang, _METHOD.get(refund.method.value, refund.method.value)),
                  "status": state(refund.status.value, lang), "requested": day(refund.requested_on, lang)}
        if refund.expected_by and refund.status.value in ("requested", "processing"):
            lines.append(_t(lang, "- {amount} from {merchant} to your {method}: {status}, requested {requested}, "
                            "expected by {expected}.", expected=day(refund.expected_by, lang), **params))
        else:
            lines.append(_t(lang, "- {amount} from {merchant} to your {method}: {status}, requested {requested}.",
                            **params))
    return _t(lang, "Your refunds:") + "\n" + "\n".join(lines)


def _new_dates(result: ActionResult, lang: str) -> str:
    return ", ".join(day(d, lang) for d in result.new_due_dates[:4])


def paused_text(order: Order, result: ActionResult, count: int, lang: str = "en") -> str:
    """Confirm a pause with the new dates."""
    return _t(lang, "Done: the payments on your {merchant} order ({order_id}) are paused for {days}. New due dates: "
              "{dates}.", merchant=order.merchant, order_id=order.id, days=days(count, lang),
              dates=_new_dates(result, lang))


def moved_text(order: Order, result: ActionResult, shift: int, lang: str = "en") -> str:
    """Confirm a due-date change (negative shift: earlier) with the new dates."""
    msgid = (N_("Done: the due dates of your {merchant} order ({order_id}) moved {days} earlier. New due dates: "
                "{dates}.") if shift < 0 else
             N_("Done: the due dates of your {merchant} order ({order_id}) moved {days} later. New due dates: "
                "{dates}."))
    return _t(lang, msgid, merchant=order.merchant, order_id=order.id, days=days(abs(shift), lang),
              dates=_new_dates(result, lang))


def invoice_text(order: Order, lang: str = "en") -> str:
    """Confirm an invoice was sent to the email on file (not repeated in chat)."""
    return _t(lang, "Done: I sent the invoice for your {merchant} order ({order_id}) again to the email on file.",
              merchant=order.merchant, order_id=order.id)


def denied_text(tool: str, code: str, reason: str, lang: str = "en", limits: ActionPolicy = DEFAULT_LIMITS) -> str:
    """Explain plainly why an action was refused, in the customer's language, and offer a person."""
    if code == "days_out_of_range" and tool in _DAYS_RANGE:
        limit = limits.pause_max_days if tool == "pause_payment" else limits.due_date_shift_max_days
        why = _t(lang, _DAYS_RANGE[tool], max_days=limit)
    elif code in _DENIAL:
        why = _t(lang, _DENIAL[code])
    else:  # a code this version does not know (another backend): its own reason, in its words
        why = mask_cards(reason)
    cannot = _t(lang, _CANNOT[tool]) if tool in _CANNOT else ""
    return " ".join(p for p in (cannot, why, _t(lang, OFFER_HUMAN)) if p)


def which_order_text(tool: str, orders: Sequence[Order], lang: str = "en") -> str:
    """Ask which order the customer means, listing them by merchant."""
    listed = "\n".join(f"- {order_label(o, lang)}" for o in orders)
    question = _t(lang, _WHICH[tool]) if tool in _WHICH else _t(lang, "Which order do you mean?")
    return "\n".join((question, listed, _t(lang, "Reply with the merchant's name.")))


def how_many_days_text(order: Order, change: bool, lang: str = "en", limits: ActionPolicy = DEFAULT_LIMITS) -> str:
    """Ask for the number of days, stating the allowed range."""
    if change:
        return _t(lang, "How many days should I move the due dates of your {merchant} order? Say for example "
                  "\"5 days later\" or \"3 days earlier\" (up to {max_days} days).", merchant=order.merchant,
                  max_days=limits.due_date_shift_max_days)
    return _t(lang, "For how many days should I pause your {merchant} payments? I can pause 1 to {max_days} days.",
              merchant=order.merchant, max_days=limits.pause_max_days)


def sign_in(lang: str = "en") -> str:
    return _t(lang, "I can only look at or change an account when you are signed in. Please sign in and open the "
              "chat again, or ask for a person and they will check who you are.")


def money_refusal(lang: str = "en") -> str:
    return _t(lang, "I can't waive fees, give credit or send refunds — only a person on our team can decide that.") \
        + " " + _t(lang, OFFER_HUMAN)


def _with_offer(lang: str, msgid: str) -> str:
    return _t(lang, msgid) + " " + _t(lang, OFFER_HUMAN)


def no_eligible(lang: str = "en") -> str:
    return _with_offer(lang, N_("None of your orders has an active payment plan I could change."))


def not_found(lang: str = "en") -> str:
    return _with_offer(lang, N_("I can't find that order on your account. Please check the order number."))


def failed(lang: str = "en") -> str:
    return _with_offer(lang, N_("Sorry, I couldn't reach your account just now."))


def unresolved(lang: str = "en") -> str:
    return _with_offer(lang, N_("I couldn't work out which order you mean."))


def no_active_plans(lang: str = "en") -> str:
    return _t(lang, "You have no active payment plans.")
