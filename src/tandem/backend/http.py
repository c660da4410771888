"""The built-in HTTP account backend: the AccountBackend methods as JSON over the company's own REST endpoints.

`backend = "http"` with `[backend_http] base_url = "https://accounts.example.com/tandem"`. The contract (paths,
bodies, errors, the signature) is docs/backend.md; `tandem.testing.backend_contract` checks an implementation.

* Every request is signed with the key `tandem keys account-backend` prints (HKDF label
  `tandem/account-backend/v1`, never the server secret): `X-Tandem-Timestamp` (unix seconds) and
  `X-Tandem-Signature: v1=<hex HMAC-SHA256(key, "<timestamp>.<METHOD>.<path?query>.<hex SHA-256 of the body>")>`.
  The company's server refuses a bad signature or a timestamp more than five minutes off.
* Bounded timeouts: `timeout_s` bounds each stage (connect, each read) and the whole answer, so a server that
  drips its body byte by byte still fails in time. Reads are retried `read_retries` times on a timeout, a
  dropped connection or a 5xx, with a short backoff; actions are never retried (a pause must not happen twice)
  and carry an `Idempotency-Key`.
* A circuit breaker: after `breaker_failures` failures in a row every call fails at once for
  `breaker_reset_s`, then one call probes; an answer (also a 404 or a policy refusal: the system is up) closes
  the circuit, a failure opens it again.
* 404 maps to NotFound; 403/409 with `{"error": {"code": "policy_denied", "policy": ..., "message": ...}}`
  maps to PolicyDenied (the assistant explains it); anything else (timeouts, 5xx, an open circuit, a body that
  is not the contract's, a card number in clear) raises `Unavailable`, and the assistant says it cannot reach
  the account right now and offers a person. It never makes an answer up.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

import httpx
from pydantic import TypeAdapter, ValidationError

from tandem.backend.policy import DEFAULT_LIMITS, goodwill_limit
from tandem.backend.records import ActionResult, Actor, Customer, Installment, Order, Refund
from tandem.core import keys
from tandem.core.errors import NotFound, PolicyDenied, Unavailable
from tandem.core.money import money
from tandem.core.settings import ActionPolicy, Settings
from tandem.core.settings import HttpBackend as HttpBackendSettings

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_RESPONSE_BYTES = 1_000_000
BACKOFF_S = 0.1  # before the first read retry; doubled each time
CARD_LAST4 = re.compile(r"^\d{4}$")


def signature_base(timestamp: str, method: str, target: str, body: bytes) -> bytes:
    """What is signed: '<timestamp>.<METHOD>.<path?query>.<hex SHA-256 of the body>'."""
    return f"{timestamp}.{method.upper()}.{target}.{hashlib.sha256(body).hexdigest()}".encode()


def sign_request(key: bytes, timestamp: str, method: str, target: str, body: bytes) -> str:
    return "v1=" + keys.sign(key, signature_base(timestamp, method, target, body))


def verify_request(key: bytes, headers: dict[str, str], method: str, target: str, body: bytes, now: float,
                   skew_s: float = 300.0) -> bool:
    """For the company's side (and the reference server): is this request Tandem's, and recent?"""
    timestamp = headers.get("x-tandem-timestamp", "")
    signature = headers.get("x-tandem-signature", "")
    if not timestamp.isdigit() or abs(now - int(timestamp)) > skew_s or not signature.startswith("v1="):
        return False
    return keys.verify(key, signature_base(timestamp, method, target, body), signature[3:])


class CircuitBreaker:
    """Closed until `failures` in a row; then open (fail fast) for `reset_s`; then one probe decides."""

    def __init__(self, failures: int, reset_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.failures, self.reset_s, self._clock = failures, reset_s, clock
        self._lock = threading.Lock()
        self._consecutive = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> str:
        with self._lock:
            if self._opened_at is None:
                return "closed"
            return "half_open" if self._clock() - self._opened_at >= self.reset_s else "open"

    def allow(self) -> bool:
        """May a call go out now? In half-open state only one probe at a time."""
        with self._lock:
            if self._opened_at is None:
                return True
            if self._clock() - self._opened_at < self.reset_s or self._probing:
                return False
            self._probing = True
            return True

    def success(self) -> None:
        with self._lock:
            self._consecutive, self._opened_at, self._probing = 0, None, False

    def failure(self) -> None:
        with self._lock:
            self._consecutive += 1
            if self._probing or self._consecutive >= self.failures:
                self._opened_at, self._probing = self._clock(), False


class _Retryable(Exception):
    """A failure a read may retry: timeout, connection error, 5xx."""


_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def _adapter(kind: Any) -> TypeAdapter[Any]:
    if kind not in _ADAPTERS:
        _ADAPTERS[kind] = TypeAdapter(kind)
    return _ADAPTERS[kind]


class HttpAccountBackend:
    """AccountBackend over the company's REST API (module docstring); safe to share between threads."""

    def __init__(self, config: HttpBackendSettings, key: bytes, *, limits: ActionPolicy = DEFAULT_LIMITS,
                 transport: httpx.BaseTransport | None = None, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep, wall_clock: Callable[[], float] = time.time) -> None:
        """`clock` times the breaker and the answer deadline; `wall_clock` (unix seconds) stamps signatures."""
        if config.base_url is None:
            raise ValueError("backend_http.base_url is required")
        self.config = config
        self.limits = limits
        self._key = key
        self._sleep, self._clock, self._wall_clock = sleep, clock, wall_clock
        self.breaker = CircuitBreaker(config.breaker_failures, config.breaker_reset_s, clock)
        self._client = httpx.Client(base_url=config.base_url.rstrip("/"), timeout=config.timeout_s,
                                    transport=transport, follow_redirects=False,
                                    headers={"Accept": "application/json", "User-Agent": "tandem-account-backend"})

    @classmethod
    def from_settings(cls, settings: Settings) -> HttpAccountBackend:
        return cls(settings.backend_http, keys.derive(settings.secret_key, keys.Purpose.ACCOUNT_BACKEND),
                   limits=settings.policy)

    def close(self) -> None:
        self._client.close()

    # the transport ----------------------------------------------------------------------------------------

    def _request(self, method: str, path: str, params: dict[str, str] | None = None,
                 payload: dict[str, Any] | None = None) -> Any:
        body = b"" if payload is None else json.dumps(payload, separators=(",", ":"), default=str).encode()
        request = self._client.build_request(method, path, params=params, content=body or None)
        target = request.url.raw_path.decode()
        timestamp = str(int(self._wall_clock()))
        request.headers["X-Tandem-Timestamp"] = timestamp
        request.headers["X-Tandem-Signature"] = sign_request(self._key, timestamp, method, target, body)
        if payload is not None:
            request.headers["Content-Type"] = "application/json"
            request.headers["Idempotency-Key"] = uuid.uuid4().hex
        attempts = 1 + (self.config.read_retries if method == "GET" else 0)
        for attempt in range(attempts):
            if not self.breaker.allow():
                raise Unavailable("the account system is not answering (circuit open)", breaker="open")
            try:
                result = self._once(request)
            except _Retryable as exc:
                self.breaker.failure()
                if attempt + 1 >= attempts:
                    raise Unavailable(f"the account system did not answer: {exc}") from None
                self._sleep(BACKOFF_S * 2 ** attempt)
                continue
            except Unavailable:
                self.breaker.failure()
                raise
            except (NotFound, PolicyDenied):
                self.breaker.success()  # the system answered: a probe that gets a 404 must still close the circuit
                raise
            self.breaker.success()
            return result
        raise AssertionError("unreachable")

    def _once(self, request: httpx.Request) -> Any:
        deadline = self._clock() + self.config.timeout_s
        try:
            response = self._client.send(request, stream=True)
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            raise _Retryable(type(exc).__name__) from None
        try:
            raw = b""
            for chunk in response.iter_bytes():
                raw += chunk
                if len(raw) > MAX_RESPONSE_BYTES:
                    raise Unavailable("the account system's answer is too large")
                if self._clock() > deadline:
                    raise _Retryable(f"the answer took longer than {self.config.timeout_s:g} s")
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            raise _Retryable(type(exc).__name__) from None
        finally:
            response.close()
        status = response.status_code
        if status >= 500:
            raise _Retryable(f"HTTP {status}")
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            raise Unavailable(f"the account system answered HTTP {status} with a body that is not JSON") from None
        if status == 404:
            raise NotFound(_error_field(data, "message") or "not found")
        if status in (403, 409) and _error_field(data, "code") == "policy_denied":
            raise PolicyDenied(_error_field(data, "message") or "not allowed by policy",
                               policy=_error_field(data, "policy") or "denied")
        if status != 200:
            raise Unavailable(f"the account system answered HTTP {status}")
        return data

    def _get(self, kind: Any, path: str, params: dict[str, str] | None = None) -> Any:
        return self._parse(kind, self._request("GET", path, params))

    def _post(self, path: str, payload: dict[str, Any]) -> ActionResult:
        result: ActionResult = self._parse(ActionResult, self._request("POST", path, payload=payload))
        return result

    @staticmethod
    def _parse(kind: Any, data: Any) -> Any:
        try:
            value = _adapter(kind).validate_python(data)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:3])
            raise Unavailable(f"the account system's answer is not the contract's ({problems})") from None
        for customer in value if isinstance(value, list) else [value]:
            if isinstance(customer, Customer) and not CARD_LAST4.fullmatch(customer.card_last4):
                # never keep (or show) more than the last four digits, whatever the other side sends
                raise Unavailable("the account system sent more than the last four card digits; refused")
        return value

    # AccountBackend -----------------------------------------------------------------------------------------

    def today(self) -> date:
        answer: dict[str, date] = self._get(dict[str, date], "/today")
        if "date" not in answer:
            raise Unavailable("the account system's /today answer has no 'date'")
        return answer["date"]

    def get_customer(self, customer_id: str) -> Customer:
        customer: Customer = self._get(Customer, f"/customers/{_segment(customer_id)}")
        return customer

    def find_customer_by_email(self, email: str) -> Customer | None:
        try:
            customer: Customer = self._get(Customer, "/customers", {"email": email})
        except NotFound:
            return None
        return customer

    def list_orders(self, customer_id: str) -> list[Order]:
        orders: list[Order] = self._get(list[Order], f"/customers/{_segment(customer_id)}/orders")
        return orders

    def get_order(self, customer_id: str, order_id: str) -> Order:
        order: Order = self._get(Order, _order_path(customer_id, order_id))
        return order

    def payment_schedule(self, customer_id: str, order_id: str) -> list[Installment]:
        schedule: list[Installment] = self._get(list[Installment], _order_path(customer_id, order_id) + "/schedule")
        return schedule

    def refund_status(self, customer_id: str, order_id: str) -> list[Refund]:
        refunds: list[Refund] = self._get(list[Refund], _order_path(customer_id, order_id) + "/refunds")
        return refunds

    # Tandem's own limits are checked before a request leaves (defence in depth: the company's server decides
    # with the account's state, but cannot be driven past the configured [policy] by a lax implementation)

    def pause_payment(self, customer_id: str, order_id: str, days: int, actor: Actor) -> ActionResult:
        if not 1 <= days <= self.limits.pause_max_days:
            raise PolicyDenied(f"A pause is 1 to {self.limits.pause_max_days} days.", policy="days_out_of_range")
        return self._post(_order_path(customer_id, order_id) + "/pause", {"days": days, "actor": _actor(actor)})

    def change_due_date(self, customer_id: str, order_id: str, days: int, actor: Actor) -> ActionResult:
        if days == 0 or abs(days) > self.limits.due_date_shift_max_days:
            raise PolicyDenied(f"A due date can move 1 to {self.limits.due_date_shift_max_days} days.",
                               policy="days_out_of_range")
        return self._post(_order_path(customer_id, order_id) + "/due-date", {"days": days, "actor": _actor(actor)})

    def resend_invoice(self, customer_id: str, order_id: str, actor: Actor) -> ActionResult:
        return self._post(_order_path(customer_id, order_id) + "/invoice", {"actor": _actor(actor)})

    def waive_late_fee(self, customer_id: str, order_id: str, actor: Actor) -> ActionResult:
        if actor.tier is None:
            raise PolicyDenied("Only a human agent can waive a late fee.", policy="human_only")
        return self._post(_order_path(customer_id, order_id) + "/waive-late-fee", {"actor": _actor(actor)})

    def goodwill_credit(self, customer_id: str, amount: Decimal, actor: Actor) -> ActionResult:
        if actor.tier is None:
            raise PolicyDenied("Only a human agent can give a goodwill credit.", policy="human_only")
        if amount <= 0 or amount != money(amount):
            raise PolicyDenied("A credit is a positive amount in whole cents.", policy="invalid_amount")
        limit = goodwill_limit(self.limits, actor.tier)
        if amount > limit:
            raise PolicyDenied(f"A {actor.tier.name.lower()} agent may credit up to {limit}.",
                               policy="over_tier_limit")
        return self._post(f"/customers/{_segment(customer_id)}/goodwill-credit",
                          {"amount": str(amount), "actor": _actor(actor)})


def _segment(value: str) -> str:
    """An id as one path segment: ids with a slash, dot-dot or control characters never reach the URL."""
    if not value or len(value) > 128 or not re.fullmatch(r"[A-Za-z0-9_.:@+-]+", value) or value in (".", ".."):
        raise NotFound("not found")
    return value


def _order_path(customer_id: str, order_id: str) -> str:
    return f"/customers/{_segment(customer_id)}/orders/{_segment(order_id)}"


def _actor(actor: Actor) -> dict[str, Any]:
    return {"kind": actor.kind.value, "agent_id": actor.agent_id,
            "tier": actor.tier.name.lower() if actor.tier is not None else None}


def _error_field(data: Any, name: str) -> str | None:
    error = data.get("error") if isinstance(data, dict) else None
    value = error.get(name) if isinstance(error, dict) else None
    return str(value)[:500] if value is not None else None


def factory(settings: Settings) -> HttpAccountBackend:
    """`backend = "http"`."""
    return HttpAccountBackend.from_settings(settings)
