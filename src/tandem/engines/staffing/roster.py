"""Shift rosters: which shifts to staff so that every interval has its required agents, at least cost.

A shift starts at the start of any interval, lasts one of `ShiftRules.lengths_hours`, lies wholly inside the
opening hours and within the horizon, and, if it lasts `break_from_hours` or more, takes one unpaid break of
one interval somewhere in its middle third (each possible break position is its own pattern). The roster is a
count per pattern; the cost is the paid time (the shift less its break) at the hourly rate.

    min  Σ_j cost_j · x_j    subject to   Σ_j A[i, j] · x_j ≥ required_i  for every interval i,   x_j ∈ ℕ

`solve_milp` hands this integer program to HiGHS (`scipy.optimize.milp`); `solve_greedy` is the heuristic it is
compared with: repeatedly add the shift covering the most still-missing agent-intervals per unit of cost, then
drop any shift the others make redundant, most expensive first.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csc_matrix

from tandem.core.errors import InvalidInput
from tandem.engines.staffing.model import ServiceModel, StaffingTarget
from tandem.engines.staffing.optimize import required_agents


@dataclass(frozen=True)
class ShiftRules:
    """Shift lengths, the break rule, the interval and the hourly pay of a rostered agent."""

    slot_minutes: int = 30
    lengths_hours: tuple[float, ...] = (4.0, 6.0, 8.0)
    break_from_hours: float = 6.0  # shifts at least this long take an unpaid break ...
    break_slots: int = 1  # ... of this many intervals, wholly inside the middle third of the shift
    hourly_rate: float = 24.0

    def __post_init__(self) -> None:
        if self.slot_minutes <= 0 or 1440 % self.slot_minutes:
            raise InvalidInput(f"slot_minutes must divide a day, got {self.slot_minutes}")
        if not self.lengths_hours or any(h <= 0 for h in self.lengths_hours):
            raise InvalidInput("shift lengths must be positive hours")
        if any((h * 60) % self.slot_minutes for h in self.lengths_hours):
            raise InvalidInput("every shift length must be a whole number of intervals")
        if self.hourly_rate < 0 or self.break_slots < 0:
            raise InvalidInput("the hourly rate and the break length must not be negative")


@dataclass(frozen=True)
class Pattern:
    """One kind of shift: first interval, length and break position (intervals; break -1 = none)."""

    start: int
    length: int
    break_at: int = -1  # offset of the break's first interval from the start

    def working(self, break_slots: int) -> list[int]:
        """Interval offsets (from the horizon start) the agent is working."""
        brk = range(self.break_at, self.break_at + break_slots) if self.break_at >= 0 else range(0)
        return [self.start + k for k in range(self.length) if k not in brk]


@dataclass(frozen=True)
class Roster:
    """A solved roster: how many agents work each pattern, their coverage and cost."""

    patterns: tuple[Pattern, ...]
    counts: tuple[int, ...]
    required: np.ndarray
    coverage: np.ndarray
    rules: ShiftRules
    method: str
    seconds: float
    lower_bound: float  # a proven lower bound on the optimal cost (the LP relaxation or HiGHS's dual bound)

    @property
    def paid_hours(self) -> float:
        slot_h = self.rules.slot_minutes / 60.0
        return float(sum(c * len(p.working(self.rules.break_slots)) for p, c in zip(self.patterns, self.counts,
                                                                                   strict=True)) * slot_h)

    @property
    def cost(self) -> float:
        return self.paid_hours * self.rules.hourly_rate

    @property
    def gap(self) -> float:
        """Proven relative distance to the optimum: cost / lower bound - 1 (0 = proven optimal)."""
        return self.cost / self.lower_bound - 1 if self.lower_bound > 0 else 0.0

    @property
    def agents(self) -> int:
        return int(sum(self.counts))

    def shifts(self, start: datetime) -> list[dict[str, object]]:
        """The shifts as rows (one per pattern in use, with its head count), times from `start`."""
        step = timedelta(minutes=self.rules.slot_minutes)
        rows: list[dict[str, object]] = []
        for p, c in sorted(zip(self.patterns, self.counts, strict=True), key=lambda pc: (pc[0].start, pc[0].length)):
            row: dict[str, object] = {"start": (start + p.start * step).isoformat(),
                                      "end": (start + (p.start + p.length) * step).isoformat(),
                                      "hours": p.length * self.rules.slot_minutes / 60, "agents": c}
            if p.break_at >= 0:
                row["break_start"] = (start + (p.start + p.break_at) * step).isoformat()
            rows.append(row)
        return rows

    def as_dict(self, start: datetime) -> dict[str, object]:
        return {"method": self.method, "shifts": self.shifts(start), "agents": self.agents,
                "agent_hours": round(self.paid_hours, 2), "cost": round(self.cost, 2),
                "hourly_rate": self.rules.hourly_rate, "solve_seconds": round(self.seconds, 3),
                "lower_bound": round(self.lower_bound, 2), "proven_gap": round(self.gap, 5),
                "required": self.required.astype(int).tolist(), "coverage": self.coverage.astype(int).tolist()}


def break_offsets(length: int, break_slots: int) -> range:
    """Break positions wholly inside the middle third [length/3, 2·length/3] of a shift."""
    return range(math.ceil(length / 3), math.floor(2 * length / 3) - break_slots + 1)


def patterns_for(open_slots: np.ndarray, rules: ShiftRules) -> list[Pattern]:
    """Every allowed shift over the horizon: inside opening hours, with each allowed break position."""
    n = open_slots.size
    closed_before = np.concatenate([[0], np.cumsum(~open_slots.astype(bool))])  # closed intervals before i
    out: list[Pattern] = []
    for hours in rules.lengths_hours:
        length = int(hours * 60) // rules.slot_minutes
        with_break = hours >= rules.break_from_hours and rules.break_slots > 0
        offsets = list(break_offsets(length, rules.break_slots)) if with_break else [-1]
        if with_break and not offsets:
            raise InvalidInput(f"a {hours:g} h shift has no room for its break in its middle third")
        for start in range(0, n - length + 1):
            if closed_before[start + length] - closed_before[start]:
                continue
            out += [Pattern(start, length, b) for b in offsets]
    return out


def coverage_matrix(patterns: Sequence[Pattern], slots: int, rules: ShiftRules) -> csc_matrix:
    """A[i, j] = 1 when pattern j works interval i."""
    rows: list[int] = []
    cols: list[int] = []
    for j, p in enumerate(patterns):
        work = p.working(rules.break_slots)
        rows += work
        cols += [j] * len(work)
    return csc_matrix((np.ones(len(rows)), (rows, cols)), shape=(slots, len(patterns)))


@dataclass(frozen=True)
class Problem:
    """A roster problem: requirement per interval, the allowed patterns, their coverage and cost."""

    required: np.ndarray
    patterns: tuple[Pattern, ...]
    matrix: csc_matrix
    cost: np.ndarray
    rules: ShiftRules


def build_problem(required: Sequence[int] | np.ndarray, open_slots: Sequence[bool] | np.ndarray | None = None,
                  rules: ShiftRules | None = None) -> Problem:
    """Check the input and enumerate the patterns; a closed interval needs nobody."""
    rules = rules or ShiftRules()
    req = np.asarray(required, dtype=float)
    if req.ndim != 1 or req.size == 0:
        raise InvalidInput("the requirement must be a non-empty list of head counts")
    if np.any(req < 0) or np.any(~np.isfinite(req)):
        raise InvalidInput("required agents must be finite and not negative")
    is_open = np.ones(req.size, bool) if open_slots is None else np.asarray(open_slots, dtype=bool)
    if is_open.shape != req.shape:
        raise InvalidInput("the opening hours must give one flag per interval")
    req = np.where(is_open, np.ceil(req), 0.0)
    patterns = patterns_for(is_open, rules)
    matrix = coverage_matrix(patterns, req.size, rules)
    reachable = np.asarray(matrix.sum(axis=1)).ravel() > 0
    uncovered = np.flatnonzero((req > 0) & ~reachable)
    if uncovered.size:
        first = int(uncovered[0])
        raise InvalidInput(f"interval {first} needs agents but no allowed shift covers it (an opening shorter than "
                           f"the shortest shift?)", interval=first)
    slot_h = rules.slot_minutes / 60.0
    cost = np.array([len(p.working(rules.break_slots)) * slot_h * rules.hourly_rate for p in patterns])
    return Problem(req, tuple(patterns), matrix, cost, rules)


def _roster(problem: Problem, x: np.ndarray, method: str, seconds: float, bound: float) -> Roster:
    used = np.flatnonzero(x > 0)
    coverage = problem.matrix @ x
    return Roster(tuple(problem.patterns[j] for j in used), tuple(int(x[j]) for j in used), problem.required,
                  np.asarray(coverage), problem.rules, method, seconds, bound)


def solve_milp(problem: Problem, time_limit: float = 8.0, mip_rel_gap: float = 1e-4,
               max_shifts: int | None = None) -> Roster:
    """The least-cost roster by mixed-integer programming (HiGHS branch and cut).

    No shift crosses a closed interval, so the problem falls apart into blocks of consecutive open intervals
    (the days of a business that closes at night); each block is its own, much smaller, program.

    Costs go to HiGHS in paid intervals (whole numbers), plus a tie-break of ε per break offset that prefers
    earlier breaks among rosters of equal cost. Breaking that symmetry makes HiGHS about twice as fast; ε is
    small enough (its total over `max_shifts` shifts stays below half an interval) that the optimum of the
    perturbed problem is an optimum of the real one. `max_shifts` defaults to the total requirement.

    At `time_limit` (seconds, all blocks together) HiGHS stops with its best roster; `lower_bound` then says how
    far from optimal it can be at most (`Roster.gap`).
    """
    started = time.perf_counter()
    x = np.zeros(len(problem.patterns), dtype=int)
    bound = 0.0
    unit = problem.rules.slot_minutes / 60.0 * problem.rules.hourly_rate
    block = _blocks(problem)
    deadline = started + time_limit
    for b in np.unique(block):
        cols = np.flatnonzero(block == b)
        rows = np.unique(problem.matrix[:, cols].nonzero()[0])
        need = problem.required[rows]
        if not need.any():
            continue
        sub = problem.matrix[rows][:, cols]
        pats = [problem.patterns[j] for j in cols]
        paid = np.array([len(p.working(problem.rules.break_slots)) for p in pats], dtype=float)
        offsets = np.array([p.break_at + 1 for p in pats], dtype=float)
        bound_shifts = max(int(max_shifts or problem.required.sum()), 1)
        eps = min(1e-3, 0.5 / (bound_shifts * max(float(offsets.max()), 1.0)))
        res = milp(paid + eps * offsets, integrality=np.ones(len(pats)), bounds=Bounds(0, np.inf),
                   constraints=LinearConstraint(sub, lb=need, ub=np.inf),
                   options={"time_limit": max(deadline - time.perf_counter(), 1.0), "mip_rel_gap": mip_rel_gap,
                            "disp": False})
        if res.x is None:
            raise InvalidInput(f"the roster problem has no solution ({res.message})")
        x[cols] = np.round(res.x).astype(int)
        dual = getattr(res, "mip_dual_bound", None)
        sub_cost = float(paid @ np.round(res.x))
        bound += (math.ceil(float(dual) - 0.5 - 1e-9) if dual is not None else sub_cost) * unit  # tie-break < 0.5
    return _roster(problem, x, "milp", time.perf_counter() - started, min(bound, float(problem.cost @ x)))


def _blocks(problem: Problem) -> np.ndarray:
    """Label each pattern with its block: patterns that share an interval, directly or through others."""
    n = problem.required.size
    starts = np.array([p.start for p in problem.patterns], dtype=int)
    ends = np.array([p.start + p.length for p in problem.patterns], dtype=int)
    reach = np.zeros(n + 1, dtype=int)  # furthest end of any pattern starting at or before each interval
    np.maximum.at(reach, starts, ends)
    reach = np.maximum.accumulate(reach)
    # a cut between intervals i-1 and i when no pattern starting before i ends after i
    cut = np.zeros(n + 1, dtype=bool)
    cut[1:] = reach[:-1] <= np.arange(1, n + 1)
    label = np.cumsum(cut)
    return label[starts]


def solve_greedy(problem: Problem) -> Roster:
    """The heuristic baseline: best coverage of what is missing per unit of cost, then drop redundant shifts."""
    started = time.perf_counter()
    a = problem.matrix
    at = a.T.tocsr()
    missing = problem.required.copy()
    x = np.zeros(len(problem.patterns), dtype=int)
    while np.any(missing > 0):
        gain = at @ (missing > 0).astype(float)
        j = int(np.argmax(gain / problem.cost))
        x[j] += 1
        col = a.getcol(j)
        missing[col.indices] -= col.data
    coverage = np.asarray(a @ x, dtype=float)
    for j in sorted(np.flatnonzero(x).tolist(), key=lambda j: -problem.cost[j]):
        col = a.getcol(j)
        while x[j] > 0 and np.all(coverage[col.indices] - col.data >= problem.required[col.indices]):
            x[j] -= 1
            coverage[col.indices] -= col.data
    return _roster(problem, x, "greedy", time.perf_counter() - started, 0.0)


def requirement(rates_per_minute: Sequence[float] | np.ndarray, model: ServiceModel,
                target: StaffingTarget) -> np.ndarray:
    """Least agents per interval (exact Erlang-A) for each interval's arrival rate."""

    @lru_cache(maxsize=8192)
    def need(rate: float) -> int:
        return required_agents(rate, model, target).agents if rate > 0 else 0

    return np.array([need(round(float(r), 6)) for r in rates_per_minute], dtype=int)


