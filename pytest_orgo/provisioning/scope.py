"""Computers shared by a class, a module or the session (``scope=`` on the marker, or
``orgo_scope``), and what is reset between the tests that share one.

A shared computer is made for the first test of its scope that asks for it and given
back by a finalizer on the scope's node (the module, the class, the session), which
pytest runs after the last test of that scope, as it does for its own scoped fixtures.
Tests asking for different computer specs in one scope get one computer per spec.

Between tests, in fake mode, the simulated desktop is restored exactly to what it was
when the computer was new: its disk as provisioned and a freshly booted session (one
text editor window, empty clipboard, no processes, the computer running again with its
original resolution). In live mode nothing on the desktop is restored (files, windows,
clipboard, processes carry over); the computer is started again if a test stopped it,
and the WebSockets a test opened through its helpers are closed, as always.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from fake_server import FakeOrgo
    from fake_server.backend import Checkpoint
    from pytest_orgo.provisioning.pool import Lease
    from pytest_orgo.settings import ComputerSpec


def scope_node(request: pytest.FixtureRequest, scope: str) -> pytest.Item | pytest.Collector:
    """The node whose teardown ends a computer of this scope (class falls back to the
    module for a test outside a class)."""
    node: pytest.Item | pytest.Collector | None = None
    if scope == "class":
        node = request.node.getparent(pytest.Class)
    if scope in ("class", "module") and node is None:
        node = request.node.getparent(pytest.Module)
    return node if node is not None else request.session


@dataclass
class Shared:
    """One shared computer and what its tests did to it."""

    lease: Lease
    scope: str
    checkpoint: Checkpoint | None = None  # fake mode: the computer as provisioned
    uses: int = 0
    failed: bool = False
    keep: bool = False


@dataclass
class SharedComputers:
    """This process's shared computers, by (scope node, spec)."""

    give_back: Callable[[Lease, bool], None]
    entries: dict[tuple[str, ComputerSpec], Shared] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(
        self,
        request: pytest.FixtureRequest,
        scope: str,
        spec: ComputerSpec,
        make: Callable[[], Lease],
        fake: FakeOrgo | None,
    ) -> Shared:
        node = scope_node(request, scope)
        key = (node.nodeid or "<session>", spec)
        with self._lock:
            entry = self.entries.get(key)
        if entry is None:
            entry = Shared(make(), scope)
            if fake is not None:
                entry.checkpoint = fake.checkpoint(entry.lease.info.id)
            with self._lock:
                self.entries[key] = entry
            node.addfinalizer(lambda: self._end(key))
        return entry

    def _end(self, key: tuple[str, ComputerSpec]) -> None:
        with self._lock:
            entry = self.entries.pop(key, None)
        if entry is not None:
            self.give_back(entry.lease, entry.failed and entry.keep)
