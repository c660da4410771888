"""Identifiers and secrets."""

from __future__ import annotations

import hashlib
import secrets
import uuid


def new_id(prefix: str) -> str:
    """Return a new opaque id such as 'conv_3f2a...'."""
    return f"{prefix}_{uuid.uuid4().hex}"


def new_token() -> str:
    """Return an unguessable bearer token (256 bits)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """Hash a token for storage, so a database leak does not leak live tokens."""
    return hashlib.sha256(token.encode()).hexdigest()
