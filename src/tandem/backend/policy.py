"""The action policy, in code: pure functions over structured records that allow or deny with a reason.

The limits (how long a pause, how far a due date moves, how much each tier may waive or credit, how often) are
the company's `[policy]` section of tandem.toml (`ActionPolicy`); every check takes them, defaulting to the
built-in values. The fee schedule (late fee, its cap and grace period) is the product's and stays here.

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
)
from tandem.core.errors import PolicyDenied
from tandem.core.money import money
from tandem.core.settings import ActionPolicy
from tandem.domain.skills import Tier

DEFAULT_LIMITS = ActionPolicy()
LATE_FEE = Decimal("7.00")
LATE_FEE_CAP_SHARE = Decimal("0.25")
LATE_FEE_GRACE_DAYS = 7


def waive_limit(limits: ActionPolicy, tier: Tier) -> Decimal:
    """The most a late-fee waiver by this tier may be (waive_limit is ordered new, verified, senior)."""
    return limits.waive_limit[tier - Tier.NEW]


def goodwill_limit(limits: ActionPolicy, tier: Tier) -> Decimal:
    """The most a goodwill credit by this tier may be."""
    return limits.goodwill_limit[tier - Tier.NEW]


@dataclass(frozen=True)
class PolicyDecision:
    """Allow or deny, with a stable code and a reason a person can read."""

    allowed: bool
    code: str
    reason: str

    def enforce(self) -> None:
        """Raise PolicyDenied when the decision is a denial."""
        if not self.allowed:
            raise PolicyDenied(self.reason, policy=self.code)


def allow(reason: str) -> PolicyDecision:
    """Return an allowing decision."""
    return PolicyDecision(True, "allowed", reason)


def deny(code: str, reason: str) -> PolicyDecision:
    """Return a denying decision."""
    return PolicyDecision(False, code, reason)


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


def _account_gate(customer: Customer) -> PolicyDecision | None:
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
) -> PolicyDecision | None:
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
    actor: Actor, customer: Customer, order: Order, schedule: Sequence[Installment], days: int, today: date,
    limits: ActionPolicy = DEFAULT_LIMITS,
) -> PolicyDecision:
    """Decide whether actor may postpone the order's unpaid installments by days."""
    gate = _plan_gate(customer, order, schedule, today)
    if gate:
        return gate
    if not 1 <= days <= limits.pause_max_days:
        return deny("days_out_of_range", f"A pause is 1 to {limits.pause_max_days} days.")
    if order.pauses_used >= limits.pauses_per_order:
        return deny("pause_already_used", "This order cannot be paused again.")
    return allow(f"Pause of {days} days allowed for {actor.label}.")


def check_due_date_change(
    actor: Actor, customer: Customer, order: Order, schedule: Sequence[Installment], days: int, today: date,
    limits: ActionPolicy = DEFAULT_LIMITS,
) -> PolicyDecision:
    """Decide whether actor may move the remaining installments by days (negative = earlier)."""
    gate = _plan_gate(customer, order, schedule, today)
    if gate:
        return gate
    if days == 0 or abs(days) > limits.due_date_shift_max_days:
        return deny("days_out_of_range", f"A due date can move 1 to {limits.due_date_shift_max_days} days.")
    if order.due_date_changes_used >= limits.due_date_changes_per_plan:
        return deny("due_date_change_already_used", "The due date of this plan cannot be changed again.")
    upcoming = next_unpaid(schedule, today)
    if upcoming is not None and upcoming.due_on + timedelta(days=days) <= today:
        return deny("date_in_past", "The new due date would be today or earlier.")
    return allow(f"Due date change of {days:+d} days allowed for {actor.label}.")


def check_resend_invoice(
    actor: Actor, customer: Customer, order: Order, recent_sends: Sequence[datetime], now: datetime,
    limits: ActionPolicy = DEFAULT_LIMITS,
) -> PolicyDecision:
    """Decide whether actor may email the invoice again (invoice_resends_per_day per order in 24 hours)."""
    window = [t for t in recent_sends if now - t < timedelta(hours=24)]
    if len(window) >= limits.invoice_resends_per_day:
        return deny("rate_limited", f"The invoice was sent {len(window)} times in the last 24 hours.")
    return allow(f"Invoice resend allowed for {actor.label} to the email on file.")


def check_waive_late_fee(
    actor: Actor, customer: Customer, order: Order, schedule: Sequence[Installment],
    limits: ActionPolicy = DEFAULT_LIMITS,
) -> PolicyDecision:
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
    limit = waive_limit(limits, actor.tier)
    if owed > limit:
        return deny(
            "over_tier_limit", f"A {actor.tier.name.lower()} agent may waive up to ${limit}; owed ${owed}."
        )
    return allow(f"Waiver of ${owed} allowed for {actor.label}.")


def check_goodwill_credit(
    actor: Actor, customer: Customer, amount: Decimal, recent_credits: Sequence[date], today: date,
    limits: ActionPolicy = DEFAULT_LIMITS,
) -> PolicyDecision:
    """Decide whether actor may credit amount to the customer's account."""
    if actor.tier is None:
        return deny("human_only", "Only a human agent can give a goodwill credit.")
    if amount <= 0 or amount != money(amount):
        return deny("invalid_amount", "A credit is a positive amount in whole cents.")
    if customer.status is CustomerStatus.CLOSED:
        return deny("account_closed", "The account is closed.")
    limit = goodwill_limit(limits, actor.tier)
    if amount > limit:
        return deny("over_tier_limit", f"A {actor.tier.name.lower()} agent may credit up to ${limit}.")
    if any(today - d < timedelta(days=limits.goodwill_cooldown_days) for d in recent_credits):
        return deny("credit_recently_given",
                    f"A credit was given in the last {limits.goodwill_cooldown_days} days.")
    return allow(f"Goodwill credit of ${amount} allowed for {actor.label}.")
