"""Logging that never writes a card number: a filter masks every record before any handler sees it."""

from __future__ import annotations

import logging

from tandem.core.masking import mask_cards


class CardMaskingFilter(logging.Filter):
    """Mask Luhn-valid card numbers in the formatted message and drop the raw arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_cards(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_cards(record.exc_text)
        return True


def install(level: int = logging.INFO) -> None:
    """Configure root logging with the card-masking filter on every handler."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, CardMaskingFilter) for f in handler.filters):
            handler.addFilter(CardMaskingFilter())
