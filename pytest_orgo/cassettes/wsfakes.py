"""In-process WebSocket connections for replay: no socket, no server.

Each client library gets an object that behaves like its own connection - the same
methods, the same exceptions for a timeout or a close - backed by a :class:`Script` that
checks what is sent against the recording and hands back what was received:

* ``websockets`` sync: :class:`SyncConnection` (``send``, ``recv(timeout)``, iteration,
  ``close``, context manager), returned by ``websockets.sync.client.connect``.
* ``websockets`` asyncio: :class:`AsyncConnection`, returned by ``await connect(...)`` and
  ``async with connect(...)``.
* ``websocket-client``: the real ``websocket.WebSocket`` object, its I/O methods replaced
  on the instance (``create_connection`` returns the object it built, so the object
  itself must be the replaying one). ``WebSocketApp.run_forever`` (the SDK's
  ``computer.prompt()``) runs unchanged on top of it: its dispatcher selects on
  ``ws.sock``, so the replaying object gets an always-readable local socket there
  (:class:`_AlwaysReadable`); each turn of the loop then asks the script for the next
  frame, which waits on the ordering gate like any receive, and the callbacks fire with
  the recorded frames in order. A close the client starts reads the recorded close reply,
  so ``on_close`` sees the code the server answered with.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from types import SimpleNamespace
from typing import Any

from pytest_orgo.cassettes.format import Frame
from pytest_orgo.cassettes.player import Script


def _closed_error(frame: Frame) -> Exception:
    from websockets.exceptions import ConnectionClosedError, ConnectionClosedOK
    from websockets.frames import Close

    close = Close(frame.code, frame.reason) if frame.code is not None else None
    return (ConnectionClosedOK if frame.ok else ConnectionClosedError)(close, None)


def _decoded(payload: str | bytes, decode: bool | None) -> str | bytes:
    if decode is True and isinstance(payload, bytes):
        return payload.decode("utf-8")
    if decode is False and isinstance(payload, str):
        return payload.encode("utf-8")
    return payload


class _Base:
    def __init__(self, script: Script) -> None:
        self.script = script
        self.id = uuid.uuid4()
        self.pending_legacy_warning = False
        self.request = None
        self.response = None
        self.subprotocol = None
        self.local_address = ("127.0.0.1", 0)
        self.remote_address = ("127.0.0.1", 0)
        self.close_code: int | None = None
        self.close_reason: str | None = None

    @property
    def url(self) -> str:
        return self.script.url

    def _result(self, frame: Frame, decode: bool | None) -> str | bytes:
        if frame.kind == "timeout":
            raise TimeoutError(f"timed out waiting for a message on {self.url} (as recorded)")
        if frame.kind == "close":
            self.close_code, self.close_reason = frame.code, frame.reason
            raise _closed_error(frame)
        return _decoded(self.script.payload(frame), decode)

    def _close(self, code: int, reason: str) -> None:
        if self.close_code is None:
            self.close_code, self.close_reason = code, reason
        self.script.close()

    def __repr__(self) -> str:
        return f"<replayed WebSocket {self.url}>"


class SyncConnection(_Base):
    """Replays a ``websockets.sync.client.ClientConnection``."""

    def send(self, message: Any, text: bool | None = None) -> None:
        self.script.send(
            message if isinstance(message, str | bytes | bytearray | memoryview) else _join(message)
        )

    def recv(self, timeout: float | None = None, decode: bool | None = None) -> str | bytes:
        return self._result(self.script.receive(), decode)

    def recv_streaming(self, decode: bool | None = None) -> Iterator[str | bytes]:
        yield self.recv(decode=decode)

    def __iter__(self) -> Iterator[str | bytes]:
        from websockets.exceptions import ConnectionClosedOK

        try:
            while True:
                yield self.recv()
        except ConnectionClosedOK:
            return

    def close(self, code: int = 1000, reason: str = "") -> None:
        self._close(code, reason)

    def ping(self, data: Any = None, ack_on_close: bool = False) -> threading.Event:
        event = threading.Event()
        event.set()
        return event

    def pong(self, data: Any = b"") -> None:
        return None

    def wait_closed(self, timeout: float | None = None) -> bool:
        return True

    def start_keepalive(self) -> None:
        return None

    def __enter__(self) -> SyncConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncConnection(_Base):
    """Replays a ``websockets.asyncio.client.ClientConnection``."""

    async def send(self, message: Any, text: bool | None = None) -> None:
        if not isinstance(message, str | bytes | bytearray | memoryview):
            message = (
                _join([m async for m in message])
                if hasattr(message, "__aiter__")
                else _join(message)
            )
        self.script.send(message)

    async def recv(self, decode: bool | None = None) -> str | bytes:
        return self._result(await self.script.areceive(), decode)

    async def recv_streaming(self, decode: bool | None = None) -> AsyncIterator[str | bytes]:
        yield await self.recv(decode)

    async def __aiter__(self) -> AsyncIterator[str | bytes]:
        from websockets.exceptions import ConnectionClosedOK

        try:
            while True:
                yield await self.recv()
        except ConnectionClosedOK:
            return

    async def close(self, code: int = 1000, reason: str = "") -> None:
        self._close(code, reason)

    async def wait_closed(self) -> None:
        return None

    async def ping(self, data: Any = None) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        future.set_result(0.0)
        return future

    async def pong(self, data: Any = b"") -> None:
        return None

    def start_keepalive(self) -> None:
        return None

    async def __aenter__(self) -> AsyncConnection:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


def _join(parts: Any) -> str | bytes:
    items = list(parts)
    if items and isinstance(items[0], str):
        return "".join(items)
    return b"".join(bytes(i) for i in items)


class _AlwaysReadable:
    """Stands in for ``ws.sock`` under ``run_forever``: a local socket pair with a byte
    that is never read, so ``select`` (and the SSL dispatcher's ``pending()``) always says
    "readable" and the real wait happens in the script. No network socket is opened."""

    def __init__(self) -> None:
        self._ours, self._theirs = socket.socketpair()
        self._theirs.send(b"\0")
        self._timeout: float | None = None
        self._closed = False

    def fileno(self) -> int:
        return self._ours.fileno()

    def pending(self) -> bool:
        return True

    def settimeout(self, timeout: float | None) -> None:
        self._timeout = timeout

    def gettimeout(self) -> float | None:
        return self._timeout

    def shutdown(self, how: int = socket.SHUT_RDWR) -> None:
        return None

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._ours.close()
            self._theirs.close()


def _close_abnf(abnf: Any, frame: Frame) -> Any:
    data = b"" if frame.code is None else struct.pack("!H", frame.code) + frame.reason.encode()
    return abnf(1, 0, 0, 0, abnf.OPCODE_CLOSE, 0, data)


def replay_websocket_client(ws: Any, script: Script) -> None:
    """Turn a ``websocket.WebSocket`` into a replaying one (no network socket is opened)."""
    import websocket

    abnf = websocket.ABNF
    readable = _AlwaysReadable()
    script.cleanups.append(readable.close)

    def send(payload: Any, opcode: int = abnf.OPCODE_TEXT) -> int:
        if opcode == abnf.OPCODE_TEXT:
            script.send(payload if isinstance(payload, str) else bytes(payload).decode())
        elif opcode == abnf.OPCODE_BINARY:
            script.send(bytes(payload))
        elif opcode == abnf.OPCODE_CLOSE:
            close()
        return max(len(payload), 1)

    def recv_data_frame(control_frame: bool = False) -> tuple[int, Any]:
        if not ws.connected and script.closed is not None and script.closed.seq == 0:
            raise websocket.WebSocketConnectionClosedException("socket is already closed.")
        frame = script.receive()
        if frame.kind == "timeout":
            raise websocket.WebSocketTimeoutException("timed out (as recorded)")
        if frame.kind == "close":
            ws.connected = False
            if frame.code is None:
                raise websocket.WebSocketConnectionClosedException(
                    "Connection to remote host was lost."
                )
            return abnf.OPCODE_CLOSE, _close_abnf(abnf, frame)
        payload = script.payload(frame)
        opcode = abnf.OPCODE_TEXT if isinstance(payload, str) else abnf.OPCODE_BINARY
        data = payload.encode("utf-8") if isinstance(payload, str) else payload
        return opcode, abnf(1, 0, 0, 0, opcode, 0, data)

    def close(status: int = 1000, reason: Any = b"", timeout: float | None = 3) -> None:
        if not ws.connected:  # as websocket-client: closing twice is a no-op
            return
        ws.connected = False
        reply = script.closing()
        ws.close_frame = _close_abnf(abnf, reply) if reply is not None else None
        readable.close()

    def shutdown() -> None:
        ws.connected = False
        script.close()
        readable.close()

    def nothing(*args: Any, **kwargs: Any) -> None:
        return None

    ws.send = send
    ws.recv_data_frame = recv_data_frame
    ws.close = close
    ws.send_close = close
    ws.shutdown = ws.abort = shutdown
    ws.ping = ws.pong = nothing
    ws.sock = readable
    ws.connected = True
    ws.handshake_response = SimpleNamespace(status=101, headers={}, subprotocol=None)
