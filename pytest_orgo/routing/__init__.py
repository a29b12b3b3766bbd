"""Transparent routing: code that hard-codes Orgo's URLs reaches the fake unchanged.

In fake mode, requests to ``https://www.orgo.ai/api/...`` (or ``orgo.ai``) and the
documented WebSocket URLs (``wss://www.orgo.ai/desktops/{id}/ws/{kind}``, the legacy
``wss://{id}.orgo.dev/{kind}`` and the hosted agent's ``wss://agent.orgo.ai/ws/prompt``),
and each computer's direct VM API (``http://{instance_id}.vm.orgo.test:80``, what
``instance_details`` names in fake mode),
are redirected to the in-process fake, for the clients
Orgo code uses: httpx (sync and async, answered in memory), requests (and so the
official SDK), ``websockets`` (asyncio and sync) and ``websocket-client`` (and so
the SDK's agent loop); httpx2 (the fork the ``openai`` SDK uses) is answered in memory
too, through :mod:`pytest_orgo.routing.httpx2`. Every other host is left alone. Each
library is patched at one narrow seam (a transport method, a URI parser), and restored on
:meth:`HostRouter.uninstall`.

Live mode against a standalone fake (``--orgo-base-url http://127.0.0.1:PORT/api``, or
any base URL that is not an ``orgo.ai`` host) needs one thing of this: the SDK hard-codes
``wss://agent.orgo.ai/ws/prompt`` for ``computer.prompt()``, whatever its base URL, so
:func:`agent_router` sends that one host to the base URL's origin (and nothing else).
Against the real Orgo nothing is routed.

A library not imported yet is patched when it is (a post-import hook, wrapt's), so
installing the router - which the plugin does at every fake-mode start - imports none of
them: a run that never touches httpx or requests never pays for importing them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    import httpx

AGENT_HOST = "agent.orgo.ai"
API_HOSTS = frozenset({"www.orgo.ai", "orgo.ai", "api.orgo.ai", AGENT_HOST})
LEGACY_WS_HOST = re.compile(r"^(?P<id>[^.]+)\.orgo\.dev$")
WS_KINDS = ("events", "terminal", "audio")


def is_vm_host(host: str | None) -> bool:
    """A direct VM API host (``{instance_id}.vm.orgo.test``); the fake is imported on
    the first call, not with this module."""
    from fake_server.vm_api.address import is_vm_host as vm_host

    return vm_host(host)


def is_orgo_host(host: str | None) -> bool:
    return bool(host) and (
        host in API_HOSTS or LEGACY_WS_HOST.match(host or "") is not None or is_vm_host(host)
    )


def map_ws_url(url: str, target: str, vm_target: Callable[[], str] | None = None) -> str:
    """An Orgo WebSocket URL rewritten onto ``target`` (``ws://127.0.0.1:PORT``), or a VM
    API one onto ``vm_target()``; any other URL unchanged. The legacy host form becomes
    the documented path form."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    base = urlsplit(target)
    if vm_target is not None and is_vm_host(host):
        vm = urlsplit(vm_target())
        return urlunsplit((vm.scheme, vm.netloc, parts.path, parts.query, ""))
    if host in API_HOSTS:
        return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))
    legacy = LEGACY_WS_HOST.match(host)
    kind = parts.path.strip("/")
    if legacy and kind in WS_KINDS:
        path = f"/desktops/{legacy.group('id')}/ws/{kind}"
        return urlunsplit((base.scheme, base.netloc, path, parts.query, ""))
    return url


