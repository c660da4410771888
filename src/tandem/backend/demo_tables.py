"""Tables of the demo company's own system (prefix demo_); money is stored in integer cents."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

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
from tandem.core.masking import mask_cards
from tandem.core.money import from_cents, money, to_cents

metadata = MetaData()

customers = Table(
    "demo_customers",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name", String(120), nullable=False),
    Column("email", String(254), nullable=False, unique=True),
    Column("phone", String(40), nullable=False),
    Column("country", String(2), nullable=False),
    Column("language", String(5), nullable=False),
    Column("status", String(16), nullable=False),
    Column("spending_limit_cents", BigInteger, nullable=False),
    Column("card_brand", String(20), nullable=False),
    Column("card_last4", String(4), nullable=False),
    Column("credits_given", Integer, nullable=False, default=0),
)

orders = Table(
    "demo_orders",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("customer_id", String(40), ForeignKey("demo_customers.id"), nullable=False, index=True),
    Column("merchant", String(120), nullable=False),
    Column("placed_on", Date, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("total_cents", BigInteger, nullable=False),
    Column("plan", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("apr_bp", Integer, nullable=False, default=0),
    Column("term_months", Integer, nullable=False, default=0),
    Column("dispute", String(16), nullable=False, default="none"),
    Column("pauses_used", Integer, nullable=False, default=0),
    Column("due_date_changes_used", Integer, nullable=False, default=0),
    Column("fee_waivers", Integer, nullable=False, default=0),
    Column("note", Text, nullable=False, default=""),
)

order_items = Table(
    "demo_order_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_id", String(40), ForeignKey("demo_orders.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price_cents", BigInteger, nullable=False),
)

installments = Table(
    "demo_installments",
    metadata,
    Column("order_id", String(40), ForeignKey("demo_orders.id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("due_on", Date, nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("paid_on", Date, nullable=True),
    Column("late_fee_cents", BigInteger, nullable=False, default=0),
    Column("late_fee_waived", Boolean, nullable=False, default=False),
)

refunds = Table(
    "demo_refunds",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("order_id", String(40), ForeignKey("demo_orders.id"), nullable=False, index=True),
    Column("amount_cents", BigInteger, nullable=False),
    Column("method", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("requested_on", Date, nullable=False),
    Column("expected_by", Date, nullable=True),
    Column("reason", Text, nullable=False, default=""),
)

credits = Table(
    "demo_credits",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("customer_id", String(40), ForeignKey("demo_customers.id"), nullable=False, index=True),
    Column("amount_cents", BigInteger, nullable=False),
    Column("given_on", Date, nullable=False),
    Column("actor", String(80), nullable=False),
)

action_log = Table(
    "demo_action_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("customer_id", String(40), nullable=False),
    Column("order_id", String(40), nullable=True),
    Column("action", String(40), nullable=False),
    Column("actor", String(80), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("code", String(40), nullable=False),
    Column("detail", Text, nullable=False),
)
Index("ix_demo_action_log_order_action", action_log.c.order_id, action_log.c.action)


def cents(amount: Decimal) -> int:
    """A money amount as integer cents, rounded to the cent first (the demo's stored amounts)."""
    return to_cents(money(amount))


def aware(moment: datetime) -> datetime:
    """Return moment with UTC attached when the driver dropped the zone (SQLite)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def customer_from_row(row: Any, open_disputes: int) -> Customer:
    """Build a Customer record from a demo_customers row."""
    return Customer(
        id=row.id,
        name=row.name,
        email=row.email,
        phone=row.phone,
        country=row.country,
        language=row.language,
        status=CustomerStatus(row.status),
        spending_limit=from_cents(row.spending_limit_cents),
        card_brand=row.card_brand,
        card_last4=row.card_last4,
        open_disputes=open_disputes,
    )


def item_from_row(row: Any) -> OrderItem:
    """Build an OrderItem record from a demo_order_items row."""
    return OrderItem(name=row.name, quantity=row.quantity, unit_price=from_cents(row.unit_price_cents))


def order_from_row(row: Any, items: tuple[OrderItem, ...]) -> Order:
    """Build an Order record from a demo_orders row and its items."""
    return Order(
        id=row.id,
        customer_id=row.customer_id,
        merchant=row.merchant,
        placed_on=row.placed_on,
        currency=row.currency,
        total=from_cents(row.total_cents),
        plan=PlanType(row.plan),
        status=OrderStatus(row.status),
        items=items,
        apr=money(Decimal(row.apr_bp) / 100),
        term_months=row.term_months,
        dispute=DisputeStatus(row.dispute),
        pauses_used=row.pauses_used,
        due_date_changes_used=row.due_date_changes_used,
        fee_waivers=row.fee_waivers,
        note=row.note,
    )


def installment_status(due_on: date, paid_on: date | None, today: date) -> InstallmentStatus:
    """Derive an installment's status from its dates, so stored data never goes stale."""
    if paid_on is not None:
        return InstallmentStatus.PAID
    return InstallmentStatus.OVERDUE if due_on < today else InstallmentStatus.UPCOMING


def installment_from_row(row: Any, today: date) -> Installment:
    """Build an Installment record from a demo_installments row."""
    return Installment(
        order_id=row.order_id,
        seq=row.seq,
        due_on=row.due_on,
        amount=from_cents(row.amount_cents),
        status=installment_status(row.due_on, row.paid_on, today),
        paid_on=row.paid_on,
        late_fee=from_cents(row.late_fee_cents),
        late_fee_waived=bool(row.late_fee_waived),
    )


def refund_from_row(row: Any) -> Refund:
    """Build a Refund record from a demo_refunds row."""
    return Refund(
        id=row.id,
        order_id=row.order_id,
        amount=from_cents(row.amount_cents),
        method=RefundMethod(row.method),
        status=RefundStatus(row.status),
        requested_on=row.requested_on,
        expected_by=row.expected_by,
        reason=row.reason,
    )


def customer_row(c: Customer) -> dict[str, object]:
    """Return the table row for a record; free text is card-masked."""
    return {
        "id": c.id,
        "name": mask_cards(c.name),
        "email": c.email.strip().lower(),
        "phone": c.phone,
        "country": c.country,
        "language": c.language,
        "status": c.status.value,
        "spending_limit_cents": cents(c.spending_limit),
        "card_brand": c.card_brand,
        "card_last4": c.card_last4[-4:],
        "credits_given": 0,
    }


def order_row(o: Order) -> dict[str, object]:
    """Return the table row for a record; free text is card-masked."""
    return {
        "id": o.id,
        "customer_id": o.customer_id,
        "merchant": mask_cards(o.merchant),
        "placed_on": o.placed_on,
        "currency": o.currency,
        "total_cents": cents(o.total),
        "plan": o.plan.value,
        "status": o.status.value,
        "apr_bp": int(o.apr * 100),
        "term_months": o.term_months,
        "dispute": o.dispute.value,
        "pauses_used": o.pauses_used,
        "due_date_changes_used": o.due_date_changes_used,
        "fee_waivers": o.fee_waivers,
        "note": mask_cards(o.note),
    }


def item_rows(o: Order) -> list[dict[str, object]]:
    """Return the item rows of an order."""
    return [
        {
            "order_id": o.id,
            "position": n,
            "name": mask_cards(i.name),
            "quantity": i.quantity,
            "unit_price_cents": cents(i.unit_price),
        }
        for n, i in enumerate(o.items)
    ]


def installment_row(i: Installment) -> dict[str, object]:
    """Return the table row for a record; free text is card-masked."""
    return {
        "order_id": i.order_id,
        "seq": i.seq,
        "due_on": i.due_on,
        "amount_cents": cents(i.amount),
        "paid_on": i.paid_on,
        "late_fee_cents": cents(i.late_fee),
        "late_fee_waived": i.late_fee_waived,
    }


def refund_row(r: Refund) -> dict[str, object]:
    """Return the table row for a record; free text is card-masked."""
    return {
        "id": r.id,
        "order_id": r.order_id,
        "amount_cents": cents(r.amount),
        "method": r.method.value,
        "status": r.status.value,
        "requested_on": r.requested_on,
        "expected_by": r.expected_by,
        "reason": mask_cards(r.reason),
    }
