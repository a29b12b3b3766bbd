"""One run's Orgo state: mode, settings, the fake (started on first use), the client, the
run's workspace, what was provisioned, and cleaning up at the end.

Everything here is plain Python that the fixtures call, so the same run can be driven
without pytest (the respx / pytest-httpx split: a library core, a thin pytest layer)::

    with OrgoRun() as run:                          # fake mode; RunSettings(live=True) for live
        with run.computer(ComputerSpec(ram=8)) as computer:
            computer.bash("echo hi")
    # every computer and the workspace deleted, the fake stopped

``orgo_computer`` is ``with run.computer(...) as computer: yield computer``.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from pytest_orgo.provisioning.provisioner import ComputerSlots, Registry
from pytest_orgo.provisioning.scope import SharedComputers

if TYPE_CHECKING:
    from fake_server import FakeOrgo
    from pytest_orgo.client import OrgoClient
    from pytest_orgo.computer import OrgoComputer
    from pytest_orgo.models import Computer
    from pytest_orgo.options import RunSettings
    from pytest_orgo.provisioning.pool import Computers, Demand, Lease
    from pytest_orgo.provisioning.provisioner import Provisioner, ProvisioningApi
    from pytest_orgo.routing import HostRouter
    from pytest_orgo.settings import ComputerSpec

# The plugin builds an OrgoRun at every start, fixtures used or not: the client (httpx),
# the pool and the spending guard are imported where they are first needed.

FAKE_API_KEY = "sk_test_pytest_orgo"
FAKE_BASE_URL = "https://www.orgo.ai/api"


@dataclass
class RunSummary:
    """What the terminal summary reports; summed over xdist workers."""

    live: bool
    base_url: str
    provisioned: int = 0
    computer_seconds: float = 0.0
    leftovers: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    per_file: dict[str, float] = field(default_factory=dict)  # computer-seconds
    refused: int = 0  # tests the spending guard left without a computer
    max_minutes: float = 0.0

    def add(self, other: dict[str, object]) -> None:
        self.provisioned += int(other.get("provisioned", 0))  # type: ignore[call-overload]
        self.computer_seconds += float(other.get("computer_seconds", 0.0))  # type: ignore[arg-type]
        self.leftovers.extend(other.get("leftovers", []))  # type: ignore[arg-type]
        self.kept.extend(other.get("kept", []))  # type: ignore[arg-type]
        for path, seconds in dict(other.get("per_file", {})).items():  # type: ignore[call-overload]
            self.per_file[path] = self.per_file.get(path, 0.0) + float(seconds)
        self.refused += int(other.get("refused", 0))  # type: ignore[call-overload]

    def file_lines(self) -> list[str]:
        """Computer-minutes per test file, most first (live mode, or with a guard)."""
        if not (self.live or self.max_minutes) or not self.per_file:
            return []
        lines = [
            f"  {minutes / 60:8.2f} computer-minutes  {path}"
            for path, minutes in sorted(self.per_file.items(), key=lambda kv: -kv[1])
        ]
        if self.max_minutes:
            used = sum(self.per_file.values()) / 60
            lines.append(
                f"  {used:8.2f} of {self.max_minutes:g} computer-minutes allowed "
                "(--orgo-max-computer-minutes)"
                + (f"; {self.refused} tests got no computer" if self.refused else "")
            )
        return lines

    def line(self) -> str:
        if self.live:
            return (
                f"orgo: live mode against {self.base_url}: "
                f"{self.provisioned} computers provisioned, "
                f"{self.computer_seconds:.1f} computer-seconds"
            )
        return f"orgo: fake mode (bundled fake): {self.provisioned} computers provisioned"


def computer_name(label: str) -> str:
    """A computer name from a test id or any label: its last part, made DNS-safe, and a
    random suffix (two runs of one test never share a name)."""
    base = re.sub(r"[^A-Za-z0-9-]+", "-", label.rsplit("::", 1)[-1]).strip("-")[:40] or "test"
    return f"{base}-{uuid.uuid4().hex[:6]}"


class OrgoRun:
    """The plugin makes one per pytest process (``orgo_run(config)``); code that does not
    use the fixtures makes its own, as a context manager that ends with :meth:`finish`.

    ``shared_dir``: where xdist workers of one run share the computer slots and the
    spending guard (default: a fresh temporary directory); ``worker``: this process's
    name in them."""

    def __init__(
        self,
        settings: RunSettings | None = None,
        *,
        shared_dir: Path | None = None,
        worker: str = "main",
    ) -> None:
        if settings is None:
            from pytest_orgo.options import RunSettings

            settings = RunSettings()
        if shared_dir is None:
            shared_dir = Path(tempfile.mkdtemp(prefix="pytest-orgo-"))
        self.settings = settings
        self.live = settings.live
        self.worker = worker
        self.shared_dir = shared_dir
        self.registry = Registry(clock=time.time if self.live else self._fake_now)
        self._lock = threading.RLock()
        self._fake: FakeOrgo | None = None
        self._client: OrgoClient | None = None
        self._workspace_id: str | None = None
        self._provisioner: Provisioner | None = None
        self._saved_key: str | None = None
        self._finished: dict[str, object] | None = None
        self.router: HostRouter | None = None
        self.slots = (
            ComputerSlots(shared_dir / "orgo-slots", settings.max_computers) if self.live else None
        )
        self.api_key = os.environ.get("ORGO_API_KEY", "") if self.live else self._fake_key()
        self._computers: Computers | None = None
        self.demand: Demand | None = None
        self.item_index: dict[str, int] = {}
        self.shared = SharedComputers(
            give_back=lambda lease, keep: self.computers.give_back(lease, keep=keep)
        )

    # -- fake mode --------------------------------------------------------------------

    def _fake_now(self) -> float:
        """Computer-minutes in fake mode run on the fake's clock (virtual by default)."""
        return self.fake.clock.now()

    def _fake_key(self) -> str:
        """Fake mode: code under test calling ``orgo.Computer()`` needs ORGO_API_KEY;
        any non-empty key is accepted, so keep the user's or set one."""
        self._saved_key = os.environ.get("ORGO_API_KEY")
        if not self._saved_key:
            os.environ["ORGO_API_KEY"] = FAKE_API_KEY
        return os.environ["ORGO_API_KEY"]

    @property
    def fake(self) -> FakeOrgo:
        """The bundled fake, served on loopback on first use."""
        with self._lock:
            if self._fake is None:
                from fake_server import FakeOrgo

                self._fake = FakeOrgo()
            return self._fake

    @property
    def served_fake(self) -> FakeOrgo:
        """The fake, on loopback (started on first need: WebSockets, requests, the SDK)."""
        with self._lock:
            fake = self.fake
            if fake.loopback is None:
                fake.serve()
            return fake

    def install_routing(self) -> None:
        """Fake mode: every Orgo host onto the fake. Live mode: only the SDK's hard-coded
        agent host, onto a base URL that is not the real Orgo (a standalone fake)."""
        from pytest_orgo.routing import HostRouter, agent_router

        if self.live:
            self.router = agent_router(self.settings.base_url)
            if self.router is not None:
                self.router.install()
            return
        self.router = HostRouter(
            http_target=lambda: self.served_fake.url,
            transport=lambda: self.fake.transport(),
            vm_target=lambda: self.served_fake.vm_url,
        )
        self.router.install()

    # -- the client, the workspace, provisioning --------------------------------------

    @property
    def base_url(self) -> str:
        return self.settings.base_url if self.live else FAKE_BASE_URL

    @property
    def client(self) -> OrgoClient:
        with self._lock:
            if self._client is None:
                from pytest_orgo.client import OrgoClient

                transport = None if self.live else self.fake.transport()
                self._client = OrgoClient(self.api_key, base_url=self.base_url, transport=transport)
            return self._client

    @property
    def provisioner(self) -> Provisioner:
        with self._lock:
            if self._provisioner is None:
                from pytest_orgo.provisioning.provisioner import Provisioner

                api: ProvisioningApi = self.client
                if not self.live:
                    from pytest_orgo.provisioning.fake_api import FakeApi

                    api = FakeApi(lambda: self.fake, self.api_key)
                self._provisioner = Provisioner(api, self.registry, self.base_url, self.live)
            return self._provisioner

    @property
    def computers(self) -> Computers:
        """Where fixtures get computers: the warm pool, the slots, the spending guard."""
        with self._lock:
            if self._computers is None:
                from pytest_orgo.provisioning.budget import SpendingGuard
                from pytest_orgo.provisioning.pool import Computers

                settings = self.settings
                guard = None
                if settings.max_computer_minutes > 0:
                    guard = SpendingGuard(
                        self.shared_dir / "orgo-budget",
                        self.worker,
                        settings.max_computer_minutes,
                        self.registry,
                    )
                self._computers = Computers(
                    self.provisioner,
                    lambda: self.workspace_id,
                    slots=self.slots,
                    guard=guard,
                    pool_size=settings.pool,
                    workers=int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1") or 1),
                    timeout=settings.provision_timeout,
                )
            return self._computers

    @property
    def workspace_id(self) -> str:
        """This run's (and this xdist worker's) workspace, created on first use."""
        with self._lock:
            if self._workspace_id is None:
                stamp = time.strftime("%Y%m%d-%H%M%S")
                name = f"pytest-orgo-{stamp}-{uuid.uuid4().hex[:6]}-{self.worker}"
                self._workspace_id = self.provisioner.create_workspace(name).id
            return self._workspace_id

    @property
    def ws_origin(self) -> str:
        if self.live:
            origin = self.settings.base_url.rsplit("/api", 1)[0]
            return origin.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
        return self.served_fake.ws_url

    # -- one computer, start to end ---------------------------------------------------

    def bind(self, info: Computer) -> OrgoComputer:
        """The test-facing handle of a provisioned computer (client, sockets, desktop)."""
        from pytest_orgo.computer import OrgoComputer

        return OrgoComputer(
            info=info,
            client=self.client,
            origin=lambda: self.ws_origin,
            workspace_id=self.workspace_id,
            desktop=None if self.live else self.fake.desktop(info.id),
        )

    @contextmanager
    def computer(
        self,
        spec: ComputerSpec | None = None,
        *,
        name: str | None = None,
        timeout: float | None = None,
        owner: str = "",
        upcoming: int = 0,
        keep_on_failure: bool | None = None,
    ) -> Iterator[OrgoComputer]:
        """A running computer for the with-block, deleted after it.

        ``spec``: what to provision (default: Orgo's defaults); ``name``: default
        ``spec.name`` or a random one; ``timeout``: seconds until it must be running
        (default: the run's ``provision_timeout``); ``owner``/``upcoming``: the test file
        it is billed to and how many more computers will follow (the warm pool's hint).
        An exception out of the block keeps the computer running when ``keep_on_failure``
        (default: the run's setting) is on; so does setting ``computer.keep = True``
        inside the block. Raises :class:`~pytest_orgo.ProvisioningError` or
        :class:`~pytest_orgo.BudgetExceeded` when no computer can be had."""
        if spec is None:
            from pytest_orgo.settings import ComputerSpec

            spec = ComputerSpec()
        lease = self.computers.lease(
            spec,
            name or spec.name or computer_name(owner or "orgo"),
            self.settings.provision_timeout if timeout is None else timeout,
            owner,
            upcoming,
        )
        with self.holding(lease, keep_on_failure=keep_on_failure) as computer:
            yield computer

    @contextmanager
    def holding(
        self, lease: Lease, *, keep_on_failure: bool | None = None
    ) -> Iterator[OrgoComputer]:
        """A computer already leased (``computers.lease_together`` makes a test's several
        at once) for the with-block, given back after it as :meth:`computer` does."""
        keep_failed = self.settings.keep_on_failure if keep_on_failure is None else keep_on_failure
        keep = False
        try:
            computer = self.bind(lease.info)
            try:
                yield computer
            except BaseException:
                keep = keep_failed
                raise
            finally:
                computer.close()  # the events/audio/terminal helpers the block opened
                keep = keep or computer.keep
        finally:
            self.computers.give_back(lease, keep=keep)

    # -- the end ----------------------------------------------------------------------

    def __enter__(self) -> OrgoRun:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.finish()

    def finish(self) -> dict[str, object]:
        """Delete whatever is left, stop the fake, undo routing; returns the summary.
        Safe to call again: the second call finds nothing left to do."""
        if self._finished is not None:
            return self._finished
        leftovers: list[str] = []
        kept = sorted(self.registry.kept)
        kept_workspaces: list[str] = []
        provisioner = self._provisioner
        computers = self._computers
        if computers is not None:
            computers.close()  # no more warming; warm leftovers are deleted just below
        if provisioner is not None:
            if kept:  # deleting the workspace would delete the kept computers with it
                kept_workspaces = sorted(self.registry.workspaces)
                self.registry.workspaces.clear()
            leftovers = provisioner.cleanup()
        self.registry.stop_counting()
        if self._client is not None:
            self._client.close()
        if self.router is not None:
            self.router.uninstall()
        if self._fake is not None:
            self._fake.stop()
        if not self.live and not self._saved_key:
            os.environ.pop("ORGO_API_KEY", None)
        delete = provisioner.delete_command if provisioner else (lambda kind, ident: ident)
        self._finished = {
            "provisioned": self.registry.provisioned,
            "computer_seconds": self.registry.computer_seconds,
            "leftovers": leftovers,
            "kept": [delete("computers", c) for c in kept]
            + [delete("workspaces", w) for w in kept_workspaces],
            "per_file": dict(self.registry.per_file),
            "refused": computers.guard.refused if computers and computers.guard else 0,
        }
        return self._finished
