"""QA by the workforce: sample conversations into review tasks, offer them to idle senior agents, pay per review.

Review offers go through the same offer lifecycle as conversation offers (services/offers.py: deadline, pay fixed at
offer time, accept / decline / expire / rescind, first accept wins by compare-and-swap) but never count against chat
capacity.

Also the operator's list of knowledge gaps: questions the assistant could not answer.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import case, exists, func, or_, select, update

from tandem.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from tandem.core.ids import new_id
from tandem.core.masking import mask_cards
from tandem.domain.offer import OfferState
from tandem.domain.presence import Presence
from tandem.domain.skills import Tier
from tandem.services import conversations, offers
from tandem.services.context import Services, Work
from tandem.services.leader import Lease, fence
from tandem.services.quality import handled_by
from tandem.storage.models import Agent, AgentSkill, Conversation, Handoff, Message, Offer
from tandem.storage.models_quality import ReviewOffer, ReviewScore, ReviewTask
from tandem.storage.models_workforce import LedgerEntry

AI_SAMPLE_RATE = 0.25
HUMAN_SAMPLE_RATE = 0.10
# after accepting, the reviewer has this long to submit; then the task is open again
ASSIGNMENT_S = 15 * 60
SAMPLE_LOOKBACK_S = 24 * 3600
# a senior who declined a task or let its offer expire is not asked about that task again for this long
DECLINE_COOLDOWN_S = 600.0
# open tasks considered per pass (oldest first)
OFFER_SCAN = 200
OPEN, OFFERED, ASSIGNED, DONE = "open", "offered", "assigned", "done"
# earnings_ledger's CHECK allows base | per_minute | surge_bonus | adjustment, and its readers (totals, payouts CSV,
# /earnings) know only those: a review is paid as an `adjustment` made by "quality" under the review offer's id
LEDGER_KIND = "adjustment"
LEDGER_BY = "quality"
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
    """Senior agents (senior tier in any topic) review; supervisors may read a review too."""
    if agent.role == "supervisor":
        return True
    top = work.session.scalar(select(func.max(AgentSkill.tier)).where(AgentSkill.agent_id == agent.id))
    return top is not None and top >= Tier.SENIOR


def require_senior(work: Work, agent: Agent) -> None:
    if not is_senior(work, agent):
        raise Forbidden("reviews are for senior agents")


# ---- offering reviews to idle seniors (run by the dispatcher, after its conversation offers) ----

def offer_tick(services: Services, lease: Lease | None = None) -> int:
    """A review-offer pass on its own transaction (tests, by hand), fenced by the dispatcher `lease` like
    `dispatch.tick`. The live dispatcher runs `offer_reviews` inside its own pass instead (`dispatch.tick` with
    reviews=True), so both kinds of offers of a pass share one transaction."""
    with services.work() as work:
        made = offer_reviews(work, services.settings.offer_timeout_s)
        if lease is not None and (made or work.events):
            fence(work.session, lease)
        return made


def housekeeping_due(now: float) -> tuple[Any, Any]:
    """Two SQL truth values: a review offer is pending (to expire or rescind), an assigned review is overdue."""
    return (exists().where(ReviewOffer.state == OfferState.PENDING.value),
            exists().where(ReviewTask.status == ASSIGNED, ReviewTask.due_at <= now))


def offer_reviews(work: Work, timeout_s: float, offer_new: bool = True,
                  due: tuple[bool, bool] | None = None) -> int:
    """Expire, rescind and reopen what is stale, then (`offer_new`) offer open tasks to idle seniors. Return offers
    made.

    Runs after the conversation pass, so a senior who was just offered a conversation is not idle: a conversation
    offer always takes precedence, and a pending review offer of an agent who got one is rescinded. Looking for
    idle seniors reads every available agent; the live dispatcher does it at most once per REVIEW_OFFER_S
    (`dispatch.tick`), the rest of this on every pass.
    """
    # one statement says whether any of the three has anything to do (most passes: nothing); the live pass asks
    # it together with its own question about conversation offers (`dispatch.tick`) and passes the answer in
    offered, overdue = due if due is not None else work.session.execute(select(*housekeeping_due(work.now))).one()
    if offered:
        expire_offers(work)
    if overdue:
        _reopen_overdue(work)
    if offered:
        _rescind_busy(work)
    if not offer_new:
        return 0
    tasks = list(work.session.scalars(select(ReviewTask).where(ReviewTask.status == OPEN)
                                      .order_by(ReviewTask.created_at, ReviewTask.id).limit(OFFER_SCAN)))
    if not tasks:
        return 0
    seniors = idle_seniors(work)
    if not seniors:
        return 0
    ids = [a.id for a in seniors]
    handled = handlers(work, [t.conversation_id for t in tasks], ids)
    cooling = _cooling(work, [t.id for t in tasks], ids)
    taken: set[str] = set()
    made = 0
    for agent in seniors:
        for task in tasks:
            if task.id in taken or (task.conversation_id, agent.id) in handled or (task.id, agent.id) in cooling:
                continue
            taken.add(task.id)
            if create_offer(work, task, agent.id, timeout_s) is not None:
                made += 1
                break
    return made


def idle_seniors(work: Work) -> list[Agent]:
    """Senior agents who are available with nothing to do: no live conversation, no pending offer of any kind,
    no review in progress. The least recently offered a review come first."""
    senior = select(AgentSkill.agent_id).where(AgentSkill.tier >= int(Tier.SENIOR))
    conv_offers = select(Offer.agent_id).where(Offer.state == OfferState.PENDING.value)
    review_offers = select(ReviewOffer.agent_id).where(ReviewOffer.state == OfferState.PENDING.value)
    reviewing = select(ReviewTask.reviewer_id).where(ReviewTask.status == ASSIGNED,
                                                     ReviewTask.reviewer_id.is_not(None))
    last = (select(ReviewOffer.agent_id.label("agent_id"), func.max(ReviewOffer.created_at).label("at"))
            .group_by(ReviewOffer.agent_id).subquery())
    return list(work.session.scalars(
        select(Agent).outerjoin(last, last.c.agent_id == Agent.id)
        .where(Agent.presence == Presence.AVAILABLE.value, Agent.active.is_(True), Agent.role == "agent",
               Agent.load == 0, Agent.id.in_(senior), Agent.id.not_in(conv_offers), Agent.id.not_in(review_offers),
               Agent.id.not_in(reviewing))
        .order_by(func.coalesce(last.c.at, 0.0), Agent.id)))


def handlers(work: Work, conversation_ids: list[str], agent_ids: list[str]) -> set[tuple[str, str]]:
    """(conversation, agent) pairs where the agent worked on the conversation: a reviewer never scores their own
    work. Any trace counts: a queue entry, an accepted offer, a message, or a paid stint in the ledger."""
    if not conversation_ids or not agent_ids:
        return set()
    queries: list[Any] = [
        select(Handoff.conversation_id, Handoff.agent_id).where(
            Handoff.conversation_id.in_(conversation_ids), Handoff.agent_id.in_(agent_ids)),
        select(Offer.conversation_id, Offer.agent_id).where(
            Offer.conversation_id.in_(conversation_ids), Offer.agent_id.in_(agent_ids),
            Offer.state == OfferState.ACCEPTED.value),
        select(Message.conversation_id, Message.agent_id).where(
            Message.conversation_id.in_(conversation_ids), Message.agent_id.in_(agent_ids)),
        select(LedgerEntry.conversation_id, LedgerEntry.agent_id).where(
            LedgerEntry.conversation_id.in_(conversation_ids), LedgerEntry.agent_id.in_(agent_ids),
            LedgerEntry.kind != LEDGER_KIND),
    ]
    return {(str(c), str(a)) for q in queries for c, a in work.session.execute(q)}


def _cooling(work: Work, task_ids: list[str], agent_ids: list[str]) -> set[tuple[str, str]]:
    """(task, agent) pairs declined or let expire recently: the task goes to the next senior first."""
    rows = work.session.execute(select(ReviewOffer.task_id, ReviewOffer.agent_id).where(
        ReviewOffer.task_id.in_(task_ids), ReviewOffer.agent_id.in_(agent_ids),
        ReviewOffer.state.in_([OfferState.DECLINED.value, OfferState.EXPIRED.value]),
        ReviewOffer.answered_at > work.now - DECLINE_COOLDOWN_S))
    return {(t, a) for t, a in rows}


def create_offer(work: Work, task: ReviewTask, agent_id: str, timeout_s: float) -> ReviewOffer | None:
    """Reserve an open task for one agent until the deadline, at today's review fee; None if it is not open."""
    # compare-and-swap: a task has at most one pending offer, even with two dispatchers
    took = work.session.execute(
        update(ReviewTask).where(ReviewTask.id == task.id, ReviewTask.status == OPEN).values(status=OFFERED)
        .execution_options(synchronize_session=False))
    if took.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return offers.create(work, REVIEW, agent_id, timeout_s, lambda offer: offer_view(offer, task), task_id=task.id,
                         pay=work.settings.pay.review)


