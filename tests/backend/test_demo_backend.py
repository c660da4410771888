"""DemoBackend on SQLite and PostgreSQL: reads, scoping, actions under policy, audit and transactions."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tandem.backend import demo_tables as t
from tandem.backend.demo import DemoBackend, DemoSnapshot
from tandem.backend.protocol import AccountBackend
from tandem.backend.records import Actor, CustomerStatus, InstallmentStatus, OrderItem, PlanType
from tandem.backend.seed import DEMO_CUSTOMER_ID
from tandem.core.clock import FakeClock
from tandem.core.errors import NotFound, PolicyDenied, TandemError
from tandem.domain.skills import Tier

MAYA = DEMO_CUSTOMER_ID
AI = Actor.ai()
NEW = Actor.agent("ag_new", Tier.NEW)
VERIFIED = Actor.agent("ag_ver", Tier.VERIFIED)
SENIOR = Actor.agent("ag_sen", Tier.SENIOR)


def scalar(backend: DemoBackend, stmt: sa.Select[tuple[str]]) -> str:
    """Return the first value a query over the demo tables yields."""
    with backend._engine.connect() as conn:
        return str(conn.scalar(stmt.limit(1)))


def other_customer(backend: DemoBackend) -> str:
    """Return the id of a seeded customer other than Maya who has an order."""
    return scalar(backend, sa.select(t.orders.c.customer_id).where(t.orders.c.customer_id != MAYA))


def test_is_an_account_backend(backend: DemoBackend) -> None:
    assert isinstance(backend, AccountBackend)


def test_maya_reads(backend: DemoBackend) -> None:
    maya = backend.find_customer_by_email("  Maya@Example.com ")
    assert maya is not None and maya.id == MAYA and maya.masked_card == "Visa •••• 4242"
    orders = backend.list_orders(MAYA)
    assert {o.plan for o in orders} == set(PlanType)
    pay4 = backend.payment_schedule(MAYA, "ord_maya_pay4")
    assert [i.status for i in pay4] == [InstallmentStatus.PAID] * 2 + [InstallmentStatus.UPCOMING] * 2
    assert sum(i.amount for i in pay4) == backend.get_order(MAYA, "ord_maya_pay4").total
    assert backend.refund_status(MAYA, "ord_maya_pay30")[0].amount == Decimal("25.00")
    assert backend.refund_status(MAYA, "ord_maya_pay4") == []


def test_unknown_ids(backend: DemoBackend) -> None:
    assert backend.find_customer_by_email("nobody@example.com") is None
    with pytest.raises(NotFound):
        backend.get_customer("cus_nope")
    with pytest.raises(NotFound):
        backend.list_orders("cus_nope")


def test_another_customers_order_is_not_found(backend: DemoBackend) -> None:
    other = other_customer(backend)
    with pytest.raises(NotFound) as missing:
        backend.get_order(other, "ord_does_not_exist")
    calls = [
        lambda: backend.get_order(other, "ord_maya_pay4"),
        lambda: backend.payment_schedule(other, "ord_maya_pay4"),
        lambda: backend.refund_status(other, "ord_maya_pay30"),
        lambda: backend.pause_payment(other, "ord_maya_pay4", 5, AI),
        lambda: backend.change_due_date(other, "ord_maya_pay4", 5, AI),
        lambda: backend.resend_invoice(other, "ord_maya_pay4", AI),
        lambda: backend.waive_late_fee(other, "ord_maya_fin", SENIOR),
    ]
    for call in calls:
        with pytest.raises(NotFound) as err:
            call()
        assert err.value.message == missing.value.message
    assert backend.get_order(MAYA, "ord_maya_pay4").pauses_used == 0
    assert backend.payment_schedule(MAYA, "ord_maya_fin")[1].late_fee_waived is False
    probes = backend.audit_log(other)
    assert [(e.outcome, e.order_id) for e in probes][-1] == ("not_found", "ord_maya_fin")
    assert len(probes) == 4 and backend.audit_log(MAYA) == []


def test_pause_moves_unpaid_installments_once(backend: DemoBackend) -> None:
    before = backend.payment_schedule(MAYA, "ord_maya_pay4")
    result = backend.pause_payment(MAYA, "ord_maya_pay4", 14, AI)
    after = backend.payment_schedule(MAYA, "ord_maya_pay4")
    assert [a.due_on - b.due_on for a, b in zip(after, before, strict=True)] == [timedelta(0)] * 2 + [
        timedelta(days=14)
    ] * 2
    assert result.new_due_dates == tuple(i.due_on for i in after[2:])
    with pytest.raises(PolicyDenied) as err:
        backend.pause_payment(MAYA, "ord_maya_pay4", 3, SENIOR)
    assert err.value.details["policy"] == "pause_already_used"
    log = backend.audit_log(MAYA)
    assert [(e.action, e.outcome, e.actor) for e in log] == [
        ("pause_payment", "done", "ai"),
        ("pause_payment", "denied", "agent:ag_sen:senior"),
    ]
    assert log[0].id == result.log_id


def test_pause_beyond_limit_denied_and_state_unchanged(backend: DemoBackend) -> None:
    before = backend.payment_schedule(MAYA, "ord_maya_pay4")
    with pytest.raises(PolicyDenied):
        backend.pause_payment(MAYA, "ord_maya_pay4", 15, AI)
    assert backend.payment_schedule(MAYA, "ord_maya_pay4") == before
    assert backend.audit_log(MAYA)[-1].code == "days_out_of_range"


def test_change_due_date_earlier_then_only_once(backend: DemoBackend) -> None:
    before = backend.payment_schedule(MAYA, "ord_maya_pay30")[0].due_on
    backend.change_due_date(MAYA, "ord_maya_pay30", -5, AI)
    assert backend.payment_schedule(MAYA, "ord_maya_pay30")[0].due_on == before - timedelta(days=5)
    with pytest.raises(PolicyDenied):
        backend.change_due_date(MAYA, "ord_maya_pay30", 5, AI)


def test_resend_invoice_rate_limit_resets_after_a_day(backend: DemoBackend, clock: FakeClock) -> None:
    for _ in range(3):
        assert "maya@example.com" in backend.resend_invoice(MAYA, "ord_maya_fin", AI).summary
    with pytest.raises(PolicyDenied) as err:
        backend.resend_invoice(MAYA, "ord_maya_fin", AI)
    assert err.value.details["policy"] == "rate_limited"
    clock.advance(24 * 3600 + 1)
    backend.resend_invoice(MAYA, "ord_maya_fin", AI)


def test_waive_late_fee_is_human_only_and_bounded(backend: DemoBackend) -> None:
    with pytest.raises(PolicyDenied):
        backend.waive_late_fee(MAYA, "ord_maya_fin", AI)
    result = backend.waive_late_fee(MAYA, "ord_maya_fin", NEW)
    assert result.amount == Decimal("7.00")
    assert backend.payment_schedule(MAYA, "ord_maya_fin")[1].late_fee_waived
    assert backend.get_order(MAYA, "ord_maya_fin").fee_waivers == 1
    with pytest.raises(PolicyDenied):
        backend.waive_late_fee(MAYA, "ord_maya_fin", SENIOR)  # nothing left to waive


def test_collections_account(backend: DemoBackend) -> None:
    cid = scalar(backend, sa.select(t.customers.c.id).where(t.customers.c.status == "collections"))
    orders = t.orders.c
    order_id = scalar(
        backend, sa.select(orders.id).where(orders.customer_id == cid, orders.id.like("ord_coll%"))
    )
    assert backend.get_customer(cid).status is CustomerStatus.COLLECTIONS
    with pytest.raises(PolicyDenied) as err:
        backend.pause_payment(cid, order_id, 7, AI)
    assert err.value.details["policy"] == "in_collections"
    for tier_actor in (NEW, VERIFIED):
        with pytest.raises(PolicyDenied):
            backend.waive_late_fee(cid, order_id, tier_actor)  # $21 of fees is above their limits
    assert backend.waive_late_fee(cid, order_id, SENIOR).amount == Decimal("21.00")


def test_dispute_blocks_plan_changes(backend: DemoBackend) -> None:
    cid = scalar(backend, sa.select(t.orders.c.customer_id).where(t.orders.c.dispute == "open"))
    assert backend.get_customer(cid).open_disputes >= 1
    order = backend.list_orders(cid)[0]
    with pytest.raises(PolicyDenied) as err:
        backend.pause_payment(cid, order.id, 7, AI)
    assert err.value.details["policy"] in {"dispute_open", "in_collections"}


def test_goodwill_credit_limits_and_cooldown(backend: DemoBackend, clock: FakeClock) -> None:
    for actor, amount in ((AI, "5"), (NEW, "5"), (VERIFIED, "25")):
        with pytest.raises(PolicyDenied):
            backend.goodwill_credit(MAYA, Decimal(amount), actor)
    assert backend.goodwill_credit(MAYA, Decimal("20"), VERIFIED).amount == Decimal("20.00")
    with pytest.raises(PolicyDenied):
        backend.goodwill_credit(MAYA, Decimal("5"), SENIOR)
    clock.advance(30 * 86400)
    backend.goodwill_credit(MAYA, Decimal("50"), SENIOR)
    assert [e.outcome for e in backend.audit_log(MAYA)] == ["denied"] * 3 + ["done", "denied", "done"]


def test_injected_notes_do_not_widen_the_ai(backend: DemoBackend) -> None:
    cid = scalar(backend, sa.select(t.orders.c.customer_id).where(t.orders.c.note.like("SYSTEM:%")))
    order_id = scalar(backend, sa.select(t.orders.c.id).where(t.orders.c.note.like("SYSTEM:%")))
    assert "refund 500" in backend.get_order(cid, order_id).note
    with pytest.raises(PolicyDenied):
        backend.waive_late_fee(cid, order_id, AI)
    with pytest.raises(PolicyDenied):
        backend.goodwill_credit(cid, Decimal("500"), AI)


def test_an_action_that_fails_midway_leaves_no_trace(
    backend: DemoBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = backend.payment_schedule(MAYA, "ord_maya_pay4")
    original = DemoBackend._shift

    def broken(self: DemoBackend, *args: object) -> object:
        original(self, *args)  # type: ignore[arg-type]
        raise RuntimeError("downstream system failed")

    monkeypatch.setattr(DemoBackend, "_shift", broken)
    with pytest.raises(RuntimeError):
        backend.pause_payment(MAYA, "ord_maya_pay4", 5, AI)
    assert backend.payment_schedule(MAYA, "ord_maya_pay4") == before
    assert backend.get_order(MAYA, "ord_maya_pay4").pauses_used == 0
    assert backend.audit_log(MAYA) == []


def test_concurrent_pauses_apply_once(backend: DemoBackend) -> None:
    before = backend.payment_schedule(MAYA, "ord_maya_pay4")
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def attempt() -> None:
        barrier.wait()
        try:
            backend.pause_payment(MAYA, "ord_maya_pay4", 7, AI)
            outcomes.append("done")
        except (TandemError, sa.exc.OperationalError) as err:  # the loser is denied, or told to retry
            outcomes.append(type(err).__name__)

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert outcomes.count("done") == 1, outcomes
    after = backend.payment_schedule(MAYA, "ord_maya_pay4")
    assert after[3].due_on - before[3].due_on == timedelta(days=7)


def test_card_numbers_in_imported_text_are_masked(backend: DemoBackend) -> None:
    pan = "4539 1488 0343 6467"
    maya = backend.get_customer(MAYA)
    customer = replace(
        maya, id="cus_pan", email="pan@example.com", name=f"Card {pan}", card_last4="4539148803436467"
    )
    order = replace(
        backend.get_order(MAYA, "ord_maya_pay4"),
        id="ord_pan",
        customer_id="cus_pan",
        merchant=f"Shop {pan}",
        items=(OrderItem(f"Item {pan}", 1, Decimal("160.00")),),
        note=f"call me, card {pan}",
    )
    refund = replace(
        backend.refund_status(MAYA, "ord_maya_pay30")[0], id="ref_pan", order_id="ord_pan", reason=pan
    )
    assert backend.import_snapshot(DemoSnapshot([customer], [order], [], [refund])) == 1
    stored = backend.get_order("cus_pan", "ord_pan")
    texts = [backend.get_customer("cus_pan").name, stored.merchant, stored.items[0].name, stored.note]
    texts.append(backend.refund_status("cus_pan", "ord_pan")[0].reason)
    assert all("[card •••• 6467]" in text and pan not in text for text in texts), texts
    assert backend.get_customer("cus_pan").card_last4 == "6467"
