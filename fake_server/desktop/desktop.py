"""One simulated desktop: what a person would see and what Orgo's event stream reports.

The desktop is the single source of truth for a computer's screen, input, files,
processes and clipboard. REST actions and the control surface change it; every
change that Orgo reports becomes a :class:`DesktopEvent` handed to the listeners
(the events WebSocket hub); the renderer draws it; the shell reads and writes its disk.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from fake_server.clock import Clock, Timer
from fake_server.desktop.audio import AudioPlayer
from fake_server.desktop.filesystem import HOME, FileSystem
from fake_server.desktop.keys import KeyCombo, parse_combo
from fake_server.desktop.processes import Process, ProcessTable
from fake_server.desktop.render import render_png, window_box
from fake_server.desktop.shell import (
    CommandResult,
    PythonResult,
    Shell,
    ShellSession,
    SimulatedShell,
)
from fake_server.ids import IdFactory

IDLE_AFTER_SECONDS = 30.0
NAVIGATION_KEYS = frozenset({"Left", "Right", "Up", "Down", "Home", "End", "Page_Up", "Page_Down"})
WATCHED_DIRS = (f"{HOME}/Desktop/", f"{HOME}/Downloads/")


@dataclass(frozen=True)
class DesktopEvent:
    type: str
    data: dict[str, Any]
    timestamp: float

    @cached_property
    def message(self) -> str:
        """The events-socket frame for this event, encoded once however many
        connections it goes to."""
        moment = datetime.fromtimestamp(self.timestamp, tz=UTC).isoformat(timespec="milliseconds")
        event = {"type": self.type, "timestamp": moment.replace("+00:00", "Z"), "data": self.data}
        return json.dumps({"type": "event", "event": event}, separators=(",", ":"))


EventListener = Callable[[DesktopEvent], None]


@dataclass
class Window:
    id: str
    title: str
    text: str = ""
    selected: bool = False  # ctrl+a selects all of the text


@dataclass
class Pointer:
    x: int = 0
    y: int = 0


def parse_resolution(resolution: str) -> tuple[int, int, int]:
    width, height, depth = (int(part) for part in resolution.split("x"))
    return width, height, depth


@dataclass
class Desktop:
    clock: Clock
    ids: IdFactory
    resolution: str
    fs: FileSystem | None = None
    listeners: list[EventListener] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.width, self.height, self.depth = parse_resolution(self.resolution)
        self.fs = self.fs if self.fs is not None else FileSystem()
        self.fs.on_change = self._file_changed
        self.processes = ProcessTable(on_start=self._process_started, on_stop=self._process_stopped)
        self.shell: Shell = SimulatedShell(
            self.fs, self.processes, sleep=self.clock.advance, clock=self.clock.now
        )
        self.audio = AudioPlayer(
            on_start=lambda: self.emit("audio_stream_start", {}),
            on_stop=lambda: self.emit("audio_stream_stop", {}),
        )
        self.windows: list[Window] = []  # z-order: the last one is on top and focused
        self.clipboard = ""
        self.pointer = Pointer()
        self.powered = False
        self.idle = False
        self.last_input = self.clock.now()
        self.version = 0  # bumps on every visible change; the renderer caches on it
        self._idle_timer: Timer | None = None
        self._png_cache: tuple[int, bytes] | None = None
        self.power_on()

    @property
    def disk(self) -> FileSystem:
        assert self.fs is not None
        return self.fs

    # -- events -----------------------------------------------------------------------

    def emit(self, event_type: str, data: dict[str, Any]) -> None:
        if not self.powered:
            return
        event = DesktopEvent(event_type, data, self.clock.now())
        for listener in list(self.listeners):
            listener(event)

    def _changed(self) -> None:
        self.version += 1

    def _file_changed(self, path: str, action: str) -> None:
        if path.startswith(WATCHED_DIRS):
            self.emit("file_change", {"path": path, "action": action})

    def _process_started(self, process: Process) -> None:
        self.emit("process_start", {"pid": process.pid, "name": process.name})

    def _process_stopped(self, process: Process) -> None:
        self.emit("process_stop", {"pid": process.pid, "name": process.name})

    # -- power ------------------------------------------------------------------------

    def power_on(self) -> None:
        """Boot: an empty session with one focused text editor, as a fresh desktop shows."""
        if self.powered:
            return
        self.powered = True
        self.windows = []
        self.clipboard = ""
        self.pointer = Pointer(self.width // 2, self.height // 2)
        self.open_window("Text Editor - Untitled")
        self._input(count_as_activity=False)
        self._changed()

    def power_off(self) -> None:
        """Shut down: processes and windows go, the disk stays."""
        if not self.powered:
            return
        self.processes.clear()
        self.audio.reset()
        self.powered = False
        self.windows = []
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        self._changed()

    # -- input and idle ---------------------------------------------------------------

    def _input(self, *, count_as_activity: bool = True) -> None:
        self.last_input = self.clock.now()
        if self.idle and count_as_activity:
            self.idle = False
            self.emit("active", {})
        if self._idle_timer is None:  # one pending timer; it re-arms itself if input came since
            self._idle_timer = self.clock.call_at(
                self.last_input + IDLE_AFTER_SECONDS, self._idle_check
            )

    def _idle_check(self) -> None:
        self._idle_timer = None
        if not self.powered or self.idle:
            return
        due = self.last_input + IDLE_AFTER_SECONDS
        if self.clock.now() < due:
            self._idle_timer = self.clock.call_at(due, self._idle_check)
            return
        self.idle = True
        self.emit("idle", {"idle_seconds": int(IDLE_AFTER_SECONDS)})

    # -- windows ----------------------------------------------------------------------

    @property
    def focused(self) -> Window | None:
        return self.windows[-1] if self.windows else None

    def window(self, window_id: str) -> Window:
        for window in self.windows:
            if window.id == window_id:
                return window
        raise KeyError(f"no window {window_id!r} on this desktop")

    def open_window(self, title: str, text: str = "") -> Window:
        window = Window(self.ids.window_id(), title, text)
        while any(w.id == window.id for w in self.windows):
            window.id = self.ids.window_id()
        self.windows.append(window)
        self.emit("window_open", {"window_id": window.id, "title": title})
        self.emit("window_focus", {"window_id": window.id, "title": title})
        self._changed()
        return window

    def close_window(self, window_id: str) -> None:
        window = self.window(window_id)
        was_focused = window is self.focused
        self.windows.remove(window)
        self.emit("window_close", {"window_id": window.id})
        if was_focused and self.focused is not None:
            self.emit("window_focus", {"window_id": self.focused.id, "title": self.focused.title})
        self._changed()

    def focus_window(self, window_id: str) -> None:
        window = self.window(window_id)
        if window is self.focused:
            return
        self.windows.remove(window)
        self.windows.append(window)
        self.emit("window_focus", {"window_id": window.id, "title": window.title})
        self._changed()

    def _cycle_focus(self) -> None:
        if len(self.windows) > 1:
            self.focus_window(self.windows[-2].id)

    # -- clipboard --------------------------------------------------------------------

    def set_clipboard(self, content: str) -> None:
        self.clipboard = content
        self.emit("clipboard", {"content": content})

    # -- actions ----------------------------------------------------------------------

    def move_pointer(self, x: int, y: int) -> None:
        self.pointer = Pointer(min(max(x, 0), self.width - 1), min(max(y, 0), self.height - 1))
        self._input()

    def click(self, x: int, y: int, button: str = "left", double: bool = False) -> None:
        self.move_pointer(x, y)
        if button == "left":
            target = self._window_at(x, y)
            if target is not None:
                self.focus_window(target.id)

    def drag(self, start: tuple[int, int], end: tuple[int, int]) -> None:
        self.move_pointer(*start)
        self.move_pointer(*end)

    def scroll(self, direction: str, amount: int, x: int | None, y: int | None) -> None:
        self.move_pointer(x if x is not None else 0, y if y is not None else 0)

    def type_text(self, text: str) -> None:
        self._input()
        window = self.focused
        if window is None or not text:
            return
        if window.selected:
            window.text, window.selected = "", False
        window.text += text
        self._changed()

    def key(self, spec: str) -> KeyCombo:
        combo = parse_combo(spec)
        self._input()
        self._apply_key(combo)
        return combo

    def _apply_key(self, combo: KeyCombo) -> None:
        window = self.focused
        if combo.is_("alt", key="Tab"):
            self._cycle_focus()
        elif window is None:
            return
        elif combo.is_("ctrl", key="a"):
            window.selected = bool(window.text)
            self._changed()
        elif combo.is_("ctrl", key="c") or combo.is_("ctrl", key="x"):
            if window.selected:
                self.set_clipboard(window.text)
                if combo.key == "x":
                    window.text, window.selected = "", False
                    self._changed()
        elif combo.is_("ctrl", key="v"):
            self.type_text(self.clipboard)
        elif combo.is_("ctrl", key="w") or combo.is_("alt", key="F4"):
            self.close_window(window.id)
        elif (not combo.modifiers and combo.key in NAVIGATION_KEYS) or combo.is_(key="Escape"):
            if window.selected:
                window.selected = False
                self._changed()
        elif combo.is_(key="Return"):
            self.type_text("\n")
        elif combo.is_(key="Tab"):
            self.type_text("\t")
        elif combo.is_(key="BackSpace") or combo.is_(key="Delete"):
            if window.selected:
                window.text, window.selected = "", False
            elif combo.key == "BackSpace":
                window.text = window.text[:-1]
            self._changed()
        elif combo.text is not None:
            self.type_text(combo.text)

    def _window_at(self, x: int, y: int) -> Window | None:
        for index in range(len(self.windows) - 1, -1, -1):
            left, top, right, bottom = window_box(index, self.width, self.height)
            if left <= x < right and top <= y < bottom:
                return self.windows[index]
        return None

    # -- shell ------------------------------------------------------------------------

    def run_bash(
        self, command: str, *, timeout: float | None = None, session: ShellSession | None = None
    ) -> CommandResult:
        return self.shell.run(command, session=session, timeout=timeout)

    def run_python(self, code: str, *, timeout: float) -> PythonResult:
        return self.shell.run_python(code, timeout=timeout)

    # -- screen -----------------------------------------------------------------------

    def set_resolution(self, resolution: str) -> None:
        self.width, self.height, self.depth = parse_resolution(resolution)
        self.resolution = resolution
        self.pointer = Pointer(
            min(self.pointer.x, self.width - 1), min(self.pointer.y, self.height - 1)
        )
        self.emit("screen_change", {"width": self.width, "height": self.height})
        self._changed()

    def screenshot_png(self) -> bytes:
        """The screen as PNG bytes; the same state always gives the same bytes."""
        if self._png_cache is not None and self._png_cache[0] == self.version:
            return self._png_cache[1]
        png = render_png(self)
        self._png_cache = (self.version, png)
        return png
