"""Signed embed: the company's server vouches for its logged-in customer, for a limited time.

The canonical message is ASCII ``v1.<exp>.<customer_ref>``: the literal ``v1``, a dot, the expiry as whole epoch
seconds in decimal (no sign, no leading zeros needed), a dot, then the customer reference exactly as sent. The
signature is the lower-case hex HMAC-SHA256 of that message (UTF-8) under the customer-identity key
(``tandem keys customer-identity`` prints it as hex; the HMAC key is those 32 bytes, not the hex text).
``exp`` comes before the reference, so a reference containing dots cannot shift the fields.

The older format signed ``customer_ref`` alone and never expires: refused in production (docs/security.md),
accepted outside it with a warning so existing development pages keep working while they move over.
"""

from __future__ import annotations

import logging
import math

from tandem.core import keys
from tandem.core.errors import Unauthorized

log = logging.getLogger(__name__)

VERSION = "v1"
# a company server's clock may run a little ahead of ours: this much beyond embed_max_ttl_s is still accepted
CLOCK_SKEW_S = 60


def message(customer_ref: str, exp: int) -> bytes:
    """The bytes that are signed: v1.<exp>.<customer_ref>."""
    return f"{VERSION}.{int(exp)}.{customer_ref}".encode()


def identity_key(secret: str) -> bytes:
    return keys.derive(secret, keys.Purpose.CUSTOMER_IDENTITY)


def sign(secret: str, customer_ref: str, exp: int) -> str:
    """The signature a company's server computes (here from the server secret, for `tandem embed sign`)."""
    return keys.sign(identity_key(secret), message(customer_ref, exp))


def verify(secret: str, customer_ref: str, exp: int | None, signature: str | None, *, now: float,
           max_ttl_s: float, production: bool) -> None:
    """Accept the signed reference or raise Unauthorized with `details.reason` saying exactly what is wrong:
    signature_required, expiry_required, bad_signature, expired or expiry_too_far."""
    if not signature:
        raise Unauthorized("customer_ref needs a signature from the company's server "
                           f"(HMAC-SHA256 of '{VERSION}.<exp>.<customer_ref>', docs/api.md)",
                           reason="signature_required")
    key = identity_key(secret)
    if exp is None:
        if production:
            raise Unauthorized("customer_ref signatures need an expiry: sign "
                               f"'{VERSION}.<exp>.<customer_ref>' and send exp (epoch seconds); signatures over "
                               "customer_ref alone are refused in production", reason="expiry_required")
        if not keys.verify(key, customer_ref.encode(), signature):
            raise Unauthorized("the customer_ref signature does not match", reason="bad_signature")
        log.warning("accepted a customer_ref signature without expiry (refused in production; sign exp too)")
        return
    if not keys.verify(key, message(customer_ref, exp), signature):
        raise Unauthorized("the customer_ref signature does not match (signed message "
                           f"'{VERSION}.<exp>.<customer_ref>' under the customer-identity key)",
                           reason="bad_signature")
    if exp <= now:
        raise Unauthorized(f"the signed customer_ref expired {math.ceil(now - exp)} s ago; the page must be "
                           "signed again", reason="expired", exp=exp)
    if exp - now > max_ttl_s + CLOCK_SKEW_S:
        raise Unauthorized(f"exp is {math.floor(exp - now)} s ahead; at most embed_max_ttl_s = {max_ttl_s:g} s "
                           "is accepted", reason="expiry_too_far", exp=exp, max_ttl_s=max_ttl_s)
