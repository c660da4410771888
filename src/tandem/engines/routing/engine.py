"""The routing engine's public operations: agents, conversations, offers, queries (see docs/routing.md)."""

from __future__ import annotations

from heapq import heappop, heappush

from tandem.core.errors import Conflict, InvalidInput, NotFound
from tandem.domain.conversation import ConversationState, move_conversation
from tandem.domain.offer import OfferState
from tandem.domain.presence import Presence, move_presence
from tandem.engines.routing.agents import AgentState
from tandem.engines.routing.dispatcher import Dispatcher
from tandem.engines.routing.errors import OfferNotPending
from tandem.engines.routing.queue import ConvState
from tandem.engines.routing.values import Accepted, AgentSpec, OfferRecord, Released, Tick, new_accepted, new_offer

C = ConversationState
OFFERED, WITH_HUMAN = C.OFFERED, C.WITH_HUMAN
ACCEPTED = OfferState.ACCEPTED
ENDED_OFFERS_REMEMBERED = 100_000
INF = float("inf")


class Router(Dispatcher):
    """Agents, waiting conversations and pending offers; dispatch(now) turns free capacity into offers.

    Router(config=None, new_offer_id=None): new_offer_id makes offer ids (default "<prefix><n>").
    """

    # ---- agents -------------------------------------------------------------------------------------

    def login(self, spec: AgentSpec, now: float) -> None:
        """Bring an agent online and available; it is considered at the next dispatch."""
        if spec.agent_id in self.agents:
            raise Conflict(f"agent {spec.agent_id!r} is already online", agent_id=spec.agent_id)
        _check_spec(spec)
        agent = self.agents[spec.agent_id] = AgentState(spec, now)
        self.index.attach(agent)
        self._touch_agent(agent)
        self.heartbeat(spec.agent_id, now)

    def update_agent(self, spec: AgentSpec, now: float) -> None:
        """Change an online agent's skills, languages or capacity (load above capacity drains naturally)."""
        _check_spec(spec)
        agent = self._agent(spec.agent_id)
        agent.skills, agent.languages, agent.capacity = dict(spec.skills), frozenset(spec.languages), spec.capacity
        self.index.attach(agent)
        self._touch_agent(agent)

    def set_presence(self, agent_id: str, presence: Presence, now: float) -> Released | None:
        """Switch between available and away; offline means logout (and returns what it released)."""
        agent = self._agent(agent_id)
        move_presence(agent.presence, presence)
        if presence is Presence.OFFLINE:
            return self.logout(agent_id, now)
        agent.presence = presence
        self._touch_agent(agent)
        return None

    def heartbeat(self, agent_id: str, now: float) -> None:
        """Record a sign of life; agents silent for heartbeat_timeout_s are dropped by drop_silent()."""
        self._agent(agent_id).last_heartbeat = now
        heappush(self._heartbeats, (now + self.config.heartbeat_timeout_s, next(self._seq), agent_id))

    def logout(self, agent_id: str, now: float) -> Released:
        """Take an agent offline: rescind its pending offers and re-queue its conversations."""
        agent = self._agent(agent_id)
        agent.presence = Presence.OFFLINE
        self.index.detach(agent)
        rescinded = tuple(self._end_offer(self.offers[o], OfferState.RESCINDED, now) for o in list(agent.offers))
        requeued = tuple(sorted(agent.conversations))
        for cid in requeued:
            conv = self.convs[cid]
            conv.state, conv.assignee = move_conversation(conv.state, C.WAITING_HUMAN), None
            self._enqueue(conv)
        del self.agents[agent_id]
        self._dirty_agents.pop(agent_id, None)
        return Released(agent_id, rescinded, requeued)

    def drop_silent(self, now: float) -> list[Released]:
        """Log out every agent whose last heartbeat is older than heartbeat_timeout_s."""
        out = []
        timeout = self.config.heartbeat_timeout_s
        while self._heartbeats and self._heartbeats[0][0] <= now:
            _, _, aid = heappop(self._heartbeats)
            agent = self.agents.get(aid)
            if agent is not None and agent.last_heartbeat + timeout <= now:
                out.append(self.logout(aid, now))
        return out

    # ---- conversations ------------------------------------------------------------------------------

    def escalate(self, conversation_id: str, topic: str, language: str, now: float, *, priority: int = 0,
                 waiting_since: float | None = None, broadcast: int | None = None) -> None:
        """Queue a conversation for a human; waiting_since (default now) is when its wait began."""
        convs = self.convs
        if conversation_id in convs:
            raise Conflict(f"conversation {conversation_id!r} is already with routing",
                           conversation_id=conversation_id)
        # _enqueue, inline: the conversation gets its queue ticket now and is looked at by the next dispatch
        conv = convs[conversation_id] = ConvState(
            conversation_id, topic, language, priority, now if waiting_since is None else waiting_since,
            broadcast, self.queue.new_ticket())
        self._dirty_convs[conversation_id] = conv

    def abandon(self, conversation_id: str, now: float) -> tuple[OfferRecord, ...]:
        """The customer left while queued or offered: forget it, rescinding any pending offers."""
        conv = self._conv(conversation_id)
        conv.state = move_conversation(conv.state, C.ABANDONED)
        self.queue.discard(conv)
        rescinded = tuple(self._end_offer(self.offers[o], OfferState.RESCINDED, now) for o in list(conv.offers))
        del self.convs[conversation_id]
        return rescinded

    def resolve(self, conversation_id: str, now: float, earned: float = 0.0) -> None:
        """The agent finished: free its slot, credit earned to its day, forget the conversation."""
        conv = self.convs.get(conversation_id) or self._conv(conversation_id)
        conv.state = C.RESOLVED if conv.state is WITH_HUMAN else move_conversation(conv.state, C.RESOLVED)
        self._release_assignee(conv, earned)
        del self.convs[conversation_id]

    def hand_back_to_ai(self, conversation_id: str, now: float) -> None:
        """The agent returned the conversation to the assistant: free its slot and forget it."""
        conv = self._conv(conversation_id)
        conv.state = move_conversation(conv.state, C.AI)
        self._release_assignee(conv, 0.0)
        del self.convs[conversation_id]

    def transfer(self, conversation_id: str, now: float, *, topic: str | None = None,
                 language: str | None = None) -> None:
        """Return an assigned conversation to the queue with new needs, keeping its original wait."""
        conv = self._conv(conversation_id)
        if conv.state is not WITH_HUMAN or conv.assignee is None:  # checked before anything changes
            raise Conflict("only a conversation assigned to an agent can be transferred",
                           conversation_id=conversation_id, state=conv.state.value)
        conv.state = move_conversation(conv.state, C.WAITING_HUMAN)
        previous = self._release_assignee(conv, 0.0)
        # the transferring agent handed it on for a reason: do not offer it straight back
        conv.excluded[previous] = now + self.config.decline_cooldown_s
        conv.topic = topic or conv.topic
        conv.language = language or conv.language
        self._enqueue(conv)

    def forget(self, conversation_id: str) -> None:
        """Drop a conversation from routing without a lifecycle step: its pending offers vanish (no cooldown),
        its assignee's slot frees. For a caller that is about to put it back from its system of record
        (`snapshot.put_conversation`); a no-op for an unknown id."""
        conv = self.convs.pop(conversation_id, None)
        if conv is None:
            return
        self.queue.discard(conv)
        self._dirty_convs.pop(conversation_id, None)
        conv.wake_at = INF  # a scheduled wake-up for it is skipped
        for oid in list(conv.offers):
            offer = self.offers.pop(oid)
            agent = self.agents[offer.agent_id]
            agent.offers.pop(oid, None)
            agent.pending -= 1
            self._touch_agent(agent)
        conv.offers.clear()
        if conv.assignee is not None:
            agent = self.agents[conv.assignee]
            agent.load -= 1
            agent.conversations.pop(conversation_id, None)
            conv.assignee = None
            self._touch_agent(agent)

    # ---- offers -------------------------------------------------------------------------------------

    def accept(self, offer_id: str, now: float) -> Accepted:
        """Assign the conversation to the offer's agent; rescind its broadcast siblings."""
        offers = self.offers
        offer = offers.get(offer_id)
        if offer is None or now >= offer.expires_at:
            offer = self._pending(offer_id, now)  # raises OfferNotPending
        conv, agent = self.convs[offer.conversation_id], self.agents[offer.agent_id]
        state = conv.state
        conv.state = WITH_HUMAN if state is OFFERED else move_conversation(state, WITH_HUMAN)
        conv.assignee = agent.agent_id
        del offers[offer_id]
        self._remember(offer_id, ACCEPTED)
        conv.offers.pop(offer_id, None)
        agent.offers.pop(offer_id, None)
        agent.pending -= 1
        agent.load += 1
        agent.conversations[conv.conversation_id] = None
        self.index.refresh(agent)
        rescinded = (tuple(self._end_offer(offers[o], OfferState.RESCINDED, now) for o in list(conv.offers))
                     if conv.offers else ())
        return new_accepted(_ended(offer, ACCEPTED, now), rescinded)

    def decline(self, offer_id: str, now: float, reason: str = "declined") -> OfferRecord:
        """The agent said no: the conversation goes to someone else (not them, for a cooldown)."""
        return self._end_offer(self._pending(offer_id, now), OfferState.DECLINED, now, reason)

    def expire(self, now: float) -> list[OfferRecord]:
        """End every pending offer whose time is up; their conversations are offered again."""
        out = []
        while self._expiry and self._expiry[0][0] <= now:
            _, oid = heappop(self._expiry)
            offer = self.offers.get(oid)
            if offer is not None:
                out.append(self._end_offer(offer, OfferState.EXPIRED, now, "timeout"))
        return out

    def tick(self, now: float) -> Tick:
        """Expire offers, drop silent agents, then dispatch: one round of the dispatcher loop."""
        expired = tuple(self.expire(now))
        dropped = tuple(self.drop_silent(now))
        return Tick(expired, dropped, tuple(self.dispatch(now)))

    # ---- queries ------------------------------------------------------------------------------------

    def state_of(self, conversation_id: str) -> ConversationState:
        """Return waiting_human, offered or with_human (closed conversations are forgotten: NotFound)."""
        return self._conv(conversation_id).state

    def assignee_of(self, conversation_id: str) -> str | None:
        """Return the agent handling the conversation, if any."""
        return self._conv(conversation_id).assignee

    def offers_of(self, conversation_id: str) -> tuple[OfferRecord, ...]:
        """Return the pending offers of one conversation."""
        return tuple(self.offers[o] for o in sorted(self._conv(conversation_id).offers))

    def load_of(self, agent_id: str) -> tuple[int, int, int]:
        """Return (assigned conversations, pending offers, capacity) of an online agent."""
        agent = self._agent(agent_id)
        return agent.load, agent.pending, agent.capacity

    def waiting(self) -> list[str]:
        """Return the waiting conversation ids in queue order (priority, then longest wait); O(n log n)."""
        return [c.conversation_id for c in sorted(self._all_waiting(), key=ConvState.order)]

    def waiting_count(self) -> int:
        """Return how many conversations wait without an offer; O(1) plus the new ones not yet filed."""
        fresh = sum(1 for c in self._dirty_convs.values() if c.state is C.WAITING_HUMAN and not c.queued)
        return len(self.queue) + fresh

    def position(self, conversation_id: str) -> int:
        """Return the 1-based place of a waiting conversation in the whole queue; O(n)."""
        conv = self._conv(conversation_id)
        if conv.state is not C.WAITING_HUMAN:
            raise Conflict(f"conversation {conversation_id!r} is not waiting", state=conv.state.value)
        key = conv.order()
        return 1 + sum(1 for c in self._all_waiting() if c.order() < key)

    def _all_waiting(self) -> list[ConvState]:
        """Return the filed waiting conversations plus new ones not yet looked at by dispatch."""
        fresh = [c for c in self._dirty_convs.values() if c.state is C.WAITING_HUMAN and not c.queued]
        return list(self.queue) + fresh

    # ---- internals ----------------------------------------------------------------------------------

    def _end_offer(self, offer: OfferRecord, state: OfferState, now: float, reason: str | None = None) -> OfferRecord:
        """Close a pending offer, free the slot it held, and re-queue its conversation if none remain."""
        del self.offers[offer.offer_id]
        self._remember(offer.offer_id, state)
        agent, conv = self.agents[offer.agent_id], self.convs[offer.conversation_id]
        agent.offers.pop(offer.offer_id, None)
        agent.pending -= 1
        self._touch_agent(agent)
        conv.offers.pop(offer.offer_id, None)
        if state is not OfferState.RESCINDED:
            conv.excluded[agent.agent_id] = now + self.config.decline_cooldown_s
        if not conv.offers and conv.state is C.OFFERED:
            conv.state = C.WAITING_HUMAN
            self._enqueue(conv)
        return _ended(offer, state, now, reason)

    def _pending(self, offer_id: str, now: float) -> OfferRecord:
        """Return the pending offer or raise OfferNotPending (late answers count as expired)."""
        offer = self.offers.get(offer_id)
        if offer is None:
            state = self._ended.get(offer_id)
            raise OfferNotPending(offer_id, state.value if state else "unknown")
        if now >= offer.expires_at:
            raise OfferNotPending(offer_id, OfferState.EXPIRED.value)
        return offer

    def _remember(self, offer_id: str, state: OfferState) -> None:
        """Keep the final state of recent offers so late answers get a precise error."""
        ended = self._ended
        ended[offer_id] = state
        if len(ended) > ENDED_OFFERS_REMEMBERED:
            ended.popitem(last=False)

    def _release_assignee(self, conv: ConvState, earned: float) -> str:
        """Free the assignee's slot for this conversation and return the agent id."""
        aid = conv.assignee
        assert aid is not None, "a conversation with a human always has an assignee"
        conv.assignee = None
        agent = self.agents[aid]
        agent.load -= 1
        agent.earned_today += earned
        agent.conversations.pop(conv.conversation_id, None)
        self._touch_agent(agent)
        return aid

    def _touch_agent(self, agent: AgentState) -> None:
        """Re-rank an agent whose standing changed; if it can take work, look at it next dispatch."""
        if self.index.refresh(agent):
            self._dirty_agents[agent.agent_id] = agent

    def _agent(self, agent_id: str) -> AgentState:
        agent = self.agents.get(agent_id)
        if agent is None:
            raise NotFound(f"agent {agent_id!r} is not online", agent_id=agent_id)
        return agent

    def _conv(self, conversation_id: str) -> ConvState:
        conv = self.convs.get(conversation_id)
        if conv is None:
            raise NotFound(f"conversation {conversation_id!r} is not with routing",
                           conversation_id=conversation_id)
        return conv


def _ended(offer: OfferRecord, state: OfferState, now: float, reason: str | None = None) -> OfferRecord:
    """Return the offer closed in `state` (built directly: dataclasses.replace costs more than an accept)."""
    return new_offer(offer.offer_id, offer.conversation_id, offer.agent_id, offer.created_at, offer.expires_at,
                     state, now, reason)


def _check_spec(spec: AgentSpec) -> None:
    """Reject agents that could never take a conversation or would break the capacity invariant."""
    if spec.capacity < 1:
        raise InvalidInput("capacity must be at least 1", agent_id=spec.agent_id)
