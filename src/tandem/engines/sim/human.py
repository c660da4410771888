"""The human stage: a discrete-event loop of queue arrivals, offers, answers, chats and abandonments.

Arrivals to the human queue come from a sorted array (no heap traffic); everything else is a heap event.
Who gets which conversation is decided by the dispatcher behind `SimRouter`; this loop only keeps time.
"""

from __future__ import annotations

import gc
import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count

import numpy as np

from tandem.engines.sim.events import ABANDON, ACCEPTED, ANSWER, DECLINED, EXPIRED, FINISH
from tandem.engines.sim.router import SimRouter
from tandem.engines.sim.scenario import Offers
from tandem.engines.sim.workforce import Workforce

WAITING, OFFERED, WITH_HUMAN, DONE, ABANDONED = range(5)


@dataclass(frozen=True)
class HumanDemand:
    """Conversations that asked for a human, sorted by queue entry time (minutes)."""

    entry: np.ndarray
    topic: list[str]
    language: list[str]
    patience: np.ndarray
    handle: np.ndarray


@dataclass(frozen=True)
class HumanOutcome:
    """Per human conversation: wait (min), abandoned flag, agent index (-1 none), offers made, bonus."""

    wait: np.ndarray
    abandoned: np.ndarray
    agent: np.ndarray
    offers: np.ndarray
    bonus: np.ndarray


class HumanStage:
    """Run the loop once; construct, then call `run()`."""

    def __init__(self, demand: HumanDemand, router: SimRouter, workforce: Workforce, offers: Offers,
                 rng: np.random.Generator, progress: Callable[[int], None] | None = None) -> None:
        n = len(demand.entry)
        self.demand, self.router, self.workforce, self.rng = demand, router, workforce, rng
        self.accept_p, self.decide, self.timeout = (offers.accept_probability, offers.decision_seconds / 60,
                                                    offers.timeout_seconds / 60)
        self.state = [WAITING] * n
        self.start = [0.0] * n
        self.agent = [-1] * n
        self.offers = [0] * n
        self.bonus = [0.0] * n
        # the abandonment event is pushed only for a conversation that is left waiting (most never are)
        self.deadline = (demand.entry + demand.patience).tolist()
        self.armed = [False] * n
        self.fresh: list[int] = []
        self.heap: list[tuple[float, int, int, int, int]] = []
        self.seq = count()
        self.progress = progress
        self._draws: list[float] = []
        # dispatch only after something that can create a match: a new or returned conversation, freed capacity
        self.dirty = False

    def push(self, t: float, kind: int, a: int, b: int = 0) -> None:
        heapq.heappush(self.heap, (t, next(self.seq), kind, a, b))

    def run(self) -> HumanOutcome:
        # the loop allocates millions of short-lived acyclic objects: cyclic GC passes would only cost time
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._run()
        finally:
            if enabled:
                gc.enable()

    def _run(self) -> HumanOutcome:
        entry = self.demand.entry.tolist()
        n, i, heap, pop = len(entry), 0, self.heap, heapq.heappop
        self.workforce.start(self)
        handlers = (self._abandon, self._answer, self._finish, self._login, self._logout, self._tick)
        while i < n or heap:
            if i < n and (not heap or entry[i] <= heap[0][0]):
                t = entry[i]
                self.router.enqueue(i, self.demand.topic[i], self.demand.language[i], t)
                self.fresh.append(i)
                self.dirty = True
                i += 1
                if self.progress is not None and i % 8192 == 0:
                    self.progress(8192)
            else:
                t, _, kind, a, b = pop(heap)
                handlers[kind](t, a, b)
            # with every slot taken no offer is possible: the router sees the queued work at the next dispatch
            if self.dirty and (not heap or heap[0][0] > t):
                if self.workforce.free > 0:
                    self.dirty = False
                    self._dispatch(t)
                self._arm_fresh()
        return self._outcome()

    def _arm(self, conv: int) -> None:
        if not self.armed[conv]:
            self.armed[conv] = True
            self.push(self.deadline[conv], ABANDON, conv)

    def _arm_fresh(self) -> None:
        state = self.state
        for conv in self.fresh:
            if state[conv] == WAITING:
                self._arm(conv)
        self.fresh.clear()

    def _dispatch(self, t: float) -> None:
        for conv, agent in self.router.dispatch(t):
            self.state[conv] = OFFERED
            self.offers[conv] += 1
            self.agent[conv] = agent
            self.bonus[conv] = self.workforce.bonus
            self.workforce.offered(agent)
            accepted, delay = self._offer_answer()
            code = ACCEPTED if accepted else DECLINED
            if delay >= self.timeout:
                delay, code = self.timeout, EXPIRED
            if t + delay >= self.deadline[conv]:
                self._arm(conv)  # the customer may leave before the answer comes
            self.push(t + delay, ANSWER, conv, self.offers[conv] * 4 + code)

    def _offer_answer(self) -> tuple[bool, float]:
        if not self._draws:
            self._draws = self.rng.random(2 * 65536).tolist()
        u = self._draws.pop()
        delay = -self.decide * math.log1p(-self._draws.pop()) if self.decide > 0 else 0.0
        return u < self.accept_p, delay

    def _abandon(self, t: float, conv: int, _: int) -> None:
        state = self.state[conv]
        if state == WAITING or state == OFFERED:
            self.state[conv] = ABANDONED
            self.router.abandon(conv, t)
            if state == OFFERED:
                self.workforce.answered(self, self.agent[conv], False, t)
                self.dirty = True

    def _answer(self, t: float, conv: int, token: int) -> None:
        if self.state[conv] != OFFERED or token >> 2 != self.offers[conv]:
            return  # the offer was rescinded: the customer left while it was pending
        agent, accepted = self.agent[conv], token & 3 == ACCEPTED
        self.router.answer(conv, agent, accepted, token & 3 == EXPIRED, t)
        self.workforce.answered(self, agent, accepted, t)
        if not accepted:
            self.state[conv] = WAITING
            self._arm(conv)
            self.dirty = True
            return
        self.state[conv] = WITH_HUMAN
        self.start[conv] = t
        self.push(t + float(self.demand.handle[conv]), FINISH, conv, agent)

    def _finish(self, t: float, conv: int, agent: int) -> None:
        self.state[conv] = DONE
        self.router.finish(conv, agent, t)
        self.workforce.chat_finished(self, agent, t)
        self.dirty = True

    def _login(self, t: float, agent: int, _: int) -> None:
        self.workforce.login(self, agent, t)
        self.dirty = True

    def _logout(self, t: float, agent: int, session: int) -> None:
        self.workforce.logout(self, agent, session, t)

    def _tick(self, t: float, _a: int, _b: int) -> None:
        self.workforce.tick(self, t)

    def _outcome(self) -> HumanOutcome:
        state = np.asarray(self.state)
        abandoned = state == ABANDONED
        served = (state == WITH_HUMAN) | (state == DONE)
        wait = np.where(served, np.asarray(self.start) - self.demand.entry, 0.0)
        wait = np.where(abandoned, self.demand.patience, wait)
        agent = np.where(served, np.asarray(self.agent), -1)
        return HumanOutcome(wait, abandoned, agent, np.asarray(self.offers), np.asarray(self.bonus))
