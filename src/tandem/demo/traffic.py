"""Simulated customers and agents for `tandem demo --traffic`, so the operations pages come alive.

A background thread drives the real services layer (the same flows the REST API calls): customers ask
help-center questions and get the assistant's answer, some ask for a person, some give up while waiting; the demo
agents go available, accept the dispatcher's offers, reply, resolve, and now and then take a break; customers
rate. Answers about late fees are rated badly on purpose, so the quality guardrail has something to catch.
"""

from __future__ import annotations

import logging
import random
import threading
from dataclasses import dataclass, field

from sqlalchemy import select

from tandem.core.errors import Conflict
from tandem.domain.conversation import Author, ConversationState
from tandem.domain.presence import Presence
from tandem.services import agents as agent_service
from tandem.services import conversations, dispatch, flows
from tandem.services.context import Services, Work
from tandem.storage.models import Agent, Conversation

log = logging.getLogger(__name__)
C = ConversationState

QUESTIONS = (
    "How long does a refund take?", "When is my next payment due?", "How do I update my card?",
    "What is pay in 4?", "Can I pay off my plan early?", "My purchase was declined, why?",
    "How do I open a dispute?", "My order never arrived", "How do I change my due date?",
    "What happens if I pay late? Is there a late fee?", "Can I pause a payment?", "How do returns work?",
    "Do you do a credit check?", "Can I pay with crypto on Mars?", "Do you sell garden furniture?",
)
HUMAN_ASKS = ("I want to talk to a person", "Can I speak to an agent please?", "real human please")
AGENT_EMAILS = ("ana@agents.example", "ben@agents.example", "carla@agents.example", "dieter@agents.example")
REPLIES = ("Hi, I'm looking at your account now.", "I've sorted that for you.", "Anything else I can help with?")


@dataclass
class Customer:
    conversation_id: str
    token: str
    next_at: float
    wants_human: bool
    patience_s: float
    asked: bool = False


@dataclass
class SimAgent:
    agent_id: str
    name: str
    next_toggle_at: float
    working: dict[str, float] = field(default_factory=dict)  # conversation id -> resolve at


