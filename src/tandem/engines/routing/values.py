"""Immutable records the routing engine takes in and hands out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from types import MappingProxyType
from typing import Any, TypeVar, cast

from tandem.domain.conversation import ConversationState
from tandem.domain.offer import OfferState
from tandem.domain.presence import Presence
from tandem.domain.skills import Tier

_EMPTY: Mapping[str, float] = MappingProxyType({})
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class AgentSpec:
    """Who an agent is to the router: topics with a tier each, languages spoken, chat concurrency."""

    agent_id: str
    skills: Mapping[str, Tier]
    languages: frozenset[str]
    capacity: int = 1


@dataclass(frozen=True, slots=True)
class OfferRecord:
    """A reservation of one conversation for one agent, valid until expires_at."""

    offer_id: str
    conversation_id: str
    agent_id: str
    created_at: float
    expires_at: float
    state: OfferState = OfferState.PENDING
    ended_at: float | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Released:
    """What an agent leaving (logout, lost heartbeat) undid: offers rescinded, conversations re-queued."""

    agent_id: str
    rescinded: tuple[OfferRecord, ...]
    requeued: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Accepted:
    """The winning offer and the broadcast siblings it rescinded."""

    offer: OfferRecord
    rescinded: tuple[OfferRecord, ...]


@dataclass(frozen=True, slots=True)
class Tick:
    """One housekeeping round: expired offers, agents dropped for silence, new offers."""

    expired: tuple[OfferRecord, ...]
    dropped: tuple[Released, ...]
    offers: tuple[OfferRecord, ...]


@dataclass(frozen=True, slots=True)
class AgentRecord:
    """An agent as persisted: enough to rebuild the router after a dispatcher takeover."""

    spec: AgentSpec
    presence: Presence = Presence.AVAILABLE
    last_offer_at: float = 0.0
    earned_today: float = 0.0
    last_heartbeat: float | None = None


@dataclass(frozen=True, slots=True)
class ConversationRecord:
    """A queued or human-handled conversation as persisted (waiting_since is the original wait start)."""

    conversation_id: str
    topic: str
    language: str
    waiting_since: float
    state: ConversationState = ConversationState.WAITING_HUMAN
    priority: int = 0
    assignee: str | None = None
    broadcast: int | None = None
    excluded: Mapping[str, float] = field(default_factory=lambda: _EMPTY)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything the router needs to resume: agents, open conversations, pending offers.

    next_offer_number keeps default offer ids (<prefix><n>) unique across a takeover; a service that
    persists offers should rather pass its own globally unique id factory to the Router.
    """

    agents: tuple[AgentRecord, ...]
    conversations: tuple[ConversationRecord, ...]
    offers: tuple[OfferRecord, ...]
    next_offer_number: int = 1


def _builder(cls: type[R]) -> Callable[..., R]:
    """Return a function taking the same arguments as cls(...) and returning the same record, faster.

    A frozen dataclass's __init__ sets each field through object.__setattr__ (a lookup and a generic call
    per field); the builder writes the slots through their descriptors, bound once. The result is an
    ordinary instance of cls: equal, hashable and immutable like one made by cls(...). Only for frozen,
    slotted dataclasses without __post_init__ or default factories.
    """
    params, body, env = [], [], {"_new": object.__new__, "_cls": cls}
    for i, f in enumerate(fields(cast(Any, cls))):
        assert f.default_factory is MISSING, "default factories are not supported"
        if f.default is MISSING:
            params.append(f.name)
        else:
            env[f"_d{i}"] = f.default
            params.append(f"{f.name}=_d{i}")
        env[f"_s{i}"] = getattr(cls, f.name).__set__
        body.append(f"    _s{i}(obj, {f.name})")
    assert not hasattr(cls, "__post_init__"), "__post_init__ is not supported"
    src = f"def build({', '.join(params)}):\n    obj = _new(_cls)\n" + "\n".join(body) + "\n    return obj\n"
    namespace: dict[str, Any] = {}
    exec(src, env, namespace)  # noqa: S102 - generated from the dataclass's own fields, as dataclasses does
    build: Callable[..., R] = namespace["build"]
    build.__qualname__ = build.__name__ = f"new_{cls.__name__.lower()}"
    return build


new_offer: Callable[..., OfferRecord] = _builder(OfferRecord)
"""new_offer(...) takes OfferRecord's arguments and returns an equal OfferRecord at about half the cost (hot path)."""
new_accepted: Callable[..., Accepted] = _builder(Accepted)
"""new_accepted(offer, rescinded) is Accepted(offer, rescinded), built faster (hot path)."""
