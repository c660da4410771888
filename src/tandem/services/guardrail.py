"""The quality guardrail: operator targets, a rolling monitor, and intents the assistant must hand to humans.

The monitor compares the assistant's quality with the targets over a rolling window, per intent and overall
("*"). When an intent falls below target it is guarded: `flows.assistant_turn` then escalates every conversation
of that intent with reason "quality_guardrail". A guard lifts when the measure is back within target (plus a
recovery margin, so it does not flap) or, because a guarded intent collects no new AI ratings, when the evidence
that tripped it has aged out of the window: the assistant then tries again and is re-guarded if it is still bad.
Operators can force an intent either way; the monitor leaves an operator's decision alone until it is cleared.
Every change is a `PolicyChange` row with its reason.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, func, literal_column, select

from tandem.core.errors import InvalidInput
from tandem.services.context import Work
from tandem.services.quality import handled_by
from tandem.storage.models import Conversation
from tandem.storage.models_quality import GuardedIntent, PolicyChange, QualityTarget, ReviewScore, ReviewTask

ALL = "*"
MONITOR = "monitor"
OPERATOR = "operator"

# key -> (default, min, max, meaning)
TARGETS: dict[str, tuple[float, float, float, str]] = {
    "ai_csat_margin": (0.2, 0.0, 4.0, "AI CSAT must be at least human CSAT minus this"),
    "ai_csat_floor": (3.5, 1.0, 5.0, "AI CSAT must be at least this, whatever humans score"),
    "qa_pass_rate": (0.9, 0.0, 1.0, "share of QA reviews of AI conversations that pass"),
    "min_ratings": (5, 1, 10_000, "ratings (or reviews) needed before the monitor decides"),
    "window_hours": (24, 0.01, 24 * 30, "rolling window the monitor looks at"),
    "recovery_margin": (0.1, 0.0, 2.0, "how far above the line a guarded intent must come back (CSAT points; "
                        "a tenth of it for the pass rate)"),
}


def targets(work: Work) -> dict[str, float]:
    """The operator's targets, defaults filled in."""
    stored = {t.key: t.value for t in work.session.scalars(select(QualityTarget))}
    return {key: float(stored.get(key, spec[0])) for key, spec in TARGETS.items()}


def set_targets(work: Work, values: dict[str, float], actor: str) -> dict[str, float]:
    """Validate and store targets; each change is logged."""
    for key, value in values.items():
        if key not in TARGETS:
            raise InvalidInput(f"unknown target {key!r}", known=sorted(TARGETS))
        _, low, high, _ = TARGETS[key]
        if not isinstance(value, int | float) or not low <= float(value) <= high:
            raise InvalidInput(f"{key} must be a number from {low} to {high}", key=key)
    current = targets(work)
    for key, value in values.items():
        row = work.session.get(QualityTarget, key)
        if row is None:
            work.session.add(QualityTarget(key=key, value=float(value), updated_at=work.now, updated_by=actor))
        else:
            row.value, row.updated_at, row.updated_by = float(value), work.now, actor
        if current[key] != float(value):
            _log(work, actor, "target_changed", None, f"{key}: {current[key]:g} → {float(value):g}",
                 {"key": key, "old": current[key], "new": float(value)})
    work.session.flush()
    return targets(work)


def is_guarded(work: Work, intent: str | None, topic: str | None) -> bool:
    """Whether the assistant must hand this conversation to a human (all, its intent, or its topic guarded)."""
    scopes = [ALL] + ([intent] if intent else []) + ([f"topic:{topic}"] if topic else [])
    return work.session.scalar(select(func.count()).select_from(GuardedIntent).where(
        GuardedIntent.intent.in_(scopes), GuardedIntent.guarded.is_(True))) != 0


def guarded(work: Work) -> list[dict[str, Any]]:
    """Every scope with a guardrail state (guarded or operator-held), for operators."""
    rows = work.session.scalars(select(GuardedIntent).order_by(GuardedIntent.since.desc()))
    return [{"intent": g.intent, "guarded": g.guarded, "source": g.source, "reason": g.reason, "since": g.since}
            for g in rows]


