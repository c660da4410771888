"""Measures, QA reviews, knowledge gaps, targets and /metrics through the HTTP API, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tandem.api.app import create_app
from tandem.core.clock import FakeClock
from tandem.demo.agents import DEMO_PASSWORD, seed_agents
from tandem.services import review
from tandem.services.context import Services
from tandem.storage.models import Conversation

from .helpers import agent_id, ai_conversation, human_conversation


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    seed_agents(services)
    with TestClient(create_app(services, run_dispatcher=False)) as c:
        yield c


def login(client: TestClient, email: str) -> dict[str, str]:
    r = client.post("/api/agent/login", json={"email": email, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": "Bearer " + r.json()["token"]}


def test_measures_by_handler_agent_and_time(client: TestClient, services: Services, clock: FakeClock) -> None:
    ana = agent_id(services, "ana@agents.example")
    first = ai_conversation(services, "kb:late-fees", 5, customer="cus_1")
    clock.advance(3600)
    ai_conversation(services, "kb:late-fees", 2, customer="cus_1")  # re-contact: counts against the first
    ai_conversation(services, "kb:due-dates", 4, customer="cus_2")
    human_conversation(services, "kb:late-fees", 3, ana, wait_s=40, handle_s=300, clock=clock)
    human_conversation(services, "kb:late-fees", 5, ana, wait_s=100, handle_s=180, clock=clock)
    sam = login(client, "sam@agents.example")
    assert client.get("/api/quality/measures", headers=login(client, "ben@agents.example")).status_code == 403

    rows = {r["key"]: r for r in client.get("/api/quality/measures?by=handler", headers=sam).json()["rows"]}
    ai, human = rows["ai"], rows["human"]
    assert (ai["conversations"], ai["ratings"], ai["csat"]) == (3, 3, pytest.approx(11 / 3, abs=1e-3))
    assert ai["containment"] == 1.0 and ai["recontact_rate"] == pytest.approx(1 / 3, abs=1e-3)
    assert ai["confirmed_resolutions"] == 2
    assert (human["csat"], human["handoffs"], human["answered"]) == (4.0, 2, 2)
    assert (human["time_to_human_p50_s"], human["time_to_human_p90_s"]) == (40.0, 100.0)
    assert human["handle_time_s"] == 240.0 and human["service_level"] == 0.5
    # pay from the earnings ledger; claims are paid the standard terms (0.80 + 0.12/min): 2 x 0.80 + 0.12 x 8 min
    assert human["human_pay"] == pytest.approx(2.56, abs=1e-3)
    assert human["cost_per_resolution"] == pytest.approx((human["ai_cost"] + human["human_pay"]) / 2, abs=1e-3)

    by_agent = client.get("/api/quality/measures?by=agent", headers=sam).json()["rows"]
    assert [r["handoffs"] for r in by_agent if r["key"] == ana] == [2]
    hours = client.get("/api/quality/measures?by=hour", headers=sam).json()["rows"]
    assert sum(r["conversations"] for r in hours) == 5 and len(hours) == 2
    with services.work() as work:
        assert work.session.get(Conversation, first) is not None


def test_senior_reviews_a_masked_transcript_and_is_paid(client: TestClient, services: Services) -> None:
    conv = ai_conversation(services, "kb:late-fees", 4, question="my email is maya@example.com, call +46 70 123 45 67")
    with services.work() as work:
        made = review.sample(work, ai_rate=1.0)
    assert made == 1
    ben = login(client, "ben@agents.example")
    assert client.post("/api/review/next", headers=ben).status_code == 403  # verified tier, not senior
    ana = login(client, "ana@agents.example")
    # reviews are offered, not pulled: nothing is handed out before the dispatcher offers it
    assert client.post("/api/review/next", headers=ana).json()["task"] is None
    agent_id(services, "ana@agents.example")  # available
    with services.work() as work:
        assert review.offer_reviews(work, 20.0) == 1
    offer = client.get("/api/review/offers", headers=ana).json()["offers"][0]
    task = client.post(f"/api/review/offers/{offer['id']}/accept", headers=ana).json()["task"]
    body = task["messages"][0]["body"]
    assert "maya@example.com" not in body and "123 45 67" not in body and "[email]" in body
    assert client.post("/api/review/next", headers=ana).json()["task"]["id"] == task["id"]
    assert client.post("/api/review/next", headers=login(client, "sam@agents.example")).json()["task"] is None

    bad = {"correct": True, "complete": True, "policy_safe": True, "tone": 9, "should_have_escalated": False}
    assert client.post(f"/api/review/tasks/{task['id']}", json=bad, headers=ana).status_code == 422
    rubric = {**bad, "tone": 4, "should_have_escalated": True}
    sam = login(client, "sam@agents.example")
    assert client.post(f"/api/review/tasks/{task['id']}", json=rubric, headers=sam).status_code == 404
    r = client.post(f"/api/review/tasks/{task['id']}", json=rubric, headers=ana)
    assert r.status_code == 200 and r.json() == {"passed": False, "pay": "0.40"}
    assert client.post(f"/api/review/tasks/{task['id']}", json=rubric, headers=ana).status_code == 404  # once
    with services.work() as work:
        assert review.pass_rates(work, 0)["ai"] == {"reviews": 1, "pass_rate": 0.0, "paid": 0.4}
    assert conv
    page = client.get("/review")
    assert page.status_code == 200 and "Senior agent log in" in page.text


def test_knowledge_gaps_group_unanswered_questions(client: TestClient, services: Services) -> None:
    from tandem.services import conversations, flows

    for text in ("Can I pay with crypto on Mars?", "can I pay with CRYPTO on mars", "Do you sell llamas?"):
        with services.work() as work:
            conv, _ = conversations.create(work, language="en")
            conversations.append(work, conv, author=conversations.Author.CUSTOMER, body=text)
        flows.assistant_turn(services, conv.id, text)
    gaps = client.get("/api/quality/knowledge-gaps", headers=login(client, "sam@agents.example")).json()["gaps"]
    assert gaps[0]["question"] == "can i pay with crypto on mars" and gaps[0]["count"] == 2
    assert len(gaps[0]["examples"]) == 2


def test_knowledge_gap_questions_are_masked_and_grouped_without_personal_data(client: TestClient,
                                                                             services: Services) -> None:
    from tandem.services import conversations, flows

    for text in ("Can ana.lopez@example.com pay for order 88812345 with crypto?",
                 "can bo@example.org pay for order 11198765 with crypto"):
        with services.work() as work:
            conv, _ = conversations.create(work, language="en")
            conversations.append(work, conv, author=conversations.Author.CUSTOMER, body=text)
        flows.assistant_turn(services, conv.id, text)
    gaps = client.get("/api/quality/knowledge-gaps", headers=login(client, "sam@agents.example")).json()["gaps"]
    (gap,) = [g for g in gaps if "crypto" in g["question"]]
    assert gap["count"] == 2 and gap["question"] == "can email pay for order with crypto"
    text = json.dumps(gaps)
    for secret in ("ana.lopez", "example.com", "bo@", "88812345", "11198765"):
        assert secret not in text


def test_targets_and_overrides_over_http(client: TestClient) -> None:
    sam = login(client, "sam@agents.example")
    r = client.put("/api/quality/targets", json={"values": {"qa_pass_rate": 0.95}}, headers=sam)
    assert r.status_code == 200 and r.json()["targets"]["qa_pass_rate"] == 0.95
    assert client.put("/api/quality/targets", json={"values": {"qa_pass_rate": 3}}, headers=sam).status_code == 422
    r = client.put("/api/quality/guardrail/topic:fraud", json={"guarded": True, "reason": "new scam wave"},
                   headers=sam)
    assert r.json()["guarded"][0]["intent"] == "topic:fraud"
    log = client.get("/api/quality/guardrail", headers=sam).json()["changes"]
    assert [c["action"] for c in log] == ["override_guard", "target_changed"]
    assert client.delete("/api/quality/guardrail/topic:fraud", headers=sam).json()["guarded"] == []


def test_prometheus_metrics(client: TestClient, services: Services, clock: FakeClock) -> None:
    ana = agent_id(services, "ana@agents.example")
    human_conversation(services, "kb:late-fees", 4, ana, wait_s=20, clock=clock)
    ai_conversation(services, "kb:due-dates", 5)
    text = client.get("/metrics").text
    assert "# TYPE tandem_time_to_human_seconds histogram" in text
    assert 'tandem_time_to_human_seconds_bucket{le="15"} 0' in text
    assert 'tandem_time_to_human_seconds_bucket{le="30"} 1' in text
    assert 'tandem_conversations{state="resolved"} 2' in text
    assert 'tandem_csat{handled_by="ai"} 5.0' in text and "tandem_agents_available 1" in text
    assert "tandem_queue_length 0" in text
