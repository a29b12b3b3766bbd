"""A page object, as a visual suite grows them: it drives the desktop and checks the
screen with :func:`pytest_orgo.snapshots.assert_screenshot`, which needs no fixture
handed in, only ``orgo_snapshot`` requested by the running test."""

from __future__ import annotations

from pytest_orgo.computer import OrgoComputer
from pytest_orgo.snapshots import assert_screenshot


class NotesApp:
    def __init__(self, computer: OrgoComputer) -> None:
        self.computer = computer

    def write(self, text: str) -> NotesApp:
        self.computer.client.type_text(self.computer.id, text)  # through the API, as an agent
        return self

    def select_all(self) -> NotesApp:
        self.computer.client.key(self.computer.id, "ctrl+a")
        return self

    def looks_right(self, name: str) -> None:
        assert_screenshot(self.computer, name, stable=2, stable_interval=0.05)
