"""Certification quizzes: graded on the server, limited retries, answers never sent to the client."""

from __future__ import annotations

import json
import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tandem.core.clock import FakeClock
from tandem.core.errors import Conflict
from tandem.core.settings import Certification
from tandem.demo.certification import load_bank
from tandem.domain.skills import Topic
from tandem.services import agents as agent_service
from tandem.services import workforce
from tandem.services.context import Services
from tandem.storage.models import AgentSkill, AuditEntry

from .conftest import PASSWORD, login, right_answers, signup, wrong_answers


def start(client: TestClient, auth: dict[str, str], topic: str = "account") -> dict:
    r = client.post(f"/api/workforce/certifications/{topic}/attempts", headers=auth)
    assert r.status_code == 201, r.text
    return r.json()


def submit(client: TestClient, auth: dict[str, str], attempt: dict, answers: dict[str, int]) -> dict:
    r = client.post(f"/api/workforce/certifications/attempts/{attempt['id']}/submit", json={"answers": answers},
                    headers=auth)
    assert r.status_code == 200, r.text
    return r.json()


def status_of(client: TestClient, auth: dict[str, str], topic: str) -> dict:
    topics = client.get("/api/workforce/certifications", headers=auth).json()["topics"]
    return next(t for t in topics if t["topic"] == topic)


def test_passing_grants_the_topic_at_tier_new(client: TestClient, services: Services) -> None:
    agent_id, auth = signup(client, "rita@gig.example")
    attempt = start(client, auth, "account")
    assert len(attempt["questions"]) == 5 and attempt["attempts_left"] == 2
    result = submit(client, auth, attempt, right_answers(attempt["questions"], Topic.ACCOUNT))
    assert result == {"topic": "account", "correct": 5, "total": 5, "passed": True, "pass_mark": 0.8,
                      "tier": "new", "routable": True, "review_articles": []}
    assert client.get("/api/agent/me", headers=auth).json()["skills"] == {"account": "new"}
    assert status_of(client, auth, "account")["tier"] == "new"
    again = client.post("/api/workforce/certifications/account/attempts", headers=auth)
    assert again.status_code == 409  # already certified
    with services.work() as work:
        entry = work.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "certification.submitted", AuditEntry.subject == agent_id)).one()
        assert entry.detail["passed"] is True


def test_four_of_five_passes_and_three_of_five_fails(client: TestClient) -> None:
    _, auth = signup(client, "sven@gig.example")
    attempt = start(client, auth, "payments")
    answers = right_answers(attempt["questions"], Topic.PAYMENTS)
    first, second = attempt["questions"][0]["id"], attempt["questions"][1]["id"]
    answers[first] = wrong_answers(attempt["questions"][:1], Topic.PAYMENTS)[first]
    assert submit(client, auth, attempt, answers)["passed"] is True  # 4/5 = 80%
    _, auth2 = signup(client, "tove@gig.example")
    attempt = start(client, auth2, "payments")
    answers = right_answers(attempt["questions"], Topic.PAYMENTS)
    wrong = wrong_answers(attempt["questions"][:2], Topic.PAYMENTS)
    first, second = attempt["questions"][0]["id"], attempt["questions"][1]["id"]
    answers[first], answers[second] = wrong[first], wrong[second]
    result = submit(client, auth2, attempt, answers)
    assert result["passed"] is False and result["correct"] == 3 and result["tier"] is None
    articles = {q.id: q.article for q in load_bank(Topic.PAYMENTS)}
    assert result["review_articles"] == sorted({articles[first], articles[second]})
    assert client.get("/api/agent/me", headers=auth2).json()["skills"] == {}


def test_sensitive_topics_certify_at_new_but_are_not_routable_until_senior(client: TestClient) -> None:
    _, auth = signup(client, "ulla@gig.example")
    attempt = start(client, auth, "fraud")
    result = submit(client, auth, attempt, right_answers(attempt["questions"], Topic.FRAUD))
    assert result["passed"] is True and result["tier"] == "new" and result["routable"] is False
    fraud = status_of(client, auth, "fraud")
    assert fraud["sensitive"] is True and fraud["required_tier"] == "senior" and fraud["routable"] is False


