"""Good-hour sizing: P(an hour's abandonment <= 5%) over the forecast's spread, hour size and a loss floor."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest

from tandem.core.errors import InvalidInput
from tandem.engines.forecast.history import ArrivalHistory
from tandem.engines.staffing.erlang_a import erlang_a
from tandem.engines.staffing.hourly import GoodHourModel, HourSizing, hourly_requirement
from tandem.engines.staffing.model import ServiceModel, StaffingTarget
from tandem.engines.staffing.plan import horizon_dispersion, plan_roster

MODEL = ServiceModel(3.8, 6.8)


def test_ceiling_of_a_quiet_hour_matches_the_closed_form() -> None:
    # Poisson(mu) calls, each lost with probability f whatever the staffing; below 20 calls none may be lost:
    # P(good | N >= 1) = sum_N e^-mu mu^N / N! (1 - f)^N / (1 - e^-mu) = (e^(-mu f) - e^-mu) / (1 - e^-mu)
    for mu, f in ((0.5, 0.01), (2.0, 0.0127), (3.0, 0.05)):
        good = GoodHourModel(MODEL, HourSizing(0.9, f, 0.0))
        expected = (math.exp(-mu * f) - math.exp(-mu)) / (1 - math.exp(-mu))
        assert good.ceiling(mu) == pytest.approx(expected, abs=1e-6)  # the volume tail cut at 1e-7


def test_probability_agrees_with_a_monte_carlo_of_the_same_model() -> None:
    mu, phi, f, agents = 30.0, 0.2, 0.01, 9
    good = GoodHourModel(MODEL, HourSizing(0.9, f, phi))
    rng = np.random.default_rng(7)
    size = 1 / phi
    n = rng.negative_binomial(size, size / (size + mu), 40_000)
    n = n[n > 0]
    pab = np.array([erlang_a(k / 60, agents, MODEL).p_abandon for k in range(int(n.max()) + 1)])
    lost = rng.binomial(n, 1 - (1 - f) * (1 - pab[n]))
    estimate = float(np.mean(lost <= np.floor(0.05 * n + 1e-9)))
    se = math.sqrt(estimate * (1 - estimate) / n.size)
    assert abs(good.probability(mu, agents) - estimate) < 4 * se


def test_least_agents_is_least_and_more_agents_never_hurt() -> None:
    good = GoodHourModel(MODEL, HourSizing(0.95, 0.005, 0.1))
    for mu in (1.0, 8.0, 25.0, 60.0, 140.0):
        n, p, ceiling = good.least_agents(mu)
        goal = min(0.95, ceiling - 0.002)
        assert p >= goal and p == pytest.approx(good.probability(mu, n))
        assert n == 1 or good.probability(mu, n - 1) < goal
        probs = [good.probability(mu, k) for k in range(1, n + 4)]
        assert all(b >= a - 1e-12 for a, b in zip(probs, probs[1:], strict=False))
        assert probs[-1] <= ceiling + 1e-12


def test_hour_size_spread_and_floor_each_matter() -> None:
    # hour size: with the same per-call loss, a quiet hour is far less likely to be good than a busy one
    floor = GoodHourModel(MODEL, HourSizing(0.9, 0.01, 0.0))
    assert floor.ceiling(10.0) < 0.92 < 0.99 < floor.ceiling(150.0)
    # spread: a wider forecast needs more agents for the same target in a busy hour
    narrow = hourly_requirement([80.0], MODEL, HourSizing(0.97, 0.005, 0.0)).agents[0]
    wide = hourly_requirement([80.0], MODEL, HourSizing(0.97, 0.005, 0.3)).agents[0]
    assert wide > narrow
    # a floor above what the hour can bear: staffed to near its ceiling, not an error and not unbounded
    req = hourly_requirement([12.0, 0.0], MODEL, HourSizing(0.99, 0.02, 0.0))
    assert req.ceiling[0] < 0.99 and req.probability[0] >= req.ceiling[0] - 0.002 and req.agents[0] < 15
    assert req.agents[1] == 0 and req.busy[1] == 0 and req.expected_share() == pytest.approx(req.probability[0])


def test_a_higher_target_never_needs_fewer_agents() -> None:
    means = [0.4, 3.0, 18.0, 45.0, 120.0]
    low = hourly_requirement(means, MODEL, HourSizing(0.9, 0.01, 0.1))
    high = hourly_requirement(means, MODEL, HourSizing(0.98, 0.01, 0.1))
    assert np.all(high.agents >= low.agents) and high.agents.sum() > low.agents.sum()
    assert high.expected_share() > low.expected_share()


@pytest.mark.parametrize("kwargs", [{"target": 1.0}, {"target": 0.0}, {"target": 0.9, "loss_floor": -0.1},
                                    {"target": 0.9, "loss_floor": 1.0}, {"target": 0.9, "dispersion": -1.0},
                                    {"target": 0.9, "dispersion": math.inf}])
def test_bad_sizing_is_a_clear_error(kwargs: dict[str, float]) -> None:
    with pytest.raises(InvalidInput):
        HourSizing(**kwargs)


def test_bad_hourly_forecasts_are_a_clear_error() -> None:
    for bad in ([-1.0], [math.nan], [[1.0, 2.0]]):
        with pytest.raises(InvalidInput):
            hourly_requirement(bad, MODEL, HourSizing(0.9))


def _history(days: int, day_noise: float, seed: int = 3) -> ArrivalHistory:
    """Half-hourly Poisson counts on a fixed daily shape, each day's volume scaled by a gamma factor."""
    rng = np.random.default_rng(seed)
    shape = np.concatenate([np.zeros(16), np.full(24, 12.0), np.zeros(8)])
    scale = rng.gamma(1 / day_noise, day_noise, days) if day_noise else np.ones(days)
    return ArrivalHistory(date(2026, 11, 2), 30, rng.poisson(shape[None, :] * scale[:, None]).astype(float))


