"""A hybrid workforce: the rostered core follows its half-hour plan exactly (no idle logout, no release, no
sessions), the gig pool beside it behaves as in gig mode."""

from __future__ import annotations

from typing import Any

import numpy as np

from tandem.engines.sim.human import HumanDemand, HumanStage
from tandem.engines.sim.pool import core_size, make_profiles, pool_size
from tandem.engines.sim.routing_adapter import RoutingEngineRouter
from tandem.engines.sim.scenario import Agents, Scenario, Surge
from tandem.engines.sim.workforce import Observation, Workforce


class ReleaseAll:
    """A surge loop that never raises the level and always asks every idle agent to leave."""

    def __init__(self) -> None:
        self.looks = 0

    def decide(self, obs: Observation) -> tuple[int, int]:
        self.looks += 1
        return 0, 1000

    def bonus(self, level: int) -> float:
        return 0.0


def run(mode: str, plan: tuple[int, ...], demand: HumanDemand) -> tuple[Workforce, int]:
    agents = Agents(mode=mode, shifts=plan, shift_minutes=30.0, pool_size=10, base_online=0.5,
                    mean_session_minutes=60, idle_logout_minutes=5, tiers={"verified": 1.0})
    s = Scenario(agents=agents, surge=Surge(enabled=True, release=True))
    rng = np.random.default_rng(4)
    profiles = make_profiles(agents, pool_size(agents), rng)
    wf = Workforce(agents, s.surge, s.pay, profiles, rng, 30.0 * len(plan), ReleaseAll(), chats_per_hour=20)
    HumanStage(demand, RoutingEngineRouter(s), wf, s.offers, rng).run()
    wf.close(30.0 * len(plan))
    return wf, core_size(agents)


def no_demand() -> HumanDemand:
    return HumanDemand(np.zeros(0), [], [], np.zeros(0), np.zeros(0))


def test_core_follows_the_plan_and_is_never_released() -> None:
    plan = (2, 3, 0, 1, 4, 4)
    wf, core = run("hybrid", plan, no_demand())
    assert core == 2 * max(plan) + 2
    assert wf.online_minutes[:core].sum() == sum(plan) * 30.0  # nobody idled out or was released
    assert wf.online_minutes[core:].sum() < 10 * 10  # gig agents were released at once (idle, paid per chat)


def test_hybrid_core_serves_customers_and_gig_agents_too() -> None:
    rng = np.random.default_rng(1)
    entry = np.sort(rng.uniform(0, 180, 300))
    demand = HumanDemand(entry, ["payments"] * 300, ["en"] * 300, rng.exponential(5, 300), rng.exponential(3, 300))
    wf, core = run("hybrid", (1,) * 6, demand)
    assert wf.online_minutes[:core].sum() >= 180.0  # one rostered agent all along (plus finishing chats)
    shifts, _ = run("shifts", (1,) * 6, demand)
    assert shifts.online_minutes.sum() >= 180.0 and shifts.core == 0


def lone_caller() -> HumanDemand:
    """One customer at minute 100, while the roster is empty, patient for 30 minutes."""
    return HumanDemand(np.array([100.0]), ["payments"], ["en"], np.array([30.0]), np.array([4.0]))


def run_oncall(oncall: int) -> tuple[Workforce, Any]:
    plan = (1, 1, 0, 0, 0, 0, 1, 1)  # nobody rostered from minute 60 to 180
    agents = Agents(mode="shifts", shifts=plan, shift_minutes=30.0, pool_size=4, oncall=oncall,
                    oncall_lag_minutes=2.0, oncall_idle_minutes=10.0, tiers={"verified": 1.0})
    s = Scenario(agents=agents)
    rng = np.random.default_rng(2)
    profiles = make_profiles(agents, pool_size(agents), rng)
    wf = Workforce(agents, s.surge, s.pay, profiles, rng, 240.0, None)
    out = HumanStage(lone_caller(), RoutingEngineRouter(s), wf, s.offers, rng).run()
    wf.close(240.0)
    return wf, out


def test_an_on_call_agent_answers_a_lone_caller_in_closed_hours() -> None:
    without, out0 = run_oncall(0)
    assert bool(out0.abandoned[0]) and without.oncall_calls == 0
    with_list, out1 = run_oncall(1)
    assert not out1.abandoned[0] and out1.agent[0] >= 0 and 0 < out1.wait[0] < 30
    assert with_list.oncall_calls == 1
    # called in, served 4 minutes, went home after 10 idle minutes: paid as a call-out, not as rostered time
    assert 14.0 <= with_list.oncall_minutes <= 14.0 + out1.wait[0] + 1
    assert with_list.online_minutes.sum() == without.online_minutes.sum() == 4 * 30.0
