"""The human loop's scheduling: dispatch only when an offer can exist, and exactly when eligibility widens."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from tandem.engines.sim.events import ACCEPTED, DECLINED, EXPIRED
from tandem.engines.sim.human import HumanDemand, HumanStage, draw_answers
from tandem.engines.sim.pool import AgentProfile
from tandem.engines.sim.router import SimRouter
from tandem.engines.sim.routing_adapter import RoutingEngineRouter
from tandem.engines.sim.runner import run_scenario
from tandem.engines.sim.scenario import Agents, Offers, Scenario, Surge, load_scenario
from tandem.engines.sim.workforce import Workforce

from .fakes import FifoRouter

SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios"


class Counting:
    """Wraps a SimRouter and records every dispatch call and how many offers it returned."""

    def __init__(self, inner: SimRouter) -> None:
        self.inner = inner
        self.calls: list[tuple[float, int]] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def dispatch(self, now: float) -> list[tuple[int, int]]:
        out = self.inner.dispatch(now)
        self.calls.append((now, len(out)))
        return out


def one_agent_stage(tier: str, entry: float, patience: float) -> tuple[HumanStage, Counting]:
    """One always-on English agent of `tier`, one English payments conversation, instant acceptance."""
    s = Scenario(agents=Agents(mode="fixed", count=1), offers=Offers(1.0, 0.0, 20.0))
    profile = AgentProfile("a0", "en", tier, 1, 0.9)
    rng = np.random.default_rng(1)
    workforce = Workforce(s.agents, Surge(), s.pay, [profile], rng, 100.0)
    demand = HumanDemand(np.array([entry]), ["payments"], ["en"], np.array([patience]), np.array([2.0]))
    router = Counting(RoutingEngineRouter(s))
    return HumanStage(demand, router, workforce, s.offers, rng), router  # type: ignore[arg-type]


def test_relaxation_step_coming_due_makes_the_offer_with_no_other_event() -> None:
    # a "new" agent may take payments only after 60 s of waiting (default relaxation); nothing else happens
    stage, router = one_agent_stage("new", entry=0.5, patience=10.0)
    out = stage.run()
    assert out.agent.tolist() == [0]
    assert out.wait[0] == pytest.approx(1.0, abs=1e-9)  # offered and accepted exactly at the 60 s step
    assert [n for _, n in router.calls] == [0, 1]  # on arrival (nobody eligible), then at the step


def test_conversation_left_waiting_still_abandons() -> None:
    stage, _ = one_agent_stage("new", entry=0.5, patience=0.5)
    out = stage.run()
    assert out.abandoned.tolist() == [True] and out.agent.tolist() == [-1]
    assert out.wait[0] == pytest.approx(0.5)


def test_no_dispatch_call_is_wasted_when_any_agent_serves_anyone() -> None:
    # FIFO, one skill, no relaxation: every call the loop makes must produce an offer (finishing a chat with
    # nobody waiting, or an arrival with every slot taken, must not call the dispatcher)
    s = load_scenario(SCENARIOS / "erlang-a.toml")
    s = dataclasses.replace(s, arrivals=dataclasses.replace(s.arrivals, total=3000, days=3000 / 14_400),
                            offers=Offers(0.8, 3.0, 20.0))
    routers: list[Counting] = []

    def factory(_: Scenario) -> SimRouter:
        routers.append(Counting(FifoRouter()))
        return routers[0]  # type: ignore[return-value]

    res = run_scenario(s, np.random.default_rng(3), router_factory=factory)
    calls = routers[0].calls
    assert calls and all(n > 0 for _, n in calls)
    offers = int(res.records.columns["offers"].sum())
    assert sum(n for _, n in calls) == offers
    assert len(calls) < 0.8 * (len(res.records) + offers)  # far fewer calls than arrivals plus answers


def test_answers_are_drawn_with_the_configured_shares_and_timeout() -> None:
    delay, code = draw_answers(np.random.default_rng(1), 0.9, 5 / 60, 20 / 60, 200_000)
    d, c = np.array(delay), np.array(code)
    expired = np.exp(-4.0)  # P(decision time >= 20 s) at a mean of 5 s
    assert np.mean(c == EXPIRED) == pytest.approx(expired, abs=0.002)
    assert np.mean(c == ACCEPTED) == pytest.approx(0.9 * (1 - expired), abs=0.003)
    assert np.mean(c == DECLINED) == pytest.approx(0.1 * (1 - expired), abs=0.002)
    assert d.max() == pytest.approx(20 / 60) and np.all(d[c == EXPIRED] == 20 / 60)
    assert np.all(d[c != EXPIRED] < 20 / 60)


def test_klarna_like_run_is_reproducible() -> None:
    s = load_scenario(SCENARIOS / "klarna-month.toml")
    s = dataclasses.replace(s, arrivals=dataclasses.replace(s.arrivals, total=15_000, days=1.0))
    a = run_scenario(s, np.random.default_rng(9))
    b = run_scenario(s, np.random.default_rng(9))
    assert a.summary == b.summary
    for name, col in a.records.columns.items():
        assert np.array_equal(col, b.records.columns[name], equal_nan=col.dtype.kind == "f"), name
