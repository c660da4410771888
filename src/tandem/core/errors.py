"""Errors the domain raises; the API maps each to one HTTP status and a clear JSON body."""

from __future__ import annotations

import math


class TandemError(Exception):
    """Base class: carries a stable machine-readable code."""

    code = "error"
    status = 400

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(TandemError):
    code = "not_found"
    status = 404


class IllegalTransition(TandemError):
    code = "illegal_transition"
    status = 409


class Conflict(TandemError):
    code = "conflict"
    status = 409


class InvalidInput(TandemError):
    code = "invalid_input"
    status = 422


class Unauthorized(TandemError):
    code = "unauthorized"
    status = 401


class Forbidden(TandemError):
    code = "forbidden"
    status = 403


class PolicyDenied(TandemError):
    code = "policy_denied"
    status = 403


class Unavailable(TandemError):
    code = "unavailable"
    status = 503


class RateLimited(TandemError):
    """Too many requests; `details.retry_after` (seconds) says when the next one will be accepted."""

    code = "rate_limited"
    status = 429

    def __init__(self, message: str, retry_after: float, **details: object) -> None:
        super().__init__(message, retry_after=max(1, math.ceil(retry_after)), **details)
        self.retry_after = max(1, math.ceil(retry_after))
