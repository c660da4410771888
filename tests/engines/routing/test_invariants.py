"""Invariants 1-4 (docs/targets.md) under random sequences of everything that can happen to the router.

The test keeps its own model of offers, assignments and exclusions (built only from what the router returned)
and an independent, brute-force eligibility rule written from docs/routing.md, then checks after every step:
1. at most one assignee per conversation; no agent over capacity (assigned + pending offers);
3. after a dispatch, no waiting conversation has an eligible agent with a free slot;
4. offers past their deadline are gone after expire(), their conversations waiting or offered again;
and that nothing is lost: every open conversation is waiting, offered or with a human, as the model says.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from tandem.core.clock import FakeClock
from tandem.domain.conversation import ConversationState
from tandem.domain.presence import Presence
from tandem.domain.skills import Tier
from tandem.engines.routing import (
    AgentSpec,
    OfferNotPending,
    OfferRecord,
    Router,
    RoutingConfig,
    restore,
    take_snapshot,
)

from .structure import check_structures

TOPICS = ("payments", "refunds", "fraud")
LANGS = ("en", "sv", "de")
AGENTS = tuple(f"a{i}" for i in range(6))
TIMEOUT, COOLDOWN, HEARTBEAT = 20.0, 50.0, 30.0
C = ConversationState

skills_st = st.dictionaries(st.sampled_from(TOPICS), st.sampled_from(list(Tier)), min_size=1)
langs_st = st.frozensets(st.sampled_from(LANGS), min_size=1)


def required(topic: str, waited: float) -> tuple[Tier, bool]:
    """The documented default relaxation: verified, any tier at 60 s, English fallback at 120 s."""
    if topic == "fraud":
        return Tier.SENIOR, waited >= 120
    return (Tier.VERIFIED if waited < 60 else Tier.NEW), waited >= 120


@dataclass
class ConvModel:
    topic: str
    language: str
    since: float
    excluded: dict[str, float] = field(default_factory=dict)


class RouterMachine(RuleBasedStateMachine):
    """Drive a Router with a fake clock and compare it against a simple model."""

    broadcast = 1

    @initialize()
    def start(self) -> None:
        self.clock = FakeClock()
        self.config = RoutingConfig(offer_timeout_s=TIMEOUT, decline_cooldown_s=COOLDOWN,
                                    heartbeat_timeout_s=HEARTBEAT, broadcast=self.broadcast)
        self.router = Router(self.config)
        self.specs: dict[str, AgentSpec] = {}
        self.away: set[str] = set()
        self.last_beat: dict[str, float] = {}
        self.convs: dict[str, ConvModel] = {}
        self.offers: dict[str, OfferRecord] = {}
        self.ended: set[str] = set()
        self.assigned: dict[str, str] = {}
        self.closed: set[str] = set()
        self.n = 0

    # ---- model helpers ------------------------------------------------------------------------------

    @property
    def now(self) -> float:
        return self.clock.now()

    def used(self, aid: str) -> int:
        return sum(1 for a in self.assigned.values() if a == aid) + sum(
            1 for o in self.offers.values() if o.agent_id == aid)

    def eligible(self, cid: str, aid: str) -> bool:
        conv, spec = self.convs[cid], self.specs[aid]
        tier = spec.skills.get(conv.topic)
        need, fallback = required(conv.topic, self.now - conv.since)
        speaks = conv.language in spec.languages or (fallback and "en" in spec.languages)
        return tier is not None and tier >= need and speaks and conv.excluded.get(aid, -1.0) <= self.now

    def status(self, cid: str) -> C:
        if cid in self.assigned:
            return C.WITH_HUMAN
        return C.OFFERED if any(o.conversation_id == cid for o in self.offers.values()) else C.WAITING_HUMAN

    def end_offers(self, ended: tuple[OfferRecord, ...] | list[OfferRecord], exclude: bool) -> None:
        for o in ended:
            assert self.offers.pop(o.offer_id).agent_id == o.agent_id
            self.ended.add(o.offer_id)
            if exclude:
                self.convs[o.conversation_id].excluded[o.agent_id] = self.now + COOLDOWN

    def release(self, aid: str, released_requeued: tuple[str, ...], rescinded: tuple[OfferRecord, ...]) -> None:
        assert sorted(o.offer_id for o in rescinded) == sorted(
            o.offer_id for o in self.offers.values() if o.agent_id == aid)
        assert sorted(released_requeued) == sorted(c for c, a in self.assigned.items() if a == aid)
        self.end_offers(rescinded, exclude=False)
        for cid in released_requeued:
            del self.assigned[cid]
        del self.specs[aid]
        self.away.discard(aid)

    # ---- agents -------------------------------------------------------------------------------------

    @rule(aid=st.sampled_from(AGENTS), skills=skills_st, langs=langs_st, cap=st.integers(1, 4))
    def login(self, aid: str, skills: dict[str, Tier], langs: frozenset[str], cap: int) -> None:
        if aid in self.specs:
            return
        self.specs[aid] = AgentSpec(aid, skills, langs, cap)
        self.router.login(self.specs[aid], self.now)
        self.last_beat[aid] = self.now

    @precondition(lambda self: self.specs)
    @rule(data=st.data())
    def logout(self, data: st.DataObject) -> None:
        aid = data.draw(st.sampled_from(sorted(self.specs)))
        released = self.router.logout(aid, self.now)
        self.release(aid, released.requeued, released.rescinded)

    @precondition(lambda self: self.specs)
    @rule(data=st.data())
    def heartbeat(self, data: st.DataObject) -> None:
        aid = data.draw(st.sampled_from(sorted(self.specs)))
        self.router.heartbeat(aid, self.now)
        self.last_beat[aid] = self.now

    @rule()
    def heartbeat_loss(self) -> None:
        silent = sorted(a for a in self.specs if self.last_beat[a] + HEARTBEAT <= self.now)
        dropped = self.router.drop_silent(self.now)
        assert sorted(d.agent_id for d in dropped) == silent
        for d in dropped:
            self.release(d.agent_id, d.requeued, d.rescinded)

    @precondition(lambda self: self.specs)
    @rule(data=st.data())
    def toggle_away(self, data: st.DataObject) -> None:
        aid = data.draw(st.sampled_from(sorted(self.specs)))
        back = aid in self.away
        self.router.set_presence(aid, Presence.AVAILABLE if back else Presence.AWAY, self.now)
        (self.away.discard if back else self.away.add)(aid)

    # ---- conversations ------------------------------------------------------------------------------

    @rule(topic=st.sampled_from(TOPICS), lang=st.sampled_from(LANGS), prio=st.integers(0, 1),
          earlier=st.sampled_from([0.0, 0.0, 30.0, 90.0, 150.0]))
    def escalate(self, topic: str, lang: str, prio: int, earlier: float) -> None:
        cid = f"c{self.n}"
        self.n += 1
        since = self.now - earlier  # a conversation restored or re-escalated keeps its older wait
        self.router.escalate(cid, topic, lang, self.now, priority=prio, waiting_since=since)
        self.convs[cid] = ConvModel(topic, lang, since)

    @precondition(lambda self: self.assigned)
    @rule(data=st.data(), earned=st.floats(0, 10))
    def resolve(self, data: st.DataObject, earned: float) -> None:
        cid = data.draw(st.sampled_from(sorted(self.assigned)))
        self.router.resolve(cid, self.now, earned)
        del self.assigned[cid]
        self.closed.add(cid)

    @precondition(lambda self: self.assigned)
    @rule(data=st.data())
    def hand_back(self, data: st.DataObject) -> None:
        cid = data.draw(st.sampled_from(sorted(self.assigned)))
        self.router.hand_back_to_ai(cid, self.now)
        del self.assigned[cid]
        self.closed.add(cid)

    @precondition(lambda self: self.assigned)
    @rule(data=st.data(), topic=st.sampled_from(TOPICS), lang=st.sampled_from(LANGS))
    def transfer(self, data: st.DataObject, topic: str, lang: str) -> None:
        cid = data.draw(st.sampled_from(sorted(self.assigned)))
        self.router.transfer(cid, self.now, topic=topic, language=lang)
        conv = self.convs[cid]
        conv.topic, conv.language = topic, lang
        conv.excluded[self.assigned.pop(cid)] = self.now + COOLDOWN

    @precondition(lambda self: any(self.status(c) is not C.WITH_HUMAN for c in self.open()))
    @rule(data=st.data())
    def abandon(self, data: st.DataObject) -> None:
        cid = data.draw(st.sampled_from([c for c in self.open() if self.status(c) is not C.WITH_HUMAN]))
        rescinded = self.router.abandon(cid, self.now)
        assert sorted(o.offer_id for o in rescinded) == sorted(
            o for o, off in self.offers.items() if off.conversation_id == cid)
        self.end_offers(rescinded, exclude=False)
        self.closed.add(cid)

    def open(self) -> list[str]:
        return sorted(c for c in self.convs if c not in self.closed)

    # ---- offers -------------------------------------------------------------------------------------

    @rule()
    def dispatch(self) -> None:
        before = {c: self.status(c) for c in self.open()}
        self.take_offers(self.router.dispatch(self.now), before)

    @rule()
    def tick(self) -> None:
        due = sorted(o.offer_id for o in self.offers.values() if o.expires_at <= self.now)
        silent = sorted(a for a in self.specs if self.last_beat[a] + HEARTBEAT <= self.now)
        tick = self.router.tick(self.now)
        assert sorted(o.offer_id for o in tick.expired) == due
        self.end_offers(tick.expired, exclude=True)
        assert sorted(d.agent_id for d in tick.dropped) == silent
        for d in tick.dropped:
            self.release(d.agent_id, d.requeued, d.rescinded)
        self.take_offers(list(tick.offers), {c: self.status(c) for c in self.open()})

    def take_offers(self, offers: list[OfferRecord], before: dict[str, C]) -> None:
        """Check new offers against the model, record them, then check invariant 3."""
        for o in offers:
            assert before[o.conversation_id] is C.WAITING_HUMAN, "only waiting conversations are offered"
            assert o.agent_id in self.specs and o.agent_id not in self.away
            assert self.eligible(o.conversation_id, o.agent_id), f"{o} is not eligible"
            assert o.expires_at == self.now + TIMEOUT
            self.offers[o.offer_id] = o
        assert len({(o.conversation_id, o.agent_id) for o in offers}) == len(offers)
        self.check_no_idle_match()

    def check_no_idle_match(self) -> None:
        """Invariant 3: nothing eligible is left waiting while a free, available agent could take it."""
        free = [a for a in self.specs if a not in self.away and self.used(a) < self.specs[a].capacity]
        for cid in self.open():
            if self.status(cid) is C.WAITING_HUMAN:
                idle = [a for a in free if self.eligible(cid, a)]
                assert not idle, f"{cid} waits while {idle} could take it"

    @precondition(lambda self: self.offers)
    @rule(data=st.data())
    def accept(self, data: st.DataObject) -> None:
        oid = data.draw(st.sampled_from(sorted(self.offers)))
        offer = self.offers[oid]
        if self.now >= offer.expires_at:
            with pytest.raises(OfferNotPending):
                self.router.accept(oid, self.now)
            return
        won = self.router.accept(oid, self.now)
        assert offer.conversation_id not in self.assigned, "a second assignee"
        siblings = [o for o in self.offers.values() if o.conversation_id == offer.conversation_id and o != offer]
        assert sorted(o.offer_id for o in won.rescinded) == sorted(o.offer_id for o in siblings)
        self.end_offers([offer], exclude=False)
        self.end_offers(won.rescinded, exclude=False)
        self.assigned[offer.conversation_id] = offer.agent_id

    @precondition(lambda self: self.ended)
    @rule(data=st.data())
    def accept_ended(self, data: st.DataObject) -> None:
        oid = data.draw(st.sampled_from(sorted(self.ended)))
        with pytest.raises(OfferNotPending):
            self.router.accept(oid, self.now)

    @precondition(lambda self: self.offers)
    @rule(data=st.data())
    def decline(self, data: st.DataObject) -> None:
        oid = data.draw(st.sampled_from(sorted(self.offers)))
        if self.now >= self.offers[oid].expires_at:
            return
        self.end_offers([self.router.decline(oid, self.now, "busy")], exclude=True)

    @rule(dt=st.sampled_from([0.5, 5.0, 19.0, 21.0, 45.0, 61.0]))
    def advance(self, dt: float) -> None:
        self.clock.advance(dt)

    @rule()
    def expire(self) -> None:
        due = sorted(o.offer_id for o in self.offers.values() if o.expires_at <= self.now)
        expired = self.router.expire(self.now)
        assert sorted(o.offer_id for o in expired) == due
        self.end_offers(expired, exclude=True)
        for o in expired:
            assert self.router.state_of(o.conversation_id) in (C.WAITING_HUMAN, C.OFFERED)

    @rule()
    def takeover(self) -> None:
        """A new dispatcher rebuilds from persisted state; the model must not notice."""
        self.router = restore(take_snapshot(self.router), self.now, self.config)

    # ---- invariants ---------------------------------------------------------------------------------

    @invariant()
    def capacity_and_single_assignee(self) -> None:
        if not hasattr(self, "router"):
            return
        for aid, spec in self.specs.items():
            assigned, pending, cap = self.router.load_of(aid)
            assert (assigned, pending, cap) == (
                sum(1 for a in self.assigned.values() if a == aid),
                sum(1 for o in self.offers.values() if o.agent_id == aid), spec.capacity)
            assert assigned + pending <= cap

    @invariant()
    def nothing_lost(self) -> None:
        if not hasattr(self, "router"):
            return
        for cid in self.open():
            assert self.router.state_of(cid) is self.status(cid), cid
            assert self.router.assignee_of(cid) == self.assigned.get(cid)
        assert sorted(self.router.waiting()) == sorted(
            c for c in self.open() if self.status(c) is C.WAITING_HUMAN)


    @invariant()
    def indexes_consistent(self) -> None:
        if hasattr(self, "router"):
            check_structures(self.router)


class BroadcastMachine(RouterMachine):
    broadcast = 2


SETTINGS = settings(max_examples=150, stateful_step_count=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
TestRouter = RouterMachine.TestCase
TestRouter.settings = SETTINGS
TestBroadcast = BroadcastMachine.TestCase
TestBroadcast.settings = SETTINGS
