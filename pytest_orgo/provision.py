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
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from filelock import FileLock, Timeout

from pytest_orgo.errors import OrgoAPIError
from pytest_orgo.models import Computer, Workspace
from pytest_orgo.settings import ComputerSpec


class ProvisioningApi(Protocol):
    """What provisioning needs: :class:`~pytest_orgo.client.OrgoClient` against the live
    API, :class:`~pytest_orgo.fake_api.FakeApi` against the in-process fake."""

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


class ProvisioningError(Exception):
    """A computer could not be had: the message says what was asked and what came."""


@dataclass
class Registry:
    """What this process created and has not deleted yet."""

    computers: dict[str, float] = field(default_factory=dict)  # id -> monotonic creation time
    workspaces: set[str] = field(default_factory=set)
    kept: set[str] = field(default_factory=set)  # left running on purpose (--orgo-keep-on-failure)
    provisioned: int = 0
    computer_seconds: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def created(self, computer_id: str) -> None:
        with self._lock:
            self.computers[computer_id] = time.monotonic()
            self.provisioned += 1

    def deleted(self, computer_id: str) -> None:
        with self._lock:
            started = self.computers.pop(computer_id, None)
            if started is not None:
                self.computer_seconds += time.monotonic() - started

    def keep(self, computer_id: str) -> None:
        with self._lock:
            self.kept.add(computer_id)
            started = self.computers.pop(computer_id, None)
            if started is not None:
                self.computer_seconds += time.monotonic() - started


class ComputerSlots:
    """At most ``count`` computers at once across processes: a file lock per slot in a
    directory every xdist worker shares."""

    def __init__(self, directory: Path, count: int) -> None:
        if count < 1:
            raise ValueError("--orgo-max-computers must be at least 1")
        directory.mkdir(parents=True, exist_ok=True)
        self._locks = [FileLock(str(directory / f"orgo-slot-{i}.lock")) for i in range(count)]
        self._held: set[int] = set()
        self._held_lock = threading.Lock()

    @contextlib.contextmanager
    def hold(self, timeout: float) -> Iterator[None]:
        deadline = time.monotonic() + timeout
        while True:
            for index, lock in enumerate(self._locks):
                with self._held_lock:  # FileLock is re-entrant within a process: track our own
                    if index in self._held:
                        continue
                    try:
                        lock.acquire(timeout=0)
                    except Timeout:
                        continue
                    self._held.add(index)
                try:
                    yield
                finally:
                    with self._held_lock:
                        self._held.discard(index)
                        lock.release()
                return
            if time.monotonic() > deadline:
                raise ProvisioningError(
                    f"no computer slot free within {timeout:g} s: {len(self._locks)} computers are "
                    "in use by this run (raise --orgo-max-computers if your plan allows more)"
                )
            time.sleep(0.2)


DELETE_HINT = 'curl -X DELETE -H "Authorization: Bearer $ORGO_API_KEY" {base_url}/{kind}/{id}'


@dataclass
class Provisioner:
    client: ProvisioningApi
    registry: Registry
    base_url: str
    live: bool
    poll_interval: float = 1.0
    sleep: Callable[[float], None] = time.sleep

    def create_workspace(self, name: str) -> Workspace:
        workspace = self.client.create_workspace(name)
        self.registry.workspaces.add(workspace.id)
        return workspace

    def create_computer(
        self, workspace_id: str, name: str, spec: ComputerSpec, timeout: float
    ) -> Computer:
        """A running computer; deleted again if it never gets there."""
        try:
            computer = self.client.create_computer(workspace_id, name, **spec.create_kwargs())
        except OrgoAPIError as exc:
            raise ProvisioningError(
                f"could not create computer {name!r} ({spec.create_kwargs()}): {exc}"
            ) from exc
        self.registry.created(computer.id)
        try:
            return self._wait_running(computer, timeout)
        except BaseException:
            self.delete_computer(computer.id)
            raise

    def _wait_running(self, computer: Computer, timeout: float) -> Computer:
        deadline = time.monotonic() + timeout
        seen = [computer.status]
        while computer.status != "running":
            if computer.status == "error":
                raise ProvisioningError(f"computer {computer.id} went into status 'error'")
            if time.monotonic() > deadline:
                raise ProvisioningError(
                    f"computer {computer.id} was not running after {timeout:g} s "
                    f"(statuses seen: {' -> '.join(dict.fromkeys(s or '?' for s in seen))}); "
                    "raise --orgo-provision-timeout to wait longer"
                )
            self.sleep(self.poll_interval)
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
        for computer_id in list(self.registry.computers):
            if not self.delete_computer(computer_id):
                leftovers.append(self.delete_command("computers", computer_id))
        for workspace_id in list(self.registry.workspaces):
            if not self.delete_workspace(workspace_id):
                leftovers.append(self.delete_command("workspaces", workspace_id))
        return leftovers

    def delete_command(self, kind: str, ident: str) -> str:
        return DELETE_HINT.format(base_url=self.base_url.rstrip("/"), kind=kind, id=ident)
