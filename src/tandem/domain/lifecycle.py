"""Shared machinery for lifecycles: an Enum of states plus a table of legal moves."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from tandem.core.errors import IllegalTransition

S = TypeVar("S", bound=StrEnum)


def check_move(kind: str, moves: Mapping[S, frozenset[S]], current: S, target: S) -> S:
    """Return target if current -> target is legal, else raise IllegalTransition."""
    if target not in moves.get(current, frozenset()):
        raise IllegalTransition(
            f"{kind} cannot move from {current.value!r} to {target.value!r}",
            current=current.value,
            target=target.value,
        )
    return target