class Traffic:
    """Customers arriving at `per_minute`, served by the assistant and the demo agents."""

    def __init__(self, services: Services, per_minute: float = 10.0, seed: int = 7) -> None:
        self.services = services
        self.per_minute = per_minute
        self.rng = random.Random(seed)
        self.customers: dict[str, Customer] = {}
        self.agents: list[SimAgent] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tandem-traffic", daemon=True)
        self._next_arrival = 0.0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        self._stop.wait(2.0)  # let the server come up
        self._login_agents()
        while not self._stop.is_set():
            try:
                self.step(self.services.clock.now())
            except Exception:  # a simulated customer must never take the server down
                log.exception("demo traffic step failed")
            self._stop.wait(0.5)

    def step(self, now: float) -> None:
        """Advance every simulated person by one tick."""
        if now >= self._next_arrival:
            self._arrive(now)
            self._next_arrival = now + self.rng.expovariate(self.per_minute / 60.0)
        for customer in list(self.customers.values()):
            self._customer(customer, now)
        for agent in self.agents:
            self._agent(agent, now)

    def _login_agents(self) -> None:
        with self.services.work() as work:
            for email in AGENT_EMAILS:
                agent = work.session.scalars(select(Agent).where(Agent.email == email)).first()
                if agent is None:
                    continue
                agent_service.set_presence(work, agent, Presence.AVAILABLE)
                self.agents.append(SimAgent(agent.id, agent.name, work.now + self.rng.uniform(60, 240)))

    # ---- customers ----

    def _arrive(self, now: float) -> None:
        text = self.rng.choice(QUESTIONS)
        with self.services.work() as work:
            ref = "cus_demo_maya" if self.rng.random() < 0.2 and self.services.backend is not None else None
            conv, token = conversations.create(work, language="en", customer_ref=ref,
                                               customer_name="Maya" if ref else None)
        ack = flows.customer_message(self.services, conv.id, token, text, None)
        if ack.for_assistant is not None:
            flows.assistant_turn(self.services, conv.id, ack.for_assistant)
        self.customers[conv.id] = Customer(conv.id, token, now + self.rng.uniform(3, 8),
                                           wants_human=self.rng.random() < 0.3,
                                           patience_s=self.rng.expovariate(1 / 120.0))

    def _customer(self, c: Customer, now: float) -> None:
        with self.services.work() as work:
            conv = conversations.get(work, c.conversation_id)
            state, intent, since = conv.state, conv.intent, conv.waiting_since
        if state in (C.RESOLVED.value, C.ABANDONED.value):
            self._rate(c, state, intent)
        elif state in (C.WAITING_HUMAN.value, C.OFFERED.value) and since is not None and now - since > c.patience_s:
            flows.customer_end(self.services, c.conversation_id, c.token)  # gave up waiting
        elif state == C.AI.value and now >= c.next_at:
            if c.wants_human and not c.asked:
                c.asked = True
                text = self.rng.choice(HUMAN_ASKS)
                ack = flows.customer_message(self.services, c.conversation_id, c.token, text, None)
                if ack.for_assistant is not None:
                    flows.assistant_turn(self.services, c.conversation_id, ack.for_assistant)
            else:
                flows.customer_end(self.services, c.conversation_id, c.token)

    def _rate(self, c: Customer, state: str, intent: str | None) -> None:
        del self.customers[c.conversation_id]
        if self.rng.random() < 0.3:
            return  # most customers rate, not all
        with self.services.work() as work:
            conv = conversations.get(work, c.conversation_id)
            if state == C.ABANDONED.value:
                score = self.rng.choice((1, 2, 2, 3))
            elif conv.resolved_by == "human":
                score = self.rng.choice((3, 4, 4, 5, 5, 5))
            elif intent == "kb:late-fees":
                score = self.rng.choice((1, 1, 2, 2, 3))  # a weak article: the guardrail should notice
            else:
                score = self.rng.choice((3, 4, 4, 5, 5, 5, 5))
            conversations.rate(work, conv, score, None)

    # ---- agents ----

    def _agent(self, a: SimAgent, now: float) -> None:
        try:
            self._agent_turn(a, now)
        except Conflict as exc:  # lost a race (a rescinded broadcast, a conversation someone else took)
            log.debug("demo agent %s: %s", a.agent_id, exc.message)
        for conv_id, done_at in list(a.working.items()):
            if now >= done_at:
                self._resolve(a, conv_id)

    def _agent_turn(self, a: SimAgent, now: float) -> None:
        with self.services.work() as work:
            agent_service.heartbeat(work, a.agent_id)
            me = agent_service.get(work, a.agent_id)
            if now >= a.next_toggle_at and not a.working:
                self._toggle(work, me, a)
            if me.presence == Presence.AVAILABLE.value:
                for offer in dispatch.pending_offers_view(work, a.agent_id):
                    if now - float(offer.get("created_at", now)) >= 1.0 or self.rng.random() < 0.5:
                        conv = dispatch.accept(work, me, offer["id"])
                        conversations.append(work, conv, author=Author.AGENT, body=self.rng.choice(REPLIES),
                                             agent_id=me.id, meta={"agent_name": me.name})
                        a.working[conv.id] = now + self.rng.uniform(20, 75)
                        break  # one accept per tick

    def _toggle(self, w: Work, me: Agent, a: SimAgent) -> None:
        if me.presence == Presence.AVAILABLE.value and self.rng.random() < 0.5:
            dispatch.go_offline(w, me, reason="went_offline")
            a.next_toggle_at = self.services.clock.now() + self.rng.uniform(40, 120)
        else:
            if me.presence == Presence.OFFLINE.value:
                agent_service.set_presence(w, me, Presence.AVAILABLE)
            a.next_toggle_at = self.services.clock.now() + self.rng.uniform(90, 240)

    def _resolve(self, a: SimAgent, conversation_id: str) -> None:
        del a.working[conversation_id]
        with self.services.work() as work:
            conv = work.session.get(Conversation, conversation_id)
            if conv is None or conv.state != C.WITH_HUMAN.value or conv.assignee_id != a.agent_id:
                return
            conversations.append(work, conv, author=Author.AGENT, body="Glad I could help. Have a good day!",
                                 agent_id=a.agent_id)
            dispatch.release(work, conv, target=C.RESOLVED, reason="resolved")


def start_traffic(services: Services, per_minute: float | None = None) -> Traffic:
    """Start simulated traffic in a background thread (rate: settings.traffic_per_minute, default 10)."""
    rate = per_minute if per_minute is not None else services.settings.traffic_per_minute
    traffic = Traffic(services, rate)
    traffic.start()
    return traffic
