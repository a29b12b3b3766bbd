"""Provisioning computers for tests, and never leaving one behind.

The library core under the fixtures: :class:`Provisioner` creates a computer, waits
for it to be ``running`` (with a timeout and a clear error), and deletes it; every
workspace and computer it creates is in :class:`Registry` until deleted, so whatever a
test leaves (setup error, timeout, Ctrl-C) is deleted at session end, and what cannot
be deleted is listed with the command to delete it. :class:`ComputerSlots` caps live
computers across pytest-xdist workers with one file lock per slot.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pytest_orgo.errors import OrgoAPIError, OrgoError

if TYPE_CHECKING:  # annotations only: OrgoRun builds a Registry at every start
    from pytest_orgo.models import Computer, Workspace
    from pytest_orgo.settings import ComputerSpec


class ProvisioningApi(Protocol):
    """What provisioning needs: :class:`~pytest_orgo.client.OrgoClient` against the live
    API, :class:`~pytest_orgo.provisioning.fake_api.FakeApi` against the in-process fake."""

    def create_workspace(self, name: str, icon_url: str | None = None) -> Workspace: ...
    def create_computer(
        self,
        workspace_id: str,
        name: str,
        *,
        os: str | None = None,
        ram: int | None = None,
        cpu: float | None = None,
        gpu: str | None = None,
        disk_size_gb: int | None = None,
        resolution: str | None = None,
        auto_stop_minutes: int | None = None,
        template_ref: str | None = None,
    ) -> Computer: ...
    def get_computer(self, computer_id: str) -> Computer: ...
    def delete_computer(self, computer_id: str) -> Any: ...
    def delete_workspace(self, workspace_id: str) -> Any: ...


class ProvisioningError(OrgoError):
    """A computer could not be had: the message says what was asked and what came."""


UNUSED_POOL = "(warm pool, never used)"


@dataclass
class Registry:
    """What this process created and has not deleted yet, and the computer-seconds each
    test file used (on ``clock``: the wall clock live, the fake's clock in fake mode)."""

    computers: dict[str, float] = field(default_factory=dict)  # id -> creation time on clock
    owners: dict[str, str] = field(default_factory=dict)  # id -> the test file it is billed to
    workspaces: set[str] = field(default_factory=set)
    kept: set[str] = field(default_factory=set)  # left running on purpose (--orgo-keep-on-failure)
    provisioned: int = 0
    computer_seconds: float = 0.0
    per_file: dict[str, float] = field(default_factory=dict)
    clock: Callable[[], float] = time.monotonic
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def created(self, computer_id: str, owner: str = UNUSED_POOL) -> None:
        with self._lock:
            self.computers[computer_id] = self.clock()
            self.owners[computer_id] = owner
            self.provisioned += 1

    def assign(self, computer_id: str, owner: str) -> None:
        """Bill a computer (from the warm pool) to the test file that took it."""
        with self._lock:
            if computer_id in self.owners:
                self.owners[computer_id] = owner

    def deleted(self, computer_id: str) -> None:
        with self._lock:
            self._end(computer_id)

    def keep(self, computer_id: str) -> None:
        with self._lock:
            self.kept.add(computer_id)
            self._end(computer_id)

    def _end(self, computer_id: str) -> None:
        started = self.computers.pop(computer_id, None)
        owner = self.owners.pop(computer_id, UNUSED_POOL)
        if started is not None:
            seconds = max(0.0, self.clock() - started)
            self.computer_seconds += seconds
            self.per_file[owner] = self.per_file.get(owner, 0.0) + seconds

    def stop_counting(self) -> None:
        """The end of the run: what could not be deleted is billed up to now (and on)."""
        with self._lock:
            for computer_id in list(self.computers):
                self._end(computer_id)

    def alive_seconds(self) -> float:
        """Computer-seconds the computers still alive have run so far."""
        with self._lock:
            now = self.clock()
            return sum(max(0.0, now - started) for started in self.computers.values())


class ComputerSlots:
    """At most ``count`` computers at once across processes: a file lock per slot in a
    directory every xdist worker shares. A slot is taken by one thread (the warm pool's)
    and may be given back by another (the test's), so the locks are not thread-local."""

    def __init__(self, directory: Path, count: int) -> None:
        if count < 1:
            raise ValueError("--orgo-max-computers must be at least 1")
        from filelock import FileLock  # live runs only: fake-mode starts skip the import

        directory.mkdir(parents=True, exist_ok=True)
        self._locks = [
            FileLock(str(directory / f"orgo-slot-{i}.lock"), thread_local=False)
            for i in range(count)
        ]
        self._held: set[int] = set()
        self._held_lock = threading.Lock()

    @property
    def count(self) -> int:
        return len(self._locks)

    def try_acquire(self) -> int | None:
        """A free slot's index, now, or None."""
        from filelock import Timeout

        for index, lock in enumerate(self._locks):
            with self._held_lock:  # FileLock is re-entrant within a process: track our own
                if index in self._held:
                    continue
                try:
                    lock.acquire(timeout=0)
                except Timeout:
                    continue
                self._held.add(index)
                return index
        return None

    def acquire(self, timeout: float, while_waiting: Callable[[], object] = lambda: None) -> int:
        """A slot within ``timeout`` seconds (calling ``while_waiting`` between tries:
        the pool gives back an idle computer there), or a ProvisioningError."""
        deadline = time.monotonic() + timeout
        while True:
            index = self.try_acquire()
            if index is not None:
                return index
            if time.monotonic() > deadline:
                raise ProvisioningError(
                    f"no computer slot free within {timeout:g} s: {len(self._locks)} computers are "
                    "in use by this run (raise --orgo-max-computers if your plan allows more)"
                )
            while_waiting()
            time.sleep(0.05)

    def release(self, index: int) -> None:
        with self._held_lock:
            if index in self._held:
                self._held.discard(index)
                self._locks[index].release()

    @contextlib.contextmanager
    def hold(self, timeout: float) -> Iterator[None]:
        index = self.acquire(timeout)
        try:
            yield
        finally:
            self.release(index)


PLAN_LIMIT_FIRST_WAIT = 0.25
PLAN_LIMIT_MAX_WAIT = 5.0
_PLAN_LIMIT = re.compile(r"plan limit reached|running computers|computer limit", re.IGNORECASE)


def is_plan_limit(error: OrgoAPIError) -> bool:
    """The account runs as many computers as its plan allows (403): this one clears when
    another is deleted; a per-computer limit (RAM, CPU, disk) never does."""
    return error.status == 403 and _PLAN_LIMIT.search(error.message or "") is not None


POLL_FIRST_WAIT = 0.05


def doubling(first: float, longest: float) -> Iterator[float]:
    """``first``, twice that, and so on up to ``longest``, then ``longest`` for ever."""
    wait = min(first, longest)
    while True:
        yield wait
        wait = min(wait * 2, longest)


def poll_waits(longest: float) -> Iterator[float]:
    """How long to wait before each status check: short at first (a computer often
    becomes ``running`` within a fraction of a second of its create answer), doubling up
    to ``longest`` so a slow boot is not polled hard."""
    return doubling(POLL_FIRST_WAIT, longest)


def plan_waits() -> Iterator[float]:
    """How long to wait before asking again while the plan limit refuses a computer."""
    return doubling(PLAN_LIMIT_FIRST_WAIT, PLAN_LIMIT_MAX_WAIT)


DELETE_HINT = 'curl -X DELETE -H "Authorization: Bearer $ORGO_API_KEY" {base_url}/{kind}/{id}'


@dataclass
class Provisioner:
    client: ProvisioningApi
    registry: Registry
    base_url: str
    live: bool
    poll_interval: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    plan_limit_waits: int = 0

    def create_workspace(self, name: str) -> Workspace:
        workspace = self.client.create_workspace(name)
        self.registry.workspaces.add(workspace.id)
        return workspace

    def create_computer(
        self,
        workspace_id: str,
        name: str,
        spec: ComputerSpec,
        timeout: float,
        owner: str = UNUSED_POOL,
        *,
        wait_for_plan: bool = True,
    ) -> Computer:
        """A running computer; deleted again if it never gets there.

        Live, the account's plan limit on running computers (a 403) is waited out within
        ``timeout``: another run sharing the key (a CI shard on another machine) will
        free one, so the limit is a queue, not an error. ``wait_for_plan=False`` raises
        that 403 as the API's :class:`OrgoAPIError` at once instead: for a caller that
        already holds computers and must give them back before it waits (holding while
        waiting is how two runs deadlock, each with half of what it needs)."""
        deadline = time.monotonic() + timeout
        waits = plan_waits()
        while True:
            try:
                computer = self.client.create_computer(workspace_id, name, **spec.create_kwargs())
                break
            except OrgoAPIError as exc:
                if self.live and not wait_for_plan and is_plan_limit(exc):
                    raise
                left = deadline - time.monotonic()
                if not (self.live and is_plan_limit(exc)) or left <= 0:
                    waited = " (waited for the plan limit until the provision timeout)"
                    raise ProvisioningError(
                        f"could not create computer {name!r} ({spec.create_kwargs()}): {exc}"
                        + (waited if self.live and is_plan_limit(exc) else "")
                    ) from exc
                self.plan_limit_waits += 1
                self.sleep(min(next(waits), left))
        self.registry.created(computer.id, owner)
        try:
            return self._wait_running(computer, timeout, deadline)
        except BaseException:
            self.delete_computer(computer.id)
            raise

    def ensure_running(self, computer_id: str, timeout: float) -> Computer:
        """A shared computer a test stopped is started again for the next test."""
        computer = self.client.get_computer(computer_id)
        if computer.status in ("stopped", "stopping", "suspended"):
            if computer.status == "stopping":
                computer = self._wait_status(computer, ("stopped",), timeout)
            start = getattr(self.client, "start_computer", None)
            if start is not None:
                start(computer_id)
                computer = self.client.get_computer(computer_id)
        return self._wait_running(computer, timeout)

    def _wait_status(
        self, computer: Computer, targets: tuple[str, ...], timeout: float
    ) -> Computer:
        deadline = time.monotonic() + timeout
        waits = poll_waits(self.poll_interval)
        while computer.status not in targets and time.monotonic() < deadline:
            self.sleep(next(waits))
            computer = self.client.get_computer(computer.id)
        return computer

    def _wait_running(
        self, computer: Computer, timeout: float, deadline: float | None = None
    ) -> Computer:
        deadline = time.monotonic() + timeout if deadline is None else deadline
        seen = [computer.status]
        waits = poll_waits(self.poll_interval)
        while computer.status != "running":
            if computer.status == "error":
                raise ProvisioningError(f"computer {computer.id} went into status 'error'")
            if time.monotonic() > deadline:
                raise ProvisioningError(
                    f"computer {computer.id} was not running after {timeout:g} s "
                    f"(statuses seen: {' -> '.join(dict.fromkeys(s or '?' for s in seen))}); "
                    "raise --orgo-provision-timeout to wait longer"
                )
            self.sleep(min(next(waits), max(0.0, deadline - time.monotonic())))
            computer = self.client.get_computer(computer.id)
            seen.append(computer.status)
        return computer

    def delete_computer(self, computer_id: str) -> bool:
        try:
            self.client.delete_computer(computer_id)
        except OrgoAPIError as exc:
            if exc.status != 404:
                return False
        self.registry.deleted(computer_id)
        return True

    def delete_workspace(self, workspace_id: str) -> bool:
        try:
            self.client.delete_workspace(workspace_id)
        except OrgoAPIError as exc:
            if exc.status != 404:
                return False
        self.registry.workspaces.discard(workspace_id)
        for computer_id in list(self.registry.computers):
            self.registry.deleted(computer_id)  # deleting a workspace deletes its computers
        return True

    def cleanup(self) -> list[str]:
        """Delete everything left; returns the commands to delete what could not be."""
        leftovers = []
        computer_ids = list(self.registry.computers)
        # one at a time, a run's leftovers (the pool's unused computers, a test's after
        # Ctrl-C) cost a round trip each at the very end; at once, about one
        with ThreadPoolExecutor(max_workers=min(8, max(1, len(computer_ids)))) as deleter:
            deleted = list(deleter.map(self.delete_computer, computer_ids))
        for computer_id, ok in zip(computer_ids, deleted, strict=True):
            if not ok:
                leftovers.append(self.delete_command("computers", computer_id))
        for workspace_id in list(self.registry.workspaces):
            if not self.delete_workspace(workspace_id):
                leftovers.append(self.delete_command("workspaces", workspace_id))
        return leftovers

    def delete_command(self, kind: str, ident: str) -> str:
        return DELETE_HINT.format(base_url=self.base_url.rstrip("/"), kind=kind, id=ident)
