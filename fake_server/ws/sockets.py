"""The terminal and audio sockets open on each computer, so that stopping, restarting or
deleting a computer (or a test's ``drop_connections``) closes them from the server side.
The events sockets have their own registry, :class:`~fake_server.ws.hub.EventHub`.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable

from starlette.websockets import WebSocket, WebSocketDisconnect

CLOSE_GOING_AWAY = 1001


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
