"""Run a whole scenario: arrivals -> AI stage -> human stage (production routing) -> records and summary."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tandem.engines.sim.ai_stage import AIOutcome, lognormal, run_ai_stage
from tandem.engines.sim.handling import handling_params
from tandem.engines.sim.human import HumanDemand, HumanOutcome, HumanStage
from tandem.engines.sim.outcomes import AI_FAILURE_REASONS, csat_scores, gig_pay
from tandem.engines.sim.pool import make_profiles, pool_size
from tandem.engines.sim.profiles import arrivals_for
from tandem.engines.sim.rostering import auto_roster, auto_shifts
from tandem.engines.sim.router import SimRouter
from tandem.engines.sim.run_log import Records, summarise
from tandem.engines.sim.scenario import Scenario, load_scenario
from tandem.engines.sim.surge_loop import surge_levels_for
from tandem.engines.sim.workforce import SurgeLevels, Workforce

RouterFactory = Callable[[Scenario], SimRouter]
Progress = Callable[[int], None]


@dataclass(frozen=True)
class RunResult:
    """Records, summary and the workforce trace of one run."""

    records: Records
    summary: dict[str, Any]
    levels: list[tuple[float, int, int]]
    agent_minutes: np.ndarray


def human_demand(
    s: Scenario, arrivals: np.ndarray, ai: AIOutcome, rng: np.random.Generator
) -> tuple[HumanDemand, np.ndarray]:
    """The escalated conversations, sorted by the time they join the human queue."""
    mean, sigma, patience = handling_params(s)
    idx = np.flatnonzero(ai.escalated)
    entry = arrivals[idx] + ai.ai_minutes[idx] * s.ai.enabled
    order = np.argsort(entry, kind="stable")
    idx, entry = idx[order], entry[order]
    if s.handling.distribution == "exponential":
        handle = rng.exponential(mean, idx.size)
    else:
        handle = lognormal(rng, mean, sigma, idx.size)
    topic = [ai.topics[k] for k in ai.intent[idx].tolist()]
    language = [ai.languages[k] for k in ai.language[idx].tolist()]
    return HumanDemand(entry, topic, language, rng.exponential(patience, idx.size), handle), idx


def run_scenario(s: Scenario, rng: np.random.Generator, router_factory: RouterFactory | None = None,
                 levels: SurgeLevels | None = None, progress: Progress | None = None) -> RunResult:
    """Simulate one scenario end to end."""
    arrivals = arrivals_for(s.arrivals, rng, s.base_dir)
    ai = run_ai_stage(arrivals.size, s.ai, s.customers, rng)
    demand, idx = human_demand(s, arrivals, ai, rng)
    if s.agents.mode in ("shifts", "hybrid") and not s.agents.shifts:
        mean, _, patience = handling_params(s)
        if s.agents.shift_minutes == 60 and s.agents.mode == "shifts":  # the classic hourly plan
            plan = auto_shifts(s, demand, mean, patience)
        else:  # the least-cost roster; a hybrid's core for a quantile of the expected demand
            quantile = s.agents.core_quantile if s.agents.mode == "hybrid" else None
            plan = auto_roster(s, demand, arrivals.size, mean, patience, quantile)
        s = dataclasses.replace(s, agents=dataclasses.replace(s.agents, shifts=plan))
    profiles = make_profiles(s.agents, pool_size(s.agents), rng)
    horizon = float(arrivals[-1]) + 1.0
    if levels is None and s.surge.enabled:
        levels = surge_levels_for(s, demand)
    mean, _, _ = handling_params(s)
    workforce = Workforce(s.agents, s.surge, s.pay, profiles, rng, horizon, levels,
                          chats_per_hour=60.0 * s.agents.capacity / mean)
    router = (router_factory or _production_router)(s)
    outcome = HumanStage(demand, router, workforce, s.offers, rng, progress).run()
    workforce.close(horizon)
    quality = np.array([p.quality for p in profiles] + [0.8])
    records, human_cost = _records(s, arrivals, ai, demand, idx, outcome, quality, workforce, rng)
    summary = summarise(records, float(workforce.online_minutes.sum()), human_cost, s.agents.capacity,
                        s.service_level_seconds)
    return RunResult(records, {"scenario": s.name, **summary}, workforce.level_log, workforce.online_minutes)


def _production_router(s: Scenario) -> SimRouter:
    from tandem.engines.sim.routing_adapter import RoutingEngineRouter

    return RoutingEngineRouter(s)


def _records(s: Scenario, arrivals: np.ndarray, ai: AIOutcome, demand: HumanDemand, idx: np.ndarray,
             out: HumanOutcome, quality: np.ndarray, wf: Workforce,
             rng: np.random.Generator) -> tuple[Records, float]:
    n = arrivals.size

    def spread(values: np.ndarray, fill: Any) -> np.ndarray:
        col = np.full(n, fill, dtype=np.asarray(values).dtype if fill is not np.nan else float)
        col[idx] = values
        return col

    served_h = out.agent >= 0
    served, abandoned = spread(served_h, False), spread(out.abandoned, False)
    handle = spread(np.where(served_h, demand.handle, 0.0), 0.0)
    wait = spread(out.wait, np.nan)
    agent = spread(out.agent.astype(np.int64), -1)
    failure_codes = [k for k, r in enumerate(ai.reasons) if r in AI_FAILURE_REASONS]
    ai_failed = np.isin(ai.reason, failure_codes) & s.ai.enabled
    lost = ~ai.resolved & ~ai.escalated
    bonus = spread(out.bonus, 0.0)
    core = wf.core  # a hybrid's rostered agents are paid by the hour, the others per conversation
    if s.agents.mode in ("gig", "hybrid"):
        pay = gig_pay(s.pay, served & (agent >= core), handle, bonus)
        human_cost = float(pay.sum()) + s.pay.shift_hourly * float(wf.online_minutes[:core].sum()) / 60
    else:
        pay = np.zeros(n)
        human_cost = s.pay.shift_hourly * float(wf.online_minutes.sum()) / 60
    csat = csat_scores(s.csat, ai.resolved, ai_failed, served, abandoned | lost, wait, quality[agent], rng)
    columns = {
        "conversation": np.arange(n), "arrival_min": arrivals, "intent": ai.intent, "language": ai.language,
        "ai_minutes": ai.ai_minutes * s.ai.enabled, "ai_resolved": ai.resolved, "escalated": ai.escalated,
        "reason": ai.reason, "wait": wait, "abandoned": abandoned, "served": served, "agent": agent,
        "offers": spread(out.offers, 0), "handle": handle, "surge_bonus": bonus, "pay": pay,
        "ai_cost": np.full(n, s.ai.cost_per_conversation * s.ai.enabled), "csat": csat,
        "resolved": ai.resolved | served,
    }
    labels = {"intent": ai.intents, "language": ai.languages, "reason": ai.reasons}
    return Records(columns, labels), human_cost


def run_scenario_file(path: str | Path, seed: int | None = None, **kwargs: Any) -> dict[str, Any]:
    """Load, run with the scenario's (or the given) seed, and return the summary."""
    s = load_scenario(path)
    return run_scenario(s, np.random.default_rng(s.seed if seed is None else seed), **kwargs).summary
