"""Self-service sign-up and the chat-concurrency setting."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tandem.services.context import Services
from tandem.storage.models import Agent, AgentSkill
from tandem.storage.models_workforce import WorkforceProfile

from .conftest import PASSWORD, go, grant, login, signup, tick, waiting_chat


def test_signup_creates_an_agent_with_no_skills_and_a_working_session(client: TestClient,
                                                                     services: Services) -> None:
    agent_id, auth = signup(client, "nora@gig.example", topics=["refunds", "account", "refunds"],
                            languages=["en", "SV"], capacity=3, country="se")
    me = client.get("/api/agent/me", headers=auth).json()
    assert me["id"] == agent_id and me["role"] == "agent" and me["skills"] == {}
    assert me["languages"] == ["en", "sv"] and me["capacity"] == 3 and me["country"] == "SE"
    assert me["timezone"] == "Europe/Stockholm" and me["presence"] == "offline"
    login(client, "nora@gig.example", PASSWORD)  # the password works for later logins
    with services.work() as work:
        profile = work.session.get(WorkforceProfile, agent_id)
        assert profile is not None and profile.topics == ["refunds", "account"]
        assert work.session.scalars(select(AgentSkill).where(AgentSkill.agent_id == agent_id)).first() is None


@pytest.mark.parametrize(("change", "status"), [
    ({"email": "not-an-email"}, 422),
    ({"password": "short"}, 422),
    ({"name": "   "}, 422),
    ({"languages": []}, 422),
    ({"languages": ["english"]}, 422),
    ({"topics": ["payments", "crypto"]}, 422),
    ({"country": "Sweden"}, 422),
    ({"timezone": "Mars/Olympus"}, 422),
    ({"capacity": 5}, 422),
    ({"capacity": 0}, 422),
    ({"role": "supervisor"}, 422),  # nobody signs themselves up as a supervisor
])
def test_bad_signups_get_a_clear_error_and_create_nothing(client: TestClient, services: Services,
                                                          change: dict[str, Any], status: int) -> None:
    body = {"name": "Olle", "email": "olle@gig.example", "password": PASSWORD, "languages": ["en"],
            "topics": ["account"], "country": "SE", "timezone": "Europe/Stockholm", **change}
    with services.work() as work:
        before = work.session.scalar(select(func.count()).select_from(Agent))
    r = client.post("/api/workforce/signup", json=body)
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == "invalid_input" and r.json()["error"]["message"]
    with services.work() as work:
        assert work.session.scalar(select(func.count()).select_from(Agent)) == before
        assert work.session.scalar(select(func.count()).select_from(WorkforceProfile)) == 0


def test_signup_with_a_taken_email_answers_alike_and_tells_the_owner(client: TestClient, services: Services) -> None:
    """Issue 14, finding 18: sign-up does not reveal who has an account; the owner is told instead."""
    pia_id, pia = signup(client, "pia@gig.example")
    new = client.post("/api/workforce/signup", json={"name": "Quinn", "email": "quinn@gig.example",
                                                     "password": PASSWORD, "languages": ["en"]})
    taken = client.post("/api/workforce/signup", json={"name": "Pia 2", "email": "PIA@gig.example",
                                                       "password": "another-password", "languages": ["en"]})
    assert (taken.status_code, taken.json()) == (new.status_code, new.json()) == (202, new.json())
    with services.work() as work:  # no second account, the owner's password unchanged
        assert work.session.scalar(select(func.count()).select_from(Agent).where(Agent.email == "pia@gig.example")) == 1
    assert client.post("/api/agent/login", json={"email": "pia@gig.example", "password": "another-password"}
                       ).status_code == 401
    notices = client.get("/api/surge/notices", headers=pia).json()["notices"]
    assert [n["kind"] for n in notices] == ["account"] and "sign up" in notices[0]["message"]
    r = client.post("/api/workforce/signup", json={"name": "Sam", "email": "sam@agents.example",
                                                   "password": PASSWORD, "languages": ["en"]})
    assert r.status_code == 202


def test_capacity_is_one_to_four_and_never_below_the_current_load(client: TestClient, services: Services) -> None:
    agent_id, auth = signup(client, "quinn@gig.example", capacity=2)
    grant(services, agent_id)
    for bad in (0, 5, "two"):
        assert client.put("/api/agent/me/capacity", json={"capacity": bad}, headers=auth).status_code == 422
    assert client.put("/api/agent/me/capacity", json={"capacity": 4}, headers=auth).json() == {"capacity": 4}
    assert client.put("/api/agent/me/capacity", json={}).status_code in (401, 422)
    go(client, auth, "available")
    for _ in range(2):
        waiting_chat(client)
    tick(services)
    for offer in client.get("/api/agent/offers", headers=auth).json()["offers"]:
        assert client.post(f"/api/agent/offers/{offer['id']}/accept", headers=auth).status_code == 200
    assert client.get("/api/agent/me", headers=auth).json()["load"] == 2
    r = client.put("/api/agent/me/capacity", json={"capacity": 1}, headers=auth)
    assert r.status_code == 409 and r.json()["error"]["details"]["load"] == 2
    assert client.get("/api/agent/me", headers=auth).json()["capacity"] == 4
    assert client.put("/api/agent/me/capacity", json={"capacity": 2}, headers=auth).status_code == 200


def test_signup_page_is_served(client: TestClient) -> None:
    for path in ("/signup", "/certify", "/earnings"):
        r = client.get(path)
        assert r.status_code == 200 and "<!doctype html>" in r.text.lower()


def test_signup_offers_the_company_topics_and_accepts_only_those(client: TestClient, services: Services) -> None:
    from tandem.core.settings import TopicSpec

    topics = (TopicSpec(name="bikes", label="Bikes and docks"), TopicSpec(name="billing"),
              TopicSpec(name="accidents", sensitive=True))
    services.settings = services.settings.model_copy(update={"topics": topics, "general_topic": "billing",
                                                             "languages": ("en", "de")})
    options = client.get("/api/workforce/signup").json()
    assert options == {"mode": "open", "languages": ["en", "de"], "topics": [
        {"name": "bikes", "label": "Bikes and docks", "sensitive": False},
        {"name": "billing", "label": "billing", "sensitive": False},
        {"name": "accidents", "label": "accidents", "sensitive": True}]}
    # a built-in topic the company does not route is refused; the company's own is kept
    body = {"name": "Rider", "email": "rider@gig.example", "password": PASSWORD, "languages": ["de"]}
    r = client.post("/api/workforce/signup", json={**body, "topics": ["payments"]})
    assert r.status_code == 422 and "payments" in r.json()["error"]["message"]
    signup(client, "rider@gig.example", topics=["bikes", "accidents"])
    with services.work() as work:
        profile = work.session.scalars(select(WorkforceProfile)).one()
        assert profile.topics == ["bikes", "accidents"]
