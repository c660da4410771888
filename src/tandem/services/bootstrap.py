"""Build the services of one process from settings: database (migrated), bus, assistant, account backend."""

from __future__ import annotations

import logging

from tandem.bus.base import Bus
from tandem.bus.inprocess import InProcessBus
from tandem.core.clock import Clock, SystemClock
from tandem.core.settings import Settings
from tandem.engines.assistant.base import Assistant
from tandem.engines.assistant.guarded import GuardedAssistant
from tandem.engines.assistant.kb import KnowledgeArticle, KnowledgeBase
from tandem.engines.assistant.nlu.embeddings import shared_embedder
from tandem.engines.assistant.nlu.understanding import NLU
from tandem.engines.assistant.offline import OfflineAssistant
from tandem.engines.assistant.retrieval import HybridRetriever
from tandem.services.context import Services
from tandem.storage.db import Database, migrate

log = logging.getLogger(__name__)


def help_center() -> KnowledgeBase:
    """The help center shipped with the demo company."""
    from tandem.demo.help_center import load_articles

    return KnowledgeBase([
        KnowledgeArticle(a.id, a.title, str(a.topic), a.body, tuple(a.questions), tuple(a.tags))
        for a in load_articles()
    ])


def build_assistant(settings: Settings, kb: KnowledgeBase) -> Assistant:
    """The offline assistant (hybrid retrieval, embedding model shipped in a PyPI package) inside the rules."""
    answerer = OfflineAssistant(kb, HybridRetriever(kb, shared_embedder()))
    nlu = NLU(settings.model_dir, embedder=shared_embedder()) if settings.intent_model else None
    assistant = GuardedAssistant(answerer, nlu)
    assistant.warm_up()
    return assistant


def build_bus(settings: Settings) -> Bus:
    """Redis pub/sub between replicas when TANDEM_REDIS_URL is set, else the in-process bus."""
    if settings.redis_url:
        from tandem.bus.redis_bus import RedisBus

        return RedisBus(settings.redis_url)
    return InProcessBus()


def build_services(
    settings: Settings, clock: Clock | None = None, *, with_demo_backend: bool | None = None
) -> Services:
    """Connect to the database, bring its schema up to date, and wire the engines."""
    db = Database(settings.db_url)
    migrate(db.engine)
    kb = help_center()
    services = Services(settings=settings, db=db, bus=build_bus(settings), clock=clock or SystemClock(),
                        assistant=build_assistant(settings, kb))
    services.extras["kb"] = kb
    if settings.demo if with_demo_backend is None else with_demo_backend:
        from tandem.backend.demo import DemoBackend

        services.backend = DemoBackend(db.engine)
    return services
