"""QA by the workforce: sample conversations into review tasks, offer them to idle senior agents, pay per review.

Also the operator's list of knowledge gaps: questions the assistant could not answer.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, insert, select, update

from tandem.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from tandem.core.ids import new_id
from tandem.core.masking import mask_cards
from tandem.domain.skills import Tier
from tandem.services import conversations
from tandem.services.context import Work
from tandem.services.quality import handled_by
from tandem.storage.models import Agent, AgentSkill, Base, Conversation, Handoff, Message
from tandem.storage.models_quality import ReviewScore, ReviewTask

AI_SAMPLE_RATE = 0.25
HUMAN_SAMPLE_RATE = 0.10
REVIEW_PAY = Decimal("0.40")
ASSIGNMENT_S = 15 * 60
SAMPLE_LOOKBACK_S = 24 * 3600
OPEN, ASSIGNED, DONE = "open", "assigned", "done"
RUBRIC = ("correct", "complete", "policy_safe", "tone", "should_have_escalated")

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LONG_NUMBER = re.compile(r"\+?\d[\d \-]{6,}\d")


def sampled(conversation_id: str, rate: float) -> bool:
    """A stable coin flip per conversation, so every replica samples the same ones."""
    digest = hashlib.sha256(conversation_id.encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < rate


def sample(work: Work, ai_rate: float = AI_SAMPLE_RATE, human_rate: float = HUMAN_SAMPLE_RATE) -> int:
    """Turn a share of recently resolved conversations into open review tasks; return how many were made."""
    who = handled_by().label("who")
    rows = work.session.execute(
        select(Conversation.id, Conversation.intent, who)
        .outerjoin(ReviewTask, ReviewTask.conversation_id == Conversation.id)
        .where(Conversation.state == "resolved", Conversation.closed_at > work.now - SAMPLE_LOOKBACK_S,
               ReviewTask.id.is_(None)))
    made = 0
    for conv_id, intent, kind in rows:
        if sampled(conv_id, ai_rate if kind == "ai" else human_rate):
            work.session.add(ReviewTask(id=new_id("rev"), conversation_id=conv_id, handled_by=kind, intent=intent,
                                        status=OPEN, created_at=work.now, pay=Decimal("0")))
            made += 1
    work.session.flush()
    return made


def is_senior(work: Work, agent: Agent) -> bool:
    """Senior agents (senior tier in any topic) review; supervisors may too."""
    if agent.role == "supervisor":
        return True
    top = work.session.scalar(select(func.max(AgentSkill.tier)).where(AgentSkill.agent_id == agent.id))
    return top is not None and top >= Tier.SENIOR


def next_task(work: Work, agent: Agent) -> ReviewTask | None:
    """The agent's current review, or the oldest open one when the agent is idle (no live conversation)."""
    if not is_senior(work, agent):
        raise Forbidden("reviews are for senior agents")
    mine = work.session.scalars(select(ReviewTask).where(
        ReviewTask.reviewer_id == agent.id, ReviewTask.status == ASSIGNED, ReviewTask.due_at > work.now)).first()
    if mine is not None:
        return mine
    if agent.load > 0:
        raise Conflict("reviews are offered when you have no live conversation")
    _reopen_overdue(work)
    own = select(Handoff.conversation_id).where(Handoff.agent_id == agent.id)
    for task in work.session.scalars(select(ReviewTask).where(
            ReviewTask.status == OPEN, ReviewTask.conversation_id.not_in(own))
            .order_by(ReviewTask.created_at, ReviewTask.id).limit(5)):
        # compare-and-swap: two reviewers asking at once never get the same task
        took = work.session.execute(
            update(ReviewTask).where(ReviewTask.id == task.id, ReviewTask.status == OPEN)
            .values(status=ASSIGNED, reviewer_id=agent.id, assigned_at=work.now, due_at=work.now + ASSIGNMENT_S)
            .execution_options(synchronize_session=False))
        if took.rowcount == 1:  # type: ignore[attr-defined]
            work.session.refresh(task)
            return task
    return None


def _reopen_overdue(work: Work) -> None:
    work.session.execute(
        update(ReviewTask).where(ReviewTask.status == ASSIGNED, ReviewTask.due_at <= work.now)
        .values(status=OPEN, reviewer_id=None, assigned_at=None, due_at=None)
        .execution_options(synchronize_session=False))


def own_task(work: Work, agent: Agent, task_id: str) -> ReviewTask:
    """The task if it is assigned to this agent; the same 404 for missing and not yours."""
    task = work.session.get(ReviewTask, task_id)
    if task is None or task.reviewer_id != agent.id or task.status != ASSIGNED:
        raise NotFound("no such review among yours", task_id=task_id)
    return task


def mask_for_review(text: str) -> str:
    """Reviewers are gig workers too: hide emails and long numbers (cards are masked at storage already)."""
    return _LONG_NUMBER.sub("•••", _EMAIL.sub("[email]", text))


