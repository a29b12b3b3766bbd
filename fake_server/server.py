"""FakeOrgo: one fake Orgo service and the ways to reach it.

A test builds one, then reaches it in memory (:meth:`FakeOrgo.transport`, no socket),
over loopback (:meth:`FakeOrgo.serve`, a real uvicorn in a background thread), or runs
it standalone (``orgo-fake serve``). Its state and control operations are the
:class:`~fake_server.backend.Backend` it extends; this class only wires that backend to
its surfaces (REST and control routers, the agent, the dispatchers, the ASGI apps) and
keeps the loopback server, so the surfaces depend on the backend and never on this
facade. The control methods are what the ``/_fake`` HTTP routes call too, so a test in
another process can do the same things.
"""

from __future__ import annotations

import random
from typing import Any, Unpack

from fake_server import openapi
from fake_server.agent.routes import agent_api_router, agent_control_router
from fake_server.agent.service import AgentService
from fake_server.asgi import build_app
from fake_server.backend import Backend, BackendOptions
from fake_server.dispatch import Dispatcher
from fake_server.routes import api_router
from fake_server.routes.control import control_router
from fake_server.serving import LoopbackServer
from fake_server.transport import InMemoryTransport
from fake_server.vm_api.app import vm_socket_routes
from fake_server.vm_api.control import vm_control_router
from fake_server.vm_api.dispatch import VmDispatcher
from fake_server.ws.routes import websocket_routes

__all__ = ["FakeOrgo"]


class FakeOrgo(Backend):
    """A fake Orgo API with all its state in memory: a :class:`Backend` (whose options it
    takes) wired to its routes, WebSockets, transport and servers."""

    def __init__(self, **options: Unpack[BackendOptions]) -> None:
        super().__init__(**options)
        api = api_router()
        api.include(openapi.router)  # GET /api/openapi.json, built from every route table
        control = control_router(self)
        control.include(vm_control_router(self))
        self.dispatcher = Dispatcher(
            state=lambda: self.state,
            api=api,
            control=control,
            log=self.log,
            faults=self.faults,
            rate_limit=lambda: self.rate_limit,
            request_ids=random.Random(None if self.seed is None else self.seed + 1),
            access=self.control_access,
        )
        # the agent acts through the platform's own dispatcher, so its clicks fire events
        # and appear in the request log like any client's; its routes join the routers
        self.agent = AgentService(self, self.dispatcher.handle)
        self.reset_listeners.append(self.agent.reset)
        api.include(agent_api_router(self.agent))
        control.include(agent_control_router(self.agent))
        self.vm_dispatcher = VmDispatcher(self, api)
        self._app: Any = None
        self._vm_app: Any = None
        self.loopback: LoopbackServer | None = None

    # -- reaching it ------------------------------------------------------------------

    def transport(self) -> InMemoryTransport:
        """An httpx transport (sync and async) that calls the fake with no socket."""
        return InMemoryTransport(self.dispatcher.handle, vm_handle=self.vm_dispatcher.handle)

    @property
    def app(self) -> Any:
        """The ASGI application (REST, control surface and WebSockets)."""
        if self._app is None:
            self._app = build_app(self.dispatcher.handle, websocket_routes(self, self.agent))
        return self._app

    @property
    def vm_app(self) -> Any:
        """The ASGI application of the direct VM API (section 20), on its own listener."""
        if self._vm_app is None:
            self._vm_app = build_app(self.vm_dispatcher.handle, vm_socket_routes(self))
        return self._vm_app

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> LoopbackServer:
        """Start uvicorn in a background thread; use as a context manager or call stop().

        The latest loopback server also gives this fake its :attr:`url`, :attr:`base_url`
        and :attr:`ws_url`."""
        server = LoopbackServer(
            self, self.app, self.vm_app, host=host, port=port, on_stop=self._stopped
        )
        server.start()
        self.loopback = server
        return server

    def _stopped(self, server: LoopbackServer) -> None:
        if self.loopback is server:
            self.loopback = None
            self.set_vm_port(None)

    def stop(self) -> None:
        """Stop the loopback server started by :meth:`serve`, if any."""
        if self.loopback is not None:
            self.loopback.stop()

    def _served(self) -> LoopbackServer:
        if self.loopback is None:
            raise RuntimeError("this FakeOrgo is not served on loopback: call serve() first")
        return self.loopback

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` of the loopback server."""
        return self._served().url

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/api``: what a client's base URL should be."""
        return self._served().base_url

    @property
    def ws_url(self) -> str:
        """``ws://127.0.0.1:PORT``: the origin of the desktop WebSockets."""
        return self._served().ws_url

    @property
    def vm_url(self) -> str:
        """``http://127.0.0.1:VM_PORT``: the direct VM API listener (every computer's)."""
        return self._served().vm_url
