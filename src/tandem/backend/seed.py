"""Deterministic demo data for Kestrel Pay: the well-known customer Maya plus generated customers.

Dates are laid out relative to the backend's business date at seeding time, so a fresh seed always shows
upcoming, paid and overdue payments. Seeding is idempotent: customers already present are skipped.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from tandem.backend import seed_catalog as cat
from tandem.backend.demo import DemoBackend, DemoSnapshot
from tandem.backend.policy import LATE_FEE_GRACE_DAYS, late_fee_due
from tandem.backend.records import (
    Customer,
    CustomerStatus,
    DisputeStatus,
    Installment,
    InstallmentStatus,
    Order,
    OrderItem,
    OrderStatus,
    PlanType,
    Refund,
    RefundMethod,
    RefundStatus,
)
from tandem.core.money import money

DEMO_CUSTOMER_ID = "cus_demo_maya"
DEMO_EMAIL = "maya@example.com"


@dataclass
class _Draft:
    """Records accumulated while building a snapshot."""

    customers: list[Customer] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    installments: list[Installment] = field(default_factory=list)
    refunds: list[Refund] = field(default_factory=list)

    def snapshot(self) -> DemoSnapshot:
        return DemoSnapshot(self.customers, self.orders, self.installments, self.refunds)


def seed_demo(backend: DemoBackend, rng_seed: int = 7, customers: int = 40) -> int:
    """Seed Maya plus `customers` generated customers; return how many customers were added."""
    return backend.import_snapshot(build_snapshot(random.Random(rng_seed), backend.today(), customers))


def build_snapshot(rng: random.Random, today: date, customers: int) -> DemoSnapshot:
    """Build the demo records without touching any database."""
    draft = _Draft()
    _add_maya(draft, today)
    for n in range(customers):
        _add_customer(draft, rng, today, n)
    _add_special_cases(draft, today)
    return draft.snapshot()


# Maya: one order of each plan type, documented in docs/backend.md ---------------------------------------


def _add_maya(draft: _Draft, today: date) -> None:
    maya = Customer(
        DEMO_CUSTOMER_ID,
        "Maya Patel",
        DEMO_EMAIL,
        "+1 555 010 4477",
        "US",
        "en",
        CustomerStatus.ACTIVE,
        money(1500),
        "Visa",
        "4242",
    )
    draft.customers.append(maya)
    _maya_pay_in_4(draft, today)
    _maya_pay_in_30(draft, today)
    _maya_financing(draft, today)


def _maya_pay_in_4(draft: _Draft, today: date) -> None:
    items = (OrderItem("Rain jacket", 1, money(129)), OrderItem("Wool socks, 3 pairs", 1, money(31)))
    placed = today - timedelta(days=20)
    order = Order(
        "ord_maya_pay4",
        DEMO_CUSTOMER_ID,
        "Northwind Outfitters",
        placed,
        "USD",
        money(160),
        PlanType.PAY_IN_4,
        OrderStatus.ACTIVE,
        items,
        note="Gift wrap requested.",
    )
    draft.orders.append(order)
    for seq, due in enumerate(_pay_in_4_dates(placed), start=1):
        paid = due if due < today else None
        draft.installments.append(_installment(order.id, seq, due, money(40), paid, today))


def _maya_pay_in_30(draft: _Draft, today: date) -> None:
    items = (OrderItem("Linen bedding set", 1, money(89)), OrderItem("Linen pillowcase", 2, money("12.50")))
    placed = today - timedelta(days=10)
    order = Order(
        "ord_maya_pay30",
        DEMO_CUSTOMER_ID,
        "Lumen Home",
        placed,
        "USD",
        money(114),
        PlanType.PAY_IN_30,
        OrderStatus.ACTIVE,
        items,
    )
    draft.orders.append(order)
    draft.installments.append(_installment(order.id, 1, placed + timedelta(days=30), money(114), None, today))
    draft.refunds.append(
        Refund(
            "ref_maya_pillow",
            order.id,
            money(25),
            RefundMethod.CARD,
            RefundStatus.PROCESSING,
            today - timedelta(days=3),
            today + timedelta(days=7),
            "Returned 2 pillowcases",
        )
    )


def _maya_financing(draft: _Draft, today: date) -> None:
    items = (OrderItem("Laptop 14-inch", 1, money(1199)),)
    placed = today - timedelta(days=75)
    order = Order(
        "ord_maya_fin",
        DEMO_CUSTOMER_ID,
        "Pixel & Co Electronics",
        placed,
        "USD",
        money(1199),
        PlanType.FINANCING,
        OrderStatus.ACTIVE,
        items,
        apr=money(0),
        term_months=12,
    )
    draft.orders.append(order)
    for seq, (due, amount) in enumerate(_financing_plan(placed, order.total, order.apr, 12), start=1):
        late = seq == 2  # paid 9 days late, so a $7 late fee shows and an agent can demo a waiver
        paid = (due + timedelta(days=9) if late else due) if due < today else None
        inst = _installment(order.id, seq, due, amount, paid, today)
        draft.installments.append(replace(inst, late_fee=money(7)) if late else inst)


# generated customers ------------------------------------------------------------------------------------


def _add_customer(draft: _Draft, rng: random.Random, today: date, n: int) -> None:
    language = sorted(cat.PEOPLE)[n % len(cat.PEOPLE)]  # every language appears once there are 10 customers
    countries, firsts, lasts = cat.PEOPLE[language]
    first, last, country = rng.choice(firsts), rng.choice(lasts), rng.choice(countries)
    customer = Customer(
        id=f"cus_{rng.getrandbits(48):012x}",
        name=f"{first} {last}",
        email=f"{_ascii(first)}.{_ascii(last)}{n}@example.{rng.choice(('com', 'org', 'net'))}",
        # at most 12 digits, so a phone number never looks like a card number to the masker
        phone=f"+{cat.CALLING_CODES[country]} 555 {rng.randint(100, 999)} {rng.randint(100, 999)}",
        country=country,
        language=language,
        status=CustomerStatus.ACTIVE,
        spending_limit=money(rng.choice(cat.SPENDING_LIMITS)),
        card_brand=rng.choice(cat.CARD_BRANDS),
        card_last4=f"{rng.randint(0, 9999):04d}",
    )
    draft.customers.append(customer)
    for _ in range(rng.randint(1, 4)):
        _add_order(draft, rng, today, customer.id)


def _ascii(text: str) -> str:
    """Return text as plain lowercase ASCII letters, for email addresses."""
    folded = unicodedata.normalize("NFKD", text.lower().replace("ł", "l"))
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum())


def _add_order(draft: _Draft, rng: random.Random, today: date, customer_id: str) -> None:
    merchant = rng.choice(sorted(cat.MERCHANTS))
    picks = rng.sample(cat.MERCHANTS[merchant], rng.randint(1, 2))
    items = tuple(
        OrderItem(name, rng.randint(1, 2) if hi < 50 else 1, money(rng.randint(lo, hi)))
        for name, lo, hi in picks
    )
    total = money(sum((i.unit_price * i.quantity for i in items), Decimal(0)))
    plan = _choose_plan(rng, total)
    placed = today - timedelta(days=rng.randint(0, 150))
    order = Order(
        f"ord_{rng.getrandbits(48):012x}",
        customer_id,
        merchant,
        placed,
        "USD",
        total,
        plan,
        OrderStatus.ACTIVE,
        items,
        note=rng.choice(cat.ORDINARY_NOTES),
    )
    if plan is PlanType.FINANCING:
        order = replace(
            order, apr=money(rng.choice(cat.FINANCING_APRS)), term_months=rng.choice(cat.FINANCING_TERMS)
        )
    schedule = _schedule(rng, order, today)
    if all(i.status is InstallmentStatus.PAID for i in schedule):
        order = replace(order, status=OrderStatus.PAID)
    draft.orders.append(order)
    draft.installments.extend(schedule)
    _maybe_refund(draft, rng, order, today)


def _choose_plan(rng: random.Random, total: Decimal) -> PlanType:
    """Pick a plan the help center allows: Pay in 4 from $35, financing from $250."""
    if total < 35:
        return PlanType.PAY_IN_30
    if total >= 250 and rng.random() < 0.4:
        return PlanType.FINANCING
    return rng.choice((PlanType.PAY_IN_4, PlanType.PAY_IN_4, PlanType.PAY_IN_30))


def _schedule(rng: random.Random, order: Order, today: date) -> list[Installment]:
    """Lay out installments; past ones are mostly paid, some missed and charged a capped late fee."""
    plan = _plan_dates(order)
    fees = Decimal("0.00")
    out = []
    for seq, (due, amount) in enumerate(plan, start=1):
        missed = due < today and seq > 1 and rng.random() < 0.12
        paid = None if missed or due >= today else due
        inst = _installment(order.id, seq, due, amount, paid, today)
        if missed and (today - due).days > LATE_FEE_GRACE_DAYS:
            fee = late_fee_due(order.total, fees)
            fees += fee
            inst = replace(inst, late_fee=fee)
        out.append(inst)
    return out


def _plan_dates(order: Order) -> list[tuple[date, Decimal]]:
    if order.plan is PlanType.PAY_IN_4:
        return list(zip(_pay_in_4_dates(order.placed_on), _split(order.total, 4), strict=True))
    if order.plan is PlanType.PAY_IN_30:
        return [(order.placed_on + timedelta(days=30), order.total)]
    return _financing_plan(order.placed_on, order.total, order.apr, order.term_months)


def _pay_in_4_dates(placed: date) -> list[date]:
    return [placed + timedelta(days=14 * k) for k in range(4)]


def _split(total: Decimal, parts: int) -> list[Decimal]:
    """Split total into equal parts in cents; the last part absorbs the rounding."""
    share = (total / parts).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return [share] * (parts - 1) + [total - share * (parts - 1)]


def _financing_plan(placed: date, total: Decimal, apr: Decimal, months: int) -> list[tuple[date, Decimal]]:
    """Return monthly (due date, amount) pairs of an amortised loan (equal payments)."""
    rate = apr / 100 / 12
    if rate == 0:
        amounts = _split(total, months)
    else:
        payment = money(total * rate / (1 - (1 + rate) ** -months))
        amounts = [payment] * months
    return [(placed + timedelta(days=30 * k), amounts[k - 1]) for k in range(1, months + 1)]


def _installment(
    order_id: str, seq: int, due: date, amount: Decimal, paid: date | None, today: date
) -> Installment:
    if paid is not None:
        status = InstallmentStatus.PAID
    else:
        status = InstallmentStatus.OVERDUE if due < today else InstallmentStatus.UPCOMING
    return Installment(order_id, seq, due, amount, status, paid)


def _maybe_refund(draft: _Draft, rng: random.Random, order: Order, today: date) -> None:
    if rng.random() > 0.2:
        return
    item = rng.choice(order.items)
    method = rng.choice(list(RefundMethod))
    status = rng.choice(list(RefundStatus))
    requested = max(order.placed_on, today - timedelta(days=rng.randint(0, 20)))
    expected = None if status is RefundStatus.REJECTED else requested + timedelta(days=_refund_days(method))
    draft.refunds.append(
        Refund(
            f"ref_{rng.getrandbits(48):012x}",
            order.id,
            item.unit_price,
            method,
            status,
            requested,
            expected,
            rng.choice(cat.REFUND_REASONS),
        )
    )


def _refund_days(method: RefundMethod) -> int:
    """Calendar days a refund takes to land, as the help center promises."""
    return {RefundMethod.CARD: 10, RefundMethod.BANK: 5, RefundMethod.GIFT_CARD: 1}[method]


# accounts security and escalation tests rely on ---------------------------------------------------------


def _add_special_cases(draft: _Draft, today: date) -> None:
    generated = draft.customers[1:]
    if len(generated) < 9:  # collections, 3 disputes, 5 notes
        return
    _put_in_collections(draft, generated[0], today)
    _open_dispute(draft, generated[1], DisputeStatus.OPEN)
    _open_dispute(draft, generated[2], DisputeStatus.OPEN)
    _open_dispute(draft, generated[3], DisputeStatus.RESOLVED)
    notes = [*cat.INJECTION_NOTES, cat.CARD_IN_NOTE]
    for customer, note in zip(generated[4:], notes, strict=False):
        _set_note(draft, customer.id, note)


def _put_in_collections(draft: _Draft, customer: Customer, today: date) -> None:
    draft.customers[draft.customers.index(customer)] = replace(customer, status=CustomerStatus.COLLECTIONS)
    placed = today - timedelta(days=100)
    items = (OrderItem("Commuter bike", 1, money(840)),)
    order = Order(
        f"ord_coll_{customer.id[4:]}",
        customer.id,
        "Velo Garage",
        placed,
        "USD",
        money(840),
        PlanType.PAY_IN_4,
        OrderStatus.ACTIVE,
        items,
    )
    draft.orders.append(order)
    fees = Decimal("0.00")
    for seq, due in enumerate(_pay_in_4_dates(placed), start=1):
        inst = _installment(order.id, seq, due, money(210), placed if seq == 1 else None, today)
        if seq > 1:
            fee = late_fee_due(order.total, fees)
            fees += fee
            inst = replace(inst, late_fee=fee)
        draft.installments.append(inst)


def _open_dispute(draft: _Draft, customer: Customer, status: DisputeStatus) -> None:
    idx = next(i for i, o in enumerate(draft.orders) if o.customer_id == customer.id)
    draft.orders[idx] = replace(draft.orders[idx], dispute=status)


def _set_note(draft: _Draft, customer_id: str, note: str) -> None:
    idx = next(i for i, o in enumerate(draft.orders) if o.customer_id == customer_id)
    draft.orders[idx] = replace(draft.orders[idx], note=note)
