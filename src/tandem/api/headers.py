"""Security headers on every response: CSP (only /chat may be framed, by configured origins), nosniff,
Referrer-Policy, and HSTS when the public URL is https."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# the API docs (Swagger UI from a CDN, one inline script) set their own, matching policy (api/docs_page.py)
UNPOLICED = ("/docs",)
FRAMEABLE = "/chat"


def content_security_policy(path: str, host: str, frame_origins: str) -> str:
    """The CSP for one response: our own scripts only (no inline script), same-origin fetch and WebSocket."""
    ancestors = f"'self' {frame_origins}".strip() if path == FRAMEABLE else "'none'"
    return "; ".join((
        "default-src 'self'", "script-src 'self'",
        # no inline <style> or style="..." either: pages link their CSS, scripts set element.style (CSSOM)
        "style-src 'self'", "img-src 'self' data:",
        f"connect-src 'self' ws://{host} wss://{host}", "object-src 'none'", "base-uri 'none'",
        "form-action 'self'", f"frame-ancestors {ancestors}",
    ))


class SecurityHeadersMiddleware:
    """Add the headers to every HTTP response (pages, API, static files)."""

    def __init__(self, app: ASGIApp, frame_origins: str = "", hsts: bool = False) -> None:
        self.app, self.frame_origins, self.hsts = app, frame_origins, hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
                if not path.startswith(UNPOLICED):
                    host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
                    headers["Content-Security-Policy"] = content_security_policy(path, host, self.frame_origins)
                    if path != FRAMEABLE:
                        headers["X-Frame-Options"] = "DENY"
                if self.hsts:
                    headers["Strict-Transport-Security"] = "max-age=31536000"
            await send(message)

        await self.app(scope, receive, with_headers)
