"""One validated settings object, read from TANDEM_* environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from limits import parse_many
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-only-secret-change-me"
MIN_SECRET_BYTES = 32


class Settings(BaseSettings):
    """Everything configurable; frozen once built so nothing changes under a running server."""

    model_config = SettingsConfigDict(env_prefix="TANDEM_", frozen=True, extra="ignore")

    # production unless told otherwise: `tandem demo` and the test suite say so explicitly (core/deploy.py)
    env: Literal["development", "production", "test"] = "production"
    data_dir: Path = Path("var")
    database_url: str | None = None
    redis_url: str | None = None
    # keys this deployment owns in Redis start with it (heartbeats: "<prefix>:heartbeats")
    redis_prefix: str = Field(default="tandem", min_length=1, max_length=64)
    secret_key: str = DEV_SECRET
    # demo mode trusts an unsigned customer_ref so the widget can act as a seeded customer
    demo: bool = False
    # moving-window limits on public endpoints (login, sign-up, customer writes) and per account on failed
    # logins (api/ratelimit.py); off only for load tests. Shared through Redis when redis_url is set.
    rate_limit: bool = True
    rate_limit_prefix: str = "tandem-limits"
    # customer messages per conversation, over HTTP and WebSocket together ("n/period;n/period", `limits` syntax)
    conversation_message_limit: str = "5/5seconds;20/minute"
    # the intent classifier trains once (about a minute on 2 cores) and is cached here, shared across data dirs
    intent_model: bool = True
    model_dir: Path = Path.home() / ".cache" / "tandem" / "models"
    public_url: str = "http://127.0.0.1:8000"
    # origins allowed to frame /chat (the widget on the company's site), space-separated, e.g.
    # "https://www.example.com https://shop.example.com"; every other page may not be framed at all
    frame_origins: str = ""
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

    @property
    def db_url(self) -> str:
        """The database URL, defaulting to an SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'tandem.sqlite3').resolve()}"
