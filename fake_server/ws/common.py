"""What the three desktop WebSockets share: finding the computer, checking the token,
and the legacy host-routed paths.

Orgo's documented behaviour is to accept the upgrade and then close: 4401 for a bad or
missing token, 4404 for an unknown computer or one that is not running.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from starlette.websockets import WebSocket, WebSocketDisconnect

from fake_server.state import Computer

if TYPE_CHECKING:
    from fake_server.server import FakeOrgo

CLOSE_NORMAL = 1000
CLOSE_GOING_AWAY = 1001
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


async def open_desktop_socket(fake: FakeOrgo, websocket: WebSocket) -> Computer | None:
    """Accept, then check; closes with the documented code and returns None on failure."""
    await websocket.accept()
    with fake.state.lock:
        computer = fake.state.find_computer(computer_ident(websocket))
        running = computer is not None and fake.state.status(computer) == "running"
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


class SocketRegistry:
    """Open terminal and audio sockets by computer, so stopping a computer closes them."""

    def __init__(self) -> None:
        self._open: dict[str, list[tuple[WebSocket, asyncio.AbstractEventLoop]]] = {}
        self._lock = threading.Lock()

    def register(self, computer_id: str, websocket: WebSocket) -> Callable[[], None]:
        entry = (websocket, asyncio.get_running_loop())
        with self._lock:
            self._open.setdefault(computer_id, []).append(entry)

        def unregister() -> None:
            with self._lock:
                entries = self._open.get(computer_id, [])
                if entry in entries:
                    entries.remove(entry)

        return unregister

    def close_computer(self, computer_id: str, code: int = CLOSE_GOING_AWAY) -> None:
        with self._lock:
            entries = self._open.pop(computer_id, [])
        for websocket, loop in entries:
            asyncio.run_coroutine_threadsafe(_close_quietly(websocket, code), loop)

    def count(self, computer_id: str | None = None) -> int:
        with self._lock:
            if computer_id is None:
                return sum(len(v) for v in self._open.values())
            return len(self._open.get(computer_id, []))


async def _close_quietly(websocket: WebSocket, code: int) -> None:
    with contextlib.suppress(RuntimeError, WebSocketDisconnect):
        await websocket.close(code)
