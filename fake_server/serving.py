"""Serving the fake over a real socket: uvicorn in a background thread, or standalone.

Each way of serving opens two listeners: the platform (``/api``, ``/_fake``, the desktop
WebSockets) and, on a second port shared by all computers, the direct VM API
(:mod:`fake_server.vm_api`), whose address ``instance_details`` hands out.

Uvicorn binds the port itself (a pre-bound socket made without ``IPPROTO_TCP`` would
leave Nagle's algorithm on and cost ~44 ms a request). ``port=0`` picks a free port;
the chosen one is read back from the running server.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

import uvicorn

from fake_server.backend import Backend
from fake_server.ws.protocol import PingingWebSocketProtocol

STARTUP_TIMEOUT = 10.0


def _config(app: Any, host: str, port: int, log_level: str) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        http="httptools",
        ws=PingingWebSocketProtocol,
        lifespan="off",
        ws_ping_interval=None,
        timeout_graceful_shutdown=1,
    )


class _Listener:
    """One uvicorn server in a daemon thread."""

    def __init__(self, config: uvicorn.Config, name: str) -> None:
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name=name, daemon=True)

    def start(self, where: str) -> int:
        """Start and wait until it listens; returns the bound port."""
        self.thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the fake Orgo server did not start on {where}")
            time.sleep(0.005)
        sockets = [s for server in self.server.servers for s in server.sockets]
        port: int = sockets[0].getsockname()[1]
        return port

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)


class LoopbackServer:
    """The fake's ``app`` on ``http://host:port`` in a daemon thread of this process, and
    its ``vm_app`` on ``http://host:vm_port`` in another.

    It tells the backend only what serving decides (the host the control surface is
    reachable on, the VM API's port); whoever started it hears of the stop through
    ``on_stop`` (the facade forgets its URLs then)."""

    def __init__(
        self,
        backend: Backend,
        app: Any,
        vm_app: Any,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        on_stop: Callable[[LoopbackServer], None] | None = None,
    ) -> None:
        self.backend = backend
        self.host = host
        backend.control_access.bind(host)
        self._main = _Listener(_config(app, host, port, "warning"), "orgo-fake")
        self._vm = _Listener(_config(vm_app, host, 0, "warning"), "orgo-fake-vm")
        self._on_stop = on_stop
        self.port = port
        self.vm_port = 0

    def start(self) -> None:
        self.port = self._main.start(f"{self.host}:{self.port}")
        self.vm_port = self._vm.start(f"{self.host}:0 (the VM API)")
        self.backend.set_vm_port(self.vm_port)

    def stop(self) -> None:
        self._main.stop()
        self._vm.stop()
        if self._on_stop is not None:
            self._on_stop(self)

    @property
    def url(self) -> str:
        """The origin, e.g. ``http://127.0.0.1:8787``."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API root a client is configured with, e.g. ``http://127.0.0.1:8787/api``."""
        return self.url + "/api"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    @property
    def vm_url(self) -> str:
        """The VM API listener, e.g. ``http://127.0.0.1:8788`` (every computer's)."""
        return f"http://{self.host}:{self.vm_port}"

    def __enter__(self) -> LoopbackServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def run_standalone(
    backend: Backend,
    app: Any,
    vm_app: Any,
    host: str,
    port: int,
    *,
    log_level: str = "info",
    vm_port: int = 0,
) -> None:
    """Serve ``app`` in the foreground until interrupted (the ``orgo-fake serve``
    command); ``vm_app`` listens on ``vm_port`` (0: a free one) in a daemon thread."""
    backend.control_access.bind(host)
    vm = _Listener(_config(vm_app, host, vm_port, log_level), "orgo-fake-vm")
    backend.set_vm_port(vm.start(f"{host}:{vm_port} (the VM API)"))
    server = uvicorn.Server(_config(app, host, port, log_level))
    original_startup = server.startup

    async def startup(sockets: object = None) -> None:
        await original_startup(sockets=sockets)  # type: ignore[arg-type]
        bound = [s for srv in server.servers for s in srv.sockets]
        actual = bound[0].getsockname()[1] if bound else port
        print(f"Fake Orgo API listening: http://{host}:{actual}/api", flush=True)
        print(f"Fake Orgo VM API listening: http://{host}:{backend.vm_port}", flush=True)
        if backend.control_access.require_token:
            print(off_loopback_warning(backend), file=sys.stderr, flush=True)

    server.startup = startup  # type: ignore[method-assign]
    server.run()


def off_loopback_warning(backend: Backend) -> str:
    """What ``orgo-fake serve`` says when bound off loopback: loudly, with the token."""
    bar = "!" * 78
    return (
        f"{bar}\n"
        "WARNING: the fake Orgo API is reachable from other machines (not bound to loopback).\n"
        "It is a test double: its API keys, desktops and host shell are NOT secure.\n"
        "The /_fake control surface now needs this control token on every request\n"
        f"(header X-Orgo-Fake-Token): {backend.control_access.token}\n"
        f"{bar}"
    )
