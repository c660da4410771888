"""Skills: topic x language x tier. Sensitive topics need the senior tier."""

from __future__ import annotations

from collections.abc import Collection
from enum import IntEnum, StrEnum


class Topic(StrEnum):
    """The built-in topics (the demo company's, and the default of the `topics` setting)."""

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


def required_tier(topic: str, sensitive: Collection[str] = SENSITIVE_TOPICS) -> Tier:
    """The least tier allowed to handle a topic: senior for a sensitive one."""
    return Tier.SENIOR if topic in sensitive else Tier.NEW
