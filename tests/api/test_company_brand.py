"""The configured company is what customers see: /api/company, the greeting; 'Kestrel' only in the demo."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tandem.api.app import create_app
from tandem.core.clock import FakeClock
from tandem.core.settings import Company, Intents, Settings, TopicSpec
from tandem.engines.assistant.base import TurnContext
from tandem.engines.assistant.escalation import EscalationReason
from tandem.services import conversations, queue
from tandem.services.bootstrap import build_services
from tandem.services.context import Services


def test_production_company_name_everywhere_and_no_kestrel(tmp_path: Path, db_url: str) -> None:
    settings = Settings(data_dir=tmp_path, database_url=db_url, env="test", intent_model=False,
                        company=Company(name="Nordlys Energi", assistant_name="Lys"))
    services = build_services(settings, FakeClock())
    try:
        with TestClient(create_app(services, run_dispatcher=False)) as client:
            company = client.get("/api/company").json()
            assert company["name"] == "Nordlys Energi" and company["assistant_name"] == "Lys"
            assert company["widget"]["primary_color"] == "#0f766e"
            page = client.get("/chat").text
        greeting = services.assistant.respond(TurnContext("c1", "hello", "en")).text
        assert "Lys" in greeting and "Nordlys Energi" in greeting
        assert "Kestrel" not in greeting + str(company) + page
    finally:
        services.db.dispose()


def test_the_demo_is_kestrel_pay(tmp_path: Path, db_url: str) -> None:
    services = build_services(Settings(data_dir=tmp_path, database_url=db_url, env="test", demo=True,
                                       intent_model=False), FakeClock())
    try:
        assert "Kestrel Pay" in services.assistant.respond(TurnContext("c1", "hello", "en")).text
    finally:
        services.db.dispose()


def test_queue_entries_carry_only_the_company_topics(services: Services) -> None:
    topics = (TopicSpec(name="general"), TopicSpec(name="billing"))
    services.settings = services.settings.model_copy(update={
        "topics": topics, "general_topic": "general", "intents": Intents(topics={"late_fee": "billing"})})
    with services.work() as work:
        plain, _ = conversations.create(work, language="en")
        button = EscalationReason.CUSTOMER_BUTTON
        assert queue.request_human(work, plain, reason=button, topic="payments").topic == "general"
        mapped, _ = conversations.create(work, language="en")
        mapped.intent = "late_fee"
        assert queue.request_human(work, mapped, reason=button, topic="payments").topic == "billing"


def test_invite_mode_refuses_open_sign_up(services: Services) -> None:
    services.settings = services.settings.model_copy(update={"signup_mode": "invite"})
    body = {"name": "Gig", "email": "gig@agents.example", "password": "long enough password", "languages": ["en"],
            "topics": ["account"], "country": "SE", "timezone": "Europe/Stockholm"}
    with TestClient(create_app(services, run_dispatcher=False)) as client:
        refused = client.post("/api/workforce/signup", json=body)
        assert refused.status_code == 403 and "invitation only" in refused.json()["error"]["message"]
        services.settings = services.settings.model_copy(update={"signup_mode": "open"})
        assert client.post("/api/workforce/signup", json=body).status_code == 202
