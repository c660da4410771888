"""The FastAPI application: REST, WebSockets, pages, and the in-process dispatcher loop."""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager, asynccontextmanager
from importlib import resources
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from tandem import __version__
from tandem.api import (
    docs_page,
    routes_agent,
    routes_audit,
    routes_customer,
    routes_i18n,
    routes_invites,
    routes_ops,
    routes_privacy,
    routes_quality,
    routes_surge,
    routes_workbench,
    routes_workforce,
    ws,
)
from tandem.api.headers import SecurityHeadersMiddleware
from tandem.api.limits import BodyLimitMiddleware, too_large
from tandem.api.ratelimit import Limiter, RateLimitMiddleware
from tandem.api.responses import READINESS_RESPONSES, CompanyOut, Health, Readiness
from tandem.bus.inprocess import InProcessBus
from tandem.core import deploy
from tandem.core.errors import NotFound, RateLimited, TandemError
from tandem.services import dispatch, help_center
from tandem.services.context import ROUTING_TOPIC, Services, Work, frees_room_only, wakes_dispatcher
from tandem.services.leader import DISPATCHER, LeaderLoop, Lease
from tandem.services.surge import SurgeLoop

log = logging.getLogger(__name__)
STATIC = resources.files("tandem.web") / "static"


# at shutdown, how long work still running in the thread pool may take to finish (an assistant turn whose socket has
# gone, a message being stored when the customer dropped): it commits rather than meeting a closed database
DRAIN_TIMEOUT_S = 10.0


async def drain_threads(timeout_s: float) -> int:
    """Wait, at most timeout_s, until no request work runs in the thread pool; returns how many were still busy.

    A WebSocket reader cancelled by a disconnect does not stop the thread it awaited, and an assistant turn runs on
    after the customer's socket closes; both hold a database connection until they commit."""
    limiter = anyio.to_thread.current_default_thread_limiter()
    deadline = time.monotonic() + timeout_s
    while limiter.borrowed_tokens and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    if limiter.borrowed_tokens:
        log.warning("shutdown: %d thread-pool calls still running after %.0f s", limiter.borrowed_tokens, timeout_s)
    return int(limiter.borrowed_tokens)


def create_app(services: Services, run_dispatcher: bool = True) -> FastAPI:
    """Build the app around ready services; the dispatcher loop runs inside this process by default.

    Refuses unsafe production settings (core/deploy.py), however the server was started."""
    deploy.refuse_unsafe(services.settings)
    dispatcher = DispatchLoop(services)
    surge_loop = SurgeLoop(services, dispatcher.lease)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await services.bus.start()
        if run_dispatcher:
            dispatcher.start()
            surge_loop.start()
        live_kb = services.extras.get("help_center")  # every replica reloads an imported help center
        kb_task = (asyncio.create_task(help_center.refresh_loop(live_kb, services.settings.kb_refresh_s))
                   if live_kb is not None else None)
        try:
            yield
        finally:
            if kb_task is not None:
                kb_task.cancel()
            await drain_threads(DRAIN_TIMEOUT_S)
            await surge_loop.stop()
            await dispatcher.stop()
            await services.bus.stop()

    # the API docs and schema are off in production unless api_docs says otherwise (api/docs_page.py)
    api_docs = services.settings.api_docs if services.settings.api_docs is not None \
        else services.settings.env != "production"
    app = FastAPI(title="Tandem", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=docs_page.OPENAPI_URL if api_docs else None,
                  description="AI-first customer service with a human always one step away.")
    if api_docs:
        docs_page.install(app)
    app.state.services = services
    app.state.limiter = Limiter.for_settings(services.settings) if services.settings.rate_limit else None
    if app.state.limiter is not None:
        app.add_middleware(RateLimitMiddleware, limiter=app.state.limiter)
    app.add_middleware(SecurityHeadersMiddleware, frame_origins=services.settings.frame_origins,
                       hsts=services.settings.public_url.startswith("https://"))
    app.add_middleware(BodyLimitMiddleware, max_bytes=services.settings.max_body_bytes)  # outermost: first
    app.state.dispatcher = dispatcher
    _install_error_handlers(app)
    app.include_router(routes_customer.router)  # the routers of a cycle's requests first (api/hot.py)
    app.include_router(routes_agent.router)
    app.include_router(routes_i18n.router)
    app.include_router(routes_ops.router)
    app.include_router(routes_privacy.router)
    app.include_router(routes_audit.router)
    app.include_router(routes_invites.router)
    app.include_router(routes_workforce.router)
    app.include_router(routes_surge.router)
    app.include_router(routes_quality.router)
    app.include_router(routes_workbench.router)
    app.include_router(ws.router)
    _install_pages(app)
    return app


