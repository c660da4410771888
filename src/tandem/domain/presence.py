"""Agent presence lifecycle: offline -> available <-> away, and back to offline."""

from __future__ import annotations

from enum import StrEnum

from tandem.domain.lifecycle import check_move


class Presence(StrEnum):
    OFFLINE = "offline"
    AVAILABLE = "available"
    AWAY = "away"


P = Presence

PRESENCE_MOVES: dict[Presence, frozenset[Presence]] = {
    P.OFFLINE: frozenset({P.AVAILABLE, P.AWAY}),
    P.AVAILABLE: frozenset({P.AWAY, P.OFFLINE}),
    P.AWAY: frozenset({P.AVAILABLE, P.OFFLINE}),
}


def move_presence(current: Presence, target: Presence) -> Presence:
    """Return the new presence or raise IllegalTransition."""
    return check_move("presence", PRESENCE_MOVES, current, target)