def task_view(work: Work, task: ReviewTask) -> dict[str, Any]:
    """What a reviewer sees: the masked transcript, no customer identity, and the rubric to fill in."""
    msgs = conversations.messages_after(work, task.conversation_id, 0)
    return {
        "id": task.id, "handled_by": task.handled_by, "intent": task.intent, "due_at": task.due_at,
        "pay": str(REVIEW_PAY), "rubric": list(RUBRIC),
        "messages": [{"seq": m.seq, "author": m.author, "body": mask_for_review(m.body),
                      "citations": (m.meta or {}).get("citations", [])} for m in msgs if m.author != "system"],
    }


def submit(work: Work, agent: Agent, task_id: str, scores: dict[str, Any]) -> ReviewScore:
    """Record the rubric, close the task and pay the reviewer."""
    task = own_task(work, agent, task_id)
    tone = scores.get("tone")
    if not isinstance(tone, int) or isinstance(tone, bool) or not 1 <= tone <= 5:
        raise InvalidInput("tone must be an integer from 1 to 5")
    flags = {k: scores.get(k) for k in ("correct", "complete", "policy_safe", "should_have_escalated")}
    if any(not isinstance(v, bool) for v in flags.values()):
        raise InvalidInput("correct, complete, policy_safe and should_have_escalated must be true or false")
    comment = scores.get("comment")
    if comment is not None and (not isinstance(comment, str) or len(comment) > 2000):
        raise InvalidInput("comment must be text of at most 2000 characters")
    passed = bool(flags["correct"] and flags["complete"] and flags["policy_safe"] and tone >= 3
                  and not flags["should_have_escalated"])
    score = ReviewScore(task_id=task.id, reviewer_id=agent.id, tone=tone, passed=passed,
                        comment=mask_cards(comment) if comment else None, at=work.now, **flags)
    work.session.add(score)
    task.status, task.completed_at, task.pay = DONE, work.now, REVIEW_PAY
    _pay(work, agent, task)
    work.emit("ops", {"type": "review.done", "task_id": task.id, "passed": passed})
    return score


def _pay(work: Work, agent: Agent, task: ReviewTask) -> None:
    # the earnings ledger (another feature) records every payment when it exists; else the task keeps its pay
    ledger = Base.metadata.tables.get("earnings_ledger")
    if ledger is None:
        return
    seconds = int(work.now - (task.assigned_at or work.now))
    work.session.execute(insert(ledger).values(
        agent_id=agent.id, conversation_id=task.conversation_id, offer_id=None, kind="adjustment",
        amount=REVIEW_PAY, at=work.now, assignment_at=None, outcome=None, seconds=seconds,
        note=f"QA review {task.id}", created_by="quality"))


def pass_rates(work: Work, since: float) -> dict[str, dict[str, Any]]:
    """QA reviews since a time, by who handled the conversation: count and pass rate."""
    rows = work.session.execute(
        select(ReviewTask.handled_by, func.count(), func.sum(func.coalesce(ReviewTask.pay, 0)),
               func.sum(case((ReviewScore.passed.is_(True), 1), else_=0)))
        .join(ReviewScore, ReviewScore.task_id == ReviewTask.id).where(ReviewScore.at >= since)
        .group_by(ReviewTask.handled_by))
    return {who: {"reviews": int(n), "pass_rate": round(int(p or 0) / int(n), 4), "paid": float(paid or 0)}
            for who, n, paid, p in rows}


# ---- knowledge gaps ----

def normalise(text: str) -> str:
    """Lower case, no punctuation, single spaces: questions that differ only in form group together."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def knowledge_gaps(work: Work, since: float, limit: int = 20, scan: int = 5000) -> list[dict[str, Any]]:
    """Questions the assistant could not answer (its replies with meta.no_answer), grouped, most asked first."""
    replies = [m for m in work.session.scalars(
        select(Message).where(Message.author == "ai", Message.created_at >= since)
        .order_by(Message.id.desc()).limit(scan)) if (m.meta or {}).get("no_answer")]
    groups: dict[str, dict[str, Any]] = defaultdict(lambda: {"count": 0, "examples": [], "last_at": 0.0})
    for reply in replies:
        question = _question_before(work, reply)
        if question is None:
            continue
        g = groups[normalise(question.body)[:200]]
        g["count"] += 1
        g["last_at"] = max(g["last_at"], reply.created_at)
        if len(g["examples"]) < 3 and mask_for_review(question.body) not in g["examples"]:
            g["examples"].append(mask_for_review(question.body))
    ranked = sorted(groups.items(), key=lambda kv: (-kv[1]["count"], -kv[1]["last_at"]))
    return [{"question": q, **g} for q, g in ranked[:limit]]


def _question_before(work: Work, reply: Message) -> Message | None:
    return work.session.scalars(
        select(Message).where(Message.conversation_id == reply.conversation_id, Message.seq < reply.seq,
                              Message.author == "customer")
        .order_by(Message.seq.desc()).limit(1)).first()
