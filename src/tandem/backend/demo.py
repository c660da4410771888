"""DemoBackend: the demo company's account system on SQLAlchemy (SQLite or PostgreSQL), in demo_ tables.

It stands in for an integrator's external system, so its tables live in their own MetaData, created with
create_all, outside Tandem's migrations. Every action is one transaction and leaves a demo_action_log row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Connection, Engine, Table, func, insert, select, update

from tandem.backend import demo_tables as t
from tandem.backend import policy
from tandem.backend.policy import PolicyDecision
from tandem.backend.records import (
    ActionResult,
    Actor,
    Customer,
    DisputeStatus,
    Installment,
    Order,
    OrderItem,
    Refund,
)
from tandem.core.clock import Clock, SystemClock, utc
from tandem.core.errors import Conflict, NotFound
from tandem.core.masking import mask_cards
from tandem.core.money import money
from tandem.core.settings import ActionPolicy

_ORDER_NOT_FOUND = "order not found"


@dataclass(frozen=True)
class AuditEntry:
    """One row of the demo action log."""

    id: int
    at: datetime
    customer_id: str
    order_id: str | None
    action: str
    actor: str
    outcome: str
    code: str
    detail: str


@dataclass(frozen=True)
class DemoSnapshot:
    """Records to import in one go (used by the seeder)."""

    customers: Sequence[Customer]
    orders: Sequence[Order]
    installments: Sequence[Installment]
    refunds: Sequence[Refund] = ()


@dataclass(frozen=True)
class _Outcome:
    summary: str
    amount: Decimal | None = None
    new_due_dates: tuple[date, ...] = ()


@dataclass(frozen=True)
class _Scope:
    customer: Customer
    order: Order | None = None
    schedule: tuple[Installment, ...] = field(default_factory=tuple)


class DemoBackend:
    """An AccountBackend over the demo_ tables."""

    def __init__(self, engine: Engine, clock: Clock | None = None,
                 limits: ActionPolicy = policy.DEFAULT_LIMITS) -> None:
        self._engine = engine
        self._clock = clock or SystemClock()
        self._limits = limits  # the company's [policy] section
        t.metadata.create_all(engine)

    def now(self) -> datetime:
        """Return the current moment in UTC."""
        return utc(self._clock.now())

    def today(self) -> date:
        """Return the business date in UTC."""
        return self.now().date()

    # reads -------------------------------------------------------------------------------------------------

    def get_customer(self, customer_id: str) -> Customer:
        """Return the customer or raise NotFound."""
        with self._engine.connect() as conn:
            return self._customer(conn, customer_id)

    def find_customer_by_email(self, email: str) -> Customer | None:
        """Return the customer with this email (case-insensitive), or None."""
        with self._engine.connect() as conn:
            row_id = conn.scalar(select(t.customers.c.id).where(t.customers.c.email == email.strip().lower()))
            return self._customer(conn, row_id) if row_id else None

    def list_orders(self, customer_id: str) -> list[Order]:
        """Return the customer's orders, newest first."""
        with self._engine.connect() as conn:
            self._customer(conn, customer_id)
            query = select(t.orders).where(t.orders.c.customer_id == customer_id)
            rows = conn.execute(query.order_by(t.orders.c.placed_on.desc(), t.orders.c.id)).all()
            items = self._items(conn, [r.id for r in rows])
            return [t.order_from_row(r, items.get(r.id, ())) for r in rows]

    def get_order(self, customer_id: str, order_id: str) -> Order:
        """Return one of the customer's orders or raise NotFound."""
        with self._engine.connect() as conn:
            return self._order(conn, customer_id, order_id)

    def payment_schedule(self, customer_id: str, order_id: str) -> list[Installment]:
        """Return the order's installments in sequence."""
        with self._engine.connect() as conn:
            self._order(conn, customer_id, order_id)
            return list(self._schedule(conn, order_id))

    def refund_status(self, customer_id: str, order_id: str) -> list[Refund]:
        """Return the refunds on the order, oldest first."""
        with self._engine.connect() as conn:
            self._order(conn, customer_id, order_id)
            query = select(t.refunds).where(t.refunds.c.order_id == order_id)
            rows = conn.execute(query.order_by(t.refunds.c.requested_on, t.refunds.c.id)).all()
            return [t.refund_from_row(r) for r in rows]

    def audit_log(self, customer_id: str) -> list[AuditEntry]:
        """Return the customer's action log, oldest first."""
        with self._engine.connect() as conn:
            query = select(t.action_log).where(t.action_log.c.customer_id == customer_id)
            rows = conn.execute(query.order_by(t.action_log.c.id)).all()
        return [AuditEntry(**{**r._asdict(), "at": t.aware(r.at)}) for r in rows]

    def erase_customer_log(self, customer_id: str, pseudonym: str) -> int:
        """Erasure (GDPR art. 17): the customer's action-log rows keep what was done and when, under a pseudonym,
        without the order or the summary text; return how many rows. The account itself is the company's record."""
        with self._engine.begin() as conn:
            result = conn.execute(update(t.action_log).where(t.action_log.c.customer_id == customer_id)
                                  .values(customer_id=pseudonym[:40], order_id=None,
                                          detail="[erased at the customer's request]"))
            return int(result.rowcount)

    # actions -----------------------------------------------------------------------------------------------

    def pause_payment(self, customer_id: str, order_id: str, days: int, actor: Actor) -> ActionResult:
        """Postpone every unpaid installment of the order by days, if policy allows."""

        def decide(s: _Scope) -> PolicyDecision:
            assert s.order is not None
            return policy.check_pause(actor, s.customer, s.order, s.schedule, days, self.today(), self._limits)

        def apply(conn: Connection, s: _Scope) -> _Outcome:
            dates = self._shift(conn, s, days, "pauses_used")
            return _Outcome(f"Paused {days} days; next payment now due {dates[0]}.", new_due_dates=dates)

        return self._act("pause_payment", actor, customer_id, order_id, decide, apply)

    def change_due_date(self, customer_id: str, order_id: str, days: int, actor: Actor) -> ActionResult:
        """Move the remaining installments by days (negative = earlier), if policy allows."""

        def decide(s: _Scope) -> PolicyDecision:
            assert s.order is not None
            return policy.check_due_date_change(actor, s.customer, s.order, s.schedule, days, self.today(),
                                                self._limits)

        def apply(conn: Connection, s: _Scope) -> _Outcome:
            dates = self._shift(conn, s, days, "due_date_changes_used")
            return _Outcome(
                f"Moved due dates {days:+d} days; next payment due {dates[0]}.", new_due_dates=dates
            )

        return self._act("change_due_date", actor, customer_id, order_id, decide, apply)

    def resend_invoice(self, customer_id: str, order_id: str, actor: Actor) -> ActionResult:
        """Email the invoice again to the address on file, if policy allows."""
        sent: list[datetime] = []

        def decide(s: _Scope) -> PolicyDecision:
            assert s.order is not None
            return policy.check_resend_invoice(actor, s.customer, s.order, sent, self.now(), self._limits)

        def apply(conn: Connection, s: _Scope) -> _Outcome:
            return _Outcome(f"Invoice for {order_id} sent to {s.customer.email}.")

        def load(conn: Connection) -> _Scope:
            scope = self._scope(conn, customer_id, order_id)
            sent.extend(self._recent(conn, order_id, "resend_invoice", self.now() - timedelta(hours=24)))
            return scope

        return self._act("resend_invoice", actor, customer_id, order_id, decide, apply, load)

    def waive_late_fee(self, customer_id: str, order_id: str, actor: Actor) -> ActionResult:
        """Waive the order's outstanding late fees; human agents only, bounded by tier."""

        def decide(s: _Scope) -> PolicyDecision:
            assert s.order is not None
            return policy.check_waive_late_fee(actor, s.customer, s.order, s.schedule, self._limits)

        def apply(conn: Connection, s: _Scope) -> _Outcome:
            assert s.order is not None
            amount = policy.outstanding_late_fees(s.schedule)
            self._bump(conn, t.orders, order_id, "fee_waivers", s.order.fee_waivers)
            fees = (t.installments.c.order_id == order_id) & (t.installments.c.late_fee_cents > 0)
            conn.execute(update(t.installments).where(fees).values(late_fee_waived=True))
            return _Outcome(f"Waived ${amount} of late fees.", amount=amount)

        return self._act("waive_late_fee", actor, customer_id, order_id, decide, apply)

    def goodwill_credit(self, customer_id: str, amount: Decimal, actor: Actor) -> ActionResult:
        """Credit the customer's account; human agents only, bounded by tier."""
        given: list[date] = []

        def decide(s: _Scope) -> PolicyDecision:
            return policy.check_goodwill_credit(actor, s.customer, amount, given, self.today(), self._limits)

        def apply(conn: Connection, s: _Scope) -> _Outcome:
            row = conn.execute(
                select(t.customers.c.credits_given).where(t.customers.c.id == customer_id)
            ).one()
            self._bump(conn, t.customers, customer_id, "credits_given", row.credits_given)
            values = {"customer_id": customer_id, "amount_cents": t.cents(amount), "given_on": self.today()}
            conn.execute(insert(t.credits).values(**values, actor=actor.label))
            return _Outcome(f"Credited ${money(amount)} to the account.", amount=money(amount))

        def load(conn: Connection) -> _Scope:
            scope = _Scope(self._customer(conn, customer_id, lock=True))
            query = select(t.credits.c.given_on).where(t.credits.c.customer_id == customer_id)
            given.extend(conn.scalars(query).all())
            return scope

        return self._act("goodwill_credit", actor, customer_id, None, decide, apply, load)

    # seeding -----------------------------------------------------------------------------------------------

    def has_customer(self, customer_id: str) -> bool:
        """Return True when the customer exists."""
        with self._engine.connect() as conn:
            return conn.scalar(select(t.customers.c.id).where(t.customers.c.id == customer_id)) is not None

    def import_snapshot(self, snapshot: DemoSnapshot) -> int:
        """Insert customers not yet present, with their orders; return how many customers were added."""
        with self._engine.begin() as conn:
            ids = [c.id for c in snapshot.customers]
            present = set(conn.scalars(select(t.customers.c.id).where(t.customers.c.id.in_(ids))).all())
            fresh = [c for c in snapshot.customers if c.id not in present]
            if not fresh:
                return 0
            owners = {c.id for c in fresh}
            orders = [o for o in snapshot.orders if o.customer_id in owners]
            order_ids = {o.id for o in orders}
            conn.execute(insert(t.customers), [t.customer_row(c) for c in fresh])
            conn.execute(insert(t.orders), [t.order_row(o) for o in orders])
            _insert_many(conn, t.order_items, [r for o in orders for r in t.item_rows(o)])
            _insert_many(
                conn,
                t.installments,
                [t.installment_row(i) for i in snapshot.installments if i.order_id in order_ids],
            )
            _insert_many(
                conn, t.refunds, [t.refund_row(r) for r in snapshot.refunds if r.order_id in order_ids]
            )
            return len(fresh)

    # internals ---------------------------------------------------------------------------------------------

    def _act(
        self,
        action: str,
        actor: Actor,
        customer_id: str,
        order_id: str | None,
        decide: Callable[[_Scope], PolicyDecision],
        apply: Callable[[Connection, _Scope], _Outcome],
        load: Callable[[Connection], _Scope] | None = None,
    ) -> ActionResult:
        """Load under lock, decide by policy, apply if allowed, and log either way, in one transaction."""
        try:
            with self._engine.begin() as conn:
                scope = load(conn) if load else self._scope(conn, customer_id, order_id or "")
                decision = decide(scope)
                outcome = apply(conn, scope) if decision.allowed else _Outcome(decision.reason)
                log_id = self._log(conn, action, actor, customer_id, order_id, decision, outcome.summary)
        except NotFound as err:
            self._log_probe(action, actor, customer_id, order_id, err)
            raise
        decision.enforce()
        return ActionResult(
            action,
            customer_id,
            order_id,
            actor.label,
            mask_cards(outcome.summary),
            log_id,
            outcome.amount,
            outcome.new_due_dates,
        )

    def _log(
        self,
        conn: Connection,
        action: str,
        actor: Actor,
        customer_id: str,
        order_id: str | None,
        decision: PolicyDecision,
        summary: str,
    ) -> int:
        outcome = "done" if decision.allowed else ("not_found" if decision.code == "not_found" else "denied")
        values = {
            "at": self.now(),
            "customer_id": customer_id,
            "order_id": order_id,
            "action": action,
            "actor": actor.label,
            "outcome": outcome,
            "code": decision.code,
            "detail": mask_cards(summary),
        }
        key = conn.execute(insert(t.action_log).values(**values)).inserted_primary_key
        assert key is not None
        return int(key[0])

    def _log_probe(
        self, action: str, actor: Actor, customer_id: str, order_id: str | None, err: NotFound
    ) -> None:
        """Record an action on an unknown or foreign order in its own transaction: it may be a probe."""
        with self._engine.begin() as conn:
            self._log(
                conn,
                action,
                actor,
                customer_id,
                order_id,
                PolicyDecision(False, "not_found", err.message),
                err.message,
            )

    def _shift(self, conn: Connection, s: _Scope, days: int, counter: str) -> tuple[date, ...]:
        """Move every unpaid installment by days and count the change on the order."""
        assert s.order is not None
        self._bump(conn, t.orders, s.order.id, counter, getattr(s.order, counter))
        moved = []
        for inst in s.schedule:
            if inst.paid_on is None:
                new_due = inst.due_on + timedelta(days=days)
                key = (t.installments.c.order_id == inst.order_id) & (t.installments.c.seq == inst.seq)
                conn.execute(update(t.installments).where(key).values(due_on=new_due))
                moved.append(new_due)
        return tuple(sorted(moved))

    def _bump(self, conn: Connection, table: Table, row_id: str, column: str, seen: int) -> None:
        """Increment a counter only if nobody else did meanwhile (guards once-only rules on SQLite too)."""
        key = (table.c.id == row_id) & (table.c[column] == seen)
        if conn.execute(update(table).where(key).values({column: seen + 1})).rowcount != 1:
            raise Conflict("the account changed meanwhile; please try again", counter=column)

    def _recent(self, conn: Connection, order_id: str, action: str, since: datetime) -> list[datetime]:
        log = t.action_log
        query = select(log.c.at).where(
            log.c.order_id == order_id, log.c.action == action, log.c.outcome == "done"
        )
        return [t.aware(at) for at in conn.scalars(query).all() if t.aware(at) >= since]

    def _scope(self, conn: Connection, customer_id: str, order_id: str) -> _Scope:
        customer = self._customer(conn, customer_id)
        order = self._order(conn, customer_id, order_id, lock=True)
        return _Scope(customer, order, self._schedule(conn, order_id))

    def _customer(self, conn: Connection, customer_id: str, lock: bool = False) -> Customer:
        query = select(t.customers).where(t.customers.c.id == customer_id)
        row = conn.execute(query.with_for_update() if lock else query).one_or_none()
        if row is None:
            raise NotFound("customer not found")
        disputes = (
            select(func.count())
            .select_from(t.orders)
            .where(t.orders.c.customer_id == customer_id, t.orders.c.dispute == DisputeStatus.OPEN.value)
        )
        return t.customer_from_row(row, int(conn.scalar(disputes) or 0))

    def _order(self, conn: Connection, customer_id: str, order_id: str, lock: bool = False) -> Order:
        # the owner is part of the key, so another customer's order is indistinguishable from a missing one
        query = select(t.orders).where(t.orders.c.id == order_id, t.orders.c.customer_id == customer_id)
        row = conn.execute(query.with_for_update() if lock else query).one_or_none()
        if row is None:
            raise NotFound(_ORDER_NOT_FOUND)
        return t.order_from_row(row, self._items(conn, [order_id]).get(order_id, ()))

    def _items(self, conn: Connection, order_ids: list[str]) -> dict[str, tuple[OrderItem, ...]]:
        query = select(t.order_items).where(t.order_items.c.order_id.in_(order_ids))
        grouped: dict[str, list[OrderItem]] = {}
        for row in conn.execute(query.order_by(t.order_items.c.order_id, t.order_items.c.position)):
            grouped.setdefault(row.order_id, []).append(t.item_from_row(row))
        return {k: tuple(v) for k, v in grouped.items()}

    def _schedule(self, conn: Connection, order_id: str) -> tuple[Installment, ...]:
        query = select(t.installments).where(t.installments.c.order_id == order_id)
        rows = conn.execute(query.order_by(t.installments.c.seq)).all()
        today = self.today()
        return tuple(t.installment_from_row(r, today) for r in rows)


def _insert_many(conn: Connection, table: Table, rows: Iterable[dict[str, object]]) -> None:
    batch = list(rows)
    if batch:
        conn.execute(insert(table), batch)