def changes(work: Work, limit: int = 50) -> list[dict[str, Any]]:
    """The most recent policy changes, newest first."""
    rows = work.session.scalars(select(PolicyChange).order_by(PolicyChange.at.desc(), PolicyChange.id.desc())
                                .limit(limit))
    return [{"at": c.at, "actor": c.actor, "action": c.action, "intent": c.intent, "reason": c.reason,
             "detail": c.detail} for c in rows]


def override(work: Work, intent: str, guard: bool, reason: str, actor: str) -> None:
    """An operator forces an intent ("*" = all, "topic:<t>") to humans or back to the assistant."""
    _check_scope(intent)
    _set(work, intent, guard, OPERATOR, reason or "operator decision")
    _log(work, actor, "override_guard" if guard else "override_unguard", intent, reason or "operator decision", {})


def clear_override(work: Work, intent: str, actor: str) -> None:
    """Hand an intent back to the monitor (unguarded until the monitor decides otherwise)."""
    row = work.session.get(GuardedIntent, intent)
    if row is None or row.source != OPERATOR:
        raise InvalidInput("this intent has no operator override", intent=intent)
    work.session.delete(row)
    _log(work, actor, "override_cleared", intent, "back under the monitor", {})


def _check_scope(intent: str) -> None:
    if not intent or len(intent) > 64 or any(ch.isspace() for ch in intent):
        raise InvalidInput("intent must be 1-64 characters without spaces ('*' means every intent)")


def _set(work: Work, intent: str, guard: bool, source: str, reason: str) -> None:
    row = work.session.get(GuardedIntent, intent)
    if row is None:
        row = GuardedIntent(intent=intent, guarded=guard, source=source, reason=reason[:300], since=work.now)
        work.session.add(row)
    else:
        row.guarded, row.source, row.reason, row.since = guard, source, reason[:300], work.now
    work.session.flush()


def _log(work: Work, actor: str, action: str, intent: str | None, reason: str, detail: dict[str, Any]) -> None:
    work.session.add(PolicyChange(at=work.now, actor=actor, action=action, intent=intent, reason=reason[:300],
                                  detail=detail))
    work.emit("ops", {"type": "guardrail.changed", "action": action, "intent": intent, "reason": reason[:300]})


# ---- the rolling monitor ----

@dataclass
class Evidence:
    """What the window says about one scope."""

    ai_n: int = 0
    ai_sum: float = 0.0
    human_n: int = 0
    human_sum: float = 0.0
    qa_n: int = 0
    qa_passed: int = 0
    reasons: list[str] = field(default_factory=list)

    @property
    def ai_csat(self) -> float | None:
        return self.ai_sum / self.ai_n if self.ai_n else None

    @property
    def human_csat(self) -> float | None:
        return self.human_sum / self.human_n if self.human_n else None

    @property
    def qa_rate(self) -> float | None:
        return self.qa_passed / self.qa_n if self.qa_n else None


def gather(work: Work, since: float) -> dict[str, Evidence]:
    """Ratings by handler and QA results of AI conversations, per intent and overall, closed since `since`."""
    ev: dict[str, Evidence] = defaultdict(Evidence)
    rated = work.session.execute(
        select(func.coalesce(Conversation.intent, "unknown").label("k"), handled_by().label("who"), func.count(),
               func.sum(Conversation.rating))
        .where(Conversation.rating.is_not(None), Conversation.closed_at >= since)
        .group_by(literal_column("k"), literal_column("who")))
    for intent, who, n, total in rated:
        for scope in (intent, ALL):
            e = ev[scope]
            if who == "ai":
                e.ai_n, e.ai_sum = e.ai_n + int(n), e.ai_sum + float(total or 0)
            else:
                e.human_n, e.human_sum = e.human_n + int(n), e.human_sum + float(total or 0)
    qa = work.session.execute(
        select(func.coalesce(ReviewTask.intent, "unknown").label("k"), func.count(),
               func.sum(case((ReviewScore.passed.is_(True), 1), else_=0)))
        .join(ReviewTask, ReviewTask.id == ReviewScore.task_id)
        .where(and_(ReviewTask.handled_by == "ai", ReviewScore.at >= since))
        .group_by(literal_column("k")))
    for intent, n, passed in qa:
        for scope in (intent, ALL):
            ev[scope].qa_n += int(n)
            ev[scope].qa_passed += int(passed or 0)
    return ev


