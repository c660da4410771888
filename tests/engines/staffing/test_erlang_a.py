import math
import time

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tandem.core.errors import InvalidInput
from tandem.engines.staffing import ServiceModel, erlang_a
from tandem.engines.staffing.erlang_a import _queue_ratios_gamma, _queue_ratios_series, log_inverse_erlang_b
from tandem.engines.staffing.reference import brute_force_erlang_a


def test_design_check_case() -> None:
    result = erlang_a(10.0, 32, ServiceModel(handle_time=3.0, patience=2.0), target_seconds=20)
    assert round(result.p_abandon, 4) == 0.0510
    assert round(result.p_wait, 4) == 0.3476
    assert round(result.service_level, 3) == 0.842


@settings(max_examples=80, deadline=None)
@given(
    lam=st.floats(0.05, 40.0),
    handle=st.floats(0.2, 10.0),
    patience=st.floats(0.1, 20.0),
    agents=st.integers(1, 40),
    concurrency=st.integers(1, 3),
    seconds=st.floats(0.0, 600.0),
)
def test_matches_truncated_birth_death(
    lam: float, handle: float, patience: float, agents: int, concurrency: int, seconds: float
) -> None:
    model = ServiceModel(handle, patience, concurrency=concurrency)
    exact = erlang_a(lam, agents, model, seconds)
    brute = brute_force_erlang_a(lam, agents, model, seconds)
    assert exact.p_wait == pytest.approx(brute.p_wait, abs=1e-9)
    assert exact.p_abandon == pytest.approx(brute.p_abandon, abs=1e-9)
    assert exact.service_level == pytest.approx(brute.service_level, abs=1e-8)


@settings(max_examples=60, deadline=None)
@given(load=st.floats(0.3, 1.5), agents=st.integers(1, 2000), patience=st.floats(0.05, 500.0))
def test_stable_and_bounded_up_to_2000_agents(load: float, agents: int, patience: float) -> None:
    model = ServiceModel(3.0, patience)
    result = erlang_a(load * agents / 3.0, agents, model)
    for value in (result.p_wait, result.p_abandon, result.service_level):
        assert math.isfinite(value) and 0.0 <= value <= 1.0
    assert result.p_abandon <= result.p_wait
    assert result.service_level <= 1.0 - result.p_abandon + 1e-12


@settings(max_examples=40, deadline=None)
@given(lam=st.floats(1.0, 700.0), patience=st.floats(0.1, 50.0), agents=st.integers(1, 2000))
def test_more_agents_never_hurt(lam: float, patience: float, agents: int) -> None:
    model = ServiceModel(3.0, patience)
    fewer, more = erlang_a(lam, agents, model), erlang_a(lam, agents + 1, model)
    assert more.p_abandon <= fewer.p_abandon + 1e-12
    assert more.service_level >= fewer.service_level - 1e-12


@settings(max_examples=60, deadline=None)
@given(a=st.floats(0.5, 3000.0), share=st.floats(0.01, 0.97), c=st.floats(0.0, 1.0))
def test_series_agrees_with_gamma_form(a: float, share: float, c: float) -> None:
    gamma = _queue_ratios_gamma(a, a * share, c)
    assume(gamma is not None)
    assert gamma is not None
    series = _queue_ratios_series(a, a * share, c)
    assert series == pytest.approx(gamma, rel=1e-8, abs=1e-12)


def test_series_takes_over_when_gamma_underflows() -> None:
    model = ServiceModel(3.0, 600.0)
    assert _queue_ratios_gamma(2000 * 200.0, 1000 * 200.0, 0.9) is None
    result = erlang_a(1000 / 3.0, 2000, model)
    assert 0.0 <= result.p_wait < 1e-100 and result.service_level == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("servers", "load"), [(1, 0.5), (30, 28.0), (500, 520.0), (10, 5000.0), (300, 100.0)]
)
def test_inverse_erlang_b_matches_recursion(servers: int, load: float) -> None:
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    assert log_inverse_erlang_b(servers, load) == pytest.approx(-math.log(b), rel=1e-10, abs=1e-12)


def test_concurrency_inflates_handle_time() -> None:
    model = ServiceModel(4.0, 2.0, concurrency=3, slowdown=0.25)
    assert model.chat_handle_time == pytest.approx(6.0)
    assert erlang_a(10.0, 5, model).servers == 15


def test_edge_cases() -> None:
    model = ServiceModel(3.0, 2.0)
    tiny = erlang_a(5e-324, 1, model)
    assert tiny.p_wait == pytest.approx(0.0, abs=1e-300) and tiny.service_level == 1.0
    idle = erlang_a(0.0, 3, model)
    assert (idle.p_wait, idle.p_abandon, idle.service_level) == (0.0, 0.0, 1.0)
    nobody = erlang_a(5.0, 0, model)
    assert (nobody.p_wait, nobody.p_abandon, nobody.service_level) == (1.0, 1.0, 0.0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: erlang_a(-1.0, 3, ServiceModel(3.0, 2.0)),
        lambda: erlang_a(math.nan, 3, ServiceModel(3.0, 2.0)),
        lambda: erlang_a(1.0, -3, ServiceModel(3.0, 2.0)),
        lambda: erlang_a(1.0, 3, ServiceModel(3.0, 2.0), target_seconds=-1),
        lambda: ServiceModel(0.0, 2.0),
        lambda: ServiceModel(3.0, math.inf),
        lambda: ServiceModel(3.0, 2.0, concurrency=0),
        lambda: ServiceModel(3.0, 2.0, slowdown=2.0),
    ],
)
def test_bad_input_is_rejected(call: object) -> None:
    assert callable(call)
    with pytest.raises(InvalidInput):
        call()


def test_evaluation_is_well_under_a_millisecond_at_2000_agents() -> None:
    model = ServiceModel(3.0, 2.0)
    start = time.perf_counter()
    for _ in range(200):
        erlang_a(2000 / 3.0, 2000, model)
    assert (time.perf_counter() - start) / 200 < 1e-3
