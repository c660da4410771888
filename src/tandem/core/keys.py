"""Keys derived from TANDEM_SECRET_KEY: one label per purpose, so no key does two jobs.

HKDF-SHA256 (RFC 5869) with an empty salt and the purpose as `info`. A key derived for one purpose says nothing
about the key of another, so leaking or misusing one (a webhook receiver, a signed embed) cannot forge the other.
"""

from __future__ import annotations

import hashlib
import hmac
from enum import StrEnum

HASH_LEN = 32  # SHA-256


class Purpose(StrEnum):
    """What a derived key is for; the value is the HKDF label and must never change once deployed."""

    CUSTOMER_IDENTITY = "tandem/customer-identity/v1"  # customer_ref signatures from the company's site (embed)
    AGENT_WEBHOOK = "tandem/agent-webhook/v1"  # per-agent webhook secrets (with the agent id and a salt)
    CONVERSATION_TOKEN = "tandem/conversation-token/v1"  # reserved: signed customer-side tokens
    INVITE = "tandem/invite/v1"  # reserved: invitation links
    ACCOUNT_BACKEND = "tandem/account-backend/v1"  # requests to the company's account API (backend = "http")


def hkdf_sha256(key_material: bytes, info: bytes, length: int = HASH_LEN, salt: bytes = b"") -> bytes:
    """RFC 5869 extract-then-expand with SHA-256."""
    if not 0 < length <= 255 * HASH_LEN:
        raise ValueError("HKDF length must be between 1 and 8160 bytes")
    prk = hmac.new(salt or bytes(HASH_LEN), key_material, hashlib.sha256).digest()
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def derive(secret: str | bytes, purpose: Purpose | str, *context: str, length: int = HASH_LEN) -> bytes:
    """The key for one purpose (and optional context, e.g. an agent id), derived from the server secret."""
    material = secret.encode() if isinstance(secret, str) else secret
    label = str(purpose) if not context else "|".join((str(purpose), *context))
    return hkdf_sha256(material, label.encode(), length)


def sign(key: bytes, message: bytes) -> str:
    """HMAC-SHA256 of the message under a derived key, hex."""
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def verify(key: bytes, message: bytes, signature: str | None) -> bool:
    """Constant-time check of a hex HMAC-SHA256 signature."""
    return bool(signature) and hmac.compare_digest(sign(key, message).encode(), str(signature).encode())
