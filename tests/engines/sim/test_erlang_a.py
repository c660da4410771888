"""P4 on a small grid: the fast kernel against the exact Erlang-A of the staffing engine."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.engines.sim.erlang_a import ErlangAModel, fcfs_waits, simulate_erlang_a
from tandem.engines.staffing.erlang_a import erlang_a
from tandem.engines.staffing.model import ServiceModel

GRID = [
    (10.0, 3.0, 2.0, 32),  # the Erlang-A check case of docs/staffing.md
    (2.0, 1.0, 0.5, 2),
    (50.0, 1.0, 5.0, 45),  # overloaded-ish with long patience
    (100.0, 2.0, 0.4, 240),  # overloaded, impatient
]


def exact(m: ErlangAModel) -> tuple[float, float]:
    res = erlang_a(m.arrival_rate, m.agents, ServiceModel(m.handle_time, m.patience), 20.0)
    return res.p_abandon, res.p_wait


@pytest.mark.parametrize(("lam", "h", "p", "n"), GRID)
def test_kernel_matches_exact_erlang_a(lam: float, h: float, p: float, n: int) -> None:
    model = ErlangAModel(lam, h, p, n)
    runs = [simulate_erlang_a(model, 400_000, np.random.default_rng(seed)) for seed in range(5)]
    ab, wait = exact(model)
    assert abs(np.mean([r.p_abandon for r in runs]) - ab) < 0.005
    assert abs(np.mean([r.p_wait for r in runs]) - wait) < 0.005


def test_check_case_numbers() -> None:
    res = simulate_erlang_a(ErlangAModel(10, 3, 2, 32), 1_000_000, np.random.default_rng(7))
    assert res.p_abandon == pytest.approx(0.0510, abs=0.004)
    assert res.p_wait == pytest.approx(0.3476, abs=0.006)
    assert res.answered_within == pytest.approx(0.842, abs=0.006)


def test_same_seed_same_result() -> None:
    model = ErlangAModel(5, 1, 1, 5)
    a = simulate_erlang_a(model, 10_000, np.random.default_rng(3))
    b = simulate_erlang_a(model, 10_000, np.random.default_rng(3))
    assert a == b


# patience > 0: exponential patience is never 0, and a zero-patience abandonment would read as a zero wait
@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 5), st.floats(0.01, 5), st.floats(0.001, 5)), min_size=1, max_size=40),
       st.integers(1, 4))
def test_waits_respect_patience_and_capacity(rows: list[tuple[float, float, float]], agents: int) -> None:
    gaps, services, patience = zip(*rows, strict=True)
    arrivals = np.cumsum(gaps).tolist()
    waits = fcfs_waits(arrivals, list(services), list(patience), agents)
    starts = []
    for a, s, p, w in zip(arrivals, services, patience, waits, strict=True):
        if w < 0:
            assert -w == p  # abandoned exactly when patience ran out
        else:
            assert w <= p + 1e-12
            starts.append((a + w, a + w + s))
    for t, _ in starts:  # never more customers in service than agents (a start at another's end, to rounding)
        assert sum(1 for b, e in starts if b <= t < e - 1e-9 * max(1.0, e)) <= agents
    assert [b for b, _ in starts] == sorted(b for b, _ in starts)  # FCFS: service starts in arrival order


def test_model_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        ErlangAModel(1.0, 1.0, 0.0, 1)
