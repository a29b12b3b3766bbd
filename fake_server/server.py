"""FakeOrgo: one fake Orgo service, its control surface, and the ways to reach it.

A test builds one, then reaches it in memory (:meth:`FakeOrgo.transport`, no socket),
over loopback (:meth:`FakeOrgo.serve`, a real uvicorn in a background thread), or runs
it standalone (``orgo-fake serve``). The control methods here are what the ``/_fake``
HTTP routes call too, so a test in another process can do the same things.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from fake_server.agent import AgentService
from fake_server.agent.routes import agent_api_router, agent_control_router
from fake_server.clock import Clock, ClockMode
from fake_server.control_access import ControlAccess
from fake_server.desktop.desktop import DesktopEvent
from fake_server.dispatch import Dispatcher
from fake_server.events_catalog import POLL_INTERVALS
from fake_server.faults import Fault, Faults, RateLimit
from fake_server.framework import Router
from fake_server.handle import DesktopHandle
from fake_server.ids import IdFactory
from fake_server.request_log import LoggedRequest, RequestLog
from fake_server.routes import api_router
from fake_server.state import ApiKey, Computer, LifecyclePolicy, Plan, SettleMode, State
from fake_server.vm_api import VmDispatcher
from fake_server.ws.coalesce import Coalescer
from fake_server.ws.common import SocketRegistry
from fake_server.ws.hub import ConnectionStats, EventHub

if TYPE_CHECKING:
    from fake_server.serving import LoopbackServer
    from fake_server.transport import InMemoryTransport

FIXED_EPOCH = (
    1_767_225_600.0  # 2026-01-01T00:00:00Z: seeded fakes start here, for stable timestamps
)


class FakeOrgo:
    """A fake Orgo API with all its state in memory.

    ``api_keys=None`` accepts any non-empty bearer key (all as one account); given keys,
    only those. ``seed`` makes ids, passwords and timestamps repeat from run to run.
    """

    def __init__(
        self,
        *,
        seed: int | None = None,
        api_keys: Iterable[str] | None = None,
        clock: ClockMode = "virtual",
        start_time: float | None = None,
        control_token: str | None = None,
    ) -> None:
        self.seed = seed
        self._api_keys = list(api_keys) if api_keys is not None else None
        self._clock_mode: ClockMode = clock
        self._start_time = (
            start_time if start_time is not None else (FIXED_EPOCH if seed is not None else None)
        )
        self.log = RequestLog()
        self.control_access = ControlAccess()  # guards /_fake over the network
        if control_token is not None:
            self.control_access.token = control_token
        self.faults = Faults()
        self.rate_limit: RateLimit | None = None
        self.agent = AgentService(self)
        self._api_router = api_router()
        self._api_router.include(agent_api_router(self))
        from fake_server.routes.control import control_router

        self._control_router: Router = control_router(self)
        from fake_server.vm_api.control import vm_control_router

        self._control_router.include(vm_control_router(self))
        self._control_router.include(agent_control_router(self))
        self.vm_port: int | None = None  # the VM API listener's port, once served
        self.events = EventHub()
        self._coalescers: dict[str, Coalescer] = {}  # by computer id, dropped on delete
        self.sockets = SocketRegistry()
        self.audio_pace: str = "realtime"  # or "fast": audio frames as fast as clients take them
        self.coalesce_polled_events = False  # True: polled event types arrive as a poller sees them
        self._build_state()
        self.dispatcher = Dispatcher(
            state=lambda: self.state,
            api=self._api_router,
            control=self._control_router,
            log=self.log,
            faults=self.faults,
            rate_limit=lambda: self.rate_limit,
            request_ids=random.Random(None if seed is None else seed + 1),
            access=self.control_access,
        )
        self.vm_dispatcher = VmDispatcher(self, self._api_router)
        self._app: Any = None
        self._vm_app: Any = None
        self.loopback: LoopbackServer | None = None

    def _build_state(self) -> None:
        self.clock = Clock(mode=self._clock_mode, start=self._start_time)
        self.ids = IdFactory(self.seed)
        self.state = State(self.clock, self.ids, accept_any_key=self._api_keys is None)
        for key in self._api_keys or ():
            self.state.add_key(key)
        self.state.lifecycle_listeners.append(self._close_sockets)
        self.state.vm_api.port = getattr(self, "vm_port", None)

    def _close_sockets(self, computer: Computer, what: str) -> None:
        """Stopping, restarting or deleting a computer closes its WebSockets (1001)."""
        if what in ("stopping", "restarting", "deleted"):
            self.events.close_computer(computer.id, 1001)
            self.sockets.close_computer(computer.id, 1001)
        if what == "deleted":  # nothing of a deleted computer stays reachable
            self.events.forget_computer(computer.id)
            coalescer = self._coalescers.pop(computer.id, None)
            if coalescer is not None:
                coalescer.discard()

    def attach_desktop(self, computer: Computer) -> None:
        """Route a computer's desktop events into the events hub (once)."""
        desktop = computer.desktop
        if not any(
            getattr(listener, "hub_for", None) == computer.id for listener in desktop.listeners
        ):

            def deliver(event: DesktopEvent) -> None:
                self.events.publish(computer.id, event)

            coalescer = self._coalescers[computer.id] = Coalescer(self.clock, deliver)

            def publish(event: DesktopEvent) -> None:
                if self.coalesce_polled_events and event.type in POLL_INTERVALS:
                    coalescer.add(event)
                else:
                    deliver(event)

            publish.hub_for = computer.id  # type: ignore[attr-defined]
            desktop.listeners.append(publish)

    # -- reaching it ------------------------------------------------------------------

    def transport(self) -> InMemoryTransport:
        """An httpx transport (sync and async) that calls the fake with no socket."""
        from fake_server.transport import InMemoryTransport

        return InMemoryTransport(self)

    @property
    def app(self) -> Any:
        """The ASGI application (REST, control surface and WebSockets)."""
        if self._app is None:
            from fake_server.asgi import build_app

            self._app = build_app(self)
        return self._app

    @property
    def vm_app(self) -> Any:
        """The ASGI application of the direct VM API (section 20), on its own listener."""
        if self._vm_app is None:
            from fake_server.vm_api.app import build_vm_app

            self._vm_app = build_vm_app(self)
        return self._vm_app

    def set_vm_port(self, port: int | None) -> None:
        """Where the VM API listens on a plain address (the serving code calls this)."""
        self.vm_port = port
        with self.state.lock:
            self.state.vm_api.port = port

    def set_vm_api(self, *, older_images: bool = False) -> None:
        """Act as newer VM images (default: a ``desktop_api_token`` distinct from the
        VNC password, Bearer only) or older ones (the token is the password, and the
        terminal also takes ``?token=``)."""
        with self.state.lock:
            self.state.vm_api.older_images = older_images

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> LoopbackServer:
        """Start uvicorn in a background thread; use as a context manager or call stop().

        The latest loopback server also gives this fake its :attr:`url`, :attr:`base_url`
        and :attr:`ws_url`."""
        from fake_server.serving import LoopbackServer

        server = LoopbackServer(self, host=host, port=port)
        server.start()
        self.loopback = server
        return server

    def stop(self) -> None:
        """Stop the loopback server started by :meth:`serve`, if any."""
        if self.loopback is not None:
            self.loopback.stop()
            self.loopback = None

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

    # -- control surface --------------------------------------------------------------

    def reset(self) -> None:
        """Forget everything: workspaces, computers, files, log, faults, limits, settings."""
        with self.state.lock:
            for computer in list(self.state.computers.values()):
                self.state._remove_computer(computer)
            self._build_state()
            self.events.clear()
            self.log.clear()
            self.faults.clear()
            self.rate_limit = None
            self.agent.reset()

    def requests(self, method: str | None = None, path: str | None = None) -> list[LoggedRequest]:
        """The requests received under /api, oldest first (path is a glob below /api)."""
        return self.log.entries(method, path)

    def key_grants_nothing_new(self, key: str, account_id: str | None) -> bool:
        """Whether minting ``key`` gives no access a caller does not have anyway: the fake
        accepts any key, the key goes to the default account, and no key is replaced.
        Anything else over the network needs the control token."""
        with self.state.lock:
            return (
                self._api_keys is None
                and account_id in (None, self.state.default_account)
                and key not in self.state.keys
            )

    def add_api_key(
        self, key: str, *, workspace_id: str | None = None, account_id: str | None = None
    ) -> ApiKey:
        """Register a key: account-wide, or scoped to one workspace, or of another account."""
        with self.state.lock:
            return self.state.add_key(key, workspace_id=workspace_id, account_id=account_id)

    def set_plan(self, **limits: Any) -> Plan:
        """Set plan limits: max_running_computers, max_ram_gb, max_cpu, max_disk_gb,
        allow_windows, allow_gpu. Unnamed limits go back to their defaults."""
        plan = Plan(**limits)
        with self.state.lock:
            self.state.plan = plan
        return plan

    def set_lifecycle(
        self,
        mode: SettleMode = "immediate",
        *,
        delay: float = 0.0,
        idempotent: bool = False,
        create_latency: float = 0.0,
    ) -> None:
        """How start/stop/restart settle: ``immediate``, after ``delay`` fake-clock
        seconds (``delay``), or only when :meth:`settle` is called (``manual``); and how
        many real seconds creating a computer takes (``create_latency``)."""
        if mode not in ("immediate", "delay", "manual"):
            raise ValueError(f"lifecycle mode must be immediate, delay or manual, not {mode!r}")
        if delay < 0 or create_latency < 0:
            raise ValueError("delay and create_latency cannot be negative")
        with self.state.lock:
            self.state.lifecycle = LifecyclePolicy(mode, delay, idempotent, create_latency)

    def settle(self, computer_id: str | None = None) -> int:
        """Complete pending lifecycle transitions now; returns how many settled."""
        with self.state.lock:
            computer = self.computer(computer_id) if computer_id is not None else None
            return self.state.settle(computer)

    def advance(self, seconds: float) -> None:
        """Move the fake's clock forward, firing whatever falls due (idle, delayed settling)."""
        with self.state.lock:
            self.clock.advance(seconds)

    def inject_fault(
        self,
        *,
        status: int | None = None,
        message: str | None = None,
        delay: float = 0.0,
        drop: bool = False,
        method: str | None = None,
        path: str | None = None,
        times: int | None = 1,
        retry_after: float | None = None,
    ) -> Fault:
        """Make the next ``times`` matching requests fail, wait, or drop the connection."""
        return self.faults.add(
            Fault(
                status=status,
                message=message,
                delay=delay,
                drop=drop,
                method=method,
                path=path,
                times=times,
                retry_after=retry_after,
            )
        )

    def set_rate_limit(
        self, requests: int | None, *, per_seconds: float = 1.0, retry_after: float | None = None
    ) -> None:
        """At most ``requests`` per ``per_seconds`` per key, then 429 with Retry-After.

        ``None`` turns rate limiting off."""
        if requests is None:
            self.rate_limit = None
            return
        if requests < 1 or per_seconds <= 0:
            raise ValueError("requests must be >= 1 and per_seconds > 0")
        self.rate_limit = RateLimit(requests, per_seconds, retry_after)

    def computer(self, ident: str) -> Computer:
        """A computer by UUID or instance id (no access checks: this is the test's view)."""
        found = self.state.find_computer(ident)
        if found is None:
            raise KeyError(f"no computer {ident!r} in this fake")
        return found

    def desktop(self, ident: str) -> DesktopHandle:
        """The control handle for a computer's simulated desktop (thread-safe)."""
        return DesktopHandle(self.computer(ident), self.state.lock)

    def drop_connections(self, computer_id: str, *, code: int = 1012) -> None:
        """Close every WebSocket of a computer from the server side (default 1012, "service
        restart"), as a flaky network or a server deploy would: for testing reconnection."""
        ident = self.computer(computer_id).id
        self.events.close_computer(ident, code)
        self.sockets.close_computer(ident, code)

    def event_connections(self, computer_id: str | None = None) -> list[ConnectionStats]:
        """Every events connection opened (by computer UUID or instance id): its
        subscriptions and how many events it was sent and dropped."""
        if computer_id is not None:
            computer_id = self.computer(computer_id).id
        return self.events.stats(computer_id)

    def counts(self) -> dict[str, int]:
        with self.state.lock:
            return self.state.counts()
