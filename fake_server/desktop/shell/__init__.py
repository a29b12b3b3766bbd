"""The shell behind the ``bash`` endpoint, the ``exec`` endpoint and the terminal.

:class:`SimulatedShell` (the default) interprets a useful subset of bash on the
simulated :class:`~fake_server.desktop.filesystem.FileSystem` and
:class:`~fake_server.desktop.processes.ProcessTable`: it is deterministic,
needs no host tools, and every file it touches goes through the FileSystem so
change listeners fire. Valid bash it cannot do is answered with a clear
"not supported" message (exit 2), an unknown program with "command not found"
(exit 127), rather than a silent wrong answer, and
scripted answers (:meth:`SimulatedShell.script`) let a test supply output for
any command it expects. :class:`~fake_server.desktop.shell.host.HostShell` is
the explicit opt-in to real ``bash``/``python3``.

This module is the public face; the simulation is split by concern:
:mod:`~fake_server.desktop.shell.syntax` (lexer), :mod:`~fake_server.desktop.shell.parser`
(grammar), :mod:`~fake_server.desktop.shell.flow` (compound commands),
:mod:`~fake_server.desktop.shell.redirect`, :mod:`~fake_server.desktop.cooperative`
(long runs share the fake),
:mod:`~fake_server.desktop.shell.expand` (word expansion),
:mod:`~fake_server.desktop.shell.interpreter` (pipelines, redirections, dispatch),
:mod:`~fake_server.desktop.shell.runtime` (the contract commands are written against)
and the commands in :mod:`~fake_server.desktop.shell.builtins`,
:mod:`~fake_server.desktop.shell.control`, :mod:`~fake_server.desktop.shell.edit`,
:mod:`~fake_server.desktop.shell.files`, :mod:`~fake_server.desktop.shell.system`,
:mod:`~fake_server.desktop.shell.text` and :mod:`~fake_server.desktop.shell.tools`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Protocol, runtime_checkable

from fake_server.desktop.filesystem import HOME, FileSystem
from fake_server.desktop.processes import ProcessTable
from fake_server.desktop.python_eval import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_STEPS,
    PythonResult,
    SimulatedPython,
)
from fake_server.desktop.shell.interpreter import Bash, Budget
from fake_server.desktop.shell.session import TIMEOUT_EXIT_CODE as TIMEOUT_EXIT_CODE
from fake_server.desktop.shell.session import USER as USER
from fake_server.desktop.shell.session import CommandResult, ShellSession, default_env

if TYPE_CHECKING:
    from fake_server.desktop.shell.host import HostShell

__all__ = [
    "CommandResult",
    "HostShell",
    "PythonResult",
    "ScriptedAnswer",
    "Shell",
    "ShellSession",
    "SimulatedShell",
]

DEFAULT_HOSTNAME: Final = "orgo-computer"
#: Wall-clock seconds a terminal line may compute: the bash endpoint's documented default.
TERMINAL_TIMEOUT: Final = 200.0
SideEffect = Callable[[FileSystem, ProcessTable], None]


def __getattr__(name: str) -> Any:
    """``HostShell`` lives in its own module; load it only when someone asks for it."""
    if name == "HostShell":
        from fake_server.desktop.shell.host import HostShell

        return HostShell
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@runtime_checkable
class Shell(Protocol):
    """What the desktop needs from a shell; swap implementations without touching callers."""

    def run(
        self, command: str, *, session: ShellSession | None = None, timeout: float | None = None
    ) -> CommandResult: ...

    def run_python(self, code: str, *, timeout: float) -> PythonResult: ...


@dataclass(frozen=True)
class ScriptedAnswer:
    """A canned reply for a command (or, with ``python=True``, for ``exec`` code).

    A ``str`` pattern must equal the whole command, ignoring surrounding
    whitespace; a compiled regex must ``fullmatch`` the stripped command.
    """

    pattern: str | re.Pattern[str]
    output: str = ""
    exit_code: int = 0
    side_effect: SideEffect | None = None
    python: bool = False

    def matches(self, text: str) -> bool:
        if isinstance(self.pattern, str):
            return text.strip() == self.pattern.strip()
        return self.pattern.fullmatch(text.strip()) is not None


class SimulatedShell:
    """The default shell: bash and Python semantics on the simulated disk, nothing on the host.

    Scripted answers are consulted first, newest first, so a test can override
    anything, including a command the simulation already understands.
    """

    def __init__(
        self,
        fs: FileSystem,
        processes: ProcessTable,
        *,
        sleep: Callable[[float], None] | None = None,
        hostname: str = DEFAULT_HOSTNAME,
        python_max_steps: int = DEFAULT_MAX_STEPS,
        clock: Callable[[], float] | None = None,
        python_max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self.fs = fs
        self.processes = processes
        self.sleep = sleep
        self.clock = clock
        self.hostname = hostname
        self.python_max_steps = python_max_steps
        self.python_max_bytes = python_max_bytes  # the memory budget of one value in ``exec``
        self.scripts: list[ScriptedAnswer] = []

    def script(
        self,
        pattern: str | re.Pattern[str],
        output: str = "",
        exit_code: int = 0,
        side_effect: SideEffect | None = None,
        *,
        python: bool = False,
    ) -> ScriptedAnswer:
        """Register a canned answer; for a regex, pass ``re.compile(...)``."""
        answer = ScriptedAnswer(pattern, output, exit_code, side_effect, python)
        self.scripts.append(answer)
        return answer

    def scripted(self, text: str, *, python: bool) -> ScriptedAnswer | None:
        for answer in reversed(self.scripts):
            if answer.python == python and answer.matches(text):
                return answer
        return None

    def _answer(self, text: str, *, python: bool) -> ScriptedAnswer | None:
        """The scripted answer for ``text``, its side effect applied; None when there is none."""
        answer = self.scripted(text, python=python)
        if answer is not None and answer.side_effect is not None:
            answer.side_effect(self.fs, self.processes)
        return answer

    def run(
        self, command: str, *, session: ShellSession | None = None, timeout: float | None = None
    ) -> CommandResult:
        """Run a command line; ``timeout`` bounds both the virtual seconds spent in ``sleep``
        and the wall-clock time the run computes (a terminal line, with no timeout, gets
        :data:`TERMINAL_TIMEOUT` seconds of computing).

        Exceeding it ends the run with exit code 124, like coreutils' ``timeout``.
        """
        session = session if session is not None else ShellSession()
        answer = self._answer(command, python=False)
        if answer is not None:
            session.last_exit_code = answer.exit_code
            return CommandResult(answer.output, answer.exit_code)
        budget = Budget.of(timeout)
        if budget.deadline is None:
            budget.deadline = Budget.of(TERMINAL_TIMEOUT).deadline
        return Bash(self, session, budget, depth=0).run_top(command)

    def run_python(self, code: str, *, timeout: float) -> PythonResult:
        return self.run_python_in(code, timeout=timeout)

    def run_python_in(
        self,
        code: str,
        *,
        timeout: float | None,
        cwd: str = HOME,
        env: dict[str, str] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> PythonResult:
        """``run_python`` with the working directory and environment of a shell command."""
        answer = self._answer(code, python=True)
        if answer is not None:
            return _scripted_python_result(answer)
        interpreter = SimulatedPython(
            self.fs,
            cwd=cwd,
            env=env if env is not None else default_env(),
            sleep=sleep if sleep is not None else self.sleep,
            max_steps=self.python_max_steps,
            max_bytes=self.python_max_bytes,
        )
        return interpreter.run(code, timeout=timeout)


def _scripted_python_result(answer: ScriptedAnswer) -> PythonResult:
    """A non-zero exit code means failure; the last output line, if shaped
    like ``ValueError: bad``, supplies the error and its type."""
    if answer.exit_code == 0:
        return PythonResult(answer.output, True)
    lines = [line for line in answer.output.splitlines() if line.strip()]
    last = lines[-1] if lines else f"exit code {answer.exit_code}"
    match = re.fullmatch(r"([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt)):\s*(.*)", last)
    if match:
        return PythonResult(answer.output, False, match.group(2), match.group(1))
    return PythonResult(answer.output, False, last, None)
