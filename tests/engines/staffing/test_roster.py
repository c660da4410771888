"""Shift rosters: the MILP is optimal (brute force on small problems), covers every interval, respects the break
rule and the opening hours; the greedy heuristic is feasible and never cheaper."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.core.errors import InvalidInput
from tandem.engines.forecast.history import ArrivalHistory
from tandem.engines.forecast.model import fit
from tandem.engines.staffing.model import ServiceModel, StaffingTarget
from tandem.engines.staffing.plan import history_before, plan_roster, slot_arrivals
from tandem.engines.staffing.roster import (
    Pattern,
    ShiftRules,
    break_offsets,
    build_problem,
    open_mask,
    parse_opening_hours,
    patterns_for,
    solve_greedy,
    solve_milp,
)

SMALL = ShiftRules(slot_minutes=60, lengths_hours=(2.0, 3.0), break_from_hours=3.0, hourly_rate=10.0)


def brute_force(required: np.ndarray, rules: ShiftRules, top: int = 2) -> float:
    problem = build_problem(required, None, rules)
    a = problem.matrix.toarray()
    best = np.inf
    for x in itertools.product(range(top + 1), repeat=len(problem.patterns)):
        v = np.array(x)
        if np.all(a @ v >= problem.required):
            best = min(best, float(problem.cost @ v))
    return best


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(0, 2), min_size=5, max_size=5))
def test_milp_is_optimal_on_small_problems(required: list[int]) -> None:
    req = np.array(required)
    problem = build_problem(req, None, SMALL)
    milp, greedy = solve_milp(problem), solve_greedy(problem)
    assert np.all(milp.coverage >= req) and np.all(greedy.coverage >= req)
    assert milp.cost == pytest.approx(brute_force(req, SMALL))
    assert greedy.cost >= milp.cost - 1e-9
    assert milp.lower_bound <= milp.cost + 1e-9


def test_break_in_the_middle_third_and_unpaid() -> None:
    assert list(break_offsets(12, 1)) == [4, 5, 6, 7]  # 6 h: break starts 2:00 .. 3:30 into the shift
    assert list(break_offsets(16, 1)) == [6, 7, 8, 9]  # 8 h: 3:00 .. 4:30 (middle third 2:40 .. 5:20)
    pats = patterns_for(np.ones(48, bool), ShiftRules())
    assert {p.length for p in pats} == {8, 12, 16}
    assert all(p.break_at == -1 for p in pats if p.length == 8)
    assert all(p.length / 3 <= p.break_at and p.break_at + 1 <= 2 * p.length / 3 for p in pats if p.length > 8)
    p = Pattern(0, 12, 5)
    assert len(p.working(1)) == 11 and 5 not in p.working(1)
    roster = solve_milp(build_problem(np.r_[np.ones(12), np.zeros(36)].astype(int), None, ShiftRules()))
    # one 6 h shift would leave its break uncovered: two 4 h shifts (8 paid hours) are the cheapest cover
    assert np.all(roster.coverage[:12] >= 1) and roster.paid_hours == 8.0 and roster.cost == 8 * 24


def test_cheapest_cover_of_a_flat_day() -> None:
    # 8 agents from 08:00 to 16:00 are 64 agent-hours of work; every shift pays at least the hours it works,
    # so 64 paid hours (sixteen 4 h shifts) is the optimum
    req = np.zeros(48, int)
    req[16:32] = 8
    milp = solve_milp(build_problem(req))
    assert np.all(milp.coverage >= req)
    assert milp.paid_hours == pytest.approx(64.0)
    assert milp.lower_bound == pytest.approx(milp.cost)


def test_opening_hours_bound_the_shifts() -> None:
    hours = ("07:00-24:00",) * 4 + ("07:00-14:00", "20:00-24:00", "07:00-24:00")
    week = open_mask(datetime(2026, 12, 7), 7, hours)  # from a Monday
    assert week[:14].sum() == 0 and week[14:48].all()
    assert week[5 * 48: 5 * 48 + 40].sum() == 0 and week[5 * 48 + 40: 6 * 48].all()  # Saturday 20:00 - 24:00
    mask = open_mask(datetime(2026, 12, 11), 2, hours)  # Friday and Saturday
    req = np.ones(96, int)
    problem = build_problem(req, mask)
    roster = solve_milp(problem)
    assert np.all(roster.coverage[mask] >= 1) and roster.coverage[~mask].sum() == 0
    assert roster.required[~mask].sum() == 0
    assert all(mask[p.start: p.start + p.length].all() for p in roster.patterns)
    # Friday 07:00-14:00 (7 h: a 4 h shift and another overlapping it) and Saturday 20:00-24:00 (one 4 h shift)
    assert roster.paid_hours == 12.0 and roster.lower_bound == pytest.approx(roster.cost)


def test_an_opening_shorter_than_any_shift_is_a_clear_error() -> None:
    mask = np.zeros(48, bool)
    mask[20:26] = True  # 3 hours
    with pytest.raises(InvalidInput, match="no allowed shift covers it"):
        build_problem(np.ones(48, int), mask)


@pytest.mark.parametrize("spec", [("07:00-24:00",) * 6, ("7-24",) + ("",) * 6, ("10:00-09:00",) + ("",) * 6,
                                  ("00:00-24:30",) + ("",) * 6])
def test_bad_opening_hours(spec: tuple[str, ...]) -> None:
    with pytest.raises(InvalidInput):
        parse_opening_hours(spec)


def test_bad_requirements() -> None:
    for bad in ([], [-1, 2], [float("nan")]):
        with pytest.raises(InvalidInput):
            build_problem(bad)
    with pytest.raises(InvalidInput):
        build_problem([1, 2], [True])


def _history(days: int = 21, seed: int = 3) -> ArrivalHistory:
    rng = np.random.default_rng(seed)
    shape = np.r_[np.zeros(14), np.full(30, 20.0), np.full(4, 5.0)]
    return ArrivalHistory(date(2026, 11, 2), 30, rng.poisson(shape, size=(days, 48)).astype(float))


def test_plan_uses_only_the_days_before_start() -> None:
    full = _history(21)
    start = date(2026, 11, 16)  # day 14
    model, target = ServiceModel(3.0, 5.0), StaffingTarget(0.0, 20.0, 0.01)
    a = plan_roster(full, start, 2, model, target)
    b = plan_roster(history_before(full, start), start, 2, model, target)
    changed = ArrivalHistory(full.first_day, 30, full.counts.copy())
    changed.counts[14:] *= 5  # the future is different: the plan must not move
    c = plan_roster(changed, start, 2, model, target)
    assert a.roster.cost == b.roster.cost == c.roster.cost
    assert np.all(a.roster.coverage >= a.required)
    with pytest.raises(InvalidInput, match="no history before"):
        plan_roster(full, full.first_day, 1, model, target)


def test_quantiles_rise_and_zero_is_empty() -> None:
    model = fit(_history())
    day = date(2026, 11, 23)
    qs = [slot_arrivals(model, day, 1, q) for q in (0.0, 0.2, 0.5, 0.9)]
    assert qs[0].sum() == 0
    assert all(np.all(lo <= hi) for lo, hi in itertools.pairwise(qs))
    core = plan_roster(_history(), day, 1, ServiceModel(3.0, 5.0), StaffingTarget(0.0, 20.0, 0.01), quantile=0.2)
    full = plan_roster(_history(), day, 1, ServiceModel(3.0, 5.0), StaffingTarget(0.0, 20.0, 0.01))
    assert core.roster.cost < full.roster.cost
    assert full.start + timedelta(days=1) == datetime(2026, 11, 24)


def test_operator_profile_spreads_each_day_over_its_opening_hours() -> None:
    from tandem.engines.staffing.plan import operator_profile

    hours = ("08:00-18:00",) * 5 + ("", "")
    model = operator_profile((200, 200, 200, 200, 100, 0, 0), hours)
    monday, saturday = model.expected(date(2026, 11, 2)), model.expected(date(2026, 11, 7))
    assert monday.sum() == pytest.approx(200) and saturday.sum() == 0
    assert monday[16:36].min() == pytest.approx(10) and monday[:16].sum() == 0
    with pytest.raises(InvalidInput, match="closed all day"):
        operator_profile((1, 1, 1, 1, 1, 1, 1), hours)
    with pytest.raises(InvalidInput):
        operator_profile((1, 1, 1), hours)