@dataclass
class HostRouter:
    """Installs the patches; ``http_target`` is ``http://127.0.0.1:PORT`` of the fake,
    ``transport`` its in-memory httpx transport, ``vm_target`` its VM API listener."""

    http_target: Callable[[], str]
    transport: Callable[[], Any]
    vm_target: Callable[[], str] | None = None
    _undo: list[Callable[[], None]] = field(default_factory=list)
    _generation: int = 0  # bumped by install and uninstall: older import hooks go inert
    _installed: bool = False

    @property
    def installed(self) -> bool:
        return self._installed

    def _patch(self, owner: Any, name: str, replacement: Any) -> None:
        original = getattr(owner, name)
        setattr(owner, name, replacement)
        self._undo.append(lambda: setattr(owner, name, original))

    def ws_target(self) -> str:
        return self.http_target().replace("http://", "ws://", 1)

    def vm_ws_target(self) -> str:
        assert self.vm_target is not None
        return self.vm_target().replace("http://", "ws://", 1)

    def _ws_url(self, url: str) -> str:
        vm = self.vm_ws_target if self.vm_target is not None else None
        return map_ws_url(url, self.ws_target(), vm)

    def routed_plain(self, url: str) -> bool:
        """``url`` is a WebSocket URL this router sends to a plain ``ws://`` target."""
        return self.ws_target().startswith("ws://") and self._ws_url(url) != url

    def _patches(self) -> tuple[tuple[str, Callable[[ModuleType], None]], ...]:
        return (
            ("httpx", self._patch_httpx),
            ("httpx2", self._patch_httpx2),
            ("requests.adapters", self._patch_requests),
            ("websockets.asyncio.client", self._patch_parse_uri),
            ("websockets.sync.client", self._patch_parse_uri),
            ("websocket", self._patch_websocket_client),
        )

    def install(self) -> None:
        """Patch each client library now if it is imported, else as soon as it is."""
        if self._installed:
            return
        import wrapt

        self._installed = True
        self._generation += 1
        for module, patch in self._patches():
            wrapt.register_post_import_hook(self._hook(patch), module)

    def _hook(self, patch: Callable[[ModuleType], None]) -> Callable[[ModuleType], None]:
        generation = self._generation

        def hook(module: ModuleType) -> None:
            if self._installed and self._generation == generation:
                patch(module)

        return hook

    def uninstall(self) -> None:
        self._installed = False
        self._generation += 1
        while self._undo:
            self._undo.pop()()

    # -- httpx: answered in memory ----------------------------------------------------

    def _patch_httpx(self, module: ModuleType) -> None:
        router = self
        sync_original = module.HTTPTransport.handle_request
        async_original = module.AsyncHTTPTransport.handle_async_request

        def handle_request(
            transport: httpx.HTTPTransport, request: httpx.Request
        ) -> httpx.Response:
            if is_orgo_host(request.url.host):
                response: httpx.Response = router.transport().handle_request(request)
                return response
            answer: httpx.Response = sync_original(transport, request)
            return answer

        async def handle_async_request(
            transport: httpx.AsyncHTTPTransport, request: httpx.Request
        ) -> httpx.Response:
            if is_orgo_host(request.url.host):
                response: httpx.Response = await router.transport().handle_async_request(request)
                return response
            answer: httpx.Response = await async_original(transport, request)
            return answer

        self._patch(module.HTTPTransport, "handle_request", handle_request)
        self._patch(module.AsyncHTTPTransport, "handle_async_request", handle_async_request)

    def _patch_httpx2(self, httpx2: ModuleType) -> None:
        """The ``openai`` SDK's httpx fork: its requests cross into the fake's httpx
        transport and its answers come back as httpx2 objects, streamed bodies included."""
        from pytest_orgo.routing.httpx2 import forward, forward_async

        router = self
        sync_original = httpx2.HTTPTransport.handle_request
        async_original = httpx2.AsyncHTTPTransport.handle_async_request

        def handle_request(transport: Any, request: Any) -> Any:
            if is_orgo_host(request.url.host):
                return forward(router.transport(), request)
            return sync_original(transport, request)

        async def handle_async_request(transport: Any, request: Any) -> Any:
            if is_orgo_host(request.url.host):
                return await forward_async(router.transport(), request)
            return await async_original(transport, request)

        self._patch(httpx2.HTTPTransport, "handle_request", handle_request)
        self._patch(httpx2.AsyncHTTPTransport, "handle_async_request", handle_async_request)

    # -- requests (the official SDK): onto the loopback server ------------------------

    def _patch_requests(self, adapters: ModuleType) -> None:
        router = self
        original = adapters.HTTPAdapter.send

        def send(adapter: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
            parts = urlsplit(request.url)
            if not is_orgo_host(parts.hostname):
                return original(adapter, request, *args, **kwargs)
            vm = router.vm_target is not None and is_vm_host(parts.hostname)
            target = urlsplit(router.vm_target() if vm else router.http_target())  # type: ignore[misc]
            request.url = urlunsplit((target.scheme, target.netloc, parts.path, parts.query, ""))
            request.headers["Host"] = parts.netloc
            request.headers["X-Forwarded-Proto"] = parts.scheme
            response = original(adapter, request, *args, **kwargs)
            response.url = urlunsplit(parts)
            return response

        self._patch(adapters.HTTPAdapter, "send", send)

    # -- websockets and websocket-client ----------------------------------------------

    def _patch_parse_uri(self, module: ModuleType) -> None:
        """websockets (asyncio and sync clients): the URI parser their ``connect`` calls."""
        router = self
        original = module.parse_uri

        def parse_uri(uri: str) -> Any:
            return original(router._ws_url(uri))

        self._patch(module, "parse_uri", parse_uri)

    def _patch_websocket_client(self, websocket: ModuleType) -> None:
        router = self
        original: Any = websocket.WebSocket.connect

        def connect(sock: Any, url: str, **options: Any) -> Any:
            return original(sock, router._ws_url(url), **options)

        self._patch(websocket.WebSocket, "connect", connect)
        app_original: Any = websocket.WebSocketApp.create_dispatcher

        def create_dispatcher(app: Any, ping_timeout: Any, *args: Any, **kwargs: Any) -> Any:
            # WebSocketApp picks its TLS dispatcher from the URL it was given (wss://
            # agent.orgo.ai): a socket routed onto the plain ws:// fake needs the plain one
            args_list = list(args)
            if len(args_list) >= 2 and args_list[1] and router.routed_plain(app.url):
                args_list[1] = False
            if kwargs.get("is_ssl") and router.routed_plain(app.url):
                kwargs["is_ssl"] = False
            return app_original(app, ping_timeout, *args_list, **kwargs)

        self._patch(websocket.WebSocketApp, "create_dispatcher", create_dispatcher)


def __getattr__(name: str) -> Any:
    """``Router``, the old name of :class:`HostRouter`, still imports but warns: the fake
    has an unrelated ``fake_server.framework.Router`` (its route table), and one name for
    two classes misled readers."""
    if name == "Router":
        import warnings

        warnings.warn(
            "pytest_orgo.routing.Router is now HostRouter (the old name goes in a later release)",
            DeprecationWarning,
            stacklevel=2,
        )
        return HostRouter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass
class AgentRouter(HostRouter):
    """Only the hosted agent's host (``agent.orgo.ai``), only for the WebSocket clients,
    onto ``http_target`` (live mode against a standalone fake: see the module doc)."""

    def ws_target(self) -> str:
        scheme, rest = self.http_target().split("://", 1)
        return ("wss" if scheme == "https" else "ws") + "://" + rest

    def _ws_url(self, url: str) -> str:
        if urlsplit(url).hostname != AGENT_HOST:
            return url
        return map_ws_url(url, self.ws_target())

    def _patches(self) -> tuple[tuple[str, Callable[[ModuleType], None]], ...]:
        return tuple(p for p in super()._patches() if p[0].startswith("websocket"))


def is_orgo_ai(host: str | None) -> bool:
    """The real service's hosts: ``orgo.ai`` and its subdomains."""
    return bool(host) and (host == "orgo.ai" or str(host).endswith(".orgo.ai"))


def agent_router(base_url: str) -> AgentRouter | None:
    """Live mode: a router for the agent host onto ``base_url``'s origin, or None when
    ``base_url`` is the real Orgo (its agent host is the real one too)."""
    parts = urlsplit(base_url)
    if is_orgo_ai(parts.hostname) or parts.scheme not in ("http", "https"):
        return None
    origin = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    return AgentRouter(http_target=lambda: origin, transport=_no_transport)


def _no_transport() -> Any:
    raise RuntimeError("the agent router answers no HTTP request in memory")
