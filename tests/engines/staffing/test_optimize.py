import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.core.errors import InvalidInput
from tandem.engines.staffing import ServiceModel, StaffingTarget, erlang_a, required_agents


@settings(max_examples=60, deadline=None)
@given(
    lam=st.floats(0.0, 700.0),
    patience=st.floats(0.2, 30.0),
    concurrency=st.integers(1, 4),
    sl=st.floats(0.0, 0.99),
    cap=st.floats(0.001, 0.5),
)
def test_result_is_the_least_feasible_staffing(
    lam: float, patience: float, concurrency: int, sl: float, cap: float
) -> None:
    model = ServiceModel(3.0, patience, concurrency=concurrency)
    target = StaffingTarget(sl, 20.0, cap)
    best = required_agents(lam, model, target)
    assert best.meets(target)
    if best.agents > 0:
        assert not erlang_a(lam, best.agents - 1, model, 20.0).meets(target)


def test_check_case_staffing() -> None:
    model = ServiceModel(3.0, 2.0)
    best = required_agents(10.0, model, StaffingTarget(0.84, 20.0, 0.06))
    assert best.agents == 32


def test_linear_scan_agrees_at_scale() -> None:
    model, target = ServiceModel(3.0, 2.0), StaffingTarget(0.9, 20.0, 0.02)
    best = required_agents(1000 / 3.0, model, target)
    n = best.agents - 20
    while not erlang_a(1000 / 3.0, n, model).meets(target):
        n += 1
    assert n == best.agents


def test_unreachable_cap_is_reported() -> None:
    with pytest.raises(InvalidInput):
        required_agents(100.0, ServiceModel(3.0, 2.0), StaffingTarget(0.8, 20.0, 0.05), max_agents=50)


def test_bad_target_is_rejected() -> None:
    with pytest.raises(InvalidInput):
        StaffingTarget(1.0, 20.0, 0.05)
    with pytest.raises(InvalidInput):
        StaffingTarget(0.8, 20.0, 0.0)
