"""What an agent may see of the customer's account: masked, minimal, read through the backend seam."""

from __future__ import annotations

import logging
from typing import Any

from tandem.core.errors import NotFound
from tandem.core.masking import mask_cards
from tandem.services.context import Services

log = logging.getLogger(__name__)


def mask_email(email: str) -> str:
    """Keep the first letter and the domain: 'maya@example.com' -> 'm***@example.com'."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def mask_phone(phone: str) -> str:
    """Keep only the last two digits."""
    digits = [c for c in phone if c.isdigit()]
    return "•" * max(0, len(digits) - 2) + "".join(digits[-2:])


def customer_card(services: Services, customer_ref: str | None, max_orders: int = 5) -> dict[str, Any] | None:
    """A masked summary of the customer and recent orders, or None for an anonymous chat."""
    if customer_ref is None or services.backend is None:
        return None
    try:
        customer = services.backend.get_customer(customer_ref)
        orders = services.backend.list_orders(customer_ref)[:max_orders]
    except NotFound:
        return None
    except Exception:  # the company's backend being down must not break the agent's screen
        log.exception("account backend failed while building the customer card")
        return {"unavailable": True}
    return {
        "name": customer.name,
        "email": mask_email(customer.email),
        "phone": mask_phone(customer.phone),
        "country": customer.country,
        "status": str(customer.status),
        "card": customer.masked_card,
        "orders": [
            {"id": o.id, "merchant": o.merchant, "placed_on": o.placed_on.isoformat(), "total": str(o.total),
             "currency": o.currency, "plan": str(o.plan), "status": str(o.status), "dispute": str(o.dispute),
             "note": mask_cards(o.note)[:200]}
            for o in orders
        ],
    }
