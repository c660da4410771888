"""Build the services of one process from settings: database (migrated), bus, assistant, account backend.

Nothing from tandem.demo or tandem.backend.demo* is imported here unless the settings say demo (or name the
demo backend): a production `tandem serve` never loads the demo company (tests/test_import_graph.py).
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import logging
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from tandem.adapters.llm_http import OpenAICompatibleProvider
from tandem.backend.protocol import AccountBackend
from tandem.bus.base import Bus
from tandem.bus.inprocess import InProcessBus
from tandem.core.clock import Clock, SystemClock
from tandem.core.settings import ConfigError, Settings
from tandem.engines.assistant.actions import AccountTools
from tandem.engines.assistant.base import Assistant
from tandem.engines.assistant.guarded import GuardedAssistant
from tandem.engines.assistant.kb import KnowledgeArticle, KnowledgeBase
from tandem.engines.assistant.kb_sources import read_out_of_scope
from tandem.engines.assistant.llm import LLMAssistant
from tandem.engines.assistant.nlu.company_intents import CompanyIntents
from tandem.engines.assistant.nlu.company_intents import load as load_company_intents
from tandem.engines.assistant.nlu.embeddings import shared_embedder
from tandem.engines.assistant.nlu.folder_encoder import FolderEncoder
from tandem.engines.assistant.nlu.multilingual import EncoderUnavailable, shared_multilingual
from tandem.engines.assistant.nlu.multilingual_intents import MultilingualIntents
from tandem.engines.assistant.nlu.understanding import NLU, TRAINING_CSV
from tandem.engines.assistant.offline import OfflineAssistant
from tandem.engines.assistant.retrieval import LEXICAL_ONLY_THRESHOLD, THRESHOLD, HybridRetriever
from tandem.services import presence
from tandem.services.banks import QuestionBanks, load_banks
from tandem.services.context import Services
from tandem.services.help_center import LiveHelpCenter, stored_help_center, stored_version
from tandem.services.kb_folder import load_folder
from tandem.storage.db import Database, migrate

log = logging.getLogger(__name__)


@functools.cache
def demo_help_center() -> KnowledgeBase:
    """The help center shipped with the demo company."""
    from tandem.demo.help_center import load_articles

    return KnowledgeBase([
        KnowledgeArticle(a.id, a.title, str(a.topic), a.body, tuple(a.questions), tuple(a.tags))
        for a in load_articles()
    ])


@functools.lru_cache(maxsize=2)
def folder_encoder(root: Path) -> FolderEncoder:
    """The operator's own embedding model (`models.embedding`), one per process and folder."""
    return FolderEncoder(root)


@functools.lru_cache(maxsize=4)
def _retriever(kb: KnowledgeBase, cache_dir: Path | None, embedding: Path | None = None) -> HybridRetriever:
    # passage vectors come from the on-disk cache (keyed by content hash and model); only changed articles are
    # embedded. A configured model folder replaces the shipped multilingual-e5-small; it is never downloaded.
    if embedding is not None:
        encoder = folder_encoder(embedding)
        return HybridRetriever(kb, encoder, cache_dir=cache_dir, model_name=encoder.name)
    try:
        return HybridRetriever(kb, shared_multilingual(), cache_dir=cache_dir)
    except EncoderUnavailable:
        log.error("multilingual encoder unavailable: help-center answers use keyword search only", exc_info=True)
        return HybridRetriever(kb, None)


def build_answerer(kb: KnowledgeBase, cache_dir: Path | None = None,
                   embedding: Path | None = None) -> OfflineAssistant:
    """The help-center answerer the live assistant uses (retrieval and threshold); `tandem eval retrieval` too.

    `cache_dir` keeps passage vectors between starts (default: beside the intent model); `embedding` is the
    operator's model folder (`models.embedding`), None for the shipped multilingual-e5-small."""
    directory = cache_dir if cache_dir is not None else Settings.model_fields["model_dir"].default / "kb-vectors"
    retriever = _retriever(kb, directory, embedding)
    threshold = THRESHOLD if retriever.encoder is not None else LEXICAL_ONLY_THRESHOLD
    return OfflineAssistant(kb, retriever, min_similarity=threshold)


def build_assistant(settings: Settings, kb: KnowledgeBase, backend: AccountBackend | None = None) -> Assistant:
    """The offline assistant (hybrid retrieval, embedding model shipped in a PyPI package) inside the rules,
    acting on the account backend when there is one, with a language model when one is configured."""
    answerer = build_answerer(kb, settings.model_dir / "kb-vectors", settings.models.embedding)
    # the greeting names the configured company and assistant (the demo's are Kestrel Pay's, nobody else's)
    answerer.brand = {"company": settings.company.name, "assistant": settings.company.assistant_name}
    multilingual = MultilingualIntents(shared_multilingual(), TRAINING_CSV, settings.model_dir)
    nlu = NLU(settings.model_dir, embedder=shared_embedder(), multilingual=multilingual) \
        if settings.intent_model else None
    tools = AccountTools(backend, limits=settings.policy) if backend is not None else None
    sensitive = frozenset(intent for intent, topic in settings.intents.topics.items()
                          if topic in settings.sensitive_topics)
    assistant = GuardedAssistant(answerer, nlu, actions=tools, llm=build_llm(settings, tools, kb),
                                 company_intents=company_intents(settings), sensitive_intents=sensitive)
    assistant.warm_up()
    return assistant


