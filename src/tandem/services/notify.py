"""Surge announcements to opted-in offline agents: an in-app notice, and a signed webhook sent in the background."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import secrets
import socket
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import func, select, update

from tandem.core import keys
from tandem.core.clock import Clock, SystemClock
from tandem.core.errors import Conflict, InvalidInput, NotFound
from tandem.domain.presence import Presence
from tandem.services.context import Work
from tandem.storage.db import Database
from tandem.storage.models import Agent
from tandem.storage.models_surge import AgentNotification, SurgeNotice

log = logging.getLogger(__name__)

SURGE, RELEASE = "surge", "release"  # notice kinds
ACK_WINDOW_S = 20 * 60.0  # an "on my way" counts as supply this long after the notice (a login lag, not a shift)
RELEASE_MESSAGE = "Demand is low for now: you may log off. Thank you for helping out!"
SIGNATURE_HEADER = "X-Tandem-Signature"
TIMESTAMP_HEADER = "X-Tandem-Timestamp"
TIMEOUT_S = 3.0
ATTEMPTS = 4
BACKOFF_S = 1.0


def surge_message(level: str, bonus: Decimal) -> str:
    """The one line an agent sees: 'Surge: HIGH, +$2.00 per conversation'."""
    return f"Surge: {level}, +${bonus:.2f} per conversation"


def get_settings(work: Work, agent_id: str) -> dict[str, Any]:
    """The agent's surge notification settings (opted out until they opt in)."""
    row = work.session.get(AgentNotification, agent_id)
    if row is None:
        return {"opted_in": False, "webhook_url": None, "has_webhook_secret": False}
    return {"opted_in": row.opted_in, "webhook_url": row.webhook_url,
            "has_webhook_secret": bool(row.webhook_url and row.webhook_salt)}


def webhook_secret(server_secret: str, agent_id: str, salt: str) -> str:
    """The secret that signs one agent's webhooks: derived from the server secret, the agent and a random salt,
    so it differs per agent, proves nothing about customer identities, and changes whenever it is rotated."""
    return "whsec_" + keys.derive(server_secret, keys.Purpose.AGENT_WEBHOOK, agent_id, salt).hex()


