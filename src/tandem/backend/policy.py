"""The action policy, in code: pure functions over structured records that allow or deny with a reason.

Free text (order notes, names, conversation messages) is never read here, so no text can widen or narrow
what the AI or an agent may do. Backends call these functions inside the action's transaction; the assistant
may call them beforehand to decide what to offer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from tandem.backend.records import (
    Actor,
    Customer,
    CustomerStatus,
    Installment,
    InstallmentStatus,
    Order,
    OrderStatus,
    money,
)
from tandem.core.errors import PolicyDenied
from tandem.domain.skills import Tier

PAUSE_MAX_DAYS = 14
PAUSES_PER_ORDER = 1
DUE_DATE_SHIFT_MAX_DAYS = 10
DUE_DATE_CHANGES_PER_PLAN = 1
INVOICE_RESENDS_PER_DAY = 3
LATE_FEE = Decimal("7.00")
LATE_FEE_CAP_SHARE = Decimal("0.25")
LATE_FEE_GRACE_DAYS = 7
WAIVE_LIMIT = {Tier.NEW: Decimal("7.00"), Tier.VERIFIED: Decimal("20.00"), Tier.SENIOR: Decimal("50.00")}
GOODWILL_LIMIT = {Tier.NEW: Decimal("0.00"), Tier.VERIFIED: Decimal("20.00"), Tier.SENIOR: Decimal("50.00")}
GOODWILL_COOLDOWN_DAYS = 30


@dataclass(frozen=True)
class Decision:
    """Allow or deny, with a stable code and a reason a person can read."""

    allowed: bool
    code: str
    reason: str

    def enforce(self) -> None:
        """Raise PolicyDenied when the decision is a denial."""
        if not self.allowed:
            raise PolicyDenied(self.reason, policy=self.code)


def allow(reason: str) -> Decision:
    """Return an allowing decision."""
    return Decision(True, "allowed", reason)


def deny(code: str, reason: str) -> Decision:
    """Return a denying decision."""
    return Decision(False, code, reason)


def late_fee_due(order_total: Decimal, fees_so_far: Decimal) -> Decimal:
    """Return the late fee for one more missed installment, respecting the 25% cap on the order value."""
    cap = money(order_total * LATE_FEE_CAP_SHARE)
    return max(Decimal("0.00"), min(LATE_FEE, cap - fees_so_far))


def outstanding_late_fees(schedule: Sequence[Installment]) -> Decimal:
    """Return the late fees not yet waived across a schedule."""
    return money(sum((i.fee_outstanding for i in schedule), Decimal("0")))


def next_unpaid(schedule: Sequence[Installment], today: date) -> Installment | None:
    """Return the first unpaid installment due today or later."""
    future = [i for i in schedule if i.status is not InstallmentStatus.PAID and i.due_on >= today]
    return min(future, key=lambda i: i.due_on, default=None)


def _account_gate(customer: Customer) -> Decision | None:
    if customer.status is CustomerStatus.CLOSED:
        return deny("account_closed", "The account is closed, so its plans cannot be changed.")
    if customer.status is CustomerStatus.COLLECTIONS:
        return deny(
            "in_collections", "The account is with our collections team; a person must handle changes."
        )
    if customer.open_disputes:
        return deny(
            "dispute_open", "The account has a dispute under review; a specialist handles plan changes."
        )
    return None


def _plan_gate(
    customer: Customer, order: Order, schedule: Sequence[Installment], today: date
) -> Decision | None:
    gate = _account_gate(customer)
    if gate:
        return gate
    if order.status is not OrderStatus.ACTIVE:
        return deny("plan_not_active", f"The plan is {order.status.value}, not active.")
    if any(i.status is InstallmentStatus.OVERDUE for i in schedule):
        return deny("installment_overdue", "A payment is overdue; a person can look at options with you.")
    if next_unpaid(schedule, today) is None:
        return deny("nothing_unpaid", "There is no upcoming unpaid payment on this plan.")
    return None


def check_pause(
    actor: Actor, customer: Customer, order: Order, schedule: Sequence[Installment], days: int, today: date
) -> Decision:
    """Decide whether actor may postpone the order's unpaid installments by days."""
    gate = _plan_gate(customer, order, schedule, today)
    if gate:
        return gate
    if not 1 <= days <= PAUSE_MAX_DAYS:
        return deny("days_out_of_range", f"A pause is 1 to {PAUSE_MAX_DAYS} days.")
    if order.pauses_used >= PAUSES_PER_ORDER:
        return deny("pause_already_used", "This order has already been paused once.")
    return allow(f"Pause of {days} days allowed for {actor.label}.")


