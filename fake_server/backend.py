"""The backend of one fake: its state and everything the surfaces share with it.

:class:`Backend` is what the REST routes, the control routes, the WebSocket endpoints,
the direct VM API and the agent are given: the state (and its lock), the clock and ids,
the request log, the faults and rate limit the dispatchers check, the events hub and the
open sockets, and the control operations (keys, plan, lifecycle, clock, faults), which
the ``/_fake`` routes expose over HTTP. It knows nothing of how the fake is reached
(dispatchers, transport, ASGI apps, loopback server): that is the facade's,
:class:`~fake_server.server.FakeOrgo`, which wires a backend to its surfaces. So the
surfaces depend on this module and the facade on them, never the other way round.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypedDict

from fake_server.clock import Clock, ClockMode
from fake_server.control_access import ControlAccess
from fake_server.desktop.desktop import Desktop, DesktopEvent
from fake_server.desktop.filesystem import FileSystem
from fake_server.events_catalog import POLL_INTERVALS
from fake_server.faults import Fault, Faults, RateLimit
from fake_server.handle import DesktopHandle
from fake_server.ids import IdFactory
from fake_server.request_log import LoggedRequest, RequestLog
from fake_server.state import ApiKey, Computer, LifecyclePolicy, Plan, SettleMode, State
from fake_server.ws.coalesce import Coalescer
from fake_server.ws.hub import ConnectionStats, EventHub
from fake_server.ws.sockets import SocketRegistry

FIXED_EPOCH = (
    1_767_225_600.0  # 2026-01-01T00:00:00Z: seeded fakes start here, for stable timestamps
)


@dataclass(frozen=True)
class Checkpoint:
    """A computer's disk and resolution at one moment (see :meth:`Backend.checkpoint`)."""

    computer_id: str
    disk: FileSystem
    resolution: str


class BackendOptions(TypedDict, total=False):
    """The options of :class:`Backend` (and of ``FakeOrgo``, which passes them on)."""

    seed: int | None
    api_keys: Iterable[str] | None
    clock: ClockMode
    start_time: float | None
    control_token: str | None


class Backend:
    """One fake's state and shared machinery.

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
        self.events = EventHub()
        self.sockets = SocketRegistry()
        self._coalescers: dict[str, Coalescer] = {}  # by computer id, dropped on delete
        self.audio_pace: str = "realtime"  # or "fast": audio frames as fast as clients take them
        self.coalesce_polled_events = False  # True: polled event types arrive as a poller sees them
        self.vm_port: int | None = None  # the VM API listener's port, once served
        # what else forgets its memory on reset (the agent's queues and runs)
        self.reset_listeners: list[Callable[[], None]] = []
        self._build_state()

    def _build_state(self) -> None:
        self.clock = Clock(mode=self._clock_mode, start=self._start_time)
        self.ids = IdFactory(self.seed)
        self.state = State(self.clock, self.ids, accept_any_key=self._api_keys is None)
        for key in self._api_keys or ():
            self.state.add_key(key)
        self.state.lifecycle_listeners.append(self._close_sockets)
        self.state.vm_api.port = self.vm_port

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

    # -- the direct VM API's settings --------------------------------------------------

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

    # -- control operations (also the /_fake routes) ------------------------------------

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
            for listener in self.reset_listeners:
                listener()

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

    def checkpoint(self, ident: str) -> Checkpoint:
        """Remember a computer's disk and resolution, for :meth:`restore`: how a computer
        shared by several tests goes back to new between them."""
        with self.state.lock:
            computer = self.computer(ident)
            return Checkpoint(computer.id, computer.desktop.disk.clone(), computer.resolution)

    def restore(self, checkpoint: Checkpoint) -> None:
        """Put the computer back as it was at ``checkpoint``: that disk and resolution,
        running, freshly booted (no windows, clipboard, processes or audio from since),
        its WebSockets closed (1001, as a restart closes them)."""
        state = self.state
        with state.lock:
            computer = self.computer(checkpoint.computer_id)
            self.drop_connections(computer.id, code=1001)
            computer.desktop.power_off()
            computer.transition = None
            computer.stored_status = "running"
            computer.stream = None
            computer.resolution = checkpoint.resolution
            computer.desktop = Desktop(
                clock=state.clock,
                ids=state.ids,
                resolution=checkpoint.resolution,
                fs=checkpoint.disk.clone(),
            )

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
        """How many workspaces, computers, files... the fake holds (for leak checks)."""
        with self.state.lock:
            return self.state.counts()
