"""Sizing for the service bar itself: agents per clock hour so that the hour is *good* with a target probability.

The comparison's bar is per clock hour: an hour with requests is good when at most 5% of them abandoned. A
per-interval Erlang-A abandonment target ignores three things that decide that bar on a small call center:

* **hour size** — with N calls an hour may lose ⌊0.05·N⌋ of them, which is none for N < 20: one lost caller
  fails a quiet hour however low the expected abandonment is;
* **forecast spread** — the hour's true volume N is not the forecast μ; N is negative binomial with
  Var = μ + φμ² (φ fitted to the forecast's own errors at the planning horizon, `plan.horizon_dispersion`);
* **a loss floor** f — callers lost whatever the staffing (here: patience ending while an offer is being
  answered); it is measured, not assumed (`staffing_compare.Study.loss_floor`), and makes some hours unable to
  reach the target at all.

For n agents the chance that the hour is good, over hours that have requests, is

    P_good(n) = Σ_{N≥1} NB(N; μ, φ) · BinomCDF(⌊0.05·N⌋; N, q(N, n)) / P(N ≥ 1)
    q(N, n)   = 1 − (1 − f) · (1 − p_abandon(Erlang-A at N calls per hour, n agents))

and the hour gets the least n with P_good(n) ≥ min(target, ceiling − slack), where the ceiling is P_good with
unlimited agents (q = f). The target is not a free knob: it is chosen on earlier days (the comparison's
calibration window). Each hour's n staffs both of its half hours.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.stats import binom, nbinom, poisson

from tandem.core.errors import InvalidInput
from tandem.engines.staffing.erlang_a import erlang_a
from tandem.engines.staffing.model import ServiceModel

TAIL = 1e-7  # volume probability left out of each hour's sum


@dataclass(frozen=True)
class HourSizing:
    """What the hourly sizing aims at: P(hour good) ≥ target, within `slack` of the ceiling where that is lower."""

    target: float
    loss_floor: float = 0.0
    dispersion: float = 0.0
    bar: float = 0.05
    slack: float = 0.002
    max_agents: int = 2000

    def __post_init__(self) -> None:
        if not 0 < self.target < 1:
            raise InvalidInput(f"the good-hour target must be a probability in (0, 1), got {self.target}")
        if not 0 <= self.loss_floor < 1:
            raise InvalidInput(f"the loss floor must be in [0, 1), got {self.loss_floor}")
        if not (self.dispersion >= 0 and math.isfinite(self.dispersion)):
            raise InvalidInput(f"the forecast dispersion must be finite and not negative, got {self.dispersion}")
        if not 0 <= self.bar < 1 or not 0 <= self.slack < 1:
            raise InvalidInput("the hour's abandonment bar and the slack must be in [0, 1)")


@dataclass(frozen=True)
class HourlyRequirement:
    """Agents per hour and what the model expects of them."""

    agents: np.ndarray  # per hour
    probability: np.ndarray  # P(good) with those agents (1 where the hour expects no requests)
    ceiling: np.ndarray  # P(good) with unlimited agents
    busy: np.ndarray  # P(the hour has at least one request)

    def expected_share(self) -> float:
        """Expected share of good hours among the hours with requests (the bar's own ratio, to first order)."""
        weight = self.busy.sum()
        return float((self.busy * self.probability).sum() / weight) if weight > 0 else 1.0

    def expected_ceiling(self) -> float:
        weight = self.busy.sum()
        return float((self.busy * self.ceiling).sum() / weight) if weight > 0 else 1.0


@lru_cache(maxsize=4096)
def _abandon_table(model: ServiceModel, agents: int, size: int) -> np.ndarray:
    """Erlang-A abandonment with `agents` agents at 0, 1, ..., size - 1 calls per hour."""
    return np.array([erlang_a(k / 60.0, agents, model).p_abandon if k else 0.0 for k in range(size)])


class GoodHourModel:
    """P(hour good) for one service model and sizing; Erlang-A values are cached per agent count."""

    def __init__(self, model: ServiceModel, sizing: HourSizing) -> None:
        self.model, self.sizing = model, sizing
        self._volumes: dict[float, tuple[np.ndarray, np.ndarray, float]] = {}

    def _volume(self, mean: float) -> tuple[np.ndarray, np.ndarray, float]:
        """(N = 1..N_max, P(N) / P(N ≥ 1), P(N ≥ 1)) for an hour expecting `mean` requests."""
        if mean in self._volumes:
            return self._volumes[mean]
        phi = self.sizing.dispersion
        if phi > 0:
            size = 1.0 / phi
            dist = nbinom(size, size / (size + mean))
        else:
            dist = poisson(mean)
        top = int(max(dist.ppf(1 - TAIL), 1))
        n = np.arange(1, top + 1)
        busy = float(1.0 - dist.pmf(0))
        self._volumes[mean] = out = (n, dist.pmf(n) / busy, busy)
        return out

    def _abandon(self, agents: int, top: int) -> np.ndarray:
        """Erlang-A abandonment with `agents` agents at N = 0..top calls per hour."""
        return _abandon_table(self.model, agents, 1 << max(6, top.bit_length()))[: top + 1]

    def _good_given(self, volumes: np.ndarray, loss: np.ndarray) -> np.ndarray:
        allowed = np.floor(self.sizing.bar * volumes + 1e-9)
        return np.asarray(binom.cdf(allowed, volumes, np.clip(loss, 0.0, 1.0)))

    def probability(self, mean: float, agents: int) -> float:
        """P(the hour is good | it has requests) with `agents` agents, over the forecast's spread."""
        if mean <= 0:
            return 1.0
        n, weight, _ = self._volume(mean)
        if agents <= 0:
            return float((weight * self._good_given(n, np.ones(n.size))).sum())
        pab = self._abandon(agents, int(n[-1]))[n]
        loss = 1.0 - (1.0 - self.sizing.loss_floor) * (1.0 - pab)
        return float((weight * self._good_given(n, loss)).sum())

    def ceiling(self, mean: float) -> float:
        """P(the hour is good) with unlimited agents: only the loss floor remains."""
        if mean <= 0:
            return 1.0
        n, weight, _ = self._volume(mean)
        return float((weight * self._good_given(n, np.full(n.size, self.sizing.loss_floor))).sum())

    def least_agents(self, mean: float) -> tuple[int, float, float]:
        """(least agents, their P(good), the ceiling) for an hour expecting `mean` requests."""
        if mean <= 0:
            return 0, 1.0, 1.0
        top = self.ceiling(mean)
        goal = min(self.sizing.target, top - self.sizing.slack)
        # start from the offered load less a margin: fewer agents than that cannot keep a busy hour good
        load = mean / 60.0 * self.model.chat_handle_time / self.model.concurrency
        agents = max(1, int(load - 3 * math.sqrt(load)))
        p = self.probability(mean, agents)
        if p >= goal:  # the margin was too wide: walk down
            while agents > 1 and (below := self.probability(mean, agents - 1)) >= goal:
                agents, p = agents - 1, below
            return agents, p, top
        while p < goal:
            agents += 1
            if agents > self.sizing.max_agents:
                raise InvalidInput(f"an hour expecting {mean:.1f} requests needs more than "
                                   f"{self.sizing.max_agents} agents to be good with probability {goal:.3f}")
            p = self.probability(mean, agents)
        return agents, p, top


def hourly_requirement(hour_means: Sequence[float] | np.ndarray, model: ServiceModel,
                       sizing: HourSizing) -> HourlyRequirement:
    """Least agents per clock hour for the good-hour target (see the module docstring)."""
    means = np.asarray(hour_means, dtype=float)
    if means.ndim != 1 or np.any(~np.isfinite(means)) or np.any(means < 0):
        raise InvalidInput("hourly forecasts must be a list of finite, non-negative numbers")
    good = GoodHourModel(model, sizing)
    cache: dict[float, tuple[int, float, float, float]] = {}
    agents, prob, ceiling, busy = (np.zeros(means.size) for _ in range(4))
    for h, mean in enumerate(means):
        key = round(float(mean), 4)
        if key not in cache:
            n, p, top = good.least_agents(key)
            cache[key] = (n, p, top, good._volume(key)[2] if key > 0 else 0.0)
        agents[h], prob[h], ceiling[h], busy[h] = cache[key]
    return HourlyRequirement(agents.astype(int), prob, ceiling, busy)
