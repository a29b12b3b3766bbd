"""Where the cassette hooks into each client library, and the network block.

The seams are the ones :mod:`pytest_orgo.routing` uses, one level up, so they sit *above*
fake-mode routing (a replayed request never reaches the fake) and are looked up at call
time (code that did ``from websockets.sync.client import connect`` at import is covered):

* httpx, and its fork ``httpx2`` (which the ``openai`` SDK uses):
  ``Client._transport_for_url`` / ``AsyncClient._transport_for_url`` return a transport
  that answers from the cassette, else passes to the real one - whatever transport the
  client was built with (the fake's in-memory one included).
* requests (and so the official SDK): ``HTTPAdapter.send``.
* websockets: ``reconnect.connect`` (sync) and ``connect.connect`` (asyncio).
* websocket-client: ``WebSocket.connect``.
* the network: ``socket.socket.connect`` / ``connect_ex`` raise for internet sockets
  while a cassette replays (pytest-recording's ``--block-network``).
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from types import ModuleType
from typing import Any, Protocol

import httpx

from pytest_orgo.errors import OrgoError


def httpx_modules() -> list[ModuleType]:
    """httpx, and httpx2 where it is installed."""
    modules: list[ModuleType] = [httpx]
    try:
        import httpx2
    except ImportError:
        return modules
    return [*modules, httpx2]


class NetworkBlockedError(RuntimeError, OrgoError):
    """A replaying test tried to open a network connection."""


class Handler(Protocol):
    """What the seams call (implemented by :class:`~.session.CassetteSession`)."""

    def httpx_sync(self, request: Any, inner: Any, mod: ModuleType) -> Any: ...

    async def httpx_async(self, request: Any, inner: Any, mod: ModuleType) -> Any: ...

    def requests_send(self, adapter: Any, request: Any, send: Callable[[], Any]) -> Any: ...

    def ws_sync(self, url: str, connect: Callable[[], Any]) -> Any: ...

    async def ws_async(self, url: str, connect: Callable[[], Any]) -> Any: ...

    def ws_client(self, ws: Any, url: str, connect: Callable[[], Any]) -> Any: ...


class _Transport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Per request: the cassette first, then the client's own transport."""

    def __init__(self, handler: Handler, inner: Any, mod: ModuleType) -> None:
        self.handler = handler
        self.inner = inner
        self.mod = mod

    def handle_request(self, request: Any) -> Any:
        return self.handler.httpx_sync(request, self.inner, self.mod)

    async def handle_async_request(self, request: Any) -> Any:
        return await self.handler.httpx_async(request, self.inner, self.mod)

    def close(self) -> None:  # the client closes its own transports
        return None

    async def aclose(self) -> None:
        return None


class Seams:
    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self._undo: list[Callable[[], None]] = []

    def _patch(self, owner: Any, name: str, replacement: Any) -> None:
        own = name in vars(owner)  # else inherited (socket.socket.connect): undo by deleting
        original = vars(owner).get(name)
        setattr(owner, name, replacement)
        self._undo.append(lambda: setattr(owner, name, original) if own else delattr(owner, name))

    def install(self, *, block_network: bool) -> None:
        self._httpx()
        self._requests()
        self._websockets()
        self._websocket_client()
        if block_network:
            self._block()

    def uninstall(self) -> None:
        while self._undo:
            self._undo.pop()()

    def _httpx(self) -> None:
        for mod in httpx_modules():
            self._httpx_of(mod)

    def _httpx_of(self, mod: ModuleType) -> None:
        handler = self.handler
        sync_pick = mod.Client._transport_for_url
        async_pick = mod.AsyncClient._transport_for_url

        def pick(client: Any, url: Any) -> Any:
            return _Transport(handler, sync_pick(client, url), mod)

        def apick(client: Any, url: Any) -> Any:
            return _Transport(handler, async_pick(client, url), mod)

        self._patch(mod.Client, "_transport_for_url", pick)
        self._patch(mod.AsyncClient, "_transport_for_url", apick)

    def _requests(self) -> None:
        try:
            from requests.adapters import HTTPAdapter
        except ImportError:
            return
        handler = self.handler
        original = HTTPAdapter.send

        def send(adapter: HTTPAdapter, request: Any, *args: Any, **kwargs: Any) -> Any:
            return handler.requests_send(
                adapter, request, lambda: original(adapter, request, *args, **kwargs)
            )

        self._patch(HTTPAdapter, "send", send)

    def _websockets(self) -> None:
        try:
            import websockets.asyncio.client as asyncio_client
            import websockets.sync.client as sync_client
        except ImportError:
            return
        handler = self.handler
        sync_original = sync_client.reconnect.connect
        async_original = asyncio_client.connect.connect

        def sync_connect(connecter: Any) -> Any:
            return handler.ws_sync(connecter.uri, lambda: sync_original(connecter))

        async def async_connect(connecter: Any) -> Any:
            return await handler.ws_async(connecter.uri, lambda: async_original(connecter))

        self._patch(sync_client.reconnect, "connect", sync_connect)
        self._patch(asyncio_client.connect, "connect", async_connect)

    def _websocket_client(self) -> None:
        try:
            import websocket
        except ImportError:
            return
        handler = self.handler
        original: Callable[..., Any] = websocket.WebSocket.connect

        def connect(ws: Any, url: str, **options: Any) -> Any:
            return handler.ws_client(ws, url, lambda: original(ws, url, **options))

        self._patch(websocket.WebSocket, "connect", connect)

    def _block(self) -> None:
        connect, connect_ex = socket.socket.connect, socket.socket.connect_ex

        def blocked(sock: socket.socket, address: Any) -> None:
            if sock.family in (socket.AF_INET, socket.AF_INET6):
                raise NetworkBlockedError(
                    f"network access to {address!r} is blocked while a cassette replays "
                    "(record it with --orgo-record-mode=once or new_episodes)"
                )

        def guarded_connect(sock: socket.socket, address: Any) -> None:
            blocked(sock, address)
            connect(sock, address)

        def guarded_connect_ex(sock: socket.socket, address: Any) -> int:
            blocked(sock, address)
            return connect_ex(sock, address)

        self._patch(socket.socket, "connect", guarded_connect)
        self._patch(socket.socket, "connect_ex", guarded_connect_ex)
