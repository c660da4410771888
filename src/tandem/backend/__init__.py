"""The account backend seam: the protocol integrators implement, the action policy, and the demo backend."""

from tandem.backend.policy import PolicyDecision
from tandem.backend.protocol import AccountBackend
from tandem.backend.records import (
    ActionResult,
    Actor,
    ActorKind,
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

__all__ = [
    "AccountBackend",
    "ActionResult",
    "Actor",
    "ActorKind",
    "Customer",
    "CustomerStatus",
    "PolicyDecision",
    "DisputeStatus",
    "Installment",
    "InstallmentStatus",
    "Order",
    "OrderItem",
    "OrderStatus",
    "PlanType",
    "Refund",
    "RefundMethod",
    "RefundStatus",
]