def offer_view(offer: ReviewOffer, task: ReviewTask) -> dict[str, Any]:
    """The review offer card, in the style of a conversation offer card: no transcript before accepting."""
    return {"id": offer.id, "kind": "review", "task_id": task.id, "handled_by": task.handled_by,
            "intent": task.intent, "created_at": offer.created_at, "expires_at": offer.expires_at,
            "state": offer.state, "pay": {"per_review": str(offer.pay)}}


def pending_offers_view(work: Work, agent_id: str) -> list[dict[str, Any]]:
    """The agent's pending review offers, as cards."""
    rows = work.session.execute(
        select(ReviewOffer, ReviewTask).join(ReviewTask, ReviewTask.id == ReviewOffer.task_id)
        .where(ReviewOffer.agent_id == agent_id, ReviewOffer.state == OfferState.PENDING.value,
               ReviewOffer.expires_at > work.now).order_by(ReviewOffer.created_at))
    return [offer_view(o, t) for o, t in rows]


def _reopen(work: Work, offer: ReviewOffer) -> None:
    """An offer closed without a reviewer: the task is open again for the next senior."""
    work.session.execute(
        update(ReviewTask).where(ReviewTask.id == offer.task_id, ReviewTask.status == OFFERED).values(status=OPEN)
        .execution_options(synchronize_session=False))