# the live dispatcher looks for idle seniors to offer QA reviews to at most this often (DispatchLoop.run_pass)
REVIEW_OFFER_S = 1.0


class DispatchLoop:
    """The live dispatcher: passes on a timer and whenever the queue changes, only while it holds the lease.

    (Not the routing engine's `engines.routing.Dispatcher`, which this drives through services/routing_live.py.)
    Every replica runs this loop, on the shared leader-loop runner (`leader.LeaderLoop`, as the surge loop and
    the quality monitor); the database lease (services/leader.py) lets exactly one of them dispatch. The others
    retry the lease every interval and take over within its TTL when the leader dies. The leader keeps the routing
    engine in memory (services/routing_live.py), current from the routing changes every replica reports (locally,
    and over the bus); a new tenure starts with a full restore from the database.
    """

    def __init__(self, services: Services, lease: Lease | None = None) -> None:
        self.services = services
        self.live = dispatch.new_pass_state(services)
        self.lease = lease or Lease(services.db, DISPATCHER)
        self.loop = LeaderLoop("dispatcher", self.lease, services.settings.dispatch_interval_s, self.run_pass,
                               services.work, owner=True, on_tenure=self.live.invalidate)
        self._next_reviews = 0.0
        self._listener: asyncio.Task[None] | None = None
        self._routing_listener: asyncio.Task[None] | None = None

    def run_pass(self, unit: Callable[[], AbstractContextManager[Work]]) -> None:
        """One pass in one transaction, fenced by the runner (`unit`: lease checked first, renewed last):
        conversation offers, then QA reviews for seniors left idle (conversation offers always come first).

        New review offers are looked for at most once per REVIEW_OFFER_S: finding idle seniors reads every
        available agent, and passes come as often as escalations (20 a second); a review waits in its queue for
        hours, so a second more is nothing. Expiring, reopening and rescinding review offers run on every pass."""
        now = time.monotonic()
        new_reviews = now >= self._next_reviews
        if new_reviews:
            self._next_reviews = now + REVIEW_OFFER_S
        dispatch.tick(self.services, self.live, unit=unit, reviews=True, new_reviews=new_reviews)

    def start(self) -> None:
        # Scaled (Redis), queue and routing changes reach `_listen_queue` and `_listen_routing` from every replica,
        # this one included. A replica's own queue events come back a round trip later, often while the pass a
        # direct call would have started is running, and asked for a second pass (1.3 passes per cycle): there the
        # leader hears its own queue events through the bus only, like everyone else's; its own routing changes
        # come through `note` at once and the listener skips them by origin.
        # With the in-process bus this process is the only publisher (every event comes from `Services.work`, which
        # calls both hooks directly), so no bus listener is started: they only ever heard the process's own
        # events, a wake-up of this loop for every queue and routing event (five to seven a cycle) to poke a
        # dispatcher already poked or to skip a routing event by its origin (issue 17, 5 Dec 2026).
        self.services.on_routing_change = self.live.note
        embedded = isinstance(self.services.bus, InProcessBus)
        if embedded:
            self.services.on_queue_change = self.poke
        self.loop.start()
        if embedded:
            return
        # queue and routing changes made on other replicas arrive through the bus
        self._listener = asyncio.create_task(self._listen_queue())
        self._routing_listener = asyncio.create_task(self._listen_routing())

    def poke(self, room_only: bool = False) -> None:
        """Ask for a pass soon; safe from any thread. Room freed (`room_only`) asks for none while the engine
        knows nothing waiting without an offer: at one resolve per escalation that was every other pass."""
        if room_only and self.live.idle():
            return
        self.loop.poke()

    async def _listen_queue(self) -> None:
        while True:
            sub = self.services.bus.subscribe("queue")
            try:
                while True:
                    _, event = await sub.get()
                    if self.lease.held and wakes_dispatcher(event):
                        self.poke(frees_room_only(event))
            except OverflowError:  # events were lost: one pass catches up from the database
                self.poke()
            finally:
                sub.close()

    async def _listen_routing(self) -> None:
        while True:
            sub = self.services.bus.subscribe(ROUTING_TOPIC)
            try:
                while True:
                    _, event = await sub.get()
                    if event.get("origin") != self.services.replica_id:  # our own arrive through note()
                        self.live.note(set(event.get("agents", ())), set(event.get("conversations", ())))
            except OverflowError:  # routing changes may have been lost: restore from the database
                self.live.invalidate()
                self.poke()
            finally:
                sub.close()

    async def stop(self) -> None:
        for task in (self._listener, self._routing_listener):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self.loop.stop()  # hands the lease over at once instead of after the TTL


