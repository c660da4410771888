"""The chat page's labels in the customer's language, from the same gettext catalogs as the server's replies."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from tandem.api.responses import ChatLabels
from tandem.core.i18n import LANGUAGES, locale_of, widget_messages

router = APIRouter(prefix="/api/i18n", tags=["customer"])


@router.get("/{language}", response_model=ChatLabels,
            summary="The chat widget's labels for a language (English for an unknown one)")
def chat_messages(language: str, response: Response) -> dict[str, Any]:
    response.headers["Cache-Control"] = "public, max-age=300"
    # public labels, no credentials: the widget reads them from the company's own pages
    response.headers["Access-Control-Allow-Origin"] = "*"
    lang = locale_of(language[:16])
    return {"language": lang, "languages": list(LANGUAGES), "messages": widget_messages(lang)}