# the review offer in the shared offer lifecycle (services/offers.py), beside dispatch.CONVERSATION
REVIEW = offers.Kind(model=ReviewOffer, id_prefix="rvo", noun="review offer", work_noun="reviews",
                     offer_event="review.offer", closed_event="review.offer.closed", reopen=_reopen)


def expire_offers(work: Work) -> int:
    """Expire pending review offers past their deadline."""
    return offers.expire(work, REVIEW)


def _rescind_busy(work: Work) -> None:
    # a conversation takes precedence: an agent who got one (or went away) loses the pending review offer
    busy = select(Agent.id).where(or_(Agent.presence != Presence.AVAILABLE.value, Agent.load > 0,
                                      Agent.active.is_(False)))
    conv_offers = select(Offer.agent_id).where(Offer.state == OfferState.PENDING.value)
    offers.close_all(work, REVIEW, list(work.session.scalars(offers.pending(
        REVIEW, or_(ReviewOffer.agent_id.in_(busy), ReviewOffer.agent_id.in_(conv_offers))))), OfferState.RESCINDED)


def accept(work: Work, agent: Agent, offer_id: str) -> ReviewTask:
    """Accept a review offer: the first accept wins; the task is the agent's for ASSIGNMENT_S."""
    offer = offers.own(work, REVIEW, agent, offer_id)
    require_senior(work, agent)  # a tier lowered since the offer was made
    offers.accept(work, REVIEW, agent, offer)
    took = work.session.execute(
        update(ReviewTask).where(ReviewTask.id == offer.task_id, ReviewTask.status == OFFERED)
        .values(status=ASSIGNED, reviewer_id=agent.id, assigned_at=work.now, due_at=work.now + ASSIGNMENT_S)
        .execution_options(synchronize_session=False))
    if took.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("this review was taken by someone else")
    work.emit(f"agent:{agent.id}", {"type": REVIEW.closed_event, "offer_id": offer.id, "state": "accepted"})
    task = work.session.get(ReviewTask, offer.task_id)
    assert task is not None
    work.session.refresh(task)
    return task


