"""Account actions from the console: the backend's policy decides by tier; every attempt is audited."""

from __future__ import annotations

from sqlalchemy import select

from tandem.core.clock import FakeClock
from tandem.storage.models import AuditEntry

from .conftest import Desk


def _audit(desk: Desk, cid: str) -> list[tuple[str, str]]:
    with desk.services.work() as work:
        rows = work.session.scalars(select(AuditEntry).where(AuditEntry.subject == cid,
                                                              AuditEntry.action.like("action.%")))
        return [(r.action, r.detail.get("outcome")) for r in rows]


def test_goodwill_credit_is_bounded_by_the_agents_tier(desk: Desk, clock: FakeClock) -> None:
    carla, ana = desk.login("carla"), desk.login("ana")  # carla is a new agent (limit $0), ana senior ($50)
    cid, token = desk.chat("I was charged twice, can you make it right?")
    clock.advance(61)  # a new-tier agent may take it from the first relaxation step on, as the router would
    desk.claim(cid, carla)
    credit = {"action": "goodwill_credit", "amount": "5.00"}
    denied = desk.wb("POST", f"/conversations/{cid}/actions", carla, json=credit)
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "policy_denied"
    assert denied.json()["error"]["details"]["policy"] == "over_tier_limit"
    assert _audit(desk, cid) == [("action.goodwill_credit", "denied")]
    desk.client.post(f"/api/agent/conversations/{cid}/resolve", headers=carla)

    cid2, token2 = desk.chat("I was charged twice")
    desk.claim(cid2, ana)
    ok = desk.wb("POST", f"/conversations/{cid2}/actions", ana, json=credit)
    assert ok.status_code == 200, ok.text
    assert ok.json()["amount"] == "5.00"
    assert _audit(desk, cid2) == [("action.goodwill_credit", "done")]
    shown = desk.client.get(f"/api/conversations/{cid2}/messages", headers=token2).json()["messages"][-1]
    assert shown["author"] == "system" and shown["meta"]["event"] == "action" and "Credited" in shown["body"]
    too_much = desk.wb("POST", f"/conversations/{cid2}/actions", ana,
                       json={"action": "goodwill_credit", "amount": "80.00"})
    assert too_much.json()["error"]["details"]["policy"] == "over_tier_limit"


def test_pause_and_due_date_follow_the_same_policy_as_the_assistant(desk: Desk) -> None:
    ana = desk.login("ana")
    cid, _ = desk.chat("Can I pause my next payment?")
    desk.claim(cid, ana)
    act = lambda body: desk.wb("POST", f"/conversations/{cid}/actions", ana, json=body)  # noqa: E731
    assert act({"action": "pause_payment", "order_id": "ord_maya_pay4", "days": 30}).json()["error"]["details"][
        "policy"] == "days_out_of_range"
    assert act({"action": "pause_payment", "order_id": "ord_maya_pay4", "days": 7}).status_code == 200
    assert act({"action": "pause_payment", "order_id": "ord_maya_pay4", "days": 7}).json()["error"]["details"][
        "policy"] == "pause_already_used"
    assert act({"action": "change_due_date", "order_id": "ord_maya_pay30", "days": 5}).status_code == 200
    assert act({"action": "waive_late_fee", "order_id": "ord_maya_pay4"}).json()["error"]["details"][
        "policy"] == "no_late_fee"
    assert act({"action": "pause_payment", "order_id": "ord_someone_else", "days": 3}).status_code == 404
    assert act({"action": "refund_everything", "order_id": "ord_maya_pay4"}).status_code == 422
    assert act({"action": "pause_payment", "order_id": "ord_maya_pay4"}).status_code == 422
    outcomes = [o for _, o in _audit(desk, cid)]
    assert outcomes.count("done") == 2 and outcomes.count("denied") == 3


def test_an_anonymous_chat_has_no_account_to_act_on(desk: Desk) -> None:
    ana = desk.login("ana")
    cid, _ = desk.chat("hi", customer=None)
    desk.claim(cid, ana)
    r = desk.wb("POST", f"/conversations/{cid}/actions", ana, json={"action": "goodwill_credit", "amount": "1.00"})
    assert r.status_code == 409


def test_credit_amounts_that_are_not_finite_positive_numbers_are_refused(desk: Desk) -> None:
    ana = desk.login("ana")
    cid, _ = desk.chat("I was charged twice")
    desk.claim(cid, ana)
    for amount in ("NaN", "Infinity", "-5", "0", "five"):
        r = desk.wb("POST", f"/conversations/{cid}/actions", ana, json={"action": "goodwill_credit", "amount": amount})
        assert r.status_code == 422, (amount, r.text)
    assert _audit(desk, cid) == []
