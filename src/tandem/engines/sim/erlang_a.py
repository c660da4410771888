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
class ErlangARun:
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


CHUNK = 1 << 20


def fcfs_waits(
    arrivals: list[float], services: list[float], patience: list[float], agents: int,
    free: list[float] | None = None,
) -> list[float]:
    """Return each customer's wait; a negative value -w marks a customer who abandoned after waiting w.

    `free` is the heap of server free times; pass the same list again to continue a run in chunks.
    """
    free = [0.0] * agents if free is None else free
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
) -> ErlangARun:
    """Simulate `customers` measured arrivals after a warm-up; threshold: service-level wait (minutes).

    Runs in chunks of about a million customers, so memory stays flat however long the run.
    """
    free = [0.0] * model.agents
    clock, skip, left = 0.0, warmup_customers(model), customers
    totals = np.zeros(6)
    while left > 0:
        size = min(CHUNK, skip + left)
        arrivals = clock + np.cumsum(rng.exponential(1.0 / model.arrival_rate, size))
        services = rng.exponential(model.handle_time, size)
        patience = rng.exponential(model.patience, size)
        waits = np.asarray(fcfs_waits(arrivals.tolist(), services.tolist(), patience.tolist(), model.agents, free))
        clock = float(arrivals[-1])
        used = min(skip, size)
        totals += _counts(waits[used:], services[used:], threshold)
        skip, left = skip - used, left - (size - used)
    return _result(model, totals, threshold)


def _counts(waits: np.ndarray, services: np.ndarray, threshold: float) -> np.ndarray:
    abandoned = waits < 0
    served = ~abandoned
    return np.array([waits.size, np.count_nonzero(waits != 0), np.count_nonzero(abandoned),
                     np.count_nonzero(served & (waits <= threshold)), np.abs(waits).sum(), services[served].sum()])


def _result(model: ErlangAModel, totals: np.ndarray, threshold: float) -> ErlangARun:
    n, waited, abandoned, within, wait_sum, busy = totals.tolist()
    span = n / model.arrival_rate
    return ErlangARun(
        customers=int(n),
        p_wait=waited / n,
        p_abandon=abandoned / n,
        answered_within=within / n,
        mean_wait=wait_sum / n,
        occupancy=busy / (span * model.agents),
        threshold=threshold,
    )