def test_three_attempts_per_topic_per_day(client: TestClient, services: Services, clock: FakeClock) -> None:
    agent_id, auth = signup(client, "vera@gig.example")
    for left in (2, 1, 0):
        attempt = start(client, auth, "refunds")
        assert attempt["attempts_left"] == left
        assert submit(client, auth, attempt, wrong_answers(attempt["questions"], Topic.REFUNDS))["passed"] is False
        clock.advance(3600)
    r = client.post("/api/workforce/certifications/refunds/attempts", headers=auth)
    assert r.status_code == 409 and "no attempts left" in r.json()["error"]["message"]
    assert status_of(client, auth, "refunds")["attempts_left"] == 0
    assert status_of(client, auth, "refunds")["next_attempt_at"] == pytest.approx(clock.now() - 3 * 3600 + 86400)
    assert start(client, auth, "account")["attempts_left"] == 2  # the limit is per topic
    clock.advance(86400 - 3 * 3600 + 1)  # the first attempt leaves the 24 h window
    auth = login(client, "vera@gig.example", PASSWORD)  # the session expired meanwhile
    attempt = start(client, auth, "refunds")
    assert submit(client, auth, attempt, right_answers(attempt["questions"], Topic.REFUNDS))["passed"] is True
    with services.work() as work:
        skill = work.session.get(AgentSkill, (agent_id, "refunds"))
        assert skill is not None and skill.tier == 1


def test_an_unsubmitted_attempt_still_counts(client: TestClient) -> None:
    _, auth = signup(client, "willy@gig.example")
    for _ in range(3):
        start(client, auth, "disputes")
    assert client.post("/api/workforce/certifications/disputes/attempts", headers=auth).status_code == 409


def test_answers_never_leave_the_server(client: TestClient) -> None:
    _, auth = signup(client, "xena@gig.example")
    bank = {q.id: q for q in load_bank(Topic.HARDSHIP)}
    attempt = start(client, auth, "hardship")
    for q in attempt["questions"]:
        assert set(q) == {"id", "question", "choices", "article"}
        assert q["choices"] == list(bank[q["id"]].choices)
    status = json.dumps(client.get("/api/workforce/certifications", headers=auth).json())
    result = submit(client, auth, attempt, wrong_answers(attempt["questions"], Topic.HARDSHIP))
    for text in (json.dumps(attempt), status, json.dumps(result)):
        assert '"answer"' not in text and "evidence" not in text
        for q in bank.values():
            assert q.evidence not in text
    assert set(result) == {"topic", "correct", "total", "passed", "pass_mark", "tier", "routable", "review_articles"}


def test_submission_is_checked(client: TestClient, clock: FakeClock) -> None:
    _, auth = signup(client, "yara@gig.example")
    _, other = signup(client, "zeke@gig.example")
    attempt = start(client, auth, "account")
    answers = right_answers(attempt["questions"], Topic.ACCOUNT)
    url = f"/api/workforce/certifications/attempts/{attempt['id']}/submit"
    assert client.post(url, json={"answers": answers}, headers=other).status_code == 404  # not theirs
    partial = dict(list(answers.items())[:4])
    assert client.post(url, json={"answers": partial}, headers=auth).status_code == 422
    assert client.post(url, json={"answers": {**answers, "payments-01": 1}}, headers=auth).status_code == 422
    assert client.post(url, json={"answers": {k: -1 for k in answers}}, headers=auth).status_code == 422
    assert client.post(url, json={"answers": answers}).status_code == 401
    assert client.post("/api/workforce/certifications/crypto/attempts", headers=auth).status_code == 422
    clock.advance(20 * 60 + 1)
    late = client.post(url, json={"answers": answers}, headers=auth)
    assert late.status_code == 409 and "expired" in late.json()["error"]["message"]
    attempt = start(client, auth, "account")
    url = f"/api/workforce/certifications/attempts/{attempt['id']}/submit"
    answers = right_answers(attempt["questions"], Topic.ACCOUNT)
    assert client.post(url, json={"answers": answers}, headers=auth).status_code == 200
    assert client.post(url, json={"answers": answers}, headers=auth).status_code == 409  # graded once


def test_simultaneous_starts_cannot_exceed_the_limit(services: Services, db_url: str) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("SQLite runs one writer at a time; the row lock matters on PostgreSQL")
    policy = Certification()
    with services.work() as work:
        agent = agent_service.create(work, email="race@gig.example", name="Race", password=PASSWORD,
                                     languages=["en"])
    for _ in range(policy.max_attempts - 1):
        with services.work() as work:
            workforce.start_attempt(work, agent, Topic.PAYMENTS, services.banks)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def start_one() -> None:
        barrier.wait()
        try:
            with services.work() as work:
                workforce.start_attempt(work, agent, Topic.PAYMENTS, services.banks)
            outcomes.append("started")
        except Conflict:
            outcomes.append("refused")

    threads = [threading.Thread(target=start_one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["refused", "refused", "refused", "started"]
