"""Exact Erlang-A (M/M/n+M) in closed form, evaluated in log space so thousands of servers never overflow.

Notation (rates per minute): λ arrivals, μ = 1/handle, θ = 1/patience, n servers, r = λ/μ, a = nμ/θ, x = λ/θ.
Relative to π_n, states j < n weigh r^(j-n) n!/j! (their sum with π_n is 1/B, B = Erlang-B) and state n + i
weighs x^i / ((a+1)...(a+i)). An arrival finding i others queued waits V with θV = -log U, U ~ Beta(a, i+1),
and is answered iff its exponential patience outlasts V. Summing over i gives regularised incomplete gammas:

    W  = Σ_i weights          = e^x x^-a Γ(a+1) P(a, x)
    P(answered | wait)       = (a/x) P(a+1, x) / P(a, x)
    P(answered in T | wait)  = (a/x) [P(a+1, x) - P(a+1, x e^-θT)] / P(a, x)
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import betainc, gammainc, gammaincc

from tandem.core.errors import InvalidInput
from tandem.engines.staffing.model import ErlangAResult, ServiceModel

_TINY = 1e-280  # below this an incomplete gamma has lost its digits: switch to a series


def log_inverse_erlang_b(servers: int, load: float) -> float:
    """Return log(1/B(n, r)) = log(Σ_{j≤n} r^j/j! · n!/r^n), stable for any n and r."""
    q = float(gammaincc(servers + 1, load))
    if q > _TINY:
        return load + math.log(q) + math.lgamma(servers + 1) - servers * math.log(load)
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return -math.log(b)


def _queue_ratios_gamma(a: float, x: float, c: float) -> tuple[float, float, float] | None:
    """Return (log W, P(answered | wait), P(answered in T | wait)) from incomplete gammas, or None."""
    p_a = float(gammainc(a, x))
    if p_a < _TINY:
        return None
    log_w = x - a * math.log(x) + math.lgamma(a + 1) + math.log(p_a)
    p_ans = float(gammainc(a + 1, x))
    if x * c > a + 1:  # both near 1: subtract the complements instead
        p_ans_t = float(gammaincc(a + 1, x * c) - gammaincc(a + 1, x))
    else:
        p_ans_t = p_ans - float(gammainc(a + 1, x * c))
    scale = a / x / p_a
    return log_w, min(1.0, scale * p_ans), min(1.0, max(0.0, scale * p_ans_t))


def _queue_ratios_series(a: float, x: float, c: float) -> tuple[float, float, float]:
    """Return the same ratios by summing the queue states directly (used when x << a)."""
    log_q = math.log(x) - math.log(a + 1)
    terms = int(min(1e6, 2 + 60 / max(1e-12, -log_q))) if log_q < 0 else 100_000
    i = np.arange(terms, dtype=float)
    log_w = np.concatenate(([0.0], np.cumsum(math.log(x) - np.log(a + i[1:]))))
    top = log_w.max()
    w = np.exp(log_w - top)
    total = float(w.sum())
    answered = w * a / (a + i + 1)
    in_time = answered * betainc(i + 1, a + 1, 1 - c)
    return top + math.log(total), float(answered.sum()) / total, float(in_time.sum()) / total


def queue_ratios(a: float, x: float, c: float) -> tuple[float, float, float]:
    """Return (log W, P(answered | wait), P(answered within T | wait)) with c = e^{-θT}."""
    # an arrival rate so small that x underflows to 0 has the x -> 0 limit; keep log(x) finite
    x = max(x, 1e-300)
    return _queue_ratios_gamma(a, x, c) or _queue_ratios_series(a, x, c)


def _p_wait(log_inv_b: float, log_w: float) -> float:
    """Return P(wait) = W / (1/B - 1 + W) from the logs of 1/B and W."""
    if log_inv_b <= 0.0:
        return 1.0
    log_idle = log_inv_b + math.log(-math.expm1(-log_inv_b))  # log(1/B - 1)
    return 1.0 / (1.0 + math.exp(min(700.0, log_idle - log_w)))


def _check_inputs(arrival_rate: float, agents: int, target_seconds: float) -> None:
    """Raise InvalidInput for negative or non-finite inputs."""
    if not (isinstance(arrival_rate, int | float) and math.isfinite(arrival_rate) and arrival_rate >= 0):
        raise InvalidInput(f"arrival_rate must be a finite number >= 0, got {arrival_rate!r}")
    if not (isinstance(agents, int) and agents >= 0):
        raise InvalidInput(f"agents must be an integer >= 0, got {agents!r}")
    if not (math.isfinite(target_seconds) and target_seconds >= 0):
        raise InvalidInput(f"target_seconds must be a finite number >= 0, got {target_seconds!r}")


def erlang_a(
    arrival_rate: float, agents: int, model: ServiceModel, target_seconds: float = 20.0
) -> ErlangAResult:
    """Evaluate an Erlang-A queue exactly; service level = P(answered, waited ≤ target) over all arrivals."""
    _check_inputs(arrival_rate, agents, target_seconds)
    n, mu, theta = model.servers(agents), 1.0 / model.chat_handle_time, 1.0 / model.patience
    if arrival_rate == 0 or n == 0:
        p_wait = 0.0 if arrival_rate == 0 else 1.0
        return _result(arrival_rate, agents, model, target_seconds, p_wait, 1.0 - p_wait, 1.0 - p_wait)
    lam = float(arrival_rate)
    c = math.exp(-theta * target_seconds / 60.0)
    log_w, p_ans, p_ans_t = queue_ratios(n * mu / theta, lam / theta, c)
    p_wait = _p_wait(log_inverse_erlang_b(n, lam / mu), log_w)
    return _result(lam, agents, model, target_seconds, p_wait, p_ans, p_ans_t)


def _result(
    lam: float,
    agents: int,
    model: ServiceModel,
    target_seconds: float,
    p_wait: float,
    p_ans: float,
    p_ans_t: float,
) -> ErlangAResult:
    """Assemble the result record from P(wait) and the conditional answer probabilities."""
    p_abandon = p_wait * (1.0 - p_ans)
    servers = model.servers(agents)
    busy = lam * (1.0 - p_abandon) * model.chat_handle_time
    return ErlangAResult(
        arrival_rate=lam,
        agents=agents,
        servers=servers,
        p_wait=p_wait,
        p_abandon=p_abandon,
        service_level=(1.0 - p_wait) + p_wait * p_ans_t,
        target_seconds=target_seconds,
        mean_wait=p_abandon * model.patience,
        occupancy=busy / servers if servers else 0.0,
    )
