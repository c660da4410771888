"""The gig workforce: self-service sign-up, certification quizzes, tiers from volume and quality, capacity.

Release hook: dispatch.release() calls `agent_released` in its transaction, which credits the earnings ledger
and, on a resolve, re-evaluates the agent's tiers.
"""

from __future__ import annotations

import logging
import random
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select, update

from tandem.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from tandem.core.ids import new_id
from tandem.core.money import ZERO
from tandem.core.settings import Certification
from tandem.domain.conversation import ConversationState
from tandem.domain.skills import Tier, required_tier
from tandem.services import agents as agent_service
from tandem.services import audit, earnings
from tandem.services.banks import Question, QuestionBanks
from tandem.services.context import Work
from tandem.storage.models import Agent, AgentSkill, Conversation
from tandem.storage.models_workforce import CertificationAttempt, LedgerEntry, WorkforceProfile

log = logging.getLogger(__name__)

# a supervisor's demotion sticks: automatic promotion leaves skills granted this way alone
HOLD_PREFIX = "supervisor-hold:"


# ---- sign-up ----------------------------------------------------------------------------------------------


def parse_topics(names: Iterable[str], allowed: Sequence[str]) -> list[str]:
    """Configured topics, deduplicated, in the configured order."""
    wanted = {n.strip().lower() for n in names}
    unknown = sorted(wanted - set(allowed))
    if unknown:
        raise InvalidInput("unknown topics: " + ", ".join(unknown), allowed=list(allowed))
    return [t for t in allowed if t in wanted]


def check_topic(work: Work, name: str) -> str:
    """The name of a configured topic, or InvalidInput listing them."""
    if name not in work.settings.topic_names:
        raise InvalidInput(f"unknown topic {name!r}", allowed=list(work.settings.topic_names))
    return name


def tier_needed(work: Work, topic: str) -> Tier:
    """The least tier routed this topic's conversations (senior for the configured sensitive topics)."""
    return required_tier(topic, work.settings.sensitive_topics)


def check_place(country: str | None, timezone: str | None) -> tuple[str | None, str | None]:
    """An ISO 3166 alpha-2 country code and an IANA time zone, or raise."""
    if country is not None:
        country = country.strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", country):
            raise InvalidInput("country must be a two-letter ISO 3166 code such as 'SE'")
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInput("timezone must be an IANA name such as 'Europe/Stockholm'") from None
    return country, timezone


TAKEN_ADDRESS_NOTICE = ("Someone tried to sign up for a new Tandem account with your email address. If it was "
                        "you, log in with your existing account instead. If it was not, you need not do anything: "
                        "no account was created and your password was not changed.")


def sign_up(work: Work, *, name: str, email: str, password: str, languages: list[str], topics: list[str],
            capacity: int, country: str | None, timezone: str | None) -> Agent | None:
    """Create a gig agent with no skills: every topic must be earned through certification.

    A registered address gets no account and no error (the caller answers alike, so sign-up does not reveal who
    has an account, finding 18): the owner gets a notice instead, and None is returned.
    """
    wanted = parse_topics(topics, work.settings.topic_names)
    country, timezone = check_place(country, timezone)
    try:
        agent = agent_service.create(work, email=email, name=name, password=password, languages=languages,
                                     role="agent", capacity=capacity, country=country, timezone=timezone)
    except agent_service.EmailTaken as taken:
        agent_service.hash_password(password)  # the same Argon2 work as a real sign-up: timing says nothing
        _notify_owner(work, taken.agent_id)
        return None
    work.session.add(WorkforceProfile(agent_id=agent.id, topics=wanted, signed_up_at=work.now))
    audit.record(work, actor=agent.id, action="agent.signup", subject=agent.id)
    return agent