def parse_opening_hours(spec: Sequence[str]) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Seven entries, Monday first: "" (closed) or "HH:MM-HH:MM" ranges separated by commas -> minute ranges."""
    if len(spec) != 7:
        raise InvalidInput(f"opening hours need 7 entries (Monday first), got {len(spec)}")
    days = []
    for text in spec:
        ranges = []
        for part in (p.strip() for p in text.split(",")):
            if not part:
                continue
            try:
                a, b = (s.strip() for s in part.split("-"))
                lo, hi = _minute(a), _minute(b)
            except ValueError as exc:
                raise InvalidInput(f"opening hours: cannot read {part!r} (expected HH:MM-HH:MM)") from exc
            if not 0 <= lo < hi <= 1440:
                raise InvalidInput(f"opening hours: {part!r} is not a range inside one day")
            ranges.append((lo, hi))
        days.append(tuple(ranges))
    return tuple(days)


def _minute(text: str) -> int:
    h, m = text.split(":")
    hours, minutes = int(h), int(m)
    if not (0 <= hours <= 24 and 0 <= minutes < 60) or (hours == 24 and minutes):
        raise ValueError(text)
    return hours * 60 + minutes


def open_mask(start: datetime, days: int, spec: Sequence[str], slot_minutes: int = 30) -> np.ndarray:
    """Which intervals of `days` days from midnight of `start` are inside the opening hours."""
    hours = parse_opening_hours(spec)
    per_day = 1440 // slot_minutes
    mask = np.zeros(days * per_day, bool)
    for d in range(days):
        weekday = (start.date() + timedelta(days=d)).weekday()
        for lo, hi in hours[weekday]:
            first, last = lo // slot_minutes, math.ceil(hi / slot_minutes)
            mask[d * per_day + first: d * per_day + last] = True
    return mask