def public_address(address: str) -> bool:
    """True for a globally routable unicast IP: never loopback, private, link-local (cloud metadata), reserved."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def public_host(url: str, resolve: Callable[[str], list[str]] | None = None) -> bool:
    """True if the URL's host is, or resolves only to, public addresses (a gig agent chose this URL: the server
    must not be made to POST into its own network)."""
    host = urlparse(url).hostname
    if not host:
        return False
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
        return public_address(host)
    except ValueError:
        pass
    try:
        addresses = (resolve or _resolve)(host)
    except OSError:
        return False
    return bool(addresses) and all(public_address(a) for a in addresses)


def _resolve(host: str) -> list[str]:
    return [str(info[4][0]) for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)]


def check_webhook_url(url: str | None, *, https_only: bool, public_only: bool = True) -> str | None:
    """Accept an absolute http(s) URL (https only in production) or nothing; with `public_only` (production)
    refuse hosts that are internal addresses, literally or by name ("localhost", 10.0.0.5, 169.254.169.254)."""
    if not url:
        return None
    parsed = urlparse(url)
    allowed = ("https",) if https_only else ("https", "http")
    if parsed.scheme not in allowed or not parsed.netloc or len(url) > 500:
        raise InvalidInput("webhook_url must be an absolute " + " or ".join(allowed) + " URL of at most 500 chars")
    if public_only and not public_host(url):
        raise InvalidInput("webhook_url must point to a public internet address")
    return url


def put_settings(work: Work, agent_id: str, *, opted_in: bool, webhook_url: str | None, server_secret: str,
                 rotate_secret: bool = False) -> dict[str, Any]:
    """Store the agent's opt-in and webhook URL. A new webhook URL (or a rotation) gets a new signing secret,
    returned this once as `webhook_secret`; afterwards only `has_webhook_secret` says that one exists."""
    row = work.session.get(AgentNotification, agent_id)
    if row is None:
        row = AgentNotification(agent_id=agent_id, updated_at=work.now)
        work.session.add(row)
    fresh = None
    if webhook_url is None:
        row.webhook_salt = None
    elif rotate_secret or row.webhook_salt is None or webhook_url != row.webhook_url:
        row.webhook_salt = secrets.token_hex(16)
        fresh = webhook_secret(server_secret, agent_id, row.webhook_salt)
    row.opted_in, row.webhook_url, row.updated_at = opted_in, webhook_url, work.now
    return {"opted_in": opted_in, "webhook_url": webhook_url, "has_webhook_secret": webhook_url is not None,
            "webhook_secret": fresh}


@dataclass(frozen=True)
class Delivery:
    """One webhook POST to make after the notice is committed."""

    notice_id: int
    url: str
    payload: dict[str, Any]
    agent_id: str = ""
    salt: str | None = None  # None: the webhook was saved before secrets existed; it is not sent


def announce(work: Work, level: str, bonus: Decimal) -> list[Delivery]:
    """Give every opted-in offline agent a notice; return the webhooks to send once this commits."""
    rows = work.session.execute(
        select(AgentNotification.agent_id, AgentNotification.webhook_url, AgentNotification.webhook_salt)
        .join(Agent, Agent.id == AgentNotification.agent_id)
        .where(AgentNotification.opted_in.is_(True), Agent.active.is_(True),
               Agent.presence == Presence.OFFLINE.value)
    ).all()
    message = surge_message(level, bonus)
    pending: list[tuple[SurgeNotice, str, str | None]] = []
    for agent_id, url, salt in rows:
        notice = SurgeNotice(agent_id=agent_id, at=work.now, level=level, bonus=bonus, message=message,
                             webhook="pending" if url else "none", attempts=0, kind=SURGE)
        work.session.add(notice)
        if url:
            pending.append((notice, url, salt))
    work.session.flush()
    return [Delivery(n.id, url, _payload(n), n.agent_id, salt) for n, url, salt in pending]


def _payload(notice: SurgeNotice) -> dict[str, Any]:
    return {"type": "surge", "agent_id": notice.agent_id, "level": notice.level, "bonus": f"{notice.bonus:.2f}",
            "message": notice.message, "at": notice.at, "notice_id": notice.id,
            "ack_path": f"/api/surge/notices/{notice.id}/ack"}


def release(work: Work, agent_ids: list[str], level: str) -> None:
    """Tell idle online agents they may log off: a notice in the app and an event on their console."""
    for agent_id in agent_ids:
        notice = SurgeNotice(agent_id=agent_id, at=work.now, level=level, bonus=Decimal("0"),
                             message=RELEASE_MESSAGE, webhook="none", attempts=0, kind=RELEASE)
        work.session.add(notice)
        work.emit(f"agent:{agent_id}", {"type": RELEASE, "message": RELEASE_MESSAGE, "at": work.now})
    work.session.flush()


def acknowledge(work: Work, agent_id: str, notice_id: int) -> dict[str, Any]:
    """The agent answers a surge notice with "on my way": the surge loop counts them as supply while they log in.

    Only the agent's own surge notice (404 otherwise, the same for missing and not yours), within ACK_WINDOW_S
    of it (409 after); answering twice keeps the first time.
    """
    notice = work.session.get(SurgeNotice, notice_id)
    if notice is None or notice.agent_id != agent_id or notice.kind != SURGE:
        raise NotFound("no such surge notice")
    if work.now - notice.at > ACK_WINDOW_S:
        raise Conflict("this surge call is over; check the current level instead",
                       max_age_s=int(ACK_WINDOW_S))
    if notice.acked_at is None:
        notice.acked_at = work.now
    return _view(notice)


def acknowledged_pending(work: Work) -> int:
    """Agents who answered a surge notice with "on my way" within ACK_WINDOW_S and are not online yet."""
    return int(work.session.scalar(
        select(func.count(func.distinct(SurgeNotice.agent_id)))
        .join(Agent, Agent.id == SurgeNotice.agent_id)
        .where(SurgeNotice.kind == SURGE, SurgeNotice.acked_at.is_not(None),
               SurgeNotice.acked_at > work.now - ACK_WINDOW_S, Agent.active.is_(True),
               Agent.presence == Presence.OFFLINE.value)) or 0)


def _view(n: SurgeNotice) -> dict[str, Any]:
    return {"id": n.id, "kind": n.kind, "at": n.at, "level": n.level, "bonus": f"{n.bonus:.2f}",
            "message": n.message, "webhook": n.webhook, "acked_at": n.acked_at}


def notices(work: Work, agent_id: str, limit: int = 20) -> list[dict[str, Any]]:
    """The agent's latest notices (surge calls and release notices), newest first."""
    rows = work.session.scalars(select(SurgeNotice).where(SurgeNotice.agent_id == agent_id)
                                .order_by(SurgeNotice.at.desc(), SurgeNotice.id.desc()).limit(limit))
    return [_view(n) for n in rows]


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over '<timestamp>.<body>', hex, prefixed 'sha256=' (the timestamp stops replays)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A webhook is never redirected: a redirect could lead the server to an internal address."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def post_once(url: str, body: bytes, headers: dict[str, str], timeout_s: float = TIMEOUT_S,
              address: str | None = None) -> int:
    """POST the body; return the HTTP status (0 when the request did not complete). Redirects are not followed:
    a 3xx comes back as its status. With `address`, connect to that IP (the one that was checked) instead of
    resolving the host again, so a name cannot point elsewhere between the check and the connection; the
    Host header and, over https, the certificate are still checked against the URL's host."""
    if address is None:
        request = urllib.request.Request(url, data=body, method="POST", headers=headers)
        try:
            with _OPENER.open(request, timeout=timeout_s) as response:  # noqa: S310 (scheme checked)
                return int(response.status)
        except urllib.error.HTTPError as exc:
            exc.close()  # the error carries the open response; close it so the socket is released
            return int(exc.code)
        except (urllib.error.URLError, OSError, ValueError):
            return 0
    parsed = urlparse(url)
    connection = _pinned_connection(parsed.scheme, parsed.hostname or "", parsed.port, address, timeout_s)
    try:
        target = (parsed.path or "/") + (f"?{parsed.query}" if parsed.query else "")
        connection.request("POST", target, body=body, headers=headers)
        return int(connection.getresponse().status)
    except (OSError, http.client.HTTPException, ValueError):
        return 0
    finally:
        connection.close()


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a fixed IP, with SNI and certificate verification for the URL's host name."""

    def __init__(self, host: str, port: int | None, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _PinnedHTTP(http.client.HTTPConnection):
    """Plain HTTP to a fixed IP, with the URL's host in the Host header."""

    def __init__(self, host: str, port: int | None, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def _pinned_connection(scheme: str, host: str, port: int | None, address: str,
                       timeout_s: float) -> http.client.HTTPConnection:
    kind = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    return kind(host, port, address, timeout_s)


def checked_addresses(url: str, resolve: Callable[[str], list[str]] | None = None) -> list[str]:
    """The addresses the URL's host stands for (itself when it is an IP literal); [] when it does not resolve."""
    host = urlparse(url).hostname
    if not host:
        return []
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
        return [host]
    except ValueError:
        pass
    try:
        return (resolve or _resolve)(host)
    except OSError:
        return []


class WebhookSender:
    """Sends webhooks on worker threads with retries and backoff; submit() never blocks the caller."""

    def __init__(self, db: Database, secret: str, *, attempts: int = ATTEMPTS, backoff_s: float = BACKOFF_S,
                 timeout_s: float = TIMEOUT_S,
                 post: Callable[[str, bytes, dict[str, str], float, str], int] = post_once,
                 sleep: Callable[[float], None] = time.sleep, workers: int = 4, public_only: bool = True,
                 resolve: Callable[[str], list[str]] | None = None, clock: Clock | None = None) -> None:
        self.db, self.secret = db, secret
        self.clock = clock or SystemClock()  # the signature's timestamp: the services' clock, like the rest
        self.public_only, self.resolve = public_only, resolve
        self.attempts, self.backoff_s, self.timeout_s = attempts, backoff_s, timeout_s
        self.post, self.sleep = post, sleep
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="surge-webhook")

    def submit(self, delivery: Delivery) -> Future[str]:
        """Queue one delivery; the future resolves to 'delivered', 'failed', 'refused' (not a public address)
        or 'no_secret' (saved before per-agent secrets: the agent must save the webhook again)."""
        return self._pool.submit(self._deliver, delivery)

    def _deliver(self, delivery: Delivery) -> str:
        body = json.dumps(delivery.payload, separators=(",", ":")).encode()
        outcome, attempt = "failed", 0
        if delivery.salt is None:
            self._record(delivery.notice_id, "no_secret", 0)
            log.warning("surge webhook for notice %s not sent: the agent has no webhook secret yet",
                        delivery.notice_id)
            return "no_secret"
        secret = webhook_secret(self.secret, delivery.agent_id, delivery.salt)
        # resolved once and checked at send time (the name may resolve elsewhere now than when the agent saved
        # it); every attempt then connects to that checked address, so DNS cannot swap it in between
        addresses = checked_addresses(delivery.url, self.resolve)
        if not addresses or (self.public_only and not all(public_address(a) for a in addresses)):
            self._record(delivery.notice_id, "refused", 0)
            log.warning("surge webhook for notice %s refused: not a public address", delivery.notice_id)
            return "refused"
        for attempt in range(1, self.attempts + 1):
            timestamp = str(int(self.clock.now()))
            headers = {"Content-Type": "application/json", TIMESTAMP_HEADER: timestamp,
                       SIGNATURE_HEADER: sign(secret, timestamp, body), "User-Agent": "Tandem-Surge/1"}
            status = self.post(delivery.url, body, headers, self.timeout_s, addresses[0])
            if 200 <= status < 300:
                outcome = "delivered"
                break
            if 300 <= status < 400 or (400 <= status < 500 and status not in (408, 429)):
                break  # refused or redirected (redirects are not followed); retrying will not help
            if attempt < self.attempts:
                self.sleep(self.backoff_s * 2 ** (attempt - 1))
        self._record(delivery.notice_id, outcome, attempt)
        if outcome == "failed":
            log.warning("surge webhook for notice %s failed after %d attempt(s)", delivery.notice_id, attempt)
        return outcome

    def _record(self, notice_id: int, outcome: str, attempts: int) -> None:
        try:
            with self.db.transaction() as session:
                session.execute(update(SurgeNotice).where(SurgeNotice.id == notice_id)
                                .values(webhook=outcome, attempts=attempts))
        except Exception:  # the outcome is informational; never let it kill the worker
            log.exception("could not record the outcome of surge webhook %s", notice_id)

    def close(self, wait: bool = False) -> None:
        """Stop accepting deliveries; with wait, finish those already queued."""
        self._pool.shutdown(wait=wait, cancel_futures=not wait)
