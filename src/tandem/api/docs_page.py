"""The interactive API docs (/docs, Swagger UI) with a Content-Security-Policy that fits them.

Off in production unless `api_docs = true` (TANDEM_API_DOCS): the schema maps every route for an attacker and the
page loads Swagger UI from a CDN. Where it is on, the page gets its own policy: scripts and styles from that CDN
only, plus the page's one inline script by its SHA-256 hash (no 'unsafe-inline' script), same-origin fetch, no
framing. It holds no token; "Authorize" keeps what a developer types in the page's memory only.
"""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import urlparse

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

OPENAPI_URL = "/openapi.json"
_INLINE = re.compile(r"<script>(.*?)</script>", re.S)
_EXTERNAL = re.compile(r"""<(?:script|link)[^>]+(?:src|href)=["'](https?://[^"']+)["']""")


def page_and_policy(title: str) -> tuple[str, str]:
    """Swagger UI's HTML and the CSP that lets exactly it run."""
    html = bytes(get_swagger_ui_html(openapi_url=OPENAPI_URL, title=title).body).decode()
    hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
                      for s in _INLINE.findall(html))
    hosts = sorted({f"{u.scheme}://{u.netloc}" for u in map(urlparse, _EXTERNAL.findall(html))})
    cdn = " ".join(hosts)
    policy = "; ".join((
        "default-src 'none'", f"script-src {cdn} {hashes}".strip(),
        # Swagger UI sets style attributes on its elements
        f"style-src {cdn} 'unsafe-inline'".strip(), f"img-src 'self' data: {cdn}".strip(),
        "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
    ))
    return html, policy


def install(app: FastAPI) -> None:
    """GET /docs: Swagger UI under its own CSP (the security-headers middleware leaves /docs to this route)."""
    html, policy = page_and_policy(f"{app.title} — API docs")

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(html, headers={"Content-Security-Policy": policy, "X-Frame-Options": "DENY"})
