"""The human stage: a discrete-event loop of queue arrivals, offers, answers, chats and abandonments.

Arrivals to the human queue come from a sorted array (no heap traffic); everything else is a heap event.
Who gets which conversation is decided by the dispatcher behind `SimRouter`; this loop only keeps time.

The loop asks the dispatcher for offers only when one can exist: after all events of one instant, if some
available agent has a free slot and either conversations joined (or re-joined) the queue, or capacity was
gained while conversations wait, or a waiting conversation's eligibility widens (the router's relaxation or
decline cool-down, `SimRouter.next_wake`). Skipped calls would have returned no offers: the router keeps what
changed and looks at it, in queue order, at the next call.
"""

from __future__ import annotations

import gc
import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tandem.engines.sim.events import (
    ABANDON,
    ABANDONED,
    ACCEPTED,
    ANSWER,
    DECLINED,
    DONE,
    EXPIRED,
    FINISH,
    OFFERED,
    WAITING,
    WITH_HUMAN,
)
from tandem.engines.sim.router import SimRouter
from tandem.engines.sim.scenario import Offers
from tandem.engines.sim.workforce import Workforce

INF = float("inf")
ANSWER_BATCH = 1 << 16


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


def draw_answers(rng: np.random.Generator, accept_p: float, decide: float, timeout: float,
                 size: int) -> tuple[list[float], list[int]]:
    """Pre-sample `size` offer answers: (delay in minutes, ACCEPTED | DECLINED | EXPIRED).

    The agent decides after an exponential time (mean `decide`) and accepts with probability `accept_p`;
    a decision at or after `timeout` is an expiry at the timeout.
    """
    accepted = rng.random(size) < accept_p
    delay = rng.exponential(decide, size) if decide > 0 else np.zeros(size)
    code = np.where(accepted, ACCEPTED, DECLINED)
    late = delay >= timeout
    code[late] = EXPIRED
    delay[late] = timeout
    return delay.tolist(), code.tolist()


