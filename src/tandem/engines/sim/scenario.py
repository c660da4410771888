"""A simulation scenario: plain dataclasses read from TOML (see scenarios/*.toml, docs/simulator.md)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Arrivals:
    """Where customers come from: kind = "synthetic" | "csv" | "callcenter"."""

    kind: str = "synthetic"
    total: int = 10_000
    days: float = 1.0
    hourly: tuple[float, ...] = (1.0,) * 24
    weekly: tuple[float, ...] = (1.0,) * 7
    path: str = ""
    column: str = "arrival"
    days_filter: tuple[int, ...] = ()


@dataclass(frozen=True)
class Intent:
    """One customer intent: its share of arrivals, the share the AI resolves, the topic a human needs."""

    name: str = "payments"
    share: float = 1.0
    ai_resolved: float = 0.0
    topic: str = "payments"


@dataclass(frozen=True)
class AIStage:
    """The assistant: lognormal handling time; why unresolved conversations go to a human."""

    enabled: bool = True
    handle_minutes: float = 1.8
    handle_sigma: float = 0.6
    intents: tuple[Intent, ...] = (Intent(),)
    reasons: dict[str, float] = field(default_factory=lambda: {"asked_human": 0.5, "low_confidence": 0.3,
                                                               "policy": 0.2})
    cost_per_conversation: float = 0.10
    human_option: bool = True


@dataclass(frozen=True)
class Customers:
    """Patience (exponential, minutes) and the language mix."""

    patience_minutes: float = 3.0
    languages: dict[str, float] = field(default_factory=lambda: {"en": 1.0})


@dataclass(frozen=True)
class Handling:
    """Human handling time: lognormal with the given mean (minutes) and log-sd, or exponential."""

    distribution: str = "lognormal"
    mean_minutes: float = 6.0
    sigma: float = 0.8
    fit: str = ""


@dataclass(frozen=True)
class Agents:
    """The human side. mode = "fixed" (n always on), "shifts" (a plan of head counts per `shift_minutes`), "gig"
    (on-demand pool) or "hybrid" (a core that follows `shifts`, plus the gig pool of `pool_size`)."""

    mode: str = "fixed"
    count: int = 10
    shifts: tuple[int, ...] = ()
    shift_minutes: float = 60.0  # the interval of each head count in `shifts`
    core_quantile: float = 0.3  # a hybrid without `shifts`: its core is rostered for this quantile of demand
    # an on-call list for the intervals the roster leaves empty (closed hours): when a customer waits and nobody
    # is online, one of them is called and is online after Exp(oncall_lag_minutes); they go home once idle
    # for oncall_idle_minutes. 0 = no on-call list.
    oncall: int = 0
    oncall_lag_minutes: float = 2.0
    oncall_idle_minutes: float = 10.0
    pool_size: int = 200
    base_online: float = 0.2
    mean_session_minutes: float = 120.0
    idle_logout_minutes: float = 0.0
    elasticity: float = 1.0
    login_lag_minutes: float = 0.0  # mean (exponential) from deciding to answer a surge call to being online
    capacity: int = 1
    languages: dict[str, float] = field(default_factory=lambda: {"en": 1.0})
    tiers: dict[str, float] = field(default_factory=lambda: {"new": 0.3, "verified": 0.5, "senior": 0.2})
    quality_min: float = 0.0


@dataclass(frozen=True)
class Offers:
    """Offers to agents: acceptance probability, mean decision time and timeout (seconds)."""

    accept_probability: float = 1.0
    decision_seconds: float = 0.0
    timeout_seconds: float = 30.0


@dataclass(frozen=True)
class Surge:
    """The surge loop (engines/surge rules): how often it looks, its staffing target, levels and bonuses.

    `enter` are the shortfalls (1 - online/needed) that enter LOW/MEDIUM/HIGH, `hysteresis` how far the
    shortfall must fall below a threshold to leave it, `bonus` the amount per conversation at NONE..HIGH.
    `release` (tell surplus idle agents they may log off), its dead-band `release_*` and `boost_max`
    are the controller's (see tandem.engines.surge.control).
    """

    enabled: bool = False
    interval_minutes: float = 5.0
    target_abandon: float = 0.03
    lead_minutes: float = 15.0
    enter: tuple[float, float, float] = (0.05, 0.15, 0.30)
    hysteresis: float = 0.04
    bonus: tuple[float, float, float, float] = (0.0, 0.5, 1.0, 2.0)
    release: bool = False
    release_margin: float = 0.15
    release_min: int = 2
    release_hold: int = 2
    release_horizon_minutes: float = 60.0
    boost_max: int = 4


@dataclass(frozen=True)
class Pay:
    """Human pay (per conversation and per handled minute, plus surge bonus) and idle pay for shifts."""

    per_conversation: float = 1.0
    per_minute: float = 0.40
    shift_hourly: float = 24.0


@dataclass(frozen=True)
class Csat:
    """CSAT on a 1..5 scale, falling with wait and with an AI failure before the handoff."""

    base: float = 4.5
    ai_resolved: float = 4.3
    per_wait_minute: float = 0.15
    ai_failure: float = 0.4
    abandoned: float = 1.5
    noise: float = 0.5


@dataclass(frozen=True)
class Scenario:
    """Everything a run needs. Times are minutes unless a name says otherwise."""

    name: str = "scenario"
    seed: int = 1
    service_level_seconds: float = 20.0
    arrivals: Arrivals = Arrivals()
    ai: AIStage = AIStage()
    customers: Customers = Customers()
    handling: Handling = Handling()
    agents: Agents = Agents()
    offers: Offers = Offers()
    surge: Surge = Surge()
    pay: Pay = Pay()
    csat: Csat = Csat()
    base_dir: str = "."


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario TOML file; unknown keys raise, missing keys take defaults."""
    path = Path(path)
    data = tomllib.loads(path.read_text())
    data["base_dir"] = str(path.resolve().parent)
    return build(Scenario, data)


def build(cls: Any, data: dict[str, Any]) -> Any:
    """Build a (nested) frozen dataclass from a dict, converting lists to tuples and intent tables."""
    known = {f.name: f for f in fields(cls)}
    unknown = set(data) - set(known)
    if unknown:
        raise ValueError(f"{cls.__name__}: unknown keys {sorted(unknown)}")
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        default = getattr(cls(), name)
        kwargs[name] = _convert(name, value, default)
    return cls(**kwargs)


def _convert(name: str, value: Any, default: Any) -> Any:
    if name == "intents":
        return tuple(build(Intent, {"name": key, **spec}) for key, spec in value.items())
    if is_dataclass(default) and isinstance(value, dict):
        return build(type(default), value)
    if isinstance(value, list):
        return tuple(value)
    return value
