"""The VM API's ``WS /terminal``, served beside its REST dispatcher on its own listener.

The terminal is the platform's (:mod:`fake_server.ws.terminal`: same protocol, same
shell session) behind the VM's authentication: ``Authorization: Bearer <token>`` on the
upgrade, and ``?token=`` too only when the fake acts as an older image. A refused
upgrade is an HTTP 401 before the handshake completes, as the VM answers it, so a client
that tries ``?token=`` first (the official MCP server) sees the refusal at once and tries
the header next.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, WebSocketRoute
from starlette.websockets import WebSocket

from fake_server.errors import ApiError
from fake_server.state import Computer
from fake_server.vm_api.dispatch import authenticate, bearer_token
from fake_server.ws.common import CLOSE_NOT_FOUND
from fake_server.ws.terminal import terminal_endpoint

if TYPE_CHECKING:
    from fake_server.backend import Backend


async def open_vm_socket(backend: Backend, websocket: WebSocket) -> Computer | None:
    """Authenticate the upgrade, then accept; refuse with 401 (or close 4404 when the
    computer is not running). Returns None when refused."""
    state = backend.state
    header = bearer_token(websocket.headers)
    query = websocket.query_params.get("token")
    host = websocket.headers.get("host")
    token = query if header is None and query and state.vm_api.older_images else header
    refusal: ApiError | None = None
    with state.lock:
        try:
            computer = authenticate(state, token, host)
            running = state.status(computer) == "running"
        except ApiError as error:
            refusal = error
    if refusal is not None:
        await _deny(websocket, refusal)
        return None
    await websocket.accept()
    if not running:
        await websocket.close(CLOSE_NOT_FOUND, "Computer is not running")
        return None
    return computer


async def _deny(websocket: WebSocket, error: ApiError) -> None:
    try:
        await websocket.send_denial_response(
            JSONResponse({"error": error.message}, status_code=error.status)
        )
    except RuntimeError:  # a server without the denial extension: a bare refusal (403)
        await websocket.close()


def vm_socket_routes(backend: Backend) -> list[BaseRoute]:
    """The VM API listener's WebSocket (shared by every computer of ``backend``); its
    HTTP side is the :class:`~fake_server.vm_api.dispatch.VmDispatcher`."""

    async def terminal(websocket: WebSocket) -> None:
        await terminal_endpoint(backend, websocket, open_vm_socket)

    return [WebSocketRoute("/terminal", terminal)]
