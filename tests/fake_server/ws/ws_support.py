"""Support for the desktop WebSocket tests (events, terminal, audio).

One small synchronous face over both client libraries a real consumer of Orgo uses: the
``websockets`` asyncio client and ``websocket-client`` (the official SDK's dependency),
plus message helpers and :class:`PC`, a fresh computer with the URLs of its sockets.
Every wait is bounded, so a misbehaving server fails a test instead of hanging it.

The asyncio client is driven step by step on a private event loop: each call runs the
loop until that one operation finishes. Between calls the loop is idle, so, like
``websocket-client``, the connection reads nothing from the socket until asked to.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlencode

import httpx
import websocket
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from fake_server import FakeOrgo
from fake_server.handle import DesktopHandle
from fake_server.serving import LoopbackServer

TIMEOUT = 5.0
"""The longest any single WebSocket operation may take before the test fails."""
KINDS = ("websockets", "websocket-client")
ISO_MS_Z = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
DEFAULT = object()


class Closed(Exception):
    """The server closed the connection (``code`` is None when no close frame came)."""

    def __init__(self, code: int | None, reason: str = "") -> None:
        super().__init__(f"closed with {code} {reason!r}")
        self.code = code
        self.reason = reason


class Client(Protocol):
    kind: str

    def send(self, text: str) -> None: ...

    def recv(self, timeout: float = TIMEOUT) -> str | bytes: ...

    def close(self) -> None: ...


class WscClient:
    """``websocket-client``: blocking, reads only inside ``recv``."""

    kind = "websocket-client"

    def __init__(self, url: str, host: str | None = None) -> None:
        options: dict[str, Any] = {"timeout": TIMEOUT}
        if host is not None:
            options["host"] = host
        self.ws = websocket.create_connection(url, **options)

    def send(self, text: str) -> None:
        self.ws.send(text)

    def recv(self, timeout: float = TIMEOUT) -> str | bytes:
        self.ws.settimeout(timeout)
        while True:
            try:
                opcode, data = self.ws.recv_data(control_frame=True)
            except websocket.WebSocketTimeoutException:
                raise TimeoutError(f"nothing received within {timeout} s") from None
            except websocket.WebSocketConnectionClosedException:
                raise Closed(None) from None
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                code = struct.unpack("!H", data[:2])[0] if len(data) >= 2 else None
                raise Closed(code, data[2:].decode("utf-8", "replace"))
            if opcode == websocket.ABNF.OPCODE_TEXT:
                return data.decode("utf-8") if isinstance(data, bytes) else data
            if opcode == websocket.ABNF.OPCODE_BINARY:
                return bytes(data)
            # ping (already answered by the library) or pong: not a message

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.ws.close(timeout=1)
        self.ws.shutdown()  # close() skips this once a close frame was already answered


class AioClient:
    """``websockets.asyncio.client.connect`` on a private loop, run one operation at a time."""

    kind = "websockets"

    def __init__(self, url: str, host: str | None = None) -> None:
        self.loop = asyncio.new_event_loop()
        options: dict[str, Any] = {
            "open_timeout": TIMEOUT,
            "close_timeout": 1,
            "ping_interval": None,
            "max_size": None,
        }
        if host is not None:
            # The Host header comes from the URI; the TCP connection goes to the server.
            match = re.fullmatch(r"ws://([^/]+):(\d+)(/.*)", url)
            assert match, url
            options.update(host=match.group(1), port=int(match.group(2)))
            url = f"ws://{host}{match.group(3)}"

        async def open_() -> ClientConnection:
            return await connect(url, **options)

        self.ws: ClientConnection = self._run(open_())

    def _run(self, awaitable: Any, timeout: float = TIMEOUT) -> Any:
        return self.loop.run_until_complete(asyncio.wait_for(awaitable, timeout))

    def send(self, text: str) -> None:
        try:
            self._run(self.ws.send(text))
        except ConnectionClosed as exc:
            raise Closed(exc.rcvd.code if exc.rcvd else None) from None

    def recv(self, timeout: float = TIMEOUT) -> str | bytes:
        try:
            message = self._run(self.ws.recv(), timeout)
        except ConnectionClosed as exc:
            rcvd = exc.rcvd
            raise Closed(rcvd.code if rcvd else None, rcvd.reason if rcvd else "") from None
        except TimeoutError:
            raise TimeoutError(f"nothing received within {timeout} s") from None
        return message  # type: ignore[no-any-return]

    def close(self) -> None:
        if self.loop.is_closed():
            return
        try:
            # A client that left frames unread (a fast audio stream) cannot see the server's
            # close frame behind them; do not wait the whole close_timeout for it.
            with contextlib.suppress(Exception):
                self._run(self.ws.close(), 0.3)
            self.ws.transport.abort()
            self.loop.run_until_complete(asyncio.sleep(0))
        finally:
            self.loop.close()


# -- helpers used by every test module -------------------------------------------------


def send_json(client: Client, message: dict[str, Any]) -> None:
    client.send(json.dumps(message))


def recv_json(client: Client, timeout: float = TIMEOUT) -> dict[str, Any]:
    message = client.recv(timeout)
    assert isinstance(message, str), f"expected a text frame, got {len(message)} bytes"
    decoded = json.loads(message)
    assert isinstance(decoded, dict), decoded
    return decoded


def recv_event(client: Client, timeout: float = TIMEOUT) -> dict[str, Any]:
    """The next message, which must be an event; returns its ``event`` object."""
    message = recv_json(client, timeout)
    assert message["type"] == "event", message
    assert set(message) == {"type", "event"}, message
    event = message["event"]
    assert set(event) == {"type", "timestamp", "data"}, event
    assert ISO_MS_Z.fullmatch(event["timestamp"]), event["timestamp"]
    return dict(event)


def close_code(
    client: Client, timeout: float = TIMEOUT, *, max_messages: int = 100_000
) -> int | None:
    """Read (and discard) until the server closes; the close code."""
    for _ in range(max_messages):
        try:
            client.recv(timeout)
        except Closed as closed:
            return closed.code
    raise AssertionError(f"still open after {max_messages} messages")


def roundtrip(client: Client, *, skip_binary: bool = False, max_messages: int = 100_000) -> None:
    """Send ``{"type": "ping"}`` and require ``{"type": "pong"}`` as the next text message.

    Every server frame sent before the pong has then been read by the client (and any
    WebSocket ping in between answered), so this is also a barrier."""
    send_json(client, {"type": "ping"})
    for _ in range(max_messages):
        message = client.recv()
        if isinstance(message, bytes) and skip_binary:
            continue
        assert isinstance(message, str), f"binary frame of {len(message)} bytes before pong"
        assert json.loads(message) == {"type": "pong"}, message
        return
    raise AssertionError("no pong")


@dataclass
class PC:
    """One fresh running computer, and how to reach its sockets."""

    id: str
    instance_id: str
    password: str
    handle: DesktopHandle
    server: LoopbackServer
    rest: httpx.Client
    fake: FakeOrgo
    extra: dict[str, Any] = field(default_factory=dict)

    def url(
        self,
        kind: str,
        *,
        ident: str | None = None,
        token: Any = DEFAULT,
        **query: Any,
    ) -> str:
        """``ws://127.0.0.1:PORT/desktops/{ident}/ws/{kind}?token=...``; ``token=None`` omits it."""
        params: dict[str, Any] = {}
        if token is DEFAULT:
            token = self.password
        if token is not None:
            params["token"] = token
        params.update(query)
        suffix = f"?{urlencode(params)}" if params else ""
        return f"{self.server.ws_url}/desktops/{ident or self.instance_id}/ws/{kind}{suffix}"

    def legacy_url(self, kind: str, **query: Any) -> tuple[str, str]:
        """The old ``wss://{computer_id}.orgo.dev/{kind}`` form: (URL, Host header)."""
        params = {"token": self.password, **query}
        return f"{self.server.ws_url}/{kind}?{urlencode(params)}", f"{self.instance_id}.orgo.dev"

    def bash(self, command: str) -> dict[str, Any]:
        response = self.rest.post(f"/computers/{self.id}/bash", json={"command": command})
        assert response.status_code == 200, response.text
        return dict(response.json())

    def post(self, action: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return self.rest.post(f"/computers/{self.id}/{action}", json=body or {})

    def refresh_password(self) -> str:
        response = self.rest.get(f"/computers/{self.id}/vnc-password")
        assert response.status_code == 200, response.text
        self.password = str(response.json()["password"])
        return self.password


Opener = Callable[..., Client]


def make_client(kind: str, url: str, host: str | None = None) -> Client:
    return AioClient(url, host) if kind == "websockets" else WscClient(url, host)
