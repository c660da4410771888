"""The request-body limit: 413 before parsing, for a declared Content-Length and for chunked bodies alike."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(HTTPException):
    """Raised from `receive` once a body passes the limit; the app's handler answers it as 413 `too_large`."""

    def __init__(self) -> None:
        super().__init__(status_code=413, detail="request body too large")


def too_large(limit: int) -> JSONResponse:
    """The 413 answer, in the API's error shape."""
    body = {"error": {"code": "too_large", "message": f"the request body is larger than {limit} bytes",
                      "details": {"limit": limit}}}
    return JSONResponse(body, status_code=413)


class BodyLimitMiddleware:
    """Refuse a declared Content-Length above the limit without reading a byte; stop a chunked body as soon as
    it passes the limit, so an oversized body is never buffered whole nor parsed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await too_large(self.max_bytes)(scope, receive, send)
            return
        state: dict[str, Any] = {"total": 0, "started": False}

        async def limited() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                state["total"] += len(message.get("body", b""))
                if state["total"] > self.max_bytes:
                    raise BodyTooLarge()
            return message

        async def tracked(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        try:
            await self.app(scope, limited, tracked)
        except BodyTooLarge:  # read outside a route (a middleware): answer here if nothing was sent yet
            if state["started"]:
                raise
            await too_large(self.max_bytes)(scope, receive, send)
