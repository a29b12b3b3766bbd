"""DesktopHandle: what a test does to one computer's desktop, as a person would.

The simulated :class:`~fake_server.desktop.desktop.Desktop` is plain Python and not
thread-safe; the fake's server thread changes it while serving REST calls. Every
mutation here takes the fake's state lock, so a test thread can drive a desktop that
is being served on loopback. The ``/_fake/computers/{id}/...`` routes call this too.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from fake_server.desktop.desktop import Desktop, DesktopEvent, Pointer, Window
from fake_server.desktop.processes import Process
from fake_server.desktop.shell import ScriptedAnswer, SimulatedShell

if TYPE_CHECKING:
    from fake_server.state import Computer


class DesktopHandle:
    def __init__(self, computer: Computer, lock: threading.RLock) -> None:
        self.computer = computer
        self._lock = lock

    @property
    def raw(self) -> Desktop:
        """The simulation itself (read freely; change it through this handle)."""
        return self.computer.desktop

    # -- reading ----------------------------------------------------------------------

    @property
    def windows(self) -> list[Window]:
        return list(self.raw.windows)

    @property
    def focused(self) -> Window | None:
        return self.raw.focused

    @property
    def clipboard(self) -> str:
        return self.raw.clipboard

    @property
    def pointer(self) -> Pointer:
        return self.raw.pointer

    @property
    def processes(self) -> list[Process]:
        return self.raw.processes.list()

    @property
    def resolution(self) -> tuple[int, int]:
        return self.raw.width, self.raw.height

    @property
    def idle(self) -> bool:
        return self.raw.idle

    def files(self, directory: str = "/home/user") -> list[str]:
        """Every file below ``directory``, as absolute paths."""
        prefix = directory.rstrip("/") + "/"
        return [path for path, _ in self.raw.disk.walk_files() if path.startswith(prefix)]

    def read_file(self, path: str) -> bytes:
        with self._lock:
            return self.raw.disk.read(path)

    def screenshot(self) -> bytes:
        with self._lock:
            return self.raw.screenshot_png()

    # -- windows, clipboard, input ----------------------------------------------------

    def open_window(self, title: str, text: str = "") -> Window:
        with self._lock:
            return self.raw.open_window(title, text)

    def close_window(self, window_id: str) -> None:
        with self._lock:
            self.raw.close_window(window_id)

    def focus_window(self, window_id: str) -> None:
        with self._lock:
            self.raw.focus_window(window_id)

    def set_clipboard(self, content: str) -> None:
        with self._lock:
            self.raw.set_clipboard(content)

    def type_text(self, text: str) -> None:
        with self._lock:
            self.raw.type_text(text)

    def key(self, combo: str) -> None:
        with self._lock:
            self.raw.key(combo)

    # -- files and processes ----------------------------------------------------------

    def write_file(self, path: str, content: bytes | str, *, append: bool = False) -> None:
        data = content.encode() if isinstance(content, str) else content
        with self._lock:
            disk = self.raw.disk
            parent = disk.resolve(path).rsplit("/", 1)[0] or "/"
            if not disk.exists(parent):
                disk.mkdir(parent, parents=True)
            disk.write(path, data, append=append)

    def delete_file(self, path: str) -> None:
        with self._lock:
            self.raw.disk.remove(path, recursive=True)

    def start_process(self, name: str) -> Process:
        with self._lock:
            return self.raw.processes.start(name)

    def stop_process(self, pid: int) -> Process:
        with self._lock:
            return self.raw.processes.stop(pid)

    # -- audio and screen -------------------------------------------------------------

    def play_tone(self, frequency: float, seconds: float, amplitude: float = 0.5) -> None:
        self.raw.audio.play_tone(frequency, seconds, amplitude)

    def play_pcm(self, pcm: bytes) -> None:
        """Raw PCM s16le, 24 kHz mono."""
        self.raw.audio.play_pcm(pcm)

    def stop_audio(self) -> None:
        self.raw.audio.stop()

    def set_resolution(self, resolution: str) -> None:
        if not re.fullmatch(r"[1-9][0-9]{2,3}x[1-9][0-9]{2,3}x(8|16|24|32)", resolution):
            raise ValueError(f"resolution must look like 1280x720x24, not {resolution!r}")
        with self._lock:
            self.raw.set_resolution(resolution)
            self.computer.resolution = resolution

    # -- the shell --------------------------------------------------------------------

    def script(
        self,
        pattern: str | re.Pattern[str],
        output: str = "",
        exit_code: int = 0,
        *,
        python: bool = False,
    ) -> ScriptedAnswer:
        """Answer a bash command (or, with ``python=True``, exec code) with canned output."""
        shell = self.raw.shell
        if not isinstance(shell, SimulatedShell):
            raise TypeError("scripted answers need the simulated shell")
        with self._lock:
            return shell.script(pattern, output, exit_code, python=python)

    def emit(self, event_type: str, data: dict[str, object]) -> None:
        """Publish an arbitrary desktop event (for testing a consumer's edge cases)."""
        with self._lock:
            self.raw.emit(event_type, dict(data))

    def on_event(self, listener: Callable[[DesktopEvent], None]) -> Callable[[], None]:
        """Call ``listener`` for every event this desktop emits; returns a remover."""
        with self._lock:
            self.raw.listeners.append(listener)

        def remove() -> None:
            with self._lock:
                if listener in self.raw.listeners:
                    self.raw.listeners.remove(listener)

        return remove
