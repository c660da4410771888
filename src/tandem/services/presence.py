"""Agent heartbeats: where the sign of life of an online agent is kept, and how silence is found.

Today every heartbeat is a row update of `agents.last_heartbeat` (`agents.heartbeat`); this module is the one
entry point the server and the benches use, so the store can move off the relational write path.
"""

from __future__ import annotations

from collections.abc import Iterable

from tandem.core.settings import Settings
from tandem.services import agents as agent_service
from tandem.services.context import Services


class DatabaseHeartbeats:
    """Heartbeats as row updates (one UPDATE per beat)."""

    def beat(self, services: Services, agent_ids: Iterable[str]) -> None:
        with services.work() as work:
            for agent_id in agent_ids:
                agent_service.heartbeat(work, agent_id)


def build_store(settings: Settings, services: Services) -> DatabaseHeartbeats:
    """The heartbeat store for these settings."""
    return DatabaseHeartbeats()


def beat_many(services: Services, store: DatabaseHeartbeats, agent_ids: Iterable[str]) -> None:
    """Record a heartbeat for each agent (a batch, as the bench sends them)."""
    store.beat(services, agent_ids)
