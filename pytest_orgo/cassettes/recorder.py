"""Recording: HTTP through vcrpy, WebSocket frames as the client saw them, one clock.

HTTP: vcrpy's own patches (urllib3 for requests and the official SDK, httpx's transports
sync and async) capture each request and response; we enter a vcrpy cassette in
``record_mode="all"`` with a persister that stores nothing and take each interaction from
its ``append`` - vcrpy never writes a file, so none of its filter paths can leak. Custom
httpx transports vcrpy does not know (the fake's in-memory one) are wrapped with vcrpy's
own httpx stub by :mod:`.seams`.

WebSockets: the client's connection object is wrapped after connect, so what is kept is
what the test *sent* and what it *received* (not what the server pushed and nobody read),
with receive timeouts and the closing code, so event streams replay as the client saw them.

Clock: every HTTP interaction (stamped when its request started, via a context variable the
seams set) and every connect and frame takes the next ``seq`` and a ``t_us`` from one
monotonic clock - the order between a REST call and the events it caused is kept.
"""

from __future__ import annotations

import asyncio
import contextvars
import copy
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pytest_orgo.cassettes.format import Connection, Frame, Interaction

STARTED: contextvars.ContextVar[tuple[int, int] | None] = contextvars.ContextVar(
    "orgo_http_started", default=None
)


class Clock:
    """One sequence counter and one monotonic clock for HTTP and WebSockets alike."""

    def __init__(self, first_seq: int = 0) -> None:
        self._start = time.monotonic_ns()
        self._seq = first_seq
        self._lock = threading.Lock()

    def now_us(self) -> int:
        return (time.monotonic_ns() - self._start) // 1000

    def tick(self) -> tuple[int, int]:
        with self._lock:
            self._seq += 1
            return self._seq, self.now_us()

    @property
    def start_ns(self) -> int:
        return self._start


class _NullPersister:
    """vcrpy persister that loads nothing and saves nothing (we write the cassette)."""

    @staticmethod
    def load_cassette(cassette_path: str, serializer: Any) -> Any:
        from vcr.persisters.filesystem import CassetteNotFoundError

        raise CassetteNotFoundError()

    @staticmethod
    def save_cassette(cassette_path: str, cassette_dict: Any, serializer: Any) -> None:
        return None


def _text(value: Any) -> bytes:
    if value is None:
        return b""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    if hasattr(value, "read"):  # a file-like body vcrpy kept as is
        data = value.read()
        return data if isinstance(data, bytes) else str(data).encode()
    return str(value).encode("utf-8")


class HttpRecorder:
    """vcrpy, entered for the test, feeding :attr:`interactions`."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.interactions: list[Interaction] = []
        self._lock = threading.Lock()
        self._context: Any = None
        self.cassette: Any = None

    def start(self) -> None:
        from vcr import VCR

        vcr = VCR(record_mode="all", decode_compressed_response=False)
        vcr.register_persister(_NullPersister)
        self._context = vcr.use_cassette("pytest-orgo-in-memory")
        self.cassette = self._context.__enter__()
        self.cassette.append = self.append

    def stop(self) -> None:
        if self._context is not None:
            self._context.__exit__(None, None, None)
            self._context = None

    def add(self, interaction: Interaction) -> None:
        """An interaction recorded without vcrpy (a streamed httpx response)."""
        with self._lock:
            self.interactions.append(interaction)

    def append(self, request: Any, response: dict[str, Any]) -> None:
        """vcrpy's ``Cassette.append``: one finished interaction."""
        from vcr.filters import decode_response

        started = STARTED.get()
        end_us = self.clock.now_us()
        response = decode_response(copy.deepcopy(response))
        headers = {name: [str(value)] for name, value in dict(request.headers).items()}
        response_headers = {
            str(name): [str(v) for v in (values if isinstance(values, list) else [values])]
            for name, values in (response.get("headers") or {}).items()
        }
        status = response.get("status") or {}
        with self._lock:
            seq, t_us = started if started is not None else self.clock.tick()
            self.interactions.append(
                Interaction(
                    method=str(request.method).upper(),
                    uri=str(request.uri),
                    request_headers=headers,
                    request_body=_text(request.body),
                    status=int(status.get("code", 0)),
                    reason=str(status.get("message") or ""),
                    response_headers=response_headers,
                    response_body=_text((response.get("body") or {}).get("string")),
                    seq=seq,
                    t_us=t_us,
                    duration_us=max(0, end_us - t_us),
                )
            )


class ConnectionRecorder:
    """The frames of one WebSocket connection, as the client saw them."""

    def __init__(self, url: str, clock: Clock) -> None:
        self.clock = clock
        seq, t_us = clock.tick()
        self.connection = Connection(url=url, seq=seq, t_us=t_us)

    def _add(self, frame: Frame) -> None:
        frame.seq, frame.t_us = self.clock.tick()
        self.connection.frames.append(frame)

    def message(self, direction: str, message: Any) -> None:
        if isinstance(message, str):
            self._add(Frame(direction=direction, kind="text", text=message))  # type: ignore[arg-type]
        elif isinstance(message, bytes | bytearray | memoryview):
            self._add(Frame(direction=direction, kind="binary", data=bytes(message)))  # type: ignore[arg-type]
        else:  # an iterable of fragments
            parts = list(message)
            joined: Any = "".join(parts) if parts and isinstance(parts[0], str) else b"".join(parts)
            self.message(direction, joined)

    def timeout(self) -> None:
        self._add(Frame(direction="recv", kind="timeout"))

    def closed(self, code: int | None, reason: str, ok: bool) -> None:
        self._add(Frame(direction="recv", kind="close", code=code, reason=reason, ok=ok))


