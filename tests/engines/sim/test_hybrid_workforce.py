"""A hybrid workforce: the rostered core follows its half-hour plan exactly (no idle logout, no release, no
sessions), the gig pool beside it behaves as in gig mode."""

from __future__ import annotations

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