def _notify_owner(work: Work, agent_id: str) -> None:
    """Tell the owner of a registered address that someone tried to sign up with it.

    There is no mail server: the notice goes where the agent's other notices go (GET /api/surge/notices, kind
    `account`, shown in the app) and to the log, by agent id only.
    """
    from tandem.storage.models_surge import SurgeNotice

    work.session.add(SurgeNotice(agent_id=agent_id, at=work.now, level="none", bonus=ZERO, kind="account",
                                 message=TAKEN_ADDRESS_NOTICE))
    audit.record(work, actor="anonymous", action="agent.signup_taken", subject=agent_id)
    log.info("sign-up attempted with the address of agent %s; the owner was notified", agent_id)


def wanted_topics(work: Work, agent_id: str) -> list[str]:
    profile = work.session.get(WorkforceProfile, agent_id)
    return list(profile.topics) if profile else []


# ---- certification ---------------------------------------------------------------------------------------


def attempts_in_window(work: Work, agent_id: str, topic: str, policy: Certification) -> list[float]:
    """Start times of the agent's attempts at this topic within the retry window, oldest first."""
    return list(work.session.scalars(
        select(CertificationAttempt.started_at).where(
            CertificationAttempt.agent_id == agent_id, CertificationAttempt.topic == topic,
            CertificationAttempt.started_at > work.now - policy.attempt_window_s,
        ).order_by(CertificationAttempt.started_at)))


def certification_status(work: Work, agent: Agent, banks: QuestionBanks) -> list[dict[str, Any]]:
    """Per topic: the tier held, attempts left, when the next attempt frees up, whether routing uses it."""
    policy = work.settings.certification
    skills = agent_service.skills_of(work, [agent.id])[agent.id]
    wanted = set(wanted_topics(work, agent.id))
    out = []
    for topic in work.settings.topic_names:
        used = attempts_in_window(work, agent.id, topic, policy)
        tier, needed = skills.get(topic), tier_needed(work, topic)
        out.append({
            "topic": topic, "wanted": topic in wanted, "sensitive": topic in work.settings.sensitive_topics,
            "tier": Tier(tier).name.lower() if tier else None, "required_tier": needed.name.lower(),
            "routable": tier is not None and tier >= needed, "has_quiz": bool(banks.bank(topic)),
            "attempts_left": max(0, policy.max_attempts - len(used)),
            "next_attempt_at": used[0] + policy.attempt_window_s if len(used) >= policy.max_attempts else None,
            "questions": policy.questions_per_attempt, "pass_mark": policy.pass_mark,
        })
    return out


def start_attempt(work: Work, agent: Agent, topic: str, banks: QuestionBanks,
                  rng: random.Random | None = None) -> dict[str, Any]:
    """Draw a quiz for a topic; counts as one of the limited attempts even if never submitted."""
    policy, topic = work.settings.certification, check_topic(work, topic)
    # lock the agent's row so two simultaneous starts cannot both pass the attempt count (PostgreSQL)
    work.session.execute(select(Agent.id).where(Agent.id == agent.id).with_for_update())
    if topic in agent_service.skills_of(work, [agent.id])[agent.id]:
        raise Conflict("you are already certified in this topic", topic=topic)
    used = attempts_in_window(work, agent.id, topic, policy)
    if len(used) >= policy.max_attempts:
        raise Conflict(f"no attempts left: {policy.max_attempts} per topic per "
                       f"{policy.attempt_window_s / 3600:g} h", retry_at=used[0] + policy.attempt_window_s)
    bank = banks.bank(topic)
    if not bank:
        raise Conflict("there is no certification quiz for this topic yet; ask a supervisor", topic=topic)
    drawn = (rng or secrets.SystemRandom()).sample(list(bank), min(policy.questions_per_attempt, len(bank)))
    attempt = CertificationAttempt(id=new_id("cat"), agent_id=agent.id, topic=topic,
                                   question_ids=[q.id for q in drawn], started_at=work.now,
                                   expires_at=work.now + policy.attempt_ttl_s)
    work.session.add(attempt)
    return attempt_view(attempt, drawn, policy.max_attempts - len(used) - 1)


