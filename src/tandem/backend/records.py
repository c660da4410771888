"""Records an account backend returns: frozen, with money as Decimal and no card number in clear."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from tandem.domain.skills import Tier


class CustomerStatus(StrEnum):
    ACTIVE = "active"
    COLLECTIONS = "collections"
    CLOSED = "closed"


class PlanType(StrEnum):
    PAY_IN_4 = "pay_in_4"
    PAY_IN_30 = "pay_in_30"
    FINANCING = "financing"


class OrderStatus(StrEnum):
    ACTIVE = "active"
    PAID = "paid"
    REFUNDED = "refunded"
    CANCELLED = "cancelled"


class DisputeStatus(StrEnum):
    NONE = "none"
    OPEN = "open"
    RESOLVED = "resolved"


class InstallmentStatus(StrEnum):
    PAID = "paid"
    UPCOMING = "upcoming"
    OVERDUE = "overdue"


class RefundStatus(StrEnum):
    REQUESTED = "requested"
    PROCESSING = "processing"
    COMPLETED = "completed"
    REJECTED = "rejected"


class RefundMethod(StrEnum):
    CARD = "card"
    BANK = "bank"
    GIFT_CARD = "gift_card"


class ActorKind(StrEnum):
    AI = "ai"
    AGENT = "agent"


@dataclass(frozen=True)
class Actor:
    """Who performs an action: the AI assistant, or a human agent with a tier."""

    kind: ActorKind
    agent_id: str | None = None
    tier: Tier | None = None

    def __post_init__(self) -> None:
        if self.kind is ActorKind.AI and (self.agent_id or self.tier is not None):
            raise ValueError("the AI actor has no agent id or tier")
        if self.kind is ActorKind.AGENT and (not self.agent_id or self.tier is None):
            raise ValueError("a human agent needs an id and a tier")

    @classmethod
    def ai(cls) -> Actor:
        """Return the AI assistant as an actor."""
        return cls(ActorKind.AI)

    @classmethod
    def agent(cls, agent_id: str, tier: Tier) -> Actor:
        """Return a human agent of the given tier as an actor."""
        return cls(ActorKind.AGENT, agent_id, tier)

    @property
    def is_human(self) -> bool:
        return self.kind is ActorKind.AGENT

    @property
    def label(self) -> str:
        """Return a short audit label such as 'ai' or 'agent:ag_7:senior'."""
        if self.tier is None:
            return self.kind.value
        return f"{self.kind.value}:{self.agent_id}:{self.tier.name.lower()}"


@dataclass(frozen=True)
class Customer:
    id: str
    name: str
    email: str
    phone: str
    country: str
    language: str
    status: CustomerStatus
    spending_limit: Decimal
    card_brand: str
    card_last4: str
    open_disputes: int = 0

    @property
    def masked_card(self) -> str:
        return f"{self.card_brand} •••• {self.card_last4}"


@dataclass(frozen=True)
class OrderItem:
    name: str
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class Order:
    """One purchase and its payment plan; the note is free text and never drives a decision."""

    id: str
    customer_id: str
    merchant: str
    placed_on: date
    currency: str
    total: Decimal
    plan: PlanType
    status: OrderStatus
    items: tuple[OrderItem, ...] = ()
    apr: Decimal = Decimal("0")
    term_months: int = 0
    dispute: DisputeStatus = DisputeStatus.NONE
    pauses_used: int = 0
    due_date_changes_used: int = 0
    fee_waivers: int = 0
    note: str = ""


@dataclass(frozen=True)
class Installment:
    order_id: str
    seq: int
    due_on: date
    amount: Decimal
    status: InstallmentStatus
    paid_on: date | None = None
    late_fee: Decimal = Decimal("0.00")
    late_fee_waived: bool = False

    @property
    def fee_outstanding(self) -> Decimal:
        """Return the late fee still owed on this installment."""
        return Decimal("0.00") if self.late_fee_waived else self.late_fee


@dataclass(frozen=True)
class Refund:
    id: str
    order_id: str
    amount: Decimal
    method: RefundMethod
    status: RefundStatus
    requested_on: date
    expected_by: date | None
    reason: str = ""


@dataclass(frozen=True)
class ActionResult:
    """What an action did, for the customer and for the audit log."""

    action: str
    customer_id: str
    order_id: str | None
    actor: str
    summary: str
    log_id: int
    amount: Decimal | None = None
    new_due_dates: tuple[date, ...] = ()
