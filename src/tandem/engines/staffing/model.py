"""Inputs and results of the staffing engine: immutable records with validation."""

from __future__ import annotations

import math
from dataclasses import dataclass

from tandem.core.errors import InvalidInput


def _require(ok: bool, message: str, **details: object) -> None:
    """Raise InvalidInput with a clear message when a precondition fails."""
    if not ok:
        raise InvalidInput(message, **details)


def _finite_positive(name: str, value: float) -> None:
    """Require a finite number greater than zero."""
    _require(
        isinstance(value, int | float) and math.isfinite(value) and value > 0,
        f"{name} must be a finite number > 0, got {value!r}",
        field=name,
    )


@dataclass(frozen=True)
class ServiceModel:
    """How conversations are served: times in minutes, chat concurrency per agent.

    An agent serving up to `concurrency` chats at once is modelled as `concurrency` virtual servers whose
    per-chat handle time is inflated to ``handle_time * (1 + slowdown * (concurrency - 1))``: juggling chats
    makes each one slower. ``slowdown = 0`` treats the chats as fully independent (optimistic);
    ``slowdown = 1`` makes concurrency pointless.
    """

    handle_time: float
    patience: float
    concurrency: int = 1
    slowdown: float = 0.25

    def __post_init__(self) -> None:
        _finite_positive("handle_time", self.handle_time)
        _finite_positive("patience", self.patience)
        _require(
            isinstance(self.concurrency, int) and self.concurrency >= 1,
            f"concurrency must be an integer >= 1, got {self.concurrency!r}",
            field="concurrency",
        )
        _require(
            math.isfinite(self.slowdown) and 0 <= self.slowdown <= 1,
            f"slowdown must be within [0, 1], got {self.slowdown!r}",
            field="slowdown",
        )

    @property
    def chat_handle_time(self) -> float:
        """Return the mean handle time of one chat when an agent runs `concurrency` chats."""
        return self.handle_time * (1 + self.slowdown * (self.concurrency - 1))

    def servers(self, agents: int) -> int:
        """Return the number of virtual servers `agents` agents provide."""
        return agents * self.concurrency


@dataclass(frozen=True)
class StaffingTarget:
    """What 'enough agents' means: a service level within a target time and an abandonment cap."""

    service_level: float
    target_seconds: float
    max_abandon: float

    def __post_init__(self) -> None:
        _require(0 <= self.service_level < 1, "service_level must be within [0, 1)", field="service_level")
        _require(
            math.isfinite(self.target_seconds) and self.target_seconds >= 0,
            "target_seconds must be a finite number >= 0",
            field="target_seconds",
        )
        _require(0 < self.max_abandon <= 1, "max_abandon must be within (0, 1]", field="max_abandon")


@dataclass(frozen=True)
class ErlangAResult:
    """Steady-state performance of an Erlang-A (M/M/n+M) queue; probabilities are over all arrivals."""

    arrival_rate: float
    agents: int
    servers: int
    p_wait: float
    p_abandon: float
    service_level: float
    target_seconds: float
    mean_wait: float
    occupancy: float

    def meets(self, target: StaffingTarget) -> bool:
        """Return whether this result satisfies `target`."""
        return self.service_level >= target.service_level and self.p_abandon <= target.max_abandon

    def as_dict(self) -> dict[str, float | int]:
        """Return the result as a flat JSON-ready dict."""
        return {
            "agents": self.agents,
            "servers": self.servers,
            "arrival_rate": self.arrival_rate,
            "p_wait": self.p_wait,
            "p_abandon": self.p_abandon,
            "service_level": self.service_level,
            "target_seconds": self.target_seconds,
            "mean_wait": self.mean_wait,
            "occupancy": self.occupancy,
        }