def test_horizon_dispersion_sees_day_to_day_noise_and_needs_an_origin() -> None:
    assert horizon_dispersion(_history(7, 0.0), 7) is None
    calm = horizon_dispersion(_history(28, 0.0), 7)
    noisy = horizon_dispersion(_history(28, 0.1), 7)
    assert calm is not None and noisy is not None
    assert calm < 0.03 < 0.05 < noisy < 0.4


def test_roster_from_the_hourly_requirement() -> None:
    history = _history(14, 0.05)
    start = date(2026, 11, 16)
    target = StaffingTarget(0.0, 20.0, 0.01)
    plans = [plan_roster(history, start, 2, MODEL, target, opening_hours=("08:00-20:00",) * 7,
                         hourly=HourSizing(p, 0.01, 0.05), min_agents=1) for p in (0.9, 0.98)]
    for plan in plans:
        assert plan.hourly is not None
        required = plan.required.reshape(-1, 2)
        assert np.all(required[:, 0] == required[:, 1])  # both half hours of an hour get the hour's agents
        is_open = plan.open.reshape(-1, 2)[:, 0]
        assert np.all(required[:, 0] == np.where(is_open, np.maximum(plan.hourly.agents, 1), 0))
        assert np.all(plan.roster.coverage >= plan.required)
        assert plan.as_dict()["hourly_sizing"]["good_hour_target"] in (0.9, 0.98)  # type: ignore[index]
    assert plans[1].roster.cost > plans[0].roster.cost


def test_daily_plans_join_into_one_roster() -> None:
    from datetime import timedelta

    from tandem.engines.staffing.plan import join_plans

    history = _history(14, 0.05)
    start = date(2026, 11, 16)
    target = StaffingTarget(0.0, 20.0, 0.01)
    hours = ("08:00-20:00",) * 7
    days = [plan_roster(history.head(14 + d), start + timedelta(days=d), 1, MODEL, target, opening_hours=hours,
                        with_greedy=True, hourly=HourSizing(0.95, 0.01 * (d + 1), 0.05 * (d + 1)))
            for d in range(2)]
    joined = join_plans(days)
    assert joined.days == 2 and joined.required.size == 96 and joined.start == days[0].start
    assert np.array_equal(joined.roster.coverage, np.concatenate([p.roster.coverage for p in days]))
    assert np.all(joined.roster.coverage >= joined.required)
    assert joined.roster.cost == pytest.approx(sum(p.roster.cost for p in days))
    assert joined.greedy is not None and joined.greedy.cost == pytest.approx(sum(p.greedy.cost for p in days
                                                                                 if p.greedy is not None))
    # the second day's shifts start on the second day
    second = [row for row in joined.roster.shifts(joined.start) if str(row["start"]) >= "2026-11-17"]
    assert sum(int(str(r["agents"])) for r in second) == days[1].roster.agents
    assert joined.sizing is not None and joined.sizing.loss_floor == pytest.approx(0.015)
    assert joined.hourly is not None and joined.hourly.agents.size == 48
    with pytest.raises(InvalidInput):
        join_plans([days[1], days[0]])
    with pytest.raises(InvalidInput):
        join_plans([])