class WsRecorder:
    """Every WebSocket connection of the test, wrapped at connect by :mod:`.seams`."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.connections: list[Connection] = []
        self._lock = threading.Lock()

    def open(self, url: str) -> ConnectionRecorder:
        recorder = ConnectionRecorder(url, self.clock)
        with self._lock:
            self.connections.append(recorder.connection)
        return recorder

    def discard(self, recorder: ConnectionRecorder) -> None:
        """A connect that failed: not a connection to replay."""
        with self._lock:
            if recorder.connection in self.connections:
                self.connections.remove(recorder.connection)

    # -- websockets (sync and asyncio) ----------------------------------------------

    def wrap_websockets_sync(self, connection: Any, recorder: ConnectionRecorder) -> Any:
        send, recv = connection.send, connection.recv

        def recorded_send(message: Any, *args: Any, **kwargs: Any) -> None:
            recorder.message("send", message)
            send(message, *args, **kwargs)

        def recorded_recv(*args: Any, **kwargs: Any) -> Any:
            with _receiving(recorder, (TimeoutError,)):
                message = recv(*args, **kwargs)
            recorder.message("recv", message)
            return message

        connection.send, connection.recv = recorded_send, recorded_recv
        return connection

    def wrap_websockets_async(self, connection: Any, recorder: ConnectionRecorder) -> Any:
        send, recv = connection.send, connection.recv

        async def recorded_send(message: Any, *args: Any, **kwargs: Any) -> None:
            recorder.message("send", message)
            await send(message, *args, **kwargs)

        async def recorded_recv(*args: Any, **kwargs: Any) -> Any:
            # asyncio.wait_for / timeout() cancel the receive: a timeout as the client saw it
            with _receiving(recorder, (TimeoutError, asyncio.CancelledError)):
                message = await recv(*args, **kwargs)
            recorder.message("recv", message)
            return message

        connection.send, connection.recv = recorded_send, recorded_recv
        return connection

    # -- websocket-client -------------------------------------------------------------

    def wrap_websocket_client(self, ws: Any, recorder: ConnectionRecorder) -> None:
        import websocket

        abnf = websocket.ABNF
        send, recv_frame = ws.send, ws.recv_data_frame

        def recorded_send(payload: Any, opcode: int = abnf.OPCODE_TEXT) -> Any:
            if opcode == abnf.OPCODE_TEXT:
                recorder.message(
                    "send", payload if isinstance(payload, str) else bytes(payload).decode()
                )
            elif opcode == abnf.OPCODE_BINARY:
                recorder.message("send", bytes(payload))
            return send(payload, opcode)

        def recorded_recv_data_frame(control_frame: bool = False) -> Any:
            try:
                opcode, frame = recv_frame(control_frame)
            except websocket.WebSocketTimeoutException:
                recorder.timeout()
                raise
            except websocket.WebSocketConnectionClosedException:
                recorder.closed(None, "", False)
                raise
            if opcode == abnf.OPCODE_TEXT:
                data = frame.data
                recorder.message("recv", data.decode("utf-8") if isinstance(data, bytes) else data)
            elif opcode == abnf.OPCODE_BINARY:
                recorder.message("recv", bytes(frame.data))
            elif opcode == abnf.OPCODE_CLOSE:
                recorder.closed(*_close_payload(frame.data))
            return opcode, frame

        close = ws.close

        def recorded_close(*args: Any, **kwargs: Any) -> None:
            """A close the client starts: keep the server's reply (``on_close`` sees it)."""
            was_open = ws.connected
            close(*args, **kwargs)
            reply = ws.close_frame
            if was_open and reply is not None:
                recorder.closed(*_close_payload(reply.data))

        ws.send, ws.recv_data_frame = recorded_send, recorded_recv_data_frame
        ws.close = recorded_close


def _close_payload(data: Any) -> tuple[int | None, str, bool]:
    """(code, reason, clean) of a websocket-client close frame's payload."""
    raw = bytes(data or b"")
    code = struct.unpack("!H", raw[:2])[0] if len(raw) >= 2 else None
    return code, raw[2:].decode("utf-8", "replace"), code in (None, 1000, 1001)


@contextmanager
def _receiving(
    recorder: ConnectionRecorder, timeouts: tuple[type[BaseException], ...]
) -> Iterator[None]:
    """Record how a receive of the ``websockets`` library ended, if not with a message:
    a timeout, or the close (with its code and whether it was clean)."""
    from websockets.exceptions import ConnectionClosed, ConnectionClosedOK

    try:
        yield
    except timeouts:
        recorder.timeout()
        raise
    except ConnectionClosed as exc:
        recorder.closed(*_close_of(exc), isinstance(exc, ConnectionClosedOK))
        raise


def _close_of(exc: Any) -> tuple[int | None, str]:
    close = exc.rcvd or exc.sent
    if close is None:
        return None, ""
    return int(close.code), str(close.reason)
