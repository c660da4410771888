"""P1: routing decisions per second and per-decision latency, beside a naive linear-scan dispatcher.

    python bench/dispatch.py                      # 1k, 10k and 100k online agents
    python bench/dispatch.py --agents 10000 --json

A *decision* is one conversation matched to one agent (one offer). Each timed step is what the live
dispatcher does when a customer asks for a human right after another conversation ended: one agent has
just freed a slot (resolve, untimed) and one conversation arrives; the step times ``escalate`` plus
``dispatch(now)`` with time.perf_counter_ns and divides it among the offers made. Throughput is all
decisions over the summed time of all timed steps (steps without a decision count too). Offers are then
accepted (untimed). Workload: 20 topics (3 sensitive: senior only) x 8 languages x 3 tiers; agents with
2-5 topics, 1-2 languages and chat concurrency 1-4, filled to about half of all chat slots busy. The naive
baseline starts from a copy of the same state and applies the same rules with no index: a new conversation
scans every agent, a freed agent scans every waiting conversation. The arrival-only figures time just the
arriving conversation's decision: freed slots are handed out by an untimed dispatch before each step.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, field

from tandem.domain.skills import Tier
from tandem.engines.routing import AgentSpec, Router, RoutingConfig

TOPICS = tuple(f"t{i:02d}" for i in range(20))
SENSITIVE = frozenset(TOPICS[:3])
LANGS = ("en", "sv", "de", "fr", "es", "fi", "nb", "da")
LANG_WEIGHTS = (40, 12, 12, 10, 10, 6, 5, 5)
TIERS = (Tier.NEW, Tier.VERIFIED, Tier.SENIOR)
CONFIG = RoutingConfig(sensitive_topics=SENSITIVE)
T0 = 1_700_000_000.0
STEP_S = 0.001  # simulated seconds between timed steps


def make_agents(n: int, rng: random.Random) -> list[AgentSpec]:
    """Return n agents with mixed skills, languages and capacity."""
    out = []
    for i in range(n):
        tier = rng.choices(TIERS, (3, 5, 2))[0]
        topics = rng.sample(TOPICS, rng.randint(2, 5))
        langs = {rng.choices(LANGS, LANG_WEIGHTS)[0]}
        if rng.random() < 0.4:
            langs.add("en")
        out.append(AgentSpec(f"a{i}", dict.fromkeys(topics, tier), frozenset(langs),
                             rng.choices((1, 2, 3, 4), (2, 3, 3, 2))[0]))
    return out


def make_conversation(rng: random.Random) -> tuple[str, str, int]:
    """Return (topic, language, priority) for one escalation."""
    return rng.choice(TOPICS), rng.choices(LANGS, LANG_WEIGHTS)[0], int(rng.random() < 0.1)


# ---- naive baseline ---------------------------------------------------------------------------------

@dataclass
class NaiveAgent:
    spec: AgentSpec
    used: int = 0
    last_offer_at: float = 0.0


@dataclass
class NaiveDispatcher:
    """The same routing rules without any index: linear scans over agents or over the queue."""

    agents: dict[str, NaiveAgent] = field(default_factory=dict)
    waiting: list[tuple[int, float, int, str, str, str]] = field(default_factory=list)
    assignee: dict[str, str] = field(default_factory=dict)
    freed: list[NaiveAgent] = field(default_factory=list)
    new: list[tuple[int, float, int, str, str, str]] = field(default_factory=list)
    seq: int = 0

    @classmethod
    def copy_of(cls, router: Router) -> NaiveDispatcher:
        """Return a naive dispatcher in the same state as router (offers count as assignments)."""
        naive = cls()
        for a in router.agents.values():
            spec = AgentSpec(a.agent_id, a.skills, a.languages, a.capacity)
            naive.agents[a.agent_id] = NaiveAgent(spec, a.load + a.pending, a.last_offer_at)
            for cid in a.conversations:
                naive.assignee[cid] = a.agent_id
        for c in sorted(router._all_waiting(), key=lambda c: c.order()):
            naive.seq += 1
            naive.waiting.append((-c.priority, c.since, naive.seq, c.conversation_id, c.topic, c.language))
        return naive

    def escalate(self, cid: str, topic: str, lang: str, now: float, priority: int = 0) -> None:
        self.seq += 1
        self.waiting.append((-priority, now, self.seq, cid, topic, lang))
        self.new.append(self.waiting[-1])

    def resolve(self, cid: str, now: float) -> None:
        agent = self.agents[self.assignee.pop(cid)]
        agent.used -= 1
        self.freed.append(agent)

    def fits(self, agent: NaiveAgent, topic: str, lang: str, waited: float) -> bool:
        need = Tier.SENIOR if topic in SENSITIVE else (Tier.VERIFIED if waited < 60 else Tier.NEW)
        tier = agent.spec.skills.get(topic)
        langs = agent.spec.languages
        return tier is not None and tier >= need and (lang in langs or (waited >= 120 and "en" in langs))

    def dispatch(self, now: float) -> list[tuple[str, str]]:
        out = []
        for agent in self.freed:  # a freed agent scans the whole queue for the first one it fits
            while agent.used < agent.spec.capacity:
                hits = [w for w in self.waiting if self.fits(agent, w[4], w[5], now - w[1])]
                if not hits:
                    break
                out.append(self.assign(min(hits), agent, now))
        self.freed.clear()
        for w in sorted(self.new):  # every new conversation scans every agent
            if w not in self.waiting:
                continue
            best = None
            for agent in self.agents.values():
                if agent.used < agent.spec.capacity and self.fits(agent, w[4], w[5], now - w[1]):
                    key = (agent.spec.skills[w[4]], agent.used / agent.spec.capacity, agent.last_offer_at)
                    if best is None or key < best[0]:
                        best = (key, agent)
            if best is not None:
                out.append(self.assign(w, best[1], now))
        self.new.clear()
        return out

    def assign(self, w: tuple[int, float, int, str, str, str], agent: NaiveAgent, now: float) -> tuple[str, str]:
        self.waiting.remove(w)
        agent.used += 1
        agent.last_offer_at = now
        self.assignee[w[3]] = agent.spec.agent_id
        return (w[3], agent.spec.agent_id)


# ---- driver -----------------------------------------------------------------------------------------

class Workload:
    """Drive one dispatcher through warm-up and timed steps; collect per-step timings."""

    def __init__(self, engine: Router | NaiveDispatcher, capacity: int, seed: int, now: float = T0) -> None:
        self.engine = engine
        self.capacity = capacity
        self.rng = random.Random(seed)
        self.now = now
        self.n = 0
        self.assigned: list[str] = []

    def settle(self, offers: list) -> None:
        """Accept every offer (the naive dispatcher assigns directly)."""
        if isinstance(self.engine, Router):
            for o in offers:
                self.engine.accept(o.offer_id, self.now)
                self.assigned.append(o.conversation_id)
        else:
            self.assigned.extend(cid for cid, _ in offers)

    def resolve_one(self) -> None:
        """Resolve a random assigned conversation (swap-remove keeps this O(1))."""
        i = self.rng.randrange(len(self.assigned))
        self.assigned[i], self.assigned[-1] = self.assigned[-1], self.assigned[i]
        self.engine.resolve(self.assigned.pop(), self.now)

    def step(self, batch: int = 1) -> tuple[int, int]:
        """Escalate `batch` conversations and dispatch once, timed; return (nanoseconds, decisions)."""
        new = []
        for _ in range(batch):
            self.n += 1
            new.append((f"c{self.n}", *make_conversation(self.rng)))
        escalate, now = self.engine.escalate, self.now
        t = time.perf_counter_ns()
        for cid, topic, lang, prio in new:
            escalate(cid, topic, lang, now, priority=prio)
        offers = self.engine.dispatch(now)
        ns = time.perf_counter_ns() - t
        self.settle(offers)
        return ns, len(offers)

    def fill(self, busy: float) -> None:
        """Escalate and accept until `busy` of all chat slots are taken or a queue starts to form."""
        queue_cap = max(20, self.capacity // 500)
        while len(self.assigned) < busy * self.capacity and self.waiting() < queue_cap:
            self.step()

    def waiting(self) -> int:
        """Return how many conversations wait for an agent."""
        return len(self.engine.queue if isinstance(self.engine, Router) else self.engine.waiting)

    def run(self, steps: int, budget_s: float, batch: int = 1, arrivals_only: bool = False,
            ) -> list[tuple[int, int]]:
        """Run timed steps, each after `batch` resolves, stopping early past budget_s.

        With arrivals_only the freed slots are handed out by an untimed dispatch first, so the timed
        part is only the arriving conversation's decision.
        """
        out = []
        deadline = time.perf_counter() + budget_s
        for i in range(steps):
            self.now += STEP_S * batch
            for _ in range(min(batch, len(self.assigned))):
                self.resolve_one()
            if isinstance(self.engine, Router):
                self.engine.expire(self.now)  # the dispatcher loop's housekeeping (untimed; nothing is due)
            if arrivals_only:
                self.settle(self.engine.dispatch(self.now))
            out.append(self.step(batch))
            if i % 256 == 0 and time.perf_counter() > deadline:
                break
        return out


def summarize(samples: list[tuple[int, int]]) -> dict[str, float]:
    """Return decisions/s over all timed steps and per-decision latency percentiles (µs)."""
    total_ns = sum(ns for ns, _ in samples)
    decisions = sum(d for _, d in samples)
    per = sorted(ns / d / 1000 for ns, d in samples for _ in range(d))
    pick = (lambda q: per[min(len(per) - 1, int(q * len(per)))]) if per else (lambda q: float("nan"))
    return {
        "decisions": decisions,
        "decisions_per_s": decisions / (total_ns / 1e9) if total_ns else 0.0,
        "p50_us": pick(0.50),
        "p99_us": pick(0.99),
        "mean_us": statistics.fmean(per) if per else float("nan"),
    }


def timed(work: Workload, steps: int, budget_s: float, arrivals_only: bool = False) -> dict[str, float]:
    """Warm up, then time steps with the collector frozen; return the summary."""
    work.run(min(steps, 1000), budget_s / 4, arrivals_only=arrivals_only)
    gc.collect()
    gc.freeze()  # the long-lived index is not garbage; keep the collector from rescanning it
    try:
        samples = work.run(steps, budget_s, arrivals_only=arrivals_only)
    finally:
        gc.unfreeze()
    out = summarize(samples)
    out["waiting"] = work.waiting()
    out["busy"] = len(work.assigned) / work.capacity
    return out


def filled_router(agents: list[AgentSpec], seed: int) -> Workload:
    """Return a workload whose router has every agent online and about half of all chat slots busy."""
    router = Router(CONFIG)
    for spec in agents:
        router.login(spec, T0)
    work = Workload(router, sum(a.capacity for a in agents), seed)
    work.fill(0.5)
    return work


def bench(n_agents: int, steps: int, baseline_steps: int, seed: int) -> dict[str, float | int | str]:
    """Measure the router and the naive dispatcher from the same state on the same conversation stream."""
    agents = make_agents(n_agents, random.Random(seed))
    work = filled_router(agents, seed)
    assert isinstance(work.engine, Router)
    copy = NaiveDispatcher.copy_of(work.engine)
    naive = Workload(copy, work.capacity, seed + 1, work.now)
    naive.assigned, naive.n = list(copy.assignee), work.n
    work.rng = random.Random(seed + 1)
    fast = timed(work, steps, 30.0)
    slow = timed(naive, baseline_steps, 8.0)
    arrivals = timed(work, steps // 2, 15.0, arrivals_only=True)
    return {
        "agents": n_agents,
        "decisions_per_s": round(fast["decisions_per_s"]),
        "p50_us": round(fast["p50_us"], 2),
        "p99_us": round(fast["p99_us"], 2),
        "mean_us": round(fast["mean_us"], 2),
        "decisions": int(fast["decisions"]),
        "waiting": int(fast["waiting"]),
        "busy_slots": round(fast["busy"], 3),
        "baseline_decisions_per_s": round(slow["decisions_per_s"], 1),
        "baseline_p50_us": round(slow["p50_us"], 1),
        "baseline_p99_us": round(slow["p99_us"], 1),
        "baseline_decisions": int(slow["decisions"]),
        "speedup": round(fast["decisions_per_s"] / slow["decisions_per_s"], 1) if slow["decisions_per_s"] else 0,
        "arrival_only_decisions_per_s": round(arrivals["decisions_per_s"]),
        "arrival_only_p50_us": round(arrivals["p50_us"], 2),
        "arrival_only_p99_us": round(arrivals["p99_us"], 2),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "python": sys.version.split()[0],
    }


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the benchmark for each agent count, print results."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--agents", type=int, action="append", help="online agents (repeatable)")
    p.add_argument("--steps", type=int, default=100_000, help="timed steps for the router")
    p.add_argument("--baseline-steps", type=int, default=2_000, help="timed steps for the naive baseline")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--json", action="store_true", help="print one JSON object per agent count")
    args = p.parse_args(argv)
    for n in args.agents or [1_000, 10_000, 100_000]:
        result = bench(n, args.steps, args.baseline_steps, args.seed)
        if args.json:
            print(json.dumps(result), flush=True)
        else:
            print(f"{n:>7} agents: {result['decisions_per_s']:>9,} decisions/s  p50 {result['p50_us']:6.2f} µs  "
                  f"p99 {result['p99_us']:6.2f} µs | naive {result['baseline_decisions_per_s']:>9,} /s  "
                  f"-> {result['speedup']}x", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
