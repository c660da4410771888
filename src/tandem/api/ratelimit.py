"""Rate limits on public endpoints: a token bucket per client address and route class.

Per process: with several replicas each enforces its own budget, which bounds abuse per replica; the limits
are sized for people, not scripts (a person sends a message every few seconds at most).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send


@dataclass(frozen=True, slots=True)
class Limit:
    """burst requests at once, refilled at rate per second."""

    burst: float
    rate: float


# (method, path prefix) -> limit; the first match wins
DEFAULT_LIMITS: tuple[tuple[str, str, Limit], ...] = (
    ("POST", "/api/agent/login", Limit(burst=10, rate=10 / 60)),
    ("POST", "/api/workforce/signup", Limit(burst=5, rate=5 / 3600)),
    ("POST", "/api/conversations", Limit(burst=60, rate=1.0)),
)


class TokenBuckets:
    """Thread-safe buckets keyed by (client, rule); stale buckets are dropped as they refill."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000) -> None:
        self._clock = clock
        self._max_keys = max_keys
        self._state: dict[tuple[str, int], tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: tuple[str, int], limit: Limit) -> float:
        """Take one token; return 0 when allowed, else the seconds until one is available."""
        now = self._clock()
        with self._lock:
            tokens, seen = self._state.get(key, (limit.burst, now))
            tokens = min(limit.burst, tokens + (now - seen) * limit.rate)
            if tokens >= 1:
                self._state[key] = (tokens - 1, now)
                self._evict_if_full()
                return 0.0
            self._state[key] = (tokens, now)
            return (1 - tokens) / limit.rate

    def _evict_if_full(self) -> None:
        if len(self._state) > self._max_keys:
            # drop the oldest half: they have had the longest to refill anyway
            for key, _ in sorted(self._state.items(), key=lambda kv: kv[1][1])[: self._max_keys // 2]:
                del self._state[key]


class RateLimitMiddleware:
    """Answer 429 with Retry-After once a client exceeds a rule's budget."""

    def __init__(self, app: ASGIApp, limits: tuple[tuple[str, str, Limit], ...] = DEFAULT_LIMITS,
                 buckets: TokenBuckets | None = None) -> None:
        self.app = app
        self.limits = limits
        self.buckets = buckets or TokenBuckets()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        rule = self._rule(request.method, request.url.path)
        if rule is not None:
            client = request.client.host if request.client else "unknown"
            wait = self.buckets.take((client, rule), self.limits[rule][2])
            if wait > 0:
                response = _too_many(wait)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _rule(self, method: str, path: str) -> int | None:
        for i, (m, prefix, _) in enumerate(self.limits):
            if method == m and path.startswith(prefix):
                return i
        return None


def _too_many(wait: float) -> Response:
    body = {"error": {"code": "rate_limited", "message": "too many requests; slow down", "details": {}}}
    return JSONResponse(body, status_code=429, headers={"Retry-After": str(max(1, math.ceil(wait)))})

