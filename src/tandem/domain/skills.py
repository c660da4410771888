"""Skills: topic x language x tier. Sensitive topics need the senior tier."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Topic(StrEnum):
    PAYMENTS = "payments"
    REFUNDS = "refunds"
    DISPUTES = "disputes"
    FRAUD = "fraud"
    HARDSHIP = "hardship"
    ACCOUNT = "account"


class Tier(IntEnum):
    NEW = 1
    VERIFIED = 2
    SENIOR = 3


SENSITIVE_TOPICS = frozenset({Topic.DISPUTES, Topic.FRAUD, Topic.HARDSHIP})


def required_tier(topic: Topic) -> Tier:
    """The least tier allowed to handle a topic."""
    return Tier.SENIOR if topic in SENSITIVE_TOPICS else Tier.NEW
