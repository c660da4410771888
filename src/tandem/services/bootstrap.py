"""Build the services of one process from settings: database (migrated), bus, assistant, account backend."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path

from tandem.backend.protocol import AccountBackend
from tandem.bus.base import Bus
from tandem.bus.inprocess import InProcessBus
from tandem.core.clock import Clock, SystemClock
from tandem.core.settings import Settings
from tandem.engines.assistant.actions import AccountTools
from tandem.engines.assistant.base import Assistant
from tandem.engines.assistant.guarded import GuardedAssistant
from tandem.engines.assistant.kb import KnowledgeArticle, KnowledgeBase
from tandem.engines.assistant.llm import LLMAssistant, OpenAICompatibleProvider
from tandem.engines.assistant.nlu.embeddings import shared_embedder
from tandem.engines.assistant.nlu.multilingual import EncoderUnavailable, shared_multilingual
from tandem.engines.assistant.nlu.multilingual_intents import MultilingualIntents
from tandem.engines.assistant.nlu.understanding import NLU, TRAINING_CSV
from tandem.engines.assistant.offline import OfflineAssistant
from tandem.engines.assistant.retrieval import LEXICAL_ONLY_THRESHOLD, THRESHOLD, HybridRetriever
from tandem.services import presence
from tandem.services.context import Services
from tandem.services.help_center import LiveHelpCenter, stored_articles, stored_version
from tandem.storage.db import Database, migrate

log = logging.getLogger(__name__)


@functools.cache
def help_center() -> KnowledgeBase:
    """The help center shipped with the demo company."""
    from tandem.demo.help_center import load_articles

    return KnowledgeBase([
        KnowledgeArticle(a.id, a.title, str(a.topic), a.body, tuple(a.questions), tuple(a.tags))
        for a in load_articles()
    ])


@functools.lru_cache(maxsize=4)
def _retriever(kb: KnowledgeBase, cache_dir: Path | None) -> HybridRetriever:
    # passage vectors come from the on-disk cache (keyed by content hash); only changed articles are embedded
    try:
        return HybridRetriever(kb, shared_multilingual(), cache_dir=cache_dir)
    except EncoderUnavailable:
        log.error("multilingual encoder unavailable: help-center answers use keyword search only", exc_info=True)
        return HybridRetriever(kb, None)


def build_answerer(kb: KnowledgeBase, cache_dir: Path | None = None) -> OfflineAssistant:
    """The help-center answerer the live assistant uses (retrieval and threshold); `tandem eval retrieval` too.

    `cache_dir` keeps passage vectors between starts (default: beside the intent model)."""
    directory = cache_dir if cache_dir is not None else Settings.model_fields["model_dir"].default / "kb-vectors"
    retriever = _retriever(kb, directory)
    threshold = THRESHOLD if retriever.encoder is not None else LEXICAL_ONLY_THRESHOLD
    return OfflineAssistant(kb, retriever, min_similarity=threshold)


def build_assistant(settings: Settings, kb: KnowledgeBase, backend: AccountBackend | None = None) -> Assistant:
    """The offline assistant (hybrid retrieval, embedding model shipped in a PyPI package) inside the rules,
    acting on the account backend when there is one, with a language model when one is configured."""
    answerer = build_answerer(kb, settings.model_dir / "kb-vectors")
    multilingual = MultilingualIntents(shared_multilingual(), TRAINING_CSV, settings.model_dir)
    nlu = NLU(settings.model_dir, embedder=shared_embedder(), multilingual=multilingual) \
        if settings.intent_model else None
    tools = AccountTools(backend) if backend is not None else None
    assistant = GuardedAssistant(answerer, nlu, actions=tools, llm=build_llm(settings, tools, kb))
    assistant.warm_up()
    return assistant


def build_llm(settings: Settings, tools: AccountTools | None, kb: KnowledgeBase) -> LLMAssistant | None:
    """An OpenAI-compatible model when TANDEM_LLM_BASE_URL is set; None keeps the assistant offline."""
    if not settings.llm_base_url:
        return None
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    provider = OpenAICompatibleProvider(settings.llm_base_url, settings.llm_model, key, settings.llm_timeout_s)
    return LLMAssistant(provider, tools, kb)


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
    kb, version = initial_help_center(db, settings)
    backend: AccountBackend | None = None
    if settings.demo if with_demo_backend is None else with_demo_backend:
        from tandem.backend.demo import DemoBackend

        backend = DemoBackend(db.engine)
    clock = clock or SystemClock()
    services = Services(settings=settings, db=db, bus=build_bus(settings), clock=clock,
                        assistant=build_assistant(settings, kb, backend), backend=backend,
                        heartbeats=presence.build_store(settings, clock.now()))
    services.extras["kb"] = kb
    services.extras["help_center"] = LiveHelpCenter(db, kb, version, _installer(services, settings))
    return services


def initial_help_center(db: Database, settings: Settings) -> tuple[KnowledgeBase, int | None]:
    """The imported help center when the database has one; else the demo's in demo mode; else an empty one."""
    version = stored_version(db)
    if version is not None:
        articles = stored_articles(db)
        if articles:
            return KnowledgeBase(articles), version
    if settings.demo:
        return help_center(), None
    log.warning("no help center imported yet: the assistant has nothing to answer from (run `tandem kb import`)")
    return KnowledgeBase([]), None


def _installer(services: Services, settings: Settings) -> Callable[[KnowledgeBase], None]:
    """Build the retriever for a new help center, then swap it into the assistant, its LLM and the pages."""
    def install(kb: KnowledgeBase) -> None:
        fresh = build_answerer(kb, settings.model_dir / "kb-vectors")
        answerer = getattr(services.assistant, "answerer", None)
        if isinstance(answerer, OfflineAssistant):
            answerer.use(kb, fresh.retriever, fresh.min_similarity)
        llm = getattr(services.assistant, "llm", None)
        if llm is not None:
            llm.kb = kb
        services.extras["kb"] = kb

    return install