def build_llm(settings: Settings, tools: AccountTools | None, kb: KnowledgeBase) -> LLMAssistant | None:
    """An OpenAI-compatible model when TANDEM_LLM_BASE_URL is set; None keeps the assistant offline."""
    if not settings.llm_base_url:
        return None
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    provider = OpenAICompatibleProvider(settings.llm_base_url, settings.llm_model, key, settings.llm_timeout_s)
    return LLMAssistant(provider, tools, kb, company=settings.company.name)


def company_intents(settings: Settings) -> CompanyIntents | None:
    """The company's intent model (`[intents] model`, from `tandem train intents`), checked against the mapping."""
    if settings.intents.model is None:
        return None
    try:
        model = load_company_intents(settings.intents.model)
    except ValueError as exc:
        raise ConfigError(f"intents.model: {exc}") from None
    unknown = sorted(set(settings.intents.topics) - set(model.labels))
    if unknown:
        raise ConfigError(f"intents.topics: maps intents the model does not have: {unknown}; "
                          f"its intents are {list(model.labels)}")
    return model


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
    banks = question_banks(settings, kb)  # a question citing an article the help center lacks stops the start
    backend = build_backend(settings, db, settings.demo if with_demo_backend is None else with_demo_backend)
    clock = clock or SystemClock()
    services = Services(settings=settings, db=db, bus=build_bus(settings), clock=clock,
                        assistant=build_assistant(settings, kb, backend), backend=backend,
                        heartbeats=presence.build_store(settings, clock.now()), banks=banks)
    services.extras["kb"] = kb
    services.extras["help_center"] = LiveHelpCenter(db, kb, version, _installer(services, settings))
    return services


def help_center(settings: Settings) -> KnowledgeBase:
    """The configured help center without a database: help_center.source, else the demo's in demo mode, else none."""
    source = settings.help_center.source
    if source is not None:
        return _folder_help_center(source.resolve(), settings.topic_names, settings.general_topic)
    if settings.demo:
        return demo_help_center()
    return KnowledgeBase([])


@functools.lru_cache(maxsize=4)
def _folder_help_center(source: Path, topics: tuple[str, ...], general: str) -> KnowledgeBase:
    out_of_scope, problem = read_out_of_scope(source)
    if problem is not None:
        raise ConfigError(f"help_center.source: {problem.path}: {problem.reason}")
    return KnowledgeBase(load_folder(source, topics, general), out_of_scope=out_of_scope or ())


def question_banks(settings: Settings, kb: KnowledgeBase) -> QuestionBanks:
    """The company's certification banks, checked against the help center (the demo's in demo mode)."""
    articles = {a.id for a in kb.articles}
    if settings.certification.banks is not None:
        return load_banks(settings.certification.banks, settings.topic_names, articles)
    if settings.demo:  # the demo's banks ship with, and are checked against, the demo's own articles
        demo_articles = {a.id for a in demo_help_center().articles}
        return load_banks(resources.files("tandem.demo.certification"), settings.topic_names, demo_articles)
    return QuestionBanks()


def build_backend(settings: Settings, db: Database, demo: bool) -> AccountBackend | None:
    """The account backend: `backend = "module:factory"` (called with the settings), the demo's, or none."""
    if settings.backend == "demo" or (settings.backend is None and demo):
        from tandem.backend.demo import DemoBackend

        return DemoBackend(db.engine, limits=settings.policy)
    if settings.backend is None:
        return None
    if settings.backend == "http":
        from tandem.backend.http import HttpAccountBackend

        return HttpAccountBackend.from_settings(settings)
    factory = _backend_factory(settings.backend)
    backend = factory(settings)
    if not isinstance(backend, AccountBackend):
        raise ConfigError(f"backend: {settings.backend!r} returned {type(backend).__name__}, which lacks the "
                          "AccountBackend methods (tandem.backend.protocol)")
    return backend


def _backend_factory(name: str) -> Callable[[Settings], AccountBackend]:
    """`module:factory`, or a name in the `tandem.backends` entry-point group of an installed package."""
    if ":" not in name:
        found = [e for e in importlib.metadata.entry_points(group="tandem.backends") if e.name == name]
        if not found:
            registered = sorted(e.name for e in importlib.metadata.entry_points(group="tandem.backends"))
            raise ConfigError(f"backend: {name!r} is not 'http', 'demo', 'module:factory' or a name in the "
                              f"tandem.backends entry-point group (registered: {registered or 'none'})")
        name = found[0].value
    module_name, _, attr = name.partition(":")
    try:
        factory: Callable[[Settings], AccountBackend] = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"backend: cannot load {name!r}: {exc}") from None
    return factory


def initial_help_center(db: Database, settings: Settings) -> tuple[KnowledgeBase, int | None]:
    """The imported help center when the database has one; else the configured source folder, or the demo's in
    demo mode; else an empty one."""
    version = stored_version(db)
    if version is not None:
        stored = stored_help_center(db)
        if stored.articles:
            return stored, version
    configured = help_center(settings)
    if configured.articles:
        return configured, None
    log.warning("no help center imported yet: the assistant has nothing to answer from (run `tandem kb import`)")
    return KnowledgeBase([]), None


def _installer(services: Services, settings: Settings) -> Callable[[KnowledgeBase], None]:
    """Build the retriever for a new help center, then swap it into the assistant, its LLM and the pages."""
    def install(kb: KnowledgeBase) -> None:
        fresh = build_answerer(kb, settings.model_dir / "kb-vectors", settings.models.embedding)
        answerer = getattr(services.assistant, "answerer", None)
        if isinstance(answerer, OfflineAssistant):
            answerer.use(kb, fresh.retriever, fresh.min_similarity)
        llm = getattr(services.assistant, "llm", None)
        if llm is not None:
            llm.kb = kb
        services.extras["kb"] = kb

    return install
