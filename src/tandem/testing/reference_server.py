"""A reference implementation of the HTTP account-backend contract (docs/backend.md), over any AccountBackend.

It is what a company's side looks like, small enough to read: it verifies Tandem's signature and timestamp,
routes the contract's paths to an AccountBackend (the tests put the demo backend behind it), and answers with
the contract's bodies and errors. `faults` lets a test make it slow or failing.

    app = reference_app(backend, key)            # an ASGI app; serve it with uvicorn
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import TypeAdapter
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tandem.backend.http import verify_request
from tandem.backend.protocol import AccountBackend
from tandem.backend.records import Actor, ActorKind
from tandem.core.errors import NotFound, PolicyDenied
from tandem.domain.skills import Tier


@dataclass
class Faults:
    """What the reference server does wrong on purpose: for the next `count` requests (or all when None)."""

    status: int | None = None  # answer this HTTP status instead
    delay_s: float = 0.0  # wait this long before answering
    body: bytes | None = None  # answer these bytes (status 200) instead
    count: int | None = None
    seen: list[str] = field(default_factory=list)  # "METHOD path" of every request that reached the server

    def take(self) -> bool:
        if self.count is None:
            return self.status is not None or self.delay_s > 0 or self.body is not None
        if self.count <= 0:
            return False
        self.count -= 1
        return True


def _actor(data: Any) -> Actor:
    if not isinstance(data, dict):
        raise ValueError("actor must be an object")
    if data.get("kind") == "ai":
        return Actor.ai()
    if data.get("kind") == "agent" and isinstance(data.get("tier"), str):
        return Actor(ActorKind.AGENT, str(data.get("agent_id") or ""), Tier[data["tier"].upper()])
    raise ValueError("actor.kind must be 'ai' or 'agent' with a tier")


def reference_app(backend: AccountBackend, key: bytes, faults: Faults | None = None) -> Starlette:
    """The contract's endpoints over `backend`, refusing requests not signed with `key`."""
    faults = faults or Faults()

    def endpoint(name: str) -> Any:
        async def handle(request: Request) -> Response:
            body = await request.body()
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            faults.seen.append(f"{request.method} {request.url.path}")
            if not verify_request(key, dict(request.headers), request.method, target, body, time.time()):
                return JSONResponse({"error": {"code": "unauthorized", "message": "bad or missing signature"}}, 401)
            if faults.take():
                await asyncio.sleep(faults.delay_s)
                if faults.body is not None:
                    return Response(faults.body, media_type="application/json")
                if faults.status is not None:
                    return JSONResponse({"error": {"code": "failure", "message": "injected"}}, faults.status)
            try:
                payload = json.loads(body) if body else {}
                value = await asyncio.to_thread(_call, backend, name, dict(request.path_params),
                                                dict(request.query_params), payload)
            except NotFound as exc:
                return JSONResponse({"error": {"code": "not_found", "message": exc.message}}, 404)
            except PolicyDenied as exc:
                return JSONResponse({"error": {"code": "policy_denied", "policy": exc.details.get("policy"),
                                               "message": exc.message}}, 403)
            except (ValueError, KeyError, InvalidOperation) as exc:
                return JSONResponse({"error": {"code": "invalid_input", "message": str(exc)}}, 400)
            return JSONResponse(TypeAdapter(Any).dump_python(value, mode="json"))
        return handle

    order = "/customers/{customer}/orders/{order}"
    routes = [("/today", "today", "GET"), ("/customers", "find", "GET"), ("/customers/{customer}", "customer", "GET"),
              ("/customers/{customer}/orders", "orders", "GET"), (order, "order", "GET"),
              (order + "/schedule", "schedule", "GET"), (order + "/refunds", "refunds", "GET"),
              (order + "/pause", "pause", "POST"), (order + "/due-date", "due_date", "POST"),
              (order + "/invoice", "invoice", "POST"), (order + "/waive-late-fee", "waive", "POST"),
              ("/customers/{customer}/goodwill-credit", "credit", "POST")]
    return Starlette(routes=[Route(path, endpoint(name), methods=[method]) for path, name, method in routes])


def _call(backend: AccountBackend, name: str, path: dict[str, str], query: dict[str, str],
          payload: dict[str, Any]) -> Any:
    """One contract call on the backend; NotFound / PolicyDenied / ValueError become the contract's errors."""
    customer, order = path.get("customer", ""), path.get("order", "")
    if name == "today":
        return {"date": backend.today()}
    if name == "find":
        found = backend.find_customer_by_email(query.get("email", ""))
        if found is None:
            raise NotFound("no customer with that email")
        return found
    reads = {"customer": lambda: backend.get_customer(customer), "orders": lambda: backend.list_orders(customer),
             "order": lambda: backend.get_order(customer, order),
             "schedule": lambda: backend.payment_schedule(customer, order),
             "refunds": lambda: backend.refund_status(customer, order)}
    if name in reads:
        return reads[name]()
    actor = _actor(payload.get("actor"))
    if name == "pause":
        return backend.pause_payment(customer, order, int(payload["days"]), actor)
    if name == "due_date":
        return backend.change_due_date(customer, order, int(payload["days"]), actor)
    if name == "invoice":
        return backend.resend_invoice(customer, order, actor)
    if name == "waive":
        return backend.waive_late_fee(customer, order, actor)
    return backend.goodwill_credit(customer, Decimal(str(payload["amount"])), actor)
