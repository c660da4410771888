"""Random sequences of actions by random actors never break the policy's limits in the stored state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tandem.backend import policy
from tandem.backend.demo import DemoBackend
from tandem.backend.records import Actor
from tandem.backend.seed import DEMO_CUSTOMER_ID, seed_demo
from tandem.core.clock import FakeClock
from tandem.core.errors import PolicyDenied
from tandem.domain.skills import Tier

MAYA = DEMO_CUSTOMER_ID
ORDERS = ("ord_maya_pay4", "ord_maya_pay30", "ord_maya_fin")
ACTORS = st.sampled_from(
    [
        Actor.ai(),
        Actor.agent("ag_n", Tier.NEW),
        Actor.agent("ag_v", Tier.VERIFIED),
        Actor.agent("ag_s", Tier.SENIOR),
    ]
)


class BackendMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = FakeClock(datetime(2026, 3, 2, 9, tzinfo=UTC).timestamp())
        self.engine = sa.create_engine("sqlite://")
        self.backend = DemoBackend(self.engine, self.clock)
        seed_demo(self.backend, customers=0)
        self.original = {o: self.backend.payment_schedule(MAYA, o) for o in ORDERS}
        self.attempts = 0

    def attempt(self, call: object) -> None:
        self.attempts += 1
        try:
            call()  # type: ignore[operator]
        except PolicyDenied:
            pass

    @rule(order=st.sampled_from(ORDERS), days=st.integers(-3, 20), actor=ACTORS)
    def pause(self, order: str, days: int, actor: Actor) -> None:
        self.attempt(lambda: self.backend.pause_payment(MAYA, order, days, actor))

    @rule(order=st.sampled_from(ORDERS), days=st.integers(-15, 15), actor=ACTORS)
    def change_due_date(self, order: str, days: int, actor: Actor) -> None:
        self.attempt(lambda: self.backend.change_due_date(MAYA, order, days, actor))

    @rule(order=st.sampled_from(ORDERS), actor=ACTORS)
    def resend_invoice(self, order: str, actor: Actor) -> None:
        self.attempt(lambda: self.backend.resend_invoice(MAYA, order, actor))

    @rule(order=st.sampled_from(ORDERS), actor=ACTORS)
    def waive(self, order: str, actor: Actor) -> None:
        self.attempt(lambda: self.backend.waive_late_fee(MAYA, order, actor))

    @rule(amount=st.decimals(Decimal("-5"), Decimal("80"), places=2), actor=ACTORS)
    def credit(self, amount: Decimal, actor: Actor) -> None:
        self.attempt(lambda: self.backend.goodwill_credit(MAYA, amount, actor))

    @rule(hours=st.integers(0, 24 * 12))
    def time_passes(self, hours: int) -> None:
        self.clock.advance(hours * 3600)

    @invariant()
    def every_attempt_is_logged_and_the_ai_never_gives_money(self) -> None:
        log = self.backend.audit_log(MAYA)
        assert len(log) == self.attempts
        money_moves = {"waive_late_fee", "goodwill_credit"}
        assert not [e for e in log if e.actor == "ai" and e.action in money_moves and e.outcome == "done"]
        sends = sorted(e.at for e in log if e.action == "resend_invoice" and e.outcome == "done")
        for order in ORDERS:
            mine = [
                e.at
                for e in log
                if e.order_id == order and e.action == "resend_invoice" and e.outcome == "done"
            ]
            for i in range(len(mine) - policy.DEFAULT_LIMITS.invoice_resends_per_day):
                assert mine[i + policy.DEFAULT_LIMITS.invoice_resends_per_day] - mine[i] >= timedelta(hours=24), sends

    @invariant()
    def schedules_move_within_the_limits(self) -> None:
        for order in ORDERS:
            state = self.backend.get_order(MAYA, order)
            assert state.pauses_used <= 1 and state.due_date_changes_used <= 1
            for before, now in zip(
                self.original[order], self.backend.payment_schedule(MAYA, order), strict=True
            ):
                shift = (now.due_on - before.due_on).days
                limit_late = policy.DEFAULT_LIMITS.pause_max_days + policy.DEFAULT_LIMITS.due_date_shift_max_days
                assert -policy.DEFAULT_LIMITS.due_date_shift_max_days <= shift <= limit_late
                assert before.paid_on is None or shift == 0

    def teardown(self) -> None:
        self.engine.dispose()


BackendMachine.TestCase.settings = settings(max_examples=25, stateful_step_count=25, deadline=None)
TestBackendMachine = BackendMachine.TestCase
