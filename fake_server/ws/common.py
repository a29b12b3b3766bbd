"""What the three desktop WebSockets share: finding the computer, checking the token,
and the legacy host-routed paths.

Orgo's documented behaviour is to accept the upgrade and then close: 4401 for a bad or
missing token, 4404 for an unknown computer or one that is not running.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.websockets import WebSocket

from fake_server.state import Computer

if TYPE_CHECKING:
    from fake_server.backend import Backend

CLOSE_NORMAL = 1000
CLOSE_BAD_TOKEN = 4401
CLOSE_NOT_FOUND = 4404
CLOSE_SPAWN_FAILED = 4500


def computer_ident(websocket: WebSocket) -> str:
    """The id from ``/desktops/{id}/ws/...``, or from the ``{id}.`` host prefix of the
    legacy ``wss://{computer_id}.orgo.dev/events`` form."""
    ident = websocket.path_params.get("computer_id")
    if ident:
        return str(ident)
    host = websocket.headers.get("host", "")
    return host.split(".", 1)[0] if "." in host else ""


async def open_desktop_socket(backend: Backend, websocket: WebSocket) -> Computer | None:
    """Accept, then check; closes with the documented code and returns None on failure."""
    await websocket.accept()
    with backend.state.lock:
        computer = backend.state.find_computer(computer_ident(websocket))
        running = computer is not None and backend.state.status(computer) == "running"
        token_ok = (
            computer is not None and websocket.query_params.get("token") == computer.vnc_password
        )
    if computer is None:
        await websocket.close(CLOSE_NOT_FOUND, "Computer not found")
        return None
    if not token_ok:
        await websocket.close(CLOSE_BAD_TOKEN, "Invalid token")
        return None
    if not running:
        await websocket.close(CLOSE_NOT_FOUND, "Computer is not running")
        return None
    return computer
