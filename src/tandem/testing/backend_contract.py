"""Contract checks any AccountBackend can run: the rules of `tandem.backend.protocol`, tried on real calls.

For an integrator: point it at your backend (a `module:factory` one, or your API through the built-in HTTP
backend) with a few ids from your test data, and every broken rule is reported at once:

    from tandem.testing.backend_contract import ContractData, check_backend

    def test_my_backend_keeps_the_contract():
        problems = check_backend(make_my_backend(), ContractData(
            customer_id="c-1", email="ana@example.com", order_id="o-1", other_customers_order_id="o-9"))
        assert problems == []

`order_id` must be an active plan of `customer_id` with an unpaid installment to come; with `actions=True` (the
default) one 1-day pause is made on it, so use a test account.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from tandem.backend.protocol import AccountBackend
from tandem.backend.records import ActionResult, Actor, Customer, Installment, Order, Refund
from tandem.core.errors import NotFound, PolicyDenied, TandemError
from tandem.domain.skills import Tier


@dataclass(frozen=True)
class ContractData:
    """Ids from the backend's test data that the checks use."""

    customer_id: str
    email: str
    order_id: str  # the customer's, active, with an unpaid installment due today or later
    other_customers_order_id: str  # an order that exists but belongs to someone else
    unknown_id: str = "no-such-id-7f3a"
    actions: bool = True  # also make one allowed action (a 1-day pause of order_id)


class _Report:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def check(self, ok: bool, rule: str) -> None:
        if not ok:
            self.problems.append(rule)

    def raises(self, kind: type[TandemError], call: Callable[[], Any], rule: str) -> TandemError | None:
        try:
            call()
        except kind as exc:
            return exc
        except Exception as exc:  # the wrong error is a broken rule too
            self.problems.append(f"{rule} (raised {type(exc).__name__}: {exc})")
            return None
        self.problems.append(f"{rule} (nothing was raised)")
        return None


def check_backend(backend: AccountBackend, data: ContractData) -> list[str]:
    """Run every contract check; return the broken rules, one line each (empty: the backend keeps the contract)."""
    r = _Report()
    r.check(isinstance(backend, AccountBackend), "implements every AccountBackend method")
    r.check(isinstance(backend.today(), date), "today() returns a date")
    _customers(r, backend, data)
    _orders(r, backend, data)
    _policy(r, backend, data)
    if data.actions:
        result = backend.pause_payment(data.customer_id, data.order_id, 1, Actor.ai())
        r.check(isinstance(result, ActionResult) and result.customer_id == data.customer_id
                and result.order_id == data.order_id, "an allowed action returns its ActionResult for that order")
    return r.problems


def _customers(r: _Report, backend: AccountBackend, data: ContractData) -> None:
    customer = backend.get_customer(data.customer_id)
    r.check(isinstance(customer, Customer) and customer.id == data.customer_id, "get_customer returns that customer")
    r.check(bool(re.fullmatch(r"\d{4}", customer.card_last4)), "a customer carries the last four card digits only")
    r.raises(NotFound, lambda: backend.get_customer(data.unknown_id), "an unknown customer raises NotFound")
    found = backend.find_customer_by_email(data.email.upper())
    r.check(found is not None and found.id == data.customer_id, "find_customer_by_email ignores case")
    r.check(backend.find_customer_by_email("nobody-" + data.email) is None,
            "find_customer_by_email returns None for an unknown address")


def _orders(r: _Report, backend: AccountBackend, data: ContractData) -> None:
    orders = backend.list_orders(data.customer_id)
    r.check(all(isinstance(o, Order) and o.customer_id == data.customer_id for o in orders),
            "list_orders returns only the customer's orders")
    r.check([o.placed_on for o in orders] == sorted((o.placed_on for o in orders), reverse=True),
            "list_orders is newest first")
    r.check(data.order_id in {o.id for o in orders}, "list_orders includes order_id")
    r.raises(NotFound, lambda: backend.list_orders(data.unknown_id), "list_orders of an unknown customer: NotFound")
    order = backend.get_order(data.customer_id, data.order_id)
    r.check(order.id == data.order_id and order.customer_id == data.customer_id, "get_order returns that order")
    theirs = r.raises(NotFound, lambda: backend.get_order(data.customer_id, data.other_customers_order_id),
                      "someone else's order raises NotFound")
    missing = r.raises(NotFound, lambda: backend.get_order(data.customer_id, data.unknown_id),
                       "an unknown order raises NotFound")
    if theirs is not None and missing is not None:
        r.check(str(theirs) == str(missing), "someone else's order and an unknown one raise the same message")
    schedule = backend.payment_schedule(data.customer_id, data.order_id)
    r.check(all(isinstance(i, Installment) and i.order_id == data.order_id for i in schedule),
            "payment_schedule returns the order's installments")
    r.check([i.seq for i in schedule] == sorted(i.seq for i in schedule), "payment_schedule is in sequence order")
    r.raises(NotFound, lambda: backend.payment_schedule(data.customer_id, data.other_customers_order_id),
             "someone else's schedule raises NotFound")
    refunds = backend.refund_status(data.customer_id, data.order_id)
    r.check(all(isinstance(x, Refund) and x.order_id == data.order_id for x in refunds),
            "refund_status returns the order's refunds")


def _policy(r: _Report, backend: AccountBackend, data: ContractData) -> None:
    c, o = data.customer_id, data.order_id
    for days, rule in ((0, "a pause of 0 days"), (366, "a pause of 366 days")):
        denied = r.raises(PolicyDenied, lambda d=days: backend.pause_payment(c, o, d, Actor.ai()),  # type: ignore[misc]
                          f"{rule} is refused with PolicyDenied")
        if denied is not None:
            r.check(denied.details.get("policy") == "days_out_of_range", f"{rule} is refused as days_out_of_range")
    ai_waiver = r.raises(PolicyDenied, lambda: backend.waive_late_fee(c, o, Actor.ai()),
                         "the assistant cannot waive a late fee")
    if ai_waiver is not None:
        r.check(ai_waiver.details.get("policy") == "human_only", "an AI waiver is refused as human_only")
    r.raises(PolicyDenied, lambda: backend.goodwill_credit(c, Decimal("5.00"), Actor.ai()),
             "the assistant cannot give a goodwill credit")
    r.raises(PolicyDenied, lambda: backend.goodwill_credit(c, Decimal("5000.00"), Actor.agent("ag_contract",
                                                                                              Tier.SENIOR)),
             "a credit beyond every tier's limit is refused")
