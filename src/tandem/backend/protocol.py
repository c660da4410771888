"""The seam an integrator implements to connect Tandem to the company's own account systems.

Rules every implementation keeps (the demo backend and the contract tests check them):

* Every read and action is scoped by ``customer_id``. An order that exists but belongs to someone else raises
  ``NotFound`` with the same message as an order that does not exist, so ids cannot be probed.
* Actions check the policy in :mod:`tandem.backend.policy` from structured fields only and raise
  ``PolicyDenied`` (with the decision's reason and code) when it says no. Free text such as order notes never
  widens or narrows what an actor may do.
* Each action is one transaction and leaves an audit record, also when it is denied.
* Card numbers are never returned or stored in clear: only brand and last four digits.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Protocol, runtime_checkable

from tandem.backend.records import ActionResult, Actor, Customer, Installment, Order, Refund


@runtime_checkable
class AccountBackend(Protocol):
    """Reads and safe actions on customers, orders and payment plans."""

    def today(self) -> date:
        """Return the backend's business date, which due dates are compared against."""
        ...

    def get_customer(self, customer_id: str) -> Customer:
        """Return the customer or raise NotFound."""
        ...

    def find_customer_by_email(self, email: str) -> Customer | None:
        """Return the customer with this email (case-insensitive), or None."""
        ...

    def list_orders(self, customer_id: str) -> list[Order]:
        """Return the customer's orders, newest first; raise NotFound for an unknown customer."""
        ...

    def get_order(self, customer_id: str, order_id: str) -> Order:
        """Return one of the customer's orders or raise NotFound."""
        ...

    def payment_schedule(self, customer_id: str, order_id: str) -> list[Installment]:
        """Return the order's installments in order of sequence."""
        ...

    def refund_status(self, customer_id: str, order_id: str) -> list[Refund]:
        """Return the refunds on the order, oldest first (empty when none)."""
        ...

    def pause_payment(self, customer_id: str, order_id: str, days: int, actor: Actor) -> ActionResult:
        """Postpone every unpaid installment of the order by days, if policy allows."""
        ...

    def change_due_date(self, customer_id: str, order_id: str, days: int, actor: Actor) -> ActionResult:
        """Move the remaining installments days earlier (negative) or later (positive), if policy allows."""
        ...

    def resend_invoice(self, customer_id: str, order_id: str, actor: Actor) -> ActionResult:
        """Email the order's invoice again to the customer's address on file, if policy allows."""
        ...

    def waive_late_fee(self, customer_id: str, order_id: str, actor: Actor) -> ActionResult:
        """Waive the outstanding late fees on the order; human agents only, bounded by tier."""
        ...

    def goodwill_credit(self, customer_id: str, amount: Decimal, actor: Actor) -> ActionResult:
        """Credit the customer's account; human agents only, bounded by tier."""
        ...