class HumanStage:
    """Run the loop once; construct, then call `run()`.

    The workforce calls back into `push` (its logins, logouts and ticks) and sets `dirty` when agents come
    online; `dispatches` counts the calls made to the dispatcher.
    """

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
        self.armed = bytearray(n)
        # (time, kind, a, b): ties resolve by kind then ids, so runs are reproducible without a sequence number
        self.heap: list[tuple[float, int, int, int]] = []
        self.progress = progress
        self.dirty = False  # capacity may have been gained (a login, a freed slot) since the last dispatch
        self.dispatches = 0

    def push(self, t: float, kind: int, a: int, b: int = 0) -> None:
        heapq.heappush(self.heap, (t, kind, a, b))

    def run(self) -> HumanOutcome:
        # the loop allocates millions of short-lived acyclic objects: cyclic GC passes would only cost time
        enabled = gc.isenabled()
        gc.disable()
        try:
            self._run()
            return self._outcome()
        finally:
            if enabled:
                gc.enable()

    def _run(self) -> None:  # one flat loop: the hot path of every run
        d, router, wf = self.demand, self.router, self.workforce
        entry = d.entry.tolist()
        entry.append(INF)
        topic, language, handle = d.topic, d.language, d.handle.tolist()
        state, start, agent_of, offers_n, bonus_of = self.state, self.start, self.agent, self.offers, self.bonus
        deadline, armed, heap = self.deadline, self.armed, self.heap
        heappush, heappop = heapq.heappush, heapq.heappop
        enqueue, dispatch, answer = router.enqueue, router.dispatch, router.answer
        finish, abandon = router.finish, router.abandon
        next_wake = router.next_wake
        offered, answered, chat_finished = wf.offered, wf.answered, wf.chat_finished
        slow = (self._inline, self._inline, self._inline, self._login, self._logout, self._tick)
        delays: list[float] = []
        codes: list[int] = []
        j = 0
        i = 0
        fresh: list[int] = []
        waiting = 0  # conversations in state WAITING
        queued = False  # conversations joined or re-joined the queue since the last dispatch
        wake = INF  # when a waiting conversation next becomes eligible for more agents
        woke = False
        progress = self.progress
        wf.start(self)
        dirty, self.dirty = self.dirty, False  # capacity gained since the last dispatch (see `dirty`)
        while True:
            t_arrival = entry[i]
            t_event = heap[0][0] if heap else INF
            if wake <= t_arrival and wake <= t_event:
                if wake == INF:
                    break  # no arrivals, no events, nothing waking up: the run is over
                t, wake = wake, INF
                if wf.free > 0 and waiting:
                    woke = True
                else:
                    continue
            elif t_arrival <= t_event:
                t = t_arrival
                enqueue(i, topic[i], language[i], t)
                fresh.append(i)
                waiting += 1
                queued = True
                i += 1
                if progress is not None and not i & 8191:
                    progress(8192)
            else:
                t, kind, a, b = heappop(heap)
                if kind == ANSWER:
                    if state[a] == OFFERED and b >> 2 == offers_n[a]:
                        agent, code = agent_of[a], b & 3
                        if code == ACCEPTED:
                            answer(a, agent, True, False, t)
                            answered(self, agent, True, t)
                            state[a] = WITH_HUMAN
                            start[a] = t
                            heappush(heap, (t + handle[a], FINISH, a, agent))
                        else:
                            answer(a, agent, False, code == EXPIRED, t)
                            answered(self, agent, False, t)
                            state[a] = WAITING
                            waiting += 1
                            queued = dirty = True
                            if not armed[a]:
                                armed[a] = 1
                                heappush(heap, (deadline[a], ABANDON, a, 0))
                    # else the offer was rescinded: the customer left while it was pending
                elif kind == FINISH:
                    state[a] = DONE
                    finish(a, b, t)
                    chat_finished(self, b, t)
                    dirty = True
                elif kind == ABANDON:
                    s = state[a]
                    if s == WAITING:
                        state[a] = ABANDONED
                        waiting -= 1
                        abandon(a, t)
                    elif s == OFFERED:
                        state[a] = ABANDONED
                        abandon(a, t)
                        answered(self, agent_of[a], False, t)
                        dirty = True
                else:
                    slow[kind](t, a, b)
                    if self.dirty:  # the workforce brought agents online
                        dirty, self.dirty = True, False
            if entry[i] <= t or (heap and heap[0][0] <= t):
                continue  # more happens at this instant: decide after all of it
            if wf.free > 0:
                if waiting and (queued or dirty or woke):
                    self.dispatches += 1
                    bonus = wf.bonus
                    for conv, agent in dispatch(t):
                        state[conv] = OFFERED
                        waiting -= 1
                        k = offers_n[conv] + 1
                        offers_n[conv] = k
                        agent_of[conv] = agent
                        bonus_of[conv] = bonus
                        offered(agent)
                        if j == len(delays):
                            delays, codes = draw_answers(self.rng, self.accept_p, self.decide, self.timeout,
                                                         ANSWER_BATCH)
                            j = 0
                        delay, code = delays[j], codes[j]
                        j += 1
                        at = t + delay
                        if at >= deadline[conv] and not armed[conv]:  # the customer may leave before the answer
                            armed[conv] = 1
                            heappush(heap, (deadline[conv], ABANDON, conv, 0))
                        heappush(heap, (at, ANSWER, conv, k * 4 + code))
                    wake = next_wake() if waiting else INF
                    if wake <= t:  # a dispatcher must consume what is due: never stall the clock
                        wake = math.nextafter(t, INF)
                    woke = False
                queued = dirty = False
            if fresh:
                for conv in fresh:
                    if state[conv] == WAITING and not armed[conv]:
                        armed[conv] = 1
                        heappush(heap, (deadline[conv], ABANDON, conv, 0))
                fresh.clear()

    def _inline(self, t: float, a: int, b: int) -> None:
        raise AssertionError("answers, chat ends and abandonments are handled inside the loop")

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