def attempt_view(attempt: CertificationAttempt, drawn: list[Question], attempts_left: int) -> dict[str, Any]:
    """The quiz as the agent sees it: questions and choices, never the answers."""
    return {
        "id": attempt.id, "topic": attempt.topic, "expires_at": attempt.expires_at, "attempts_left": attempts_left,
        "questions": [{"id": q.id, "question": q.question, "choices": list(q.choices), "article": q.article}
                      for q in drawn],
    }


def submit_attempt(work: Work, agent: Agent, attempt_id: str, answers: Mapping[str, int],
                   banks: QuestionBanks) -> dict[str, Any]:
    """Grade once, on the server; a pass grants the topic at tier `new`. Only the score goes back."""
    policy = work.settings.certification
    attempt = work.session.get(CertificationAttempt, attempt_id, with_for_update=True)
    if attempt is None or attempt.agent_id != agent.id:
        raise NotFound("no such certification attempt", attempt_id=attempt_id)
    if attempt.submitted_at is not None:
        raise Conflict("this attempt was already submitted")
    if work.now > attempt.expires_at:
        raise Conflict("this attempt has expired; start a new one")
    if set(answers) != set(attempt.question_ids):
        raise InvalidInput("answer every question of this attempt, and only those")
    bank = banks.by_id
    if any(q not in bank for q in attempt.question_ids):
        raise Conflict("this quiz's questions were changed since it started; start a new one")
    missed = [bank[q] for q in attempt.question_ids if answers[q] != bank[q].answer]
    correct = len(attempt.question_ids) - len(missed)
    passed = correct >= policy.pass_mark * len(attempt.question_ids) - 1e-9
    attempt.submitted_at, attempt.correct, attempt.passed = work.now, correct, passed
    topic = attempt.topic
    if passed:
        agent_service.grant_skill(work, agent.id, topic, Tier.NEW, granted_by="certification")
    audit.record(work, actor=agent.id, action="certification.submitted", subject=agent.id, topic=topic,
                 correct=correct, total=len(attempt.question_ids), passed=passed)
    return {"topic": topic, "correct": correct, "total": len(attempt.question_ids), "passed": passed,
            "pass_mark": policy.pass_mark, "tier": "new" if passed else None,
            "routable": passed and tier_needed(work, topic) == Tier.NEW,
            # which articles to re-read, not which answers were right
            "review_articles": sorted({q.article for q in missed})}


# ---- tiers ------------------------------------------------------------------------------------------------


def record_of(work: Work, agent_id: str) -> tuple[int, float | None, int]:
    """Conversations the agent resolved, their mean CSAT and how many were rated."""
    resolved = select(LedgerEntry.conversation_id).where(
        LedgerEntry.agent_id == agent_id, LedgerEntry.kind == earnings.Kind.BASE.value,
        LedgerEntry.outcome == earnings.Outcome.RESOLVED.value)
    ratings = select(Conversation.rating).where(Conversation.id.in_(resolved)).subquery()
    count, mean, rated = work.session.execute(select(  # one statement: it runs on every resolve
        select(func.count()).select_from(resolved.subquery()).scalar_subquery(),
        select(func.avg(ratings.c.rating)).scalar_subquery(),
        select(func.count(ratings.c.rating)).scalar_subquery())).one()
    return int(count or 0), float(mean) if mean is not None else None, int(rated or 0)


def earned_tier(count: int, mean: float | None, rated: int, policy: Certification) -> Tier:
    """The tier a record of resolved conversations and ratings has earned."""
    if mean is not None and count >= policy.senior_min_resolved and rated >= policy.senior_min_ratings \
            and mean >= policy.senior_min_csat:
        return Tier.SENIOR
    if mean is not None and count >= policy.verified_min_resolved and rated >= policy.verified_min_ratings \
            and mean >= policy.verified_min_csat:
        return Tier.VERIFIED
    return Tier.NEW


