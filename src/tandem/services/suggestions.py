"""Suggested replies: drafts from the help center and the customer's account, each citing its article.

Drafts are never sent by themselves: the agent inserts one, may edit it, and sends it. Each draft shown is
stored, so the workbench learns whether suggestions are used as is, edited, or ignored.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from tandem.core.ids import new_id
from tandem.core.masking import mask_cards
from tandem.engines.assistant.kb import KnowledgeArticle, KnowledgeBase
from tandem.engines.assistant.offline import compose_answer
from tandem.services.context import Services, Work
from tandem.storage.models_workbench import ReplySuggestion

log = logging.getLogger(__name__)
MAX_DRAFTS = 3
DRAFT_CHARS = 360
SHOWN, USED, EDITED, IGNORED = "shown", "used", "edited", "ignored"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True, slots=True)
class Draft:
    article: KnowledgeArticle
    body: str


def account_facts(services: Services, customer_ref: str | None) -> dict[str, str]:
    """The few account facts a reply may quote: first name, the active order and its next due date."""
    facts: dict[str, str] = {}
    if customer_ref is None or services.backend is None:
        return facts
    try:
        backend = services.backend
        customer = backend.get_customer(customer_ref)
        facts["customer_name"] = customer.name.split()[0]
        orders = [o for o in backend.list_orders(customer_ref) if str(o.status) == "active"]
        if orders:
            order = orders[0]
            facts.update(order_id=order.id, merchant=order.merchant, plan=str(order.plan).replace("_", " "))
            unpaid = [i for i in backend.payment_schedule(customer_ref, order.id) if str(i.status) != "paid"]
            if unpaid:
                nxt = min(unpaid, key=lambda i: i.due_on)
                facts.update(due_date=nxt.due_on.isoformat(), due_amount=f"{nxt.amount} {order.currency}")
    except Exception:  # a failing account backend leaves the drafts without account facts, never broken
        log.warning("account facts unavailable for suggestions", exc_info=True)
    return facts


def _retriever(services: Services) -> Any:
    """The assistant's hybrid retriever when it has one, else None (BM25 over the knowledge base)."""
    answerer = getattr(services.assistant, "answerer", services.assistant)
    return getattr(answerer, "retriever", None)


def relevant_articles(services: Services, query: str, limit: int) -> list[KnowledgeArticle]:
    """Best help-center articles for the query, best first."""
    kb: KnowledgeBase | None = services.extras.get("kb")
    if kb is None or not query.strip():
        return []
    retriever = _retriever(services)
    if retriever is not None:
        return [r.article for r in retriever.search(query, limit=limit)]
    return [h.article for h in kb.search(query, limit=limit)]


def short_answer(article: KnowledgeArticle, max_chars: int = DRAFT_CHARS) -> str:
    """The article's opening sentences, cut at a sentence boundary."""
    text = " ".join(compose_answer(article, max_chars=max_chars * 2).split())
    out = ""
    for sentence in _SENTENCE_END.split(text):
        if out and len(out) + len(sentence) > max_chars:
            break
        out = f"{out} {sentence}".strip()
    return out[:max_chars]


def fact_line(article: KnowledgeArticle, facts: Mapping[str, str]) -> str:
    """One sentence of account context when the article is about payments and the customer has a plan."""
    if "order_id" not in facts or article.topic not in ("payments", "hardship", "refunds"):
        return ""
    line = f"I can see your {facts['merchant']} order ({facts['order_id']}, {facts['plan']})"
    if "due_date" in facts:
        line += f"; the next payment of {facts['due_amount']} is due on {facts['due_date']}"
    return line + "."


def compose(article: KnowledgeArticle, facts: Mapping[str, str]) -> str:
    """A draft reply: greeting, the article's answer, an account fact if relevant, and the citation."""
    name = facts.get("customer_name")
    parts = [f"Hi {name}," if name else "Hi,", short_answer(article), fact_line(article, facts),
             f"More in our help article \u201c{article.title}\u201d."]
    return mask_cards(" ".join(p for p in parts if p))


def draft_replies(services: Services, customer_texts: Sequence[str], cited: Sequence[str],
                  facts: Mapping[str, str]) -> list[Draft]:
    """Two or three drafts for the latest customer question; articles the assistant already sent go last."""
    query = " ".join(customer_texts[-2:])
    found = relevant_articles(services, query, MAX_DRAFTS + 2)
    found.sort(key=lambda a: a.id in cited)  # stable: keeps retrieval order within each group
    return [Draft(a, compose(a, facts)) for a in found[:MAX_DRAFTS]]


def store(work: Work, conversation_id: str, agent_id: str, drafts: Sequence[Draft]) -> list[dict[str, Any]]:
    """Record the drafts as shown (earlier unanswered ones become ignored); return their views."""
    expire_shown(work, conversation_id)
    views = []
    for rank, d in enumerate(drafts, start=1):
        row = ReplySuggestion(id=new_id("sug"), conversation_id=conversation_id, agent_id=agent_id,
                              article_id=d.article.id, body=d.body, rank=rank, outcome=SHOWN, created_at=work.now)
        work.session.add(row)
        views.append({"id": row.id, "rank": rank, "body": d.body,
                      "citation": {"article_id": d.article.id, "title": d.article.title}})
    return views


def expire_shown(work: Work, conversation_id: str) -> None:
    """Suggestions still only shown are ignored from now on."""
    work.session.execute(update(ReplySuggestion).where(
        ReplySuggestion.conversation_id == conversation_id, ReplySuggestion.outcome == SHOWN,
    ).values(outcome=IGNORED, decided_at=work.now).execution_options(synchronize_session=False))


def same_text(a: str, b: str) -> bool:
    """Equal up to whitespace."""
    return " ".join(a.split()) == " ".join(b.split())


def record_use(work: Work, conversation_id: str, agent_id: str, suggestion_id: str, sent: str,
               seq: int) -> str | None:
    """Mark a suggestion used or edited by the message sent; the rest of its batch is ignored."""
    row = work.session.scalars(select(ReplySuggestion).where(
        ReplySuggestion.id == suggestion_id, ReplySuggestion.conversation_id == conversation_id,
        ReplySuggestion.agent_id == agent_id)).first()
    if row is None or row.outcome != SHOWN:
        return None
    row.outcome = USED if same_text(row.body, sent) else EDITED
    row.message_seq, row.decided_at = seq, work.now
    expire_shown(work, conversation_id)
    return row.outcome


def outcome_counts(work: Work, agent_id: str | None = None) -> dict[str, int]:
    """How often suggestions were used, edited or ignored (optionally for one agent)."""
    stmt = select(ReplySuggestion.outcome)
    if agent_id is not None:
        stmt = stmt.where(ReplySuggestion.agent_id == agent_id)
    counts = {SHOWN: 0, USED: 0, EDITED: 0, IGNORED: 0}
    for outcome in work.session.scalars(stmt):
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts
