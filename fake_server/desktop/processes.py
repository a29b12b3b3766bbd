"""The simulated computer's process table.

Nothing runs: a process is a name and a pid. The table exists so that ``ps``,
``kill``, ``firefox &`` and the desktop agree on what is "running", and so the
desktop can open or close a window when a process starts or stops (through the
callbacks) without the shell knowing about windows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

ProcessCallback = Callable[["Process"], None]


@dataclass(frozen=True)
class Process:
    pid: int
    name: str


class ProcessError(KeyError):
    """No process with that pid: a KeyError so ``except KeyError`` callers keep working."""

    def __init__(self, pid: int) -> None:
        super().__init__(pid)
        self.pid = pid

    def __str__(self) -> str:
        # KeyError.__str__ would print the repr of the argument; the shell shows this text.
        return f"({self.pid}) - No such process"


class ProcessTable:
    """Running processes by pid; pids only ever increase, as on a fresh Linux box."""

    def __init__(
        self,
        on_start: ProcessCallback | None = None,
        on_stop: ProcessCallback | None = None,
        first_pid: int = 1000,
    ) -> None:
        self.on_start: ProcessCallback | None = on_start
        self.on_stop: ProcessCallback | None = on_stop
        self._next_pid = first_pid
        self._running: dict[int, Process] = {}

    def start(self, name: str) -> Process:
        process = Process(pid=self._next_pid, name=name)
        self._next_pid += 1
        self._running[process.pid] = process
        if self.on_start is not None:
            self.on_start(process)
        return process

    def stop(self, pid: int) -> Process:
        process = self._running.pop(pid, None)
        if process is None:
            raise ProcessError(pid)
        if self.on_stop is not None:
            self.on_stop(process)
        return process

    def stop_by_name(self, name: str) -> list[Process]:
        """Stop every process called exactly ``name``, oldest first; [] if none."""
        return [self.stop(p.pid) for p in self.list() if p.name == name]

    def list(self) -> list[Process]:
        return [self._running[pid] for pid in sorted(self._running)]

    def get(self, pid: int) -> Process | None:
        return self._running.get(pid)

    def clear(self) -> None:
        """Stop everything, announcing each stop so listeners can tidy up."""
        for process in self.list():
            self.stop(process.pid)
