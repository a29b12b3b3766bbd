"""Uvicorn's sans-io WebSocket protocol, plus one ASGI extension: application pings.

ASGI has no way for an app to send a WebSocket ping and learn when the pong comes
back. The events socket needs exactly that: a pong is the only signal that a client
has *processed* the frames sent before the ping, which is what makes the 256-event
buffer's drop accounting exact even though kernel socket buffers sit in between.
The extension ``fake_server.ping`` in the scope is a callable returning a future that
resolves when the matching pong arrives. Framing stays the ``websockets`` library's.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import Frame

PING_EXTENSION = "fake_server.ping"
SEND_TEXTS_EXTENSION = "fake_server.send_texts"
_payloads = itertools.count(1)


class PingingWebSocketProtocol(WebSocketsSansIOProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._app_pings: dict[bytes, asyncio.Future[None]] = {}

    def handle_connect(self, event: Any) -> None:
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is not None:
            scope["extensions"][PING_EXTENSION] = self.app_ping
            scope["extensions"][SEND_TEXTS_EXTENSION] = self.send_texts

    def app_ping(self) -> asyncio.Future[None]:
        """Send a ping now; the future resolves when its pong arrives."""
        future: asyncio.Future[None] = self.loop.create_future()
        if self.close_sent or self.transport.is_closing():
            future.cancel()
            return future
        payload = b"orgo" + next(_payloads).to_bytes(8, "big")
        self._app_pings[payload] = future
        self.conn.send_ping(payload)
        self.transport.write(b"".join(self.conn.data_to_send()))
        return future

    async def send_texts(self, texts: list[str]) -> None:
        """Several text messages in one write: one syscall for a batch of events."""
        await self.writable.wait()
        if self.disconnected or self.close_sent:
            raise ConnectionResetError("the WebSocket is closed")
        for text in texts:
            self.conn.send_text(text.encode())
        self.transport.write(b"".join(self.conn.data_to_send()))

    def handle_pong(self, event: Frame) -> None:
        future = self._app_pings.pop(bytes(event.data), None)
        if future is None:
            super().handle_pong(event)
        elif not future.done():
            future.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        for future in self._app_pings.values():
            if not future.done():
                future.cancel()
        self._app_pings.clear()
        super().connection_lost(exc)
