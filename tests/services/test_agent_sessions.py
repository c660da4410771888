"""The session check every agent request makes (services/agents.authenticate_session)."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.core.clock import FakeClock
from tandem.core.errors import Unauthorized
from tandem.services import agents as agent_service
from tandem.services.context import Services
from tandem.testing.sql import selects, statements

HASH = agent_service.hash_password("not-used-in-this-test")


def _agent_with_session(services: Services, ttl_s: int = 3600) -> tuple[str, str]:
    with services.work() as work:
        agent = agent_service.create(work, email="s@x.example", name="S", password="x" * 8, languages=["en"],
                                     password_hash=HASH)
    with services.work() as work:
        agent, token = agent_service.open_session(work, "s@x.example", HASH, ttl_s)
        return agent.id, token


def _check(services: Services, token: str) -> tuple[Any, float]:
    with services.work() as work:
        return agent_service.authenticate_session(work, token)


def test_a_live_session_is_checked_in_one_statement(services: Services, clock: FakeClock) -> None:
    agent_id, token = _agent_with_session(services)
    with statements(services.db.engine) as sql:
        agent, expires_at = _check(services, token)
    assert agent.id == agent_id and expires_at == clock.now() + 3600
    assert len(selects(sql)) == 1


@pytest.mark.parametrize("how", ["unknown", "revoked", "expired"])
def test_a_dead_session_is_refused(services: Services, clock: FakeClock, how: str) -> None:
    _, token = _agent_with_session(services, ttl_s=60)
    if how == "revoked":
        with services.work() as work:
            agent_service.logout(work, token)
    elif how == "expired":
        clock.advance(61)
    with pytest.raises(Unauthorized, match="session expired or invalid"):
        _check(services, "not-a-token" if how == "unknown" else token)


def test_a_disabled_agent_is_refused_with_a_live_session(services: Services) -> None:
    agent_id, token = _agent_with_session(services)
    with services.work() as work:
        agent_service.get(work, agent_id).active = False
    with pytest.raises(Unauthorized, match="agent account is disabled"):
        _check(services, token)
