"""Least number of agents meeting a staffing target, found exactly by galloping and bisection."""

from __future__ import annotations

import math
from collections.abc import Callable

from tandem.core.errors import InvalidInput
from tandem.engines.staffing.erlang_a import erlang_a
from tandem.engines.staffing.model import ErlangAResult, ServiceModel, StaffingTarget


def required_agents(
    arrival_rate: float, model: ServiceModel, target: StaffingTarget, max_agents: int = 1_000_000
) -> ErlangAResult:
    """Return the result at the least agents meeting `target` (both measures are monotone in n)."""

    def ok(n: int) -> bool:
        return erlang_a(arrival_rate, n, model, target.target_seconds).meets(target)

    if ok(0):
        return erlang_a(arrival_rate, 0, model, target.target_seconds)
    if not ok(max_agents):
        raise InvalidInput(f"target not met even with {max_agents} agents", max_agents=max_agents)
    lo, hi = _bracket(ok, min(max_agents, _first_guess(arrival_rate, model)), max_agents)
    while hi - lo > 1:  # invariant: ok(hi) and not ok(lo)
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if ok(mid) else (mid, hi)
    return erlang_a(arrival_rate, hi, model, target.target_seconds)


def _first_guess(arrival_rate: float, model: ServiceModel) -> int:
    """Return the offered load in agents, rounded up: the square-root staffing starting point."""
    return max(1, math.ceil(arrival_rate * model.chat_handle_time / model.concurrency))


def _bracket(ok: Callable[[int], bool], guess: int, max_agents: int) -> tuple[int, int]:
    """Return (lo, hi) with not ok(lo) and ok(hi), galloping from `guess` in growing steps."""
    step = max(1, math.isqrt(guess))
    if ok(guess):
        hi, lo = guess, max(0, guess - step)
        while lo > 0 and ok(lo):
            hi, step = lo, step * 2
            lo = max(0, lo - step)
        return lo, hi
    lo, hi = guess, guess + step
    while not ok(hi):
        lo, step = hi, step * 2
        hi = min(max_agents, hi + step)
    return lo, hi