def _error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(TandemError)
    async def tandem_error(_: Request, exc: TandemError) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
        return JSONResponse(_error_body(exc.code, exc.message, exc.details), status_code=exc.status,
                            headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in exc.errors()]
        if any(e["type"] == "json_invalid" for e in errors):
            return JSONResponse(_error_body("malformed_json", "the request body is not valid JSON",
                                            {"errors": errors}), status_code=400)
        return JSONResponse(_error_body("invalid_input", "the request does not match the schema",
                                        {"errors": errors}), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        if exc.status_code == 413:
            return too_large(request.app.state.services.settings.max_body_bytes)
        return JSONResponse(_error_body(code, str(exc.detail)), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return JSONResponse(_error_body("internal_error", "something went wrong on our side; nothing was lost, "
                                        "retry the request"), status_code=500)

    @app.exception_handler(OperationalError)
    async def db_down(_: Request, exc: OperationalError) -> JSONResponse:
        log.error("database unavailable: %s", exc.__class__.__name__)
        return JSONResponse(_error_body("unavailable", "the database is unavailable; retry shortly"),
                            status_code=503, headers={"Retry-After": "2"})


def _install_pages(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    pages = {"/chat": "chat.html", "/agent": "agent.html", "/ops": "ops.html", "/staffing": "staffing.html",
             "/supervisor": "supervisor.html"}
    for path, filename in pages.items():
        app.add_api_route(path, _page(filename), include_in_schema=False, methods=["GET"])
    app.add_api_route("/widget.js", _page("widget.js"), include_in_schema=False, methods=["GET"])
    app.add_api_route("/", lambda: RedirectResponse("/chat"), include_in_schema=False, methods=["GET"])
    app.add_api_route("/help/{article_id}", _help, include_in_schema=False, methods=["GET"])
    app.add_api_route("/api/company", _company, methods=["GET"], tags=["customer"], response_model=CompanyOut,
                      summary="The company's public branding: names, widget colours and logo, languages")
    app.add_api_route("/healthz", _healthz, methods=["GET"], tags=["ops"], summary="Liveness", response_model=Health)
    app.add_api_route("/readyz", _readyz, methods=["GET"], tags=["ops"], response_model=Readiness,
                      responses=READINESS_RESPONSES,
                      summary="Readiness: the database answers and the event bus is connected")


def _company(request: Request) -> dict[str, Any]:
    settings = request.app.state.services.settings
    return {"name": settings.company.name, "assistant_name": settings.company.assistant_name,
            "widget": settings.widget.model_dump(), "languages": list(settings.languages)}


def _healthz(request: Request) -> dict[str, Any]:
    assistant = request.app.state.services.assistant
    return {"ok": True, "version": __version__,
            "intent_classifier_ready": bool(getattr(assistant, "classifier_ready", False))}


READY_TIMEOUT_S = 2.0


async def _readyz(request: Request) -> JSONResponse:
    """200 when this replica can serve: a `SELECT 1` within READY_TIMEOUT_S and a connected bus; else 503
    naming what failed, so a load balancer stops sending traffic here until it recovers."""
    services: Services = request.app.state.services
    checks: dict[str, str] = {}
    try:
        await asyncio.wait_for(run_in_threadpool(services.db.ping), READY_TIMEOUT_S)
        checks["database"] = "ok"
    except TimeoutError:
        checks["database"] = f"no answer within {READY_TIMEOUT_S:g} s"
    except Exception as exc:  # any failure to reach it: report the kind, never the URL or credentials
        checks["database"] = f"unreachable ({exc.__class__.__name__})"
    checks["bus"] = "ok" if services.bus.healthy else "disconnected (events between replicas are not flowing)"
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse({"ready": ready, **checks}, status_code=200 if ready else 503,
                        headers=None if ready else {"Retry-After": "2"})


async def _help(request: Request, article_id: str) -> HTMLResponse:
    return help_article_page(request.app.state.services, article_id)


def _page(filename: str) -> Any:
    async def serve() -> FileResponse:
        return FileResponse(str(STATIC / filename), headers={"Cache-Control": "no-cache"})

    return serve


def help_article_page(services: Services, article_id: str) -> HTMLResponse:
    """Render one help-center article, every field escaped."""
    kb = services.extras.get("kb")
    article = kb.get(article_id) if kb is not None else None
    if article is None:
        raise NotFound("no such help article", article_id=article_id)
    paragraphs = "".join(f"<p>{html.escape(p.strip())}</p>" for p in article.body.split("\n\n") if p.strip())
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>"
        f"{html.escape(article.title)}</title><link rel='stylesheet' href='/static/app.css'></head>"
        f"<body><main class='card narrow-page'><h1>{html.escape(article.title)}</h1>"
        f"<p class='muted'>{html.escape(article.topic)}</p>{paragraphs}</main></body></html>"
    )
    return HTMLResponse(page)