def evaluate_tiers(work: Work, agent_id: str, policy: Certification | None = None) -> list[str]:
    """Raise every certified topic to the tier the agent's record earned; return the topics raised."""
    # row tuples, not ORM objects: this runs on every resolve and almost never raises anything (issue 17); the
    # skills to raise are loaded as objects only when there are some
    can_rise = [(topic, tier) for topic, tier, granted_by in work.session.execute(
                    select(AgentSkill.topic, AgentSkill.tier, AgentSkill.granted_by)
                    .where(AgentSkill.agent_id == agent_id))
                if tier < Tier.SENIOR and not granted_by.startswith(HOLD_PREFIX)]
    if not can_rise:  # senior or held everywhere: the record need not be read
        return []
    count, mean, rated = record_of(work, agent_id)
    target = earned_tier(count, mean, rated, policy or work.settings.certification)
    raised = [topic for topic, tier in can_rise if tier < target]
    if raised:
        skills = {skill.topic: skill for skill in work.session.scalars(
            select(AgentSkill).where(AgentSkill.agent_id == agent_id, AgentSkill.topic.in_(raised)))}
        for topic in raised:
            skill = skills[topic]
            skill.tier, skill.granted_at, skill.granted_by = int(target), work.now, "record"
    if raised:
        audit.record(work, actor="system", action="tier.promoted", subject=agent_id, topics=raised,
                     tier=target.name.lower(), resolved=count, csat=mean, rated=rated)
    return raised


def set_tier(work: Work, supervisor: Agent, agent_id: str, topic: str, tier: Tier, reason: str) -> None:
    """A supervisor sets a certified topic's tier, up or down; a demotion is held against automatic promotion."""
    if supervisor.role != "supervisor":
        raise Forbidden("supervisors only")
    if agent_id == supervisor.id:  # nobody raises their own limits: another supervisor does (finding 13)
        raise Forbidden("you cannot set your own tier: ask another supervisor", agent_id=agent_id)
    agent_service.get(work, agent_id)
    skill = work.session.get(AgentSkill, (agent_id, check_topic(work, topic)))
    if skill is None:
        raise Conflict("the agent is not certified in this topic", topic=topic)
    before = skill.tier
    prefix = HOLD_PREFIX if tier < before else "supervisor:"
    skill.tier, skill.granted_at, skill.granted_by = int(tier), work.now, f"{prefix}{supervisor.id}"[:64]
    audit.record(work, actor=supervisor.id, action="tier.set", subject=agent_id, topic=topic,
                 before=Tier(before).name.lower(), after=tier.name.lower(), reason=reason)


# ---- capacity and the release hook -----------------------------------------------------------------------


def set_capacity(work: Work, agent: Agent, capacity: int) -> int:
    """Change concurrent chats (1-4), never below the conversations the agent holds right now."""
    if not 1 <= capacity <= 4:
        raise InvalidInput("capacity must be 1 to 4 concurrent chats")
    done = work.session.execute(update(Agent).where(Agent.id == agent.id, Agent.load <= capacity)
                                .values(capacity=capacity).execution_options(synchronize_session=False))
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("finish some conversations first: capacity cannot go below your current load",
                       load=agent_service.get(work, agent.id).load)
    work.touch(agent=agent.id)
    work.emit("queue", {"type": "agents.changed"})  # more room may mean an offer now
    return capacity


def agent_released(work: Work, conv: Conversation, agent_id: str, target: ConversationState, reason: str) -> None:
    """Credit the ledger for the stint that ends now; on a resolve, re-evaluate tiers. Same transaction."""
    outcome = earnings.outcome_of(target, reason)
    earnings.credit_release(work, conv, agent_id, outcome)
    if outcome == earnings.Outcome.RESOLVED:
        evaluate_tiers(work, agent_id)
