"""One offer lifecycle for everything offered to one agent at a time: conversations (services/dispatch.py) and QA
reviews (services/review.py).

An offer reserves one piece of work for one agent until a deadline, at a pay fixed when it is made. Every step is
a conditional update, so two dispatchers, two tabs or an answer racing the expiry never both win:

- *create*: the kind first reserves the work with its own conditional update (the conversation still waits with
  no assignee, the task is still open); only then is the offer row inserted and pushed to the agent;
- *settle*: pending -> accepted | declined | expired | rescinded, only while the offer is pending (compare-and-swap
  on its state), so of two answers exactly one wins;
- *close* (decline, expire, rescind): settle, tell the agent the card is gone, and, unless the work was taken by
  someone, give the work back (`Kind.reopen`) so the next pass re-offers it to the next agent;
- *accept*: the checks every kind makes (the agent's own offer, not past its deadline, the agent available),
  settle as accepted; the caller then takes the work with its own conditional update (`dispatch.assign`, the
  review task's `offered -> assigned`), which is what makes the first accept the only one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import exists, select, update

from tandem.core.errors import Conflict, NotFound
from tandem.core.ids import new_id
from tandem.domain.offer import OfferState
from tandem.domain.presence import Presence
from tandem.services.agents import AgentRef
from tandem.services.context import Work


class OfferRow(Protocol):
    """The columns every offer table has (storage.models.Offer, storage.models_quality.ReviewOffer)."""

    id: Any
    agent_id: Any
    state: Any
    created_at: Any
    expires_at: Any
    answered_at: Any
    decline_reason: Any


O = TypeVar("O", bound=OfferRow)  # noqa: E741


@dataclass(frozen=True)
class Kind(Generic[O]):
    """What differs between kinds of offers; everything else is this module."""

    model: type[O]
    id_prefix: str
    noun: str  # "offer", "review offer": in errors
    work_noun: str  # "conversations", "reviews": "go available before accepting ..."
    offer_event: str  # the frame that shows the card on the agent's console
    closed_event: str  # the frame that takes it away
    # give the work back after an offer closed without a taker (the next pass re-offers it)
    reopen: Callable[[Work, O], None]
    # after any settle (the conversation offers mark their conversation for the in-memory router)
    settled: Callable[[Work, O], None] | None = None


def pending(kind: Kind[O], *where: Any) -> Any:
    """SELECT the pending offers of a kind matching `where`."""
    model: Any = kind.model
    return select(model).where(model.state == OfferState.PENDING.value, *where)


def create(work: Work, kind: Kind[O], agent_id: str, timeout_s: float, card: Callable[[O], dict[str, Any]],
           *, offer_id: str | None = None, **fields: Any) -> O:
    """Insert a pending offer of work the caller has just reserved, and push its card to the agent."""
    model: Any = kind.model
    offer: O = model(id=offer_id or new_id(kind.id_prefix), agent_id=agent_id, state=OfferState.PENDING.value,
                     created_at=work.now, expires_at=work.now + timeout_s, **fields)
    work.session.add(offer)
    work.session.flush()
    work.emit(f"agent:{agent_id}", {"type": kind.offer_event, "offer": card(offer)})
    return offer


def settle(work: Work, kind: Kind[O], offer: O, target: OfferState, **values: Any) -> bool:
    """Compare-and-swap: only a pending offer settles, so of concurrent answers exactly one wins."""
    model: Any = kind.model
    result = work.session.execute(
        update(model).where(model.id == offer.id, model.state == OfferState.PENDING.value)
        .values(state=target.value, answered_at=work.now, **values)
        .execution_options(synchronize_session=False))
    settled = bool(result.rowcount == 1)  # type: ignore[attr-defined]
    if settled and kind.settled is not None:
        kind.settled(work, offer)
    return settled


def close(work: Work, kind: Kind[O], offer: O, target: OfferState, *, reopen: bool = True, **values: Any) -> bool:
    """Settle a pending offer without a taker, take the card away and (`reopen`) give the work back for the next
    agent. False if the offer was no longer pending (someone else answered it first)."""
    if not settle(work, kind, offer, target, **values):
        return False
    work.emit(f"agent:{offer.agent_id}", {"type": kind.closed_event, "offer_id": offer.id, "state": target.value})
    if reopen:
        kind.reopen(work, offer)
    return True


def close_all(work: Work, kind: Kind[O], offers: list[O], target: OfferState, *, reopen: bool = True) -> int:
    """Close each offer (rescind them, expire them); return how many this transaction closed."""
    return sum(close(work, kind, offer, target, reopen=reopen) for offer in offers)


def due(kind: Kind[O], now: float) -> Any:
    """An SQL truth value: some pending offer of this kind is past its deadline (`expire` has work)."""
    model: Any = kind.model
    return exists().where(model.state == OfferState.PENDING.value, model.expires_at <= now)


def expire(work: Work, kind: Kind[O]) -> int:
    """Expire the pending offers past their deadline; their work is re-offered. Return how many expired."""
    model: Any = kind.model
    due = list(work.session.scalars(pending(kind, model.expires_at <= work.now)))
    return close_all(work, kind, due, OfferState.EXPIRED)


def own(work: Work, kind: Kind[O], agent: AgentRef, offer_id: str) -> O:
    """The agent's offer; the same 404 for missing and someone else's."""
    offer = work.session.get(kind.model, offer_id)
    if offer is None or offer.agent_id != agent.id:
        raise NotFound(f"no such {kind.noun}", offer_id=offer_id)
    return offer


def accept(work: Work, kind: Kind[O], agent: AgentRef, offer: O) -> None:
    """Settle the agent's offer as accepted, or say why not (409). The caller then takes the work with its own
    conditional update, in the same transaction."""
    if offer.state == OfferState.PENDING.value and offer.expires_at <= work.now:
        raise Conflict(f"this {kind.noun} has expired")
    if agent.presence != Presence.AVAILABLE.value:
        raise Conflict(f"go available before accepting {kind.work_noun}")
    if not settle(work, kind, offer, OfferState.ACCEPTED):
        raise Conflict(f"this {kind.noun} is no longer pending", state=offer.state)


def take(work: Work, kind: Kind[O], agent: AgentRef, offer_id: str) -> O:
    """Settle the agent's own pending offer as accepted and return it, or raise what `own` and `accept` would.

    The usual case is one statement: a compare-and-swap that also checks ownership and the deadline and returns
    the row (it was a read of the offer, then the CAS). Only when it changes nothing is the offer read, to say
    why (404, expired, not available, no longer pending), with exactly `own` then `accept`."""
    model: Any = kind.model
    if agent.presence == Presence.AVAILABLE.value:
        offer = work.session.scalars(
            update(model)
            .where(model.id == offer_id, model.agent_id == agent.id, model.state == OfferState.PENDING.value,
                   model.expires_at > work.now)
            .values(state=OfferState.ACCEPTED.value, answered_at=work.now).returning(model)
            .execution_options(synchronize_session=False, populate_existing=True)
        ).one_or_none()
        if offer is not None:
            if kind.settled is not None:
                kind.settled(work, offer)
            return offer
    offer = own(work, kind, agent, offer_id)
    accept(work, kind, agent, offer)
    return offer


def decline(work: Work, kind: Kind[O], agent: AgentRef, offer_id: str, reason: str | None) -> O:
    """Decline the agent's pending offer (with an optional reason, 200 characters kept); the work goes to the next
    agent."""
    offer = own(work, kind, agent, offer_id)
    if not close(work, kind, offer, OfferState.DECLINED, decline_reason=(reason or "")[:200] or None):
        raise Conflict(f"this {kind.noun} is no longer pending", state=offer.state)
    return offer
