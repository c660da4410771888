"""Brute-force Erlang-A: a truncated birth–death chain plus a transient chain for the tagged caller.

Slow and independent of the closed forms in `erlang_a`; tests compare the two.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.linalg import expm

from tandem.engines.staffing.model import ErlangAResult, ServiceModel


def stationary(lam: float, n: int, mu: float, theta: float, tail: float = 1e-18) -> np.ndarray:
    """Return π_0..π_N of the birth–death chain, truncated once the weights fall below `tail`."""
    logs = [0.0]
    j = 0
    while True:
        death = min(j + 1, n) * mu + max(j + 1 - n, 0) * theta
        logs.append(logs[-1] + math.log(lam / death))
        j += 1
        if j > n and lam < death and logs[-1] < max(logs) + math.log(tail):
            break
    w = np.exp(np.array(logs) - max(logs))
    return w / w.sum()


def answered_within(n: int, mu: float, theta: float, seconds: float, ahead: int) -> np.ndarray:
    """Return P(answered within `seconds`) for a caller starting with 0..ahead callers queued in front."""
    size = ahead + 1
    gen = np.zeros((size + 2, size + 2))  # states: 0..ahead, then served, abandoned
    for m in range(size):
        gen[m, m - 1 if m else size] = n * mu + m * theta
        gen[m, size + 1] = theta
        gen[m, m] = -(n * mu + (m + 1) * theta)
    return expm(gen * seconds / 60.0)[:size, size]


def brute_force_erlang_a(
    arrival_rate: float, agents: int, model: ServiceModel, target_seconds: float = 20.0
) -> ErlangAResult:
    """Evaluate Erlang-A by truncating the state space; for tests and benchmarks only."""
    n, mu, theta = model.servers(agents), 1.0 / model.chat_handle_time, 1.0 / model.patience
    pi = stationary(arrival_rate, n, mu, theta)
    queued = pi[n:]
    p_wait = float(queued.sum())
    p_abandon = theta * float(np.dot(np.arange(len(queued)), queued)) / arrival_rate
    in_time = answered_within(n, mu, theta, target_seconds, len(queued) - 1)
    service_level = float(pi[:n].sum() + np.dot(queued, in_time))
    busy = arrival_rate * (1 - p_abandon) * model.chat_handle_time
    return ErlangAResult(
        arrival_rate=arrival_rate,
        agents=agents,
        servers=n,
        p_wait=p_wait,
        p_abandon=p_abandon,
        service_level=service_level,
        target_seconds=target_seconds,
        mean_wait=p_abandon * model.patience,
        occupancy=busy / n,
    )
