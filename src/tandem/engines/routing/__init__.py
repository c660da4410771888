"""Routing engine: pure, synchronous matching of waiting conversations to gig agents (docs/routing.md)."""

from tandem.engines.routing.engine import Router
from tandem.engines.routing.errors import OfferNotPending
from tandem.engines.routing.policies import (
    FairnessPolicy,
    RelaxStep,
    RoutingConfig,
    ineligibility,
    least_earned_today,
    longest_idle,
    most_free_slots,
    relaxed_requirement,
)
from tandem.engines.routing.snapshot import differences, put_conversation, restore, state_of, take_snapshot
from tandem.engines.routing.values import (
    Accepted,
    AgentRecord,
    AgentSpec,
    ConversationRecord,
    OfferRecord,
    Released,
    Snapshot,
    Tick,
)

__all__ = [
    "Accepted", "AgentRecord", "AgentSpec", "ConversationRecord", "FairnessPolicy", "OfferRecord",
    "OfferNotPending", "RelaxStep", "Released", "Router", "RoutingConfig", "Snapshot", "Tick",
    "ineligibility", "least_earned_today", "longest_idle", "most_free_slots", "relaxed_requirement", "restore",
    "take_snapshot", "differences", "put_conversation", "state_of",
]
