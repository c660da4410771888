"""WebSocket endpoints. The first frame authenticates; a resuming client names its last sequence number.

Resync is gap-free without time windows: the socket subscribes to the bus first, then reads the stored
messages after the client's last seq, then forwards live events, skipping any seq it already sent. When the
bus may have dropped events (a slow subscriber, or Redis reconnecting) the socket is closed with 1012 and the
client reconnects with its last seq.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, cast

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from tandem.api.routes_customer import store_customer_message
from tandem.core.errors import TandemError, Unauthorized
from tandem.core.ids import token_digest
from tandem.domain.conversation import QUEUED_STATES
from tandem.services import agents as agent_service
from tandem.services import conversations, flows, queue, routing_live, workbench
from tandem.services.context import Services
from tandem.services.presence import MemoryHeartbeats

router = APIRouter()
log = logging.getLogger(__name__)
AUTH_TIMEOUT_S = 10.0
# an agent socket re-reads its session from the database at most this often (on a ping; see _ping)
SESSION_RECHECK_S = 60.0
# "service restart": the client reconnects and asks for everything after its last sequence number
RESYNC_CLOSE_CODE = 1012
# Queue-topic events ("something in the queue moved") are hints to reload, and at 20 escalations a second
# every open socket would reload 60+ times a second. The first hint of a burst is acted on at once and the rest
# of the burst becomes one trailing hint after this window: a console hears at most one hint a second and always
# the last one (it reloads the queue it is shown, GET /api/agent/queue; offers come in their own frames, at
# once). 0.25 s until 5 Dec 2026: four hint frames a second to every console were ~40 of a cycle's 45 frames at
# 20 escalations a second (docs/routing.md, "Queue hints: fewer, and only where they concern").
HINT_WINDOW_S = 1.0
HINT_TYPES = frozenset({"queue.changed", "agents.changed"})
# A hint frame says only "reload", with no conversation id (a console of another topic or language must not
# learn of the conversation), so each kind is encoded once for every console.
HINT_FRAMES = {kind: json.dumps({"type": kind}) for kind in HINT_TYPES}
_HINT_EVENTS = {kind: {"type": kind} for kind in HINT_TYPES}
WAITING_STATES = frozenset(state.value for state in QUEUED_STATES)
_READER_DONE = object()
# the topic of the marker a socket's reader leaves in the socket's subscription when it ends (never a bus topic)
_READER_DONE_TOPIC = "\x00reader-done"
# the topic of a hint _QueueHints hands a socket, coalesced and filtered already (never a bus topic)
_HINT_TOPIC = "\x00queue-hint"


class _Hints:
    """Coalesces a burst of hint events into an immediate action plus at most one trailing one, which stands
    for every event of the burst after the first."""

    def __init__(self, window_s: float = HINT_WINDOW_S) -> None:
        self.window_s = window_s
        self.last = float("-inf")
        self.pending: list[dict[str, Any]] = []

    def offer(self, event: dict[str, Any], now: float) -> bool:
        """Return True to act on this hint now; otherwise it is kept for the trailing action."""
        if now - self.last >= self.window_s:
            self.last, self.pending = now, []
            return True
        self.pending.append(event)
        return False

    def due_in(self, now: float) -> float | None:
        """Seconds until the trailing action is due, or None when nothing is pending."""
        return None if not self.pending else max(0.0, self.last + self.window_s - now)

    def take(self, now: float) -> list[dict[str, Any]]:
        """The pending hints (oldest first), now acted on."""
        assert self.pending
        events, self.pending, self.last = self.pending, [], now
        return events


@dataclass(frozen=True)
class _Burst:
    """What a burst of hint events says, for deciding per console: the queue cells (topic, language) that
    changed, whether a queue change without cells (everyone's concern) was among them, and whether an
    agents.changed was."""

    cells: frozenset[tuple[str | None, str]]
    queue_for_all: bool
    agents: bool

    @staticmethod
    def of(events: list[dict[str, Any]]) -> _Burst:
        cells: set[tuple[str | None, str]] = set()
        queue_for_all = agents = False
        for event in events:
            if event.get("type") == "agents.changed":
                agents = True
            elif isinstance(event.get("cells"), list):
                cells.update((topic, language) for topic, language in event["cells"])
            else:
                queue_for_all = True
        return _Burst(frozenset(cells), queue_for_all, agents)

    def kind_for(self, reach: routing_live.QueueReach | None) -> str | None:
        """The hint frame a console gets for this burst: queue.changed when a queue change can concern its agent
        (reach None: a customer's socket, concerned by every change), else agents.changed if there was one,
        else none."""
        if self.queue_for_all or (self.cells and (reach is None or any(
                reach.covers(topic, language) for topic, language in self.cells))):
            return "queue.changed"
        return "agents.changed" if self.agents else None


class _QueueHints:
    """The queue topic for every socket of this process, from one bus subscription.

    At 20 escalations a second the queue topic carries 100+ events a second; subscribed per socket, each event
    woke every open socket (a thread-safe callback, a task switch and a coalescing decision, per socket, per
    event) so the loop that carries offers spent its time on hints nobody needed yet. Here a burst of hints is
    coalesced once for all sockets (the first at once, the rest as one trailing hint after HINT_WINDOW_S) and
    handed, as one hint of the burst's kind, only to the sockets it concerns: an agent's console when a changed
    queue cell (topic, language) is one the agent could ever take (`routing_live.QueueReach`, from the socket's
    session check), or when the change names no cell; every customer socket. Other queue events (a surge
    notice) go on at once, to every socket. A socket then wakes at most once a second for hints, whatever the
    rate, and not at all for other lanes' work. Lost hints (the hub's subscription overflowed or the bus
    reconnected) become one hint for everyone: they only ever mean "reload".
    """

    def __init__(self, bus: Any, loop: asyncio.AbstractEventLoop, window_s: float = HINT_WINDOW_S) -> None:
        self.bus, self.loop, self.window_s = bus, loop, window_s
        # each socket subscription's deliver(topic, event), and whose queue cells concern it (None: all)
        self.targets: dict[Any, routing_live.QueueReach | None] = {}
        self.task: asyncio.Task[None] | None = None
        self.fanned_out = 0  # bursts and other events fanned out (tests and curiosity)
        self.hints_sent = 0  # hints handed to sockets

    @staticmethod
    def of(ws: WebSocket) -> _QueueHints:
        """This app's hub in the running loop (created on first use)."""
        loop = asyncio.get_running_loop()
        hub: _QueueHints | None = getattr(ws.app.state, "queue_hints", None)
        if hub is None or hub.loop is not loop:
            hub = ws.app.state.queue_hints = _QueueHints(ws.app.state.services.bus, loop, HINT_WINDOW_S)
        return hub

    def join(self, sub: Any, reach: routing_live.QueueReach | None = None) -> None:
        """Hand queue events that concern `reach` (None: all) to `sub` from now on (live before this returns, as
        a bus subscription is); joining again only replaces the reach."""
        self.targets[sub.deliver] = reach
        if self.task is None or self.task.done():
            first = self.bus.subscribe("queue")
            self.task = self.loop.create_task(self._run(first), name="ws-queue-hints")

    def leave(self, sub: Any) -> None:
        self.targets.pop(sub.deliver, None)
        if not self.targets and self.task is not None:
            self.task.cancel()
            self.task = None

    def _fan_out(self, event: dict[str, Any]) -> None:
        for deliver in list(self.targets):
            deliver("queue", event)
        self.fanned_out += 1

    def _fan_out_hints(self, events: list[dict[str, Any]]) -> None:
        burst = _Burst.of(events)
        for deliver, reach in list(self.targets.items()):
            kind = burst.kind_for(reach)
            if kind is not None:
                deliver(_HINT_TOPIC, _HINT_EVENTS[kind])
                self.hints_sent += 1
        self.fanned_out += 1

    async def _run(self, sub: Any) -> None:
        hints = _Hints(self.window_s)
        try:
            while True:
                timeout = hints.due_in(self.loop.time())
                try:
                    topic, event = await asyncio.wait_for(sub.get(), timeout)
                except TimeoutError:  # the trailing hint of a burst
                    self._fan_out_hints(hints.take(self.loop.time()))
                    continue
                except OverflowError:  # some were lost: subscribe afresh, and everyone reloads once
                    sub.close()
                    sub = self.bus.subscribe("queue")
                    event = {"type": "queue.changed"}
                if event.get("type") not in HINT_TYPES:
                    self._fan_out(event)
                elif hints.offer(event, self.loop.time()):
                    self._fan_out_hints([event])
        finally:
            sub.close()


def _subscribe(ws: WebSocket, topic: str, reach: routing_live.QueueReach | None = None) -> Any:
    """A bus subscription to the socket's own topic, fed the queue hints that concern `reach` (None: all) by the
    process's _QueueHints."""
    bus = ws.app.state.services.bus
    sub = bus.subscribe(topic)
    if not callable(getattr(sub, "deliver", None)):  # a bus without local delivery: every socket subscribes
        sub.close()
        return bus.subscribe(topic, "queue")
    _QueueHints.of(ws).join(sub, reach)
    return sub


def _concerns(event: dict[str, Any], reach: routing_live.QueueReach | None) -> bool:
    """Whether a queue hint taken straight from the bus (a bus without local delivery) concerns this socket."""
    return _Burst.of([event]).kind_for(reach) is not None


def _unsubscribe(ws: WebSocket, sub: Any) -> None:
    if callable(getattr(sub, "deliver", None)):
        _QueueHints.of(ws).leave(sub)
    sub.close()


def _start_reader(sub: Any, reading: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
    """Run the socket's reader (the client's frames) as a task whose end is announced through the socket's own
    subscription, after the events already queued there: `_next_event` then waits on one thing only."""
    reader = asyncio.create_task(reading)
    reader.add_done_callback(lambda _task: sub.deliver(_READER_DONE_TOPIC, {}))
    return reader


async def _next_event(sub: Any, timeout: float | None) -> object:
    """The next bus event, _READER_DONE once the client's side has ended (its reader started by _start_reader),
    or None on timeout. One await on the subscription: no task and no asyncio.wait per event (with 200 consoles
    open, queue hints alone are dozens of socket wake-ups per cycle; issue 17)."""
    try:
        # a get cancelled by the timeout takes nothing from the subscription: the event stays queued
        got = await (sub.get() if timeout is None else asyncio.wait_for(sub.get(), timeout))
    except TimeoutError:
        return None
    if got[0] is _READER_DONE_TOPIC:
        return _READER_DONE
    return got


async def _receive_text(ws: WebSocket) -> str:
    """Receive one text frame; a binary frame is answered with an error instead of dropping the socket."""
    while True:
        message = await ws.receive()
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(message.get("code", 1000))
        if message.get("text") is not None:
            return str(message["text"])
        await ws.send_json(_error(TandemError("binary frames are not supported; send JSON text")))


async def _first_frame(ws: WebSocket) -> dict[str, Any]:
    raw = await asyncio.wait_for(_receive_text(ws), AUTH_TIMEOUT_S)
    frame = _parse(raw, _max_frame(ws))
    if frame.get("type") != "auth" or not isinstance(frame.get("token"), str):
        raise Unauthorized("the first frame must be {\"type\": \"auth\", \"token\": ...}")
    return frame


def _max_frame(ws: WebSocket) -> int:
    limit: int = ws.app.state.services.settings.max_frame_bytes
    return limit


def _parse(raw: str, max_bytes: int) -> dict[str, Any]:
    # characters are at most 4 bytes: only a long frame pays for the exact count
    if len(raw) * 4 > max_bytes and len(raw.encode()) > max_bytes:
        raise TandemError(f"frame is larger than {max_bytes} bytes; nothing in it was used", limit=max_bytes)
    try:
        frame = json.loads(raw)
    except json.JSONDecodeError:
        raise TandemError("frame is not valid JSON") from None
    if not isinstance(frame, dict):
        raise TandemError("frame must be a JSON object")
    return frame


def _error(exc: TandemError) -> dict[str, Any]:
    return {"type": "error", "error": {"code": exc.code, "message": exc.message, "details": exc.details}}


@router.websocket("/ws/conversations/{conversation_id}")
async def customer_socket(ws: WebSocket, conversation_id: str) -> None:
    services: Services = ws.app.state.services
    await ws.accept()
    try:
        frame = await _first_frame(ws)
        token = frame["token"]
        after = frame.get("after", 0)
        after = after if isinstance(after, int) and after >= 0 else 0
        await run_in_threadpool(_customer_check, services, conversation_id, token)
    except (TimeoutError, TandemError, WebSocketDisconnect) as exc:
        await _close_unauthorized(ws, exc)
        return
    sub = _subscribe(ws, f"conv:{conversation_id}")
    try:
        sent = await _send_backlog(ws, services, conversation_id, after)
        waiting = await _send_status(ws, services, conversation_id)
        reader = _start_reader(sub, _customer_reader(ws, services, conversation_id, token))
        try:
            await _forward(ws, sub, services, conversation_id, sent, waiting)
        finally:
            reader.cancel()
    except OverflowError:  # events may have been lost: the client reconnects and resyncs by seq
        await _close_for_resync(ws)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        _unsubscribe(ws, sub)


async def _close_for_resync(ws: WebSocket) -> None:
    with contextlib.suppress(Exception):
        await ws.send_json({"type": "resync", "reason": "events may have been missed; reconnect"})
        await ws.close(code=RESYNC_CLOSE_CODE)


def _customer_check(services: Services, conversation_id: str, token: str) -> None:
    with services.work() as work:
        conversations.get_for_customer(work, conversation_id, token)


async def _close_unauthorized(ws: WebSocket, exc: BaseException) -> None:
    with contextlib.suppress(Exception):
        if isinstance(exc, TandemError):
            await ws.send_json(_error(exc))
        await ws.close(code=4401)


async def _send_backlog(ws: WebSocket, services: Services, conversation_id: str, after: int) -> int:
    """Send every stored message after `after`, page by page; return the last seq sent."""

    def load(start: int) -> list[dict[str, Any]]:
        with services.work() as work:
            return [conversations.message_view(m) for m in conversations.messages_after(work, conversation_id, start)]

    last = after
    while page := await run_in_threadpool(load, last):
        for view in page:
            await ws.send_json({"type": "message", "conversation_id": conversation_id, "message": view})
            last = view["seq"]
    return last


async def _send_status(ws: WebSocket, services: Services, conversation_id: str) -> bool:
    """Send the conversation's state and queue position; return whether it waits for a human."""

    def load() -> dict[str, Any]:
        with services.work() as work:
            conv = conversations.get(work, conversation_id)
            entry = queue.open_handoff(work, conversation_id)
            status: dict[str, Any] = {"type": "status", "state": conv.state, "language": conv.language, "queue": None}
            if entry is not None and entry.status == queue.WAITING:
                est = queue.estimate(work, entry, services.settings.assumed_handle_time_s, conv.language)
                status["queue"] = est.view()
            return status

    status = await run_in_threadpool(load)
    await ws.send_json(status)
    return status["state"] in WAITING_STATES


async def _forward(ws: WebSocket, sub: Any, services: Services, conversation_id: str, sent: int,
                   waiting: bool) -> None:
    loop = asyncio.get_running_loop()
    hints = _Hints(HINT_WINDOW_S)
    while True:
        got = await _next_event(sub, hints.due_in(loop.time()))
        if got is _READER_DONE:
            break
        if got is None:  # the trailing refresh for a burst of queue hints
            hints.take(loop.time())
            waiting = await _send_status(ws, services, conversation_id)
            continue
        topic, event = cast(tuple[str, dict[str, Any]], got)
        if topic == _HINT_TOPIC:  # coalesced by _QueueHints: a conversation in the queue refreshes its position
            if waiting:
                waiting = await _send_status(ws, services, conversation_id)
            continue
        if event.get("type") == "erased":
            # the customer's data was erased (api/routes_privacy.py): the token is revoked, so this socket ends too
            await _close_unauthorized(ws, Unauthorized("this conversation was erased; start a new one",
                                                       erased=True))
            break
        if topic == "queue":
            # only a conversation in the queue has a position to refresh; others ignore queue hints (they come
            # here straight from the bus only on a bus without local delivery, or are a surge notice)
            if waiting and hints.offer(event, loop.time()):
                waiting = await _send_status(ws, services, conversation_id)
            continue
        if event.get("type") == "state":
            waiting = await _send_status(ws, services, conversation_id)
        if event.get("type") == "message":
            seq = event["message"]["seq"]
            if seq > sent + 1:
                # events of two commits can be published out of order: fill the gap from the database
                sent = await _send_backlog(ws, services, conversation_id, sent)
                continue
            if seq <= sent:
                continue
            sent = seq
        await ws.send_json(event)


async def _customer_reader(ws: WebSocket, services: Services, conversation_id: str, token: str) -> None:
    while True:
        raw = await _receive_text(ws)
        frame: dict[str, Any] = {}
        try:
            frame = _parse(raw, _max_frame(ws))
            if frame.get("type") == "message":
                ack = await run_in_threadpool(store_customer_message, services, ws.app.state.limiter,
                                              conversation_id, token, frame.get("body"), frame.get("client_id"))
                await ws.send_json({"type": "ack", "client_id": ack.client_id, "seq": ack.seq,
                                    "duplicate": ack.duplicate})
                if ack.for_assistant is not None:
                    asyncio.create_task(run_in_threadpool(flows.assistant_turn, services, conversation_id,
                                                          ack.for_assistant))
            elif frame.get("type") == "ping":
                await ws.send_json({"type": "pong"})
            elif frame.get("type") == "typing":  # relayed to the assigned agent, never stored
                await run_in_threadpool(workbench.customer_typing, services, conversation_id)
            else:
                raise TandemError("unknown frame type; expected 'message' or 'ping'")
        except TandemError as exc:
            await ws.send_json({**_error(exc), "client_id": frame.get("client_id")})


@router.websocket("/ws/agent")
async def agent_socket(ws: WebSocket) -> None:
    services: Services = ws.app.state.services
    await ws.accept()
    try:
        frame = await _first_frame(ws)
        token = frame["token"]
        check = await run_in_threadpool(_agent_check, services, token)
        agent_id = check.agent_id
    except (TimeoutError, TandemError, WebSocketDisconnect) as exc:
        await _close_unauthorized(ws, exc)
        return
    sub = _subscribe(ws, f"agent:{agent_id}", check.reach)
    reach = [check.reach]

    def rechecked(new: SessionCheck) -> None:  # skills and languages as the session's last check read them
        reach[0] = new.reach
        if callable(getattr(sub, "deliver", None)):
            _QueueHints.of(ws).join(sub, new.reach)

    digest = token_digest(token)
    try:
        await ws.send_json({"type": "hello", "agent_id": agent_id})
        reader = _start_reader(sub, _agent_reader(ws, services, token, check, rechecked))
        loop = asyncio.get_running_loop()
        hints = _Hints(HINT_WINDOW_S)  # only for hints straight from the bus (a bus without local delivery)
        try:
            while True:
                got = await _next_event(sub, hints.due_in(loop.time()))
                if got is _READER_DONE:
                    break
                if got is None:  # one trailing hint stands for the burst: the console reloads its queue once
                    kind = _Burst.of(hints.take(loop.time())).kind_for(reach[0])
                    if kind is not None:
                        await ws.send_text(HINT_FRAMES[kind])
                    continue
                topic, event = cast(tuple[str, dict[str, Any]], got)
                if topic == _HINT_TOPIC:  # coalesced and filtered by _QueueHints; the frame is encoded once
                    await ws.send_text(HINT_FRAMES[event["type"]])
                    continue
                if topic == "queue" and event.get("type") in HINT_TYPES:
                    if _concerns(event, reach[0]) and hints.offer(event, loop.time()):
                        await ws.send_text(HINT_FRAMES[event["type"]])
                    continue
                if event.get("type") == "session.revoked":
                    # other sessions' token digests are never forwarded; only this session's socket closes
                    if event.get("token_digest") == digest:
                        await ws.send_json({"type": "session.closed", "reason": "logged out"})
                        await ws.close(code=4401)
                        break
                    continue
                await ws.send_json(event)
        finally:
            reader.cancel()
    except OverflowError:  # events may have been lost: the client reconnects and resyncs by seq
        await _close_for_resync(ws)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        _unsubscribe(ws, sub)


@dataclass(frozen=True)
class SessionCheck:
    """What the last database check of an agent socket's session found, and when: with the agent's skills and
    languages, which queue hints concern the console (read again at each check, so a new certification
    reaches the hints within SESSION_RECHECK_S)."""

    agent_id: str
    expires_at: float
    checked_at: float
    reach: routing_live.QueueReach


def _agent_check(services: Services, token: str) -> SessionCheck:
    with services.work() as work:
        agent, expires_at = agent_service.authenticate_session(work, token)
        reach = routing_live.queue_reach(work, routing_live.routing_config(services.settings), agent)
        check = SessionCheck(agent.id, expires_at, work.now, reach)
    services.heartbeats.beat((check.agent_id,), check.checked_at)  # not a database write (services/presence.py)
    return check


async def _ping(services: Services, token: str, check: SessionCheck,
                rechecked: Callable[[SessionCheck], None]) -> SessionCheck:
    """Every ping is a heartbeat and closes an expired session at once; it reads the session from the database
    only every SESSION_RECHECK_S (a logout closes the socket at once by its event): with thousands of consoles
    pinging every 10 s, a read per ping would be hundreds of transactions a second for nothing."""
    now = services.clock.now()
    if now >= check.expires_at:
        raise Unauthorized("session expired or invalid; log in again")
    if now - check.checked_at >= SESSION_RECHECK_S:
        check = await run_in_threadpool(_agent_check, services, token)
        rechecked(check)
        return check
    if isinstance(services.heartbeats, MemoryHeartbeats):  # a dict update under a lock: no thread hop for it
        services.heartbeats.beat((check.agent_id,), now)
    else:
        await run_in_threadpool(services.heartbeats.beat, (check.agent_id,), now)  # Redis (scaled): off the loop
    return check


async def _agent_reader(ws: WebSocket, services: Services, token: str, check: SessionCheck,
                        rechecked: Callable[[SessionCheck], None]) -> None:
    while True:
        raw = await _receive_text(ws)
        try:
            frame = _parse(raw, _max_frame(ws))
            if frame.get("type") == "ping":
                check = await _ping(services, token, check, rechecked)
                await ws.send_json({"type": "pong"})
            else:
                raise TandemError("unknown frame type; expected 'ping'")
        except Unauthorized as exc:
            await ws.send_json(_error(exc))
            await ws.close(code=4401)
            return
        except TandemError as exc:
            await ws.send_json(_error(exc))
