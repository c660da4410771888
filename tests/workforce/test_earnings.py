"""The earnings ledger: credited on release at the offer's rates, Decimal-exact, append-only; payouts CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from tandem.core.clock import FakeClock
from tandem.services import earnings
from tandem.services.context import Services
from tandem.storage.models import AuditEntry, Offer
from tandem.storage.models_workforce import LedgerEntry

from .conftest import go, grant, login, signup, tick, waiting_chat

D = Decimal


def ledger(services: Services, agent_id: str) -> list[LedgerEntry]:
    with services.work() as work:
        return list(work.session.scalars(select(LedgerEntry).where(LedgerEntry.agent_id == agent_id)
                                         .order_by(LedgerEntry.id)))


def take(client: TestClient, services: Services, auth: dict[str, str], *, surge: str = "0", per_minute: str = "0.12",
         base: str = "0.80") -> str:
    """Queue a chat, offer it to the (only) available agent at the given rates, accept; return its id."""
    cid, _ = waiting_chat(client)
    client.post("/api/agent/me/heartbeat", headers=auth)  # the test clock jumps; stay online
    assert tick(services) >= 1
    [offer] = [o for o in client.get("/api/agent/offers", headers=auth).json()["offers"] if o["conversation_id"] == cid]
    with services.work() as work:  # the rates an offer carries are fixed when it is made; set them as surge would
        work.session.execute(update(Offer).where(Offer.id == offer["id"]).values(
            base_pay=D(base), per_minute_pay=D(per_minute), surge_bonus=D(surge)))
    assert client.post(f"/api/agent/offers/{offer['id']}/accept", headers=auth).status_code == 200
    return cid


@pytest.fixture
def gig(client: TestClient, services: Services) -> tuple[str, dict[str, str]]:
    agent_id, auth = signup(client, "gina@gig.example")
    grant(services, agent_id)
    go(client, auth, "available")
    return agent_id, auth


def test_resolve_pays_base_per_minute_and_surge_exactly(client: TestClient, services: Services, clock: FakeClock,
                                                       gig: tuple[str, dict[str, str]]) -> None:
    agent_id, auth = gig
    cid = take(client, services, auth, surge="1.25", per_minute="0.1234")
    clock.advance(185.9)  # whole seconds are paid: 185 s
    assert client.post(f"/api/agent/conversations/{cid}/resolve", headers=auth).status_code == 200
    entries = ledger(services, agent_id)
    assert [(e.kind, e.amount, e.outcome, e.seconds) for e in entries] == [
        ("base", D("0.80"), "resolved", 185),
        ("per_minute", D("0.38"), "resolved", 185),  # 0.1234 * 185 / 60 = 0.38048...
        ("surge_bonus", D("1.25"), "resolved", 185),
    ]
    assert all(isinstance(e.amount, Decimal) and e.conversation_id == cid and e.offer_id for e in entries)
    mine = client.get("/api/workforce/me/earnings", headers=auth).json()
    assert mine["today"]["total"] == "2.43" and mine["today"]["surge_bonus"] == "1.25"
    assert mine["currency"] == services.settings.pay.currency == "EUR"  # the company's, not a hard-coded USD
    assert mine["week"]["conversations"] == 1
    [row] = mine["conversations"]
    assert row["conversation_id"] == cid and row["total"] == "2.43" and row["outcome"] == "resolved"


def test_many_small_entries_sum_without_float_drift(client: TestClient, services: Services, clock: FakeClock,
                                                   gig: tuple[str, dict[str, str]]) -> None:
    agent_id, auth = gig
    for _ in range(10):
        cid = take(client, services, auth, base="0.10", per_minute="0.20", surge="0.10")
        clock.advance(3)  # 0.20 * 3 / 60 = 0.01
        client.post(f"/api/agent/conversations/{cid}/resolve", headers=auth)
    mine = client.get("/api/workforce/me/earnings", headers=auth).json()
    assert mine["all_time"] == {"conversations": 10, "base": "1.00", "per_minute": "0.10", "surge_bonus": "1.00",
                                "adjustment": "0.00", "total": "2.10"}
    assert sum((e.amount for e in ledger(services, agent_id)), D(0)) == D("2.10")


def test_each_way_a_stint_ends_is_paid_as_documented(client: TestClient, services: Services, clock: FakeClock,
                                                     gig: tuple[str, dict[str, str]]) -> None:
    agent_id, auth = gig
    cid = take(client, services, auth, surge="0.50")
    clock.advance(60)
    assert client.post(f"/api/agent/conversations/{cid}/handback", headers=auth).status_code == 200
    cid2 = take(client, services, auth, surge="0.50")
    clock.advance(120)
    go(client, auth, "offline")  # leaves the customer mid-conversation: time only
    kinds = [(e.conversation_id, e.kind, e.amount, e.outcome) for e in ledger(services, agent_id)]
    assert kinds == [
        (cid, "base", D("0.80"), "handed_back"), (cid, "per_minute", D("0.12"), "handed_back"),
        (cid, "surge_bonus", D("0.50"), "handed_back"),
        (cid2, "per_minute", D("0.24"), "dropped"),
    ]
    # claimed straight from the queue (no offer): the standard rates, no surge
    go(client, auth, "available")
    cid3, _ = waiting_chat(client)
    clock.advance(1)
    assert client.post(f"/api/agent/conversations/{cid3}/claim", headers=auth).status_code == 200
    clock.advance(30)
    client.post(f"/api/agent/conversations/{cid3}/resolve", headers=auth)
    last = [e for e in ledger(services, agent_id) if e.conversation_id == cid3]
    assert [(e.kind, e.amount, e.offer_id) for e in last] == [("base", D("0.80"), None),
                                                              ("per_minute", D("0.06"), None)]


def test_ledger_is_append_only_in_the_database(client: TestClient, services: Services, clock: FakeClock,
                                               gig: tuple[str, dict[str, str]]) -> None:
    agent_id, auth = gig
    cid = take(client, services, auth)
    clock.advance(10)
    client.post(f"/api/agent/conversations/{cid}/resolve", headers=auth)
    for statement in ("UPDATE earnings_ledger SET amount = 999999", "DELETE FROM earnings_ledger"):
        with pytest.raises(DBAPIError, match="append-only"), services.work() as work:
            work.session.execute(text(statement))
    with pytest.raises(DBAPIError, match="append-only"), services.work() as work:
        entry = work.session.scalars(select(LedgerEntry)).first()
        assert entry is not None
        entry.amount = D("100.00")
    assert [e.amount for e in ledger(services, agent_id)] == [D("0.80"), D("0.02")]


def test_corrections_are_new_adjustment_entries(client: TestClient, services: Services, clock: FakeClock,
                                                gig: tuple[str, dict[str, str]]) -> None:
    agent_id, auth = gig
    cid = take(client, services, auth)
    client.post(f"/api/agent/conversations/{cid}/resolve", headers=auth)
    sam = login(client, "sam@agents.example")
    url = f"/api/workforce/agents/{agent_id}/adjustments"
    body = {"amount": "-0.30", "note": "double-counted base", "conversation_id": cid}
    assert client.post(url, json=body, headers=auth).status_code == 403  # agents cannot pay themselves
    for bad in ({**body, "amount": "0"}, {**body, "amount": "1.234"}, {**body, "amount": 1.5}, {**body, "note": ""}):
        assert client.post(url, json=bad, headers=sam).status_code == 422
    r = client.post(url, json=body, headers=sam)
    assert r.status_code == 201 and r.json()["amount"] == "-0.30"
    assert client.post("/api/workforce/agents/agt_nobody/adjustments", json=body, headers=sam).status_code == 404
    mine = client.get("/api/workforce/me/earnings", headers=auth).json()
    assert mine["all_time"]["adjustment"] == "-0.30" and mine["all_time"]["total"] == "0.50"
    assert [e.kind for e in ledger(services, agent_id)] == ["base", "adjustment"]  # the base is untouched
    with services.work() as work:
        assert work.session.scalars(select(AuditEntry).where(AuditEntry.action == "earnings.adjusted")).one()


def test_today_and_this_week_are_the_agents_own_days() -> None:
    zone = ZoneInfo("America/Los_Angeles")
    now = datetime(2026, 11, 25, 7, 0, tzinfo=UTC).timestamp()  # Tue 23:00 on Nov 24 in Los Angeles
    today, week = earnings.period_starts(now, zone)
    assert datetime.fromtimestamp(today, zone) == datetime(2026, 11, 24, tzinfo=zone)
    assert datetime.fromtimestamp(week, zone) == datetime(2026, 11, 23, tzinfo=zone)  # Monday


def _csv(client: TestClient, auth: dict[str, str], start: str, end: str) -> list[dict[str, str]]:
    r = client.get(f"/api/workforce/payouts.csv?start={start}&end={end}", headers=auth)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(r.text)))


def test_payout_export_per_period(client: TestClient, services: Services, clock: FakeClock) -> None:
    day = datetime.fromtimestamp(clock.now(), UTC).date().isoformat()
    a_id, a = signup(client, "hanna@gig.example", name="=HYPERLINK(\"http://evil.example\")")
    b_id, b = signup(client, "ivan@gig.example")
    for agent_id in (a_id, b_id):
        grant(services, agent_id)
    go(client, a, "available")
    cid = take(client, services, a, surge="2.00")
    clock.advance(60)
    client.post(f"/api/agent/conversations/{cid}/resolve", headers=a)
    go(client, a, "away")
    go(client, b, "available")
    for _ in range(2):
        cid = take(client, services, b)
        clock.advance(30)
        client.post(f"/api/agent/conversations/{cid}/resolve", headers=b)
    sam = login(client, "sam@agents.example")
    rows = {r["agent_id"]: r for r in _csv(client, sam, day, day)}
    assert rows[a_id] == {"agent_id": a_id, "agent": "'=HYPERLINK(\"http://evil.example\")",
                          "email": "hanna@gig.example", "conversations": "1", "base": "0.80", "per_minute": "0.12",
                          "surge_bonus": "2.00", "adjustment": "0.00", "total": "2.92"}
    assert rows[b_id]["conversations"] == "2" and rows[b_id]["total"] == "1.72"
    assert _csv(client, sam, "2020-01-01", "2020-01-31") == []
    for query, status in (("start=2026-13-01&end=2026-12-31", 422), ("start=yesterday&end=2026-01-01", 422),
                          ("start=2026-02-01&end=2026-01-01", 422), ("start=2020-01-01&end=2026-01-01", 422),
                          ("start=2026-01-01", 422)):
        r = client.get(f"/api/workforce/payouts.csv?{query}", headers=sam)
        assert r.status_code == status, query
        assert r.json()["error"]["code"] == "invalid_input"
    with services.work() as work:
        assert work.session.scalars(select(AuditEntry).where(AuditEntry.action == "payouts.exported")).first()


def test_agents_see_only_their_own_earnings_and_never_the_export(client: TestClient, services: Services,
                                                                gig: tuple[str, dict[str, str]]) -> None:
    agent_id, auth = gig
    cid = take(client, services, auth)
    client.post(f"/api/agent/conversations/{cid}/resolve", headers=auth)
    other_id, other = signup(client, "jon@gig.example")
    assert client.get("/api/workforce/me/earnings", headers=other).json()["all_time"]["total"] == "0.00"
    assert client.get("/api/workforce/me/earnings", headers=other).json()["conversations"] == []
    assert client.get(f"/api/workforce/agents/{agent_id}/earnings", headers=other).status_code == 403
    assert client.get("/api/workforce/payouts.csv?start=2026-01-01&end=2026-01-02", headers=other).status_code == 403
    assert client.get("/api/workforce/payouts.csv?start=2026-01-01&end=2026-01-02").status_code == 401
    assert client.get("/api/workforce/me/earnings").status_code == 401
    sam = login(client, "sam@agents.example")
    seen = client.get(f"/api/workforce/agents/{agent_id}/earnings", headers=sam)
    assert seen.status_code == 200 and seen.json()["all_time"]["conversations"] == 1