def decline(work: Work, agent: Agent, offer_id: str, reason: str | None) -> None:
    """Decline a review offer (with an optional reason); the task goes to the next idle senior."""
    offers.decline(work, REVIEW, agent, offer_id, reason)


def current_task(work: Work, agent: Agent) -> ReviewTask | None:
    """The review this agent accepted and has not submitted yet (within its time)."""
    return work.session.scalars(select(ReviewTask).where(
        ReviewTask.reviewer_id == agent.id, ReviewTask.status == ASSIGNED, ReviewTask.due_at > work.now)).first()


def _reopen_overdue(work: Work) -> None:
    # called only when a look found some (offer_reviews): an UPDATE takes SQLite's write lock even for no rows
    overdue = ReviewTask.status == ASSIGNED, ReviewTask.due_at <= work.now
    work.session.execute(
        update(ReviewTask).where(*overdue)
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
        "pay": str(task_pay(work, task)), "rubric": list(RUBRIC),
        "messages": [{"seq": m.seq, "author": m.author, "body": mask_for_review(m.body),
                      "citations": (m.meta or {}).get("citations", [])} for m in msgs if m.author != "system"],
    }


def _accepted_offer(work: Work, task: ReviewTask) -> ReviewOffer | None:
    return work.session.scalars(select(ReviewOffer).where(
        ReviewOffer.task_id == task.id, ReviewOffer.agent_id == task.reviewer_id,
        ReviewOffer.state == OfferState.ACCEPTED.value).order_by(ReviewOffer.answered_at.desc())).first()


def task_pay(work: Work, task: ReviewTask) -> Decimal:
    """The pay fixed on the accepted offer (the review fee then), whatever the fee is now."""
    offer = _accepted_offer(work, task)
    return offer.pay if offer is not None else work.settings.pay.review


def submit(work: Work, agent: Agent, task_id: str, scores: dict[str, Any]) -> tuple[ReviewScore, Decimal]:
    """Record the rubric, close the task (exactly once) and pay the reviewer the offered fee."""
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
    offer = _accepted_offer(work, task)
    pay = offer.pay if offer is not None else work.settings.pay.review
    # compare-and-swap: two submits of the same review (two tabs) cannot both be paid
    done = work.session.execute(
        update(ReviewTask).where(ReviewTask.id == task.id, ReviewTask.status == ASSIGNED,
                                 ReviewTask.reviewer_id == agent.id)
        .values(status=DONE, completed_at=work.now, pay=pay).execution_options(synchronize_session=False))
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("this review was already submitted")
    score = ReviewScore(task_id=task.id, reviewer_id=agent.id, tone=tone, passed=passed,
                        comment=mask_cards(comment) if comment else None, at=work.now, **flags)
    work.session.add(score)
    work.session.add(LedgerEntry(
        agent_id=agent.id, conversation_id=task.conversation_id, offer_id=offer.id if offer is not None else None,
        kind=LEDGER_KIND, amount=pay, at=work.now, assignment_at=None, outcome=None,
        seconds=max(0, int(work.now - (task.assigned_at or work.now))), note=f"QA review {task.id}",
        created_by=LEDGER_BY))
    work.session.flush()
    work.emit("ops", {"type": "review.done", "task_id": task.id, "passed": passed})
    return score, pay


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
        masked = mask_for_review(question.body)
        g = groups[normalise(masked)[:200]]  # the group key is shown too: masked like the examples
        g["count"] += 1
        g["last_at"] = max(g["last_at"], reply.created_at)
        if len(g["examples"]) < 3 and masked not in g["examples"]:
            g["examples"].append(masked)
    ranked = sorted(groups.items(), key=lambda kv: (-kv[1]["count"], -kv[1]["last_at"]))
    return [{"question": q, **g} for q, g in ranked[:limit]]


def _question_before(work: Work, reply: Message) -> Message | None:
    return work.session.scalars(
        select(Message).where(Message.conversation_id == reply.conversation_id, Message.seq < reply.seq,
                              Message.author == "customer")
        .order_by(Message.seq.desc()).limit(1)).first()