def _verdict(e: Evidence, overall: Evidence, t: dict[str, float], recovering: bool) -> str | None:
    """'breach', 'healthy' or None (not enough evidence); reasons are appended to e.reasons."""
    slack = t["recovery_margin"] if recovering else 0.0
    enough_csat = e.ai_n >= t["min_ratings"]
    enough_qa = e.qa_n >= t["min_ratings"]
    if not enough_csat and not enough_qa:
        return None
    human = e.human_csat if e.human_n >= t["min_ratings"] else overall.human_csat
    if overall.human_n < t["min_ratings"] and e.human_n < t["min_ratings"]:
        human = None
    if enough_csat and e.ai_csat is not None:
        if human is not None and e.ai_csat < human - t["ai_csat_margin"] + slack:
            e.reasons.append(f"AI CSAT {e.ai_csat:.2f} vs human {human:.2f} − {t['ai_csat_margin']:g} "
                             f"({e.ai_n} ratings)")
        if e.ai_csat < t["ai_csat_floor"] + slack:
            e.reasons.append(f"AI CSAT {e.ai_csat:.2f} below floor {t['ai_csat_floor']:g} ({e.ai_n} ratings)")
    if enough_qa and e.qa_rate is not None and e.qa_rate < t["qa_pass_rate"] + slack / 10:
        e.reasons.append(f"QA pass rate {e.qa_rate:.0%} below {t['qa_pass_rate']:.0%} ({e.qa_n} reviews)")
    return "breach" if e.reasons else "healthy"


def run_monitor(work: Work, actor: str = MONITOR) -> list[dict[str, Any]]:
    """Compare the window with the targets; guard or release intents; return the changes made."""
    t = targets(work)
    window_s = t["window_hours"] * 3600
    evidence = gather(work, work.now - window_s)
    state = {g.intent: g for g in work.session.scalars(select(GuardedIntent))}
    made: list[dict[str, Any]] = []
    for scope in sorted(set(evidence) | {s for s, g in state.items() if g.guarded and g.source == MONITOR}):
        row = state.get(scope)
        if row is not None and row.source == OPERATOR:
            continue  # an operator decided; the monitor waits until the override is cleared
        is_on = row is not None and row.guarded
        e = evidence.get(scope, Evidence())
        verdict = _verdict(e, evidence.get(ALL, Evidence()), t, recovering=is_on)
        change = _decide(work, scope, is_on, verdict, e, row, window_s, actor)
        if change is not None:
            made.append(change)
    return made


def _decide(work: Work, scope: str, is_on: bool, verdict: str | None, e: Evidence, row: GuardedIntent | None,
            window_s: float, actor: str) -> dict[str, Any] | None:
    detail = {"ai_csat": e.ai_csat, "ai_ratings": e.ai_n, "human_csat": e.human_csat, "qa_pass_rate": e.qa_rate,
              "qa_reviews": e.qa_n}
    if not is_on and verdict == "breach":
        reason = "; ".join(e.reasons)
        _set(work, scope, True, MONITOR, reason)
        _log(work, actor, "guard", scope, reason, detail)
        return {"intent": scope, "action": "guard", "reason": reason}
    if is_on and verdict == "healthy":
        reason = f"recovered: AI CSAT {e.ai_csat:.2f} over {e.ai_n} ratings" if e.ai_csat is not None \
            else f"recovered: QA pass rate {e.qa_rate:.0%}"
        return _release(work, scope, reason, detail, actor)
    if is_on and verdict is None and row is not None and work.now - row.since >= window_s:
        return _release(work, scope, "the evidence aged out of the window; the assistant tries again", detail, actor)
    return None


def _release(work: Work, scope: str, reason: str, detail: dict[str, Any], actor: str) -> dict[str, Any]:
    _set(work, scope, False, MONITOR, reason)
    _log(work, actor, "unguard", scope, reason, detail)
    return {"intent": scope, "action": "unguard", "reason": reason}
