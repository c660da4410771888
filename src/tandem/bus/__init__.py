"""Event bus: services publish events; WebSocket handlers subscribe to topics.

Topics are strings: ``conv:<id>`` (a conversation's messages and state), ``agent:<id>`` (offers and
assignments for one agent), ``queue`` (queue changes, for agent consoles) and ``ops`` (operations page).
"""

from tandem.bus.base import Bus, Event, Subscription
from tandem.bus.inprocess import InProcessBus

__all__ = ["Bus", "Event", "InProcessBus", "Subscription"]