def check_due_date_change(
    actor: Actor, customer: Customer, order: Order, schedule: Sequence[Installment], days: int, today: date
) -> Decision:
    """Decide whether actor may move the remaining installments by days (negative = earlier)."""
    gate = _plan_gate(customer, order, schedule, today)
    if gate:
        return gate
    if days == 0 or abs(days) > DUE_DATE_SHIFT_MAX_DAYS:
        return deny("days_out_of_range", f"A due date can move 1 to {DUE_DATE_SHIFT_MAX_DAYS} days.")
    if order.due_date_changes_used >= DUE_DATE_CHANGES_PER_PLAN:
        return deny(
            "due_date_change_already_used", "The due date of this plan has already been changed once."
        )
    upcoming = next_unpaid(schedule, today)
    if upcoming is not None and upcoming.due_on + timedelta(days=days) <= today:
        return deny("date_in_past", "The new due date would be today or earlier.")
    return allow(f"Due date change of {days:+d} days allowed for {actor.label}.")


def check_resend_invoice(
    actor: Actor, customer: Customer, order: Order, recent_sends: Sequence[datetime], now: datetime
) -> Decision:
    """Decide whether actor may email the invoice again (at most 3 per order in 24 hours)."""
    window = [t for t in recent_sends if now - t < timedelta(hours=24)]
    if len(window) >= INVOICE_RESENDS_PER_DAY:
        return deny("rate_limited", f"The invoice was sent {len(window)} times in the last 24 hours.")
    return allow(f"Invoice resend allowed for {actor.label} to the email on file.")


def check_waive_late_fee(
    actor: Actor, customer: Customer, order: Order, schedule: Sequence[Installment]
) -> Decision:
    """Decide whether actor may waive the order's outstanding late fees."""
    if actor.tier is None:
        return deny("human_only", "Only a human agent can waive a late fee.")
    owed = outstanding_late_fees(schedule)
    if owed <= 0:
        return deny("no_late_fee", "There is no late fee to waive on this order.")
    if actor.tier < Tier.SENIOR and order.fee_waivers >= 1:
        return deny(
            "waiver_already_used", "Fees on this order were waived before; a senior agent must decide."
        )
    limit = WAIVE_LIMIT[actor.tier]
    if owed > limit:
        return deny(
            "over_tier_limit", f"A {actor.tier.name.lower()} agent may waive up to ${limit}; owed ${owed}."
        )
    return allow(f"Waiver of ${owed} allowed for {actor.label}.")


def check_goodwill_credit(
    actor: Actor, customer: Customer, amount: Decimal, recent_credits: Sequence[date], today: date
) -> Decision:
    """Decide whether actor may credit amount to the customer's account."""
    if actor.tier is None:
        return deny("human_only", "Only a human agent can give a goodwill credit.")
    if amount <= 0 or amount != money(amount):
        return deny("invalid_amount", "A credit is a positive amount in whole cents.")
    if customer.status is CustomerStatus.CLOSED:
        return deny("account_closed", "The account is closed.")
    limit = GOODWILL_LIMIT[actor.tier]
    if amount > limit:
        return deny("over_tier_limit", f"A {actor.tier.name.lower()} agent may credit up to ${limit}.")
    if any(today - d < timedelta(days=GOODWILL_COOLDOWN_DAYS) for d in recent_credits):
        return deny("credit_recently_given", f"A credit was given in the last {GOODWILL_COOLDOWN_DAYS} days.")
    return allow(f"Goodwill credit of ${amount} allowed for {actor.label}.")
