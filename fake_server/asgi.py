"""The ASGI face of the fake: Starlette routes that translate to and from the dispatcher.

HTTP requests of any path and verb go to one :class:`~fake_server.dispatch.Handle` (the
platform's dispatcher: REST under ``/api``, control under ``/_fake``; or the direct VM
API's), beside the WebSocket routes it is given (:mod:`fake_server.ws.routes`). Nothing
here knows an Orgo rule: it only moves bytes between Starlette and the dispatcher.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from fake_server.dispatch import Handle
from fake_server.framework import ApiResponse

HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
RAW_SEND = "fake_server.raw_send"
# may block (a host subprocess; waiting out the events grace period): keep them off the loop
OFFLOADED = ("/bash", "/exec", "/connections", "/chat/completions")


async def _abort_connection(send: Any) -> None:
    """Drop the TCP connection without an answer, as a failing gateway would.

    ASGI has no message for this, so reach the server's transport through the bound
    ``send`` (uvicorn's RequestResponseCycle); then give the loop a turn so the server
    notices the disconnect and does not answer with a 500 of its own.
    """
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        raise ConnectionAbortedError("fault injection: connection dropped")
    transport.abort()
    for _ in range(3):
        await asyncio.sleep(0)


def build_app(dispatch: Handle, websockets: list[BaseRoute]) -> Any:
    """One surface's app: its dispatcher for HTTP, and its WebSocket routes."""

    async def http_endpoint(request: Request) -> Response:
        body = await request.body()
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in request.scope["headers"]}
        origin = f"{request.url.scheme}://{request.headers.get('host') or request.url.netloc}"

        def call() -> ApiResponse:
            return dispatch(
                request.method,
                request.url.path,
                query_string=request.scope.get("query_string", b"").decode("latin-1"),
                headers=headers,
                body=body,
                origin=origin,
                network=True,
                peer=request.client.host if request.client is not None else None,
            )

        if request.url.path.endswith(OFFLOADED):
            answer = await asyncio.to_thread(call)
        else:
            answer = call()
        if answer.delay > 0:
            await asyncio.sleep(answer.delay)
        if answer.drop:
            return _DroppedResponse()
        if answer.stream is not None:  # a sync iterator: Starlette reads it off the loop
            return StreamingResponse(
                answer.stream,
                status_code=answer.status,
                headers=answer.headers,
                media_type=answer.media_type,
            )
        return Response(
            answer.encode(),
            status_code=answer.status,
            headers=answer.headers,
            media_type=answer.media_type,
        )

    catch_all = Route("/{path:path}", http_endpoint, methods=HTTP_METHODS)
    routes: list[BaseRoute] = [*websockets, catch_all]
    return _KeepRawSend(Starlette(routes=routes))


class _KeepRawSend:
    """Outermost ASGI layer: remembers the server's own ``send`` for dropping connections
    (Starlette's middleware wraps the one a response sees)."""

    def __init__(self, app: Starlette) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            scope[RAW_SEND] = send
        await self.app(scope, receive, send)


class _DroppedResponse(Response):
    def __init__(self) -> None:
        super().__init__(b"")

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await _abort_connection(scope.get(RAW_SEND, send))
