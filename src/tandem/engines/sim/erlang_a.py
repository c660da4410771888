"""The plain Erlang-A model (M/M/n+M, FCFS): a fast kernel over sorted server free times.

With one FCFS queue and identical servers, a customer starts service at the later of its arrival and the
earliest time a server frees; it abandons if that wait exceeds its patience, and then it takes no server.
That recursion needs no event list: one heap of server free times replaces the whole simulation.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ErlangAModel:
    """M/M/n+M: arrival rate per minute, mean handle and mean patience in minutes, n agents."""

    arrival_rate: float
    handle_time: float
    patience: float
    agents: int

    def __post_init__(self) -> None:
        if min(self.arrival_rate, self.handle_time, self.patience) <= 0 or self.agents < 1:
            raise ValueError("rates and times must be positive and agents at least 1")

    @property
    def load(self) -> float:
        """Offered load per agent (rho = lambda * h / n)."""
        return self.arrival_rate * self.handle_time / self.agents


@dataclass(frozen=True)
class ErlangAResult:
    """Steady-state estimates from one run (warm-up customers excluded)."""

    customers: int
    p_wait: float
    p_abandon: float
    answered_within: float
    mean_wait: float
    occupancy: float
    threshold: float

    def as_dict(self) -> dict[str, float | int]:
        return dict(self.__dict__)


def fcfs_waits(
    arrivals: list[float], services: list[float], patience: list[float], agents: int
) -> list[float]:
    """Return each customer's wait; a negative value -w marks a customer who abandoned after waiting w."""
    free = [0.0] * agents
    waits = [0.0] * len(arrivals)
    replace = heapq.heapreplace
    for i, (a, s, p) in enumerate(zip(arrivals, services, patience, strict=True)):
        f = free[0]
        if f <= a:
            replace(free, a + s)
        elif f - a <= p:
            replace(free, f + s)
            waits[i] = f - a
        else:
            waits[i] = -p
    return waits


def warmup_customers(model: ErlangAModel) -> int:
    """Arrivals in ten relaxation times, enough to forget the empty start."""
    relax = 10.0 * max(model.handle_time, model.patience)
    return int(model.arrival_rate * relax) + 100


def simulate_erlang_a(
    model: ErlangAModel, customers: int, rng: np.random.Generator, threshold: float = 20 / 60
) -> ErlangAResult:
    """Simulate `customers` measured arrivals after a warm-up; threshold: service-level wait (minutes)."""
    total = customers + warmup_customers(model)
    arrivals = np.cumsum(rng.exponential(1.0 / model.arrival_rate, total))
    services = rng.exponential(model.handle_time, total)
    patience = rng.exponential(model.patience, total)
    waits = np.asarray(fcfs_waits(arrivals.tolist(), services.tolist(), patience.tolist(), model.agents))
    return _summarise(model, waits[-customers:], services[-customers:], threshold)


def _summarise(
    model: ErlangAModel, waits: np.ndarray, services: np.ndarray, threshold: float
) -> ErlangAResult:
    abandoned = waits < 0
    served = ~abandoned
    n = len(waits)
    span = n / model.arrival_rate
    return ErlangAResult(
        customers=n,
        p_wait=float(np.count_nonzero(waits != 0) / n),
        p_abandon=float(np.count_nonzero(abandoned) / n),
        answered_within=float(np.count_nonzero(served & (waits <= threshold)) / n),
        mean_wait=float(np.abs(waits).mean()),
        occupancy=float(services[served].sum() / (span * model.agents)),
        threshold=threshold,
    )
