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
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from tandem.core.errors import TandemError, Unauthorized
from tandem.core.ids import token_digest
from tandem.services import agents as agent_service
from tandem.services import conversations, flows, queue, workbench
from tandem.services.context import Services

router = APIRouter()
log = logging.getLogger(__name__)
AUTH_TIMEOUT_S = 10.0
MAX_FRAME = 64_000
# "service restart": the client reconnects and asks for everything after its last sequence number
RESYNC_CLOSE_CODE = 1012


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
    frame = _parse(raw)
    if frame.get("type") != "auth" or not isinstance(frame.get("token"), str):
        raise Unauthorized("the first frame must be {\"type\": \"auth\", \"token\": ...}")
    return frame


def _parse(raw: str) -> dict[str, Any]:
    if len(raw) > MAX_FRAME:
        raise TandemError("frame too large")
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
    sub = services.bus.subscribe(f"conv:{conversation_id}", "queue")
    try:
        sent = await _send_backlog(ws, services, conversation_id, after)
        await _send_status(ws, services, conversation_id)
        reader = asyncio.create_task(_customer_reader(ws, services, conversation_id, token))
        try:
            await _forward(ws, sub, services, conversation_id, sent, reader)
        finally:
            reader.cancel()
    except OverflowError:  # events may have been lost: the client reconnects and resyncs by seq
        await _close_for_resync(ws)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        sub.close()


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


async def _send_status(ws: WebSocket, services: Services, conversation_id: str) -> None:
    def load() -> dict[str, Any]:
        with services.work() as work:
            conv = conversations.get(work, conversation_id)
            entry = queue.open_handoff(work, conversation_id)
            status: dict[str, Any] = {"type": "status", "state": conv.state, "queue": None}
            if entry is not None and entry.status == queue.WAITING:
                est = queue.estimate(work, entry, services.settings.assumed_handle_time_s)
                status["queue"] = {"position": est.position, "eta_seconds": est.eta_seconds,
                                   "agents_online": est.agents_online, "explanation": est.explanation}
            return status

    await ws.send_json(await run_in_threadpool(load))


async def _forward(ws: WebSocket, sub: Any, services: Services, conversation_id: str, sent: int,
                   reader: asyncio.Task[None]) -> None:
    while not reader.done():
        getter = asyncio.ensure_future(sub.get())
        done, _ = await asyncio.wait({getter, reader}, return_when=asyncio.FIRST_COMPLETED)
        if getter not in done:
            getter.cancel()
            break
        topic, event = getter.result()
        if topic == "queue" or event.get("type") == "state":
            await _send_status(ws, services, conversation_id)
            if topic == "queue":
                continue
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
            frame = _parse(raw)
            if frame.get("type") == "message":
                ack = await run_in_threadpool(flows.customer_message, services, conversation_id, token,
                                              frame.get("body"), frame.get("client_id"))
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
        agent_id = await run_in_threadpool(_agent_check, services, token)
    except (TimeoutError, TandemError, WebSocketDisconnect) as exc:
        await _close_unauthorized(ws, exc)
        return
    sub = services.bus.subscribe(f"agent:{agent_id}", "queue")
    digest = token_digest(token)
    try:
        await ws.send_json({"type": "hello", "agent_id": agent_id})
        reader = asyncio.create_task(_agent_reader(ws, services, token, agent_id))
        try:
            while not reader.done():
                getter = asyncio.ensure_future(sub.get())
                done, _ = await asyncio.wait({getter, reader}, return_when=asyncio.FIRST_COMPLETED)
                if getter not in done:
                    getter.cancel()
                    break
                _, event = getter.result()
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
        sub.close()


def _agent_check(services: Services, token: str) -> str:
    with services.work() as work:
        agent = agent_service.authenticate(work, token)
        agent_service.heartbeat(work, agent.id)
        return agent.id


async def _agent_reader(ws: WebSocket, services: Services, token: str, agent_id: str) -> None:
    while True:
        raw = await _receive_text(ws)
        try:
            frame = _parse(raw)
            if frame.get("type") == "ping":
                # every ping is a heartbeat, and re-checks the session so an expired one closes the socket
                await run_in_threadpool(_agent_check, services, token)
                await ws.send_json({"type": "pong"})
            else:
                raise TandemError("unknown frame type; expected 'ping'")
        except Unauthorized as exc:
            await ws.send_json(_error(exc))
            await ws.close(code=4401)
            return
        except TandemError as exc:
            await ws.send_json(_error(exc))
