"""Rate limits: moving windows from the `limits` library, in process memory (embedded mode) or in Redis, shared
by every replica (scaled mode: TANDEM_REDIS_URL), so N replicas do not allow N times the budget.

Three kinds of limit:
- per client address on three routes (agent login, sign-up, starting a conversation): `RateLimitMiddleware`;
- per conversation, on customer messages over HTTP and WebSocket (each one costs an assistant turn or a paid
  model call): `Limiter.conversation_message`; and on the customer's other writes in it (hand-off request, end,
  rating): `Limiter.conversation_write_allowed` / `conversation_write_done`;
- per account, on failed logins, with windows that grow (a minute, an hour, a day), so each further failure
  waits longer whatever address it comes from: `Limiter.login_allowed` / `login_failed`.
"""

from __future__ import annotations

import logging
import math
import time

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from tandem.core.errors import RateLimited
from tandem.core.settings import Settings

log = logging.getLogger(__name__)

# (method, path) -> windows per client address, on these exact paths. Starting conversations is limited per
# address; the messages, ratings and hand-offs inside one are limited per conversation (`conversation_message`),
# not per address: customers behind one carrier or office NAT share an address, and their conversations must not
# share one budget. The address is the customer's behind the proxies in `trusted_proxies` (cli/serve.py).
ADDRESS_LIMITS: tuple[tuple[str, str, str], ...] = (
    ("POST", "/api/agent/login", "10/minute"),
    ("POST", "/api/workforce/signup", "5/hour"),
    ("POST", "/api/conversations", "60/minute"),
)
# failed logins per account: at most 5 a minute, 20 an hour, 50 a day, then the account waits
LOGIN_FAILURES = "5/minute;20/hour;50/day"
# a customer's other writes in one conversation (asking for a person, ending it, rating it): each is a database
# write that a script holding the conversation's token could repeat; people need a few
CONVERSATION_WRITES = "10/minute;30/hour"


class Limiter:
    """Moving-window limits keyed by strings; memory or Redis storage. Fails open (with a warning) when Redis
    cannot answer: a rate limit must not take the service down with it."""

    def __init__(self, storage: Storage, *, conversation_messages: str, namespace: str = "tandem") -> None:
        self.storage = storage
        self.shared = isinstance(storage, RedisStorage)
        self.windows = MovingWindowRateLimiter(storage)
        self.namespace = namespace
        self.conversation_messages = parse_many(conversation_messages)
        self.login_failures = parse_many(LOGIN_FAILURES)
        self.conversation_writes = parse_many(CONVERSATION_WRITES)
        self.address = [(m, p, parse_many(spec)) for m, p, spec in ADDRESS_LIMITS]

    @classmethod
    def for_settings(cls, settings: Settings) -> Limiter:
        """Redis-shared when TANDEM_REDIS_URL is set, else in this process."""
        storage: Storage
        if settings.redis_url:
            storage = RedisStorage(settings.redis_url, key_prefix=settings.rate_limit_prefix)
        else:
            storage = MemoryStorage()
        return cls(storage, conversation_messages=settings.conversation_message_limit)

    async def ahit(self, items: list[RateLimitItem], *key: str) -> float:
        """`hit` from async code: off the event loop when it means a Redis round trip."""
        if self.shared:
            return await run_in_threadpool(self.hit, items, *key)
        return self.hit(items, *key)

    def hit(self, items: list[RateLimitItem], *key: str) -> float:
        """Count one event against every window; 0 when all allow it, else seconds until the fullest frees up.
        A refused event is not counted."""
        try:
            if all(self.windows.test(item, self.namespace, *key) for item in items):
                for item in items:
                    self.windows.hit(item, self.namespace, *key)
                return 0.0
            return self._wait(items, *key)
        except Exception:  # storage unreachable: let the request through rather than fail it
            log.warning("rate-limit storage unavailable; allowing the request", exc_info=True)
            return 0.0

    def full(self, items: list[RateLimitItem], *key: str) -> float:
        """Without counting anything: 0 while every window has room, else seconds until the fullest frees up
        (0 too when the storage cannot answer: a rate limit must not take the service down with it)."""
        try:
            if all(self.windows.test(item, self.namespace, *key) for item in items):
                return 0.0
            return self._wait(items, *key)
        except Exception:
            log.warning("rate-limit storage unavailable; allowing the request", exc_info=True)
            return 0.0

    def _wait(self, items: list[RateLimitItem], *key: str) -> float:
        now, wait = time.time(), 0.0
        for item in items:
            stats = self.windows.get_window_stats(item, self.namespace, *key)
            if stats.remaining <= 0:
                wait = max(wait, stats.reset_time - now)
        return max(wait, 1.0)

    def conversation_message(self, conversation_id: str) -> None:
        """Count one customer message; raise RateLimited (nothing stored) when the conversation sends too fast."""
        wait = self.hit(self.conversation_messages, "conv", conversation_id)
        if wait:
            raise RateLimited("you are sending messages faster than we can answer them; this one was not sent, "
                              f"send it again in {math.ceil(wait)} s", wait)

    def conversation_write_allowed(self, conversation_id: str) -> None:
        """Raise RateLimited while the conversation has used up CONVERSATION_WRITES (the customer's hand-off
        requests, ends and ratings). Only writes that were done count (`conversation_write_done`, after the token
        was checked in the write's own transaction), so a stranger's refused calls cannot use up the budget."""
        wait = self.full(self.conversation_writes, "convw", conversation_id)
        if wait:
            raise RateLimited("too many requests in this conversation; this one was not done, "
                              f"try again in {math.ceil(wait)} s", wait)

    def conversation_write_done(self, conversation_id: str) -> None:
        """Count one hand-off request, end or rating done in the conversation."""
        self.hit(self.conversation_writes, "convw", conversation_id)

    def login_allowed(self, email: str) -> None:
        """Raise RateLimited while the account has used up its failed-login windows (without checking the
        password, so a locked account answers the same whether the guess was right)."""
        wait = self.full(self.login_failures, "login", email.strip().lower())
        if wait:
            raise RateLimited("too many failed logins for this account; try again later", wait)

    def login_failed(self, email: str) -> None:
        """Count one failed login against the account."""
        self.hit(self.login_failures, "login", email.strip().lower())

    def login_succeeded(self, email: str) -> None:
        """A right password clears the account's failures."""
        key = email.strip().lower()
        try:
            for item in self.login_failures:
                self.windows.clear(item, self.namespace, "login", key)
        except Exception:
            log.warning("rate-limit storage unavailable; failures not cleared", exc_info=True)


class RateLimitMiddleware:
    """Answer 429 with Retry-After once a client address exceeds a route class's windows."""

    def __init__(self, app: ASGIApp, limiter: Limiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        for method, path, items in self.limiter.address:
            if request.method == method and request.url.path.rstrip("/") == path:
                client = request.client.host if request.client else "unknown"
                wait = await self.limiter.ahit(items, "addr", path, client)
                if wait > 0:
                    await _too_many(wait)(scope, receive, send)
                    return
                break
        await self.app(scope, receive, send)


def _too_many(wait: float) -> Response:
    body = {"error": {"code": "rate_limited", "message": "too many requests; slow down",
                      "details": {"retry_after": max(1, math.ceil(wait))}}}
    return JSONResponse(body, status_code=429, headers={"Retry-After": str(max(1, math.ceil(wait)))})
