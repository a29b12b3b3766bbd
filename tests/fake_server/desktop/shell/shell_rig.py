"""Support for the simulated shell's tests: a fresh shell on a fresh disk, and real bash.

``real`` runs GNU bash/coreutils on this machine with the same arguments, so a
differential test can compare the simulation with the tools it imitates; it
runs in a temporary directory and takes data only as arguments or stdin, never
as generated code.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable

import pytest

from fake_server.desktop.filesystem import FileSystem
from fake_server.desktop.processes import ProcessTable
from fake_server.desktop.shell import CommandResult, ShellSession, SimulatedShell

HAVE_BASH = shutil.which("bash") is not None
needs_bash = pytest.mark.skipif(not HAVE_BASH, reason="GNU bash is not installed here")


class Sim:
    """One simulated shell, its disk and a session kept between :meth:`run` calls."""

    def __init__(self) -> None:
        self.fs = FileSystem()
        self.shell = SimulatedShell(self.fs, ProcessTable())
        self.session = ShellSession()

    def run(self, command: str, *, timeout: float | None = None) -> CommandResult:
        return self.shell.run(command, session=self.session, timeout=timeout)

    def out(self, command: str) -> str:
        result = self.run(command)
        assert result.exit_code == 0, result
        return result.output


def real(script: str, *args: str, stdin: str = "") -> CommandResult:
    """``bash -c script _ args...`` on the host, in an empty temporary directory."""
    with tempfile.TemporaryDirectory() as cwd:
        done = subprocess.run(
            ["bash", "-c", script, "_", *args],
            input=stdin.encode(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            timeout=10,
            env={"PATH": "/usr/bin:/bin", "LC_ALL": "C", "HOME": "/home/user", "USER": "user"},
        )
    return CommandResult(done.stdout.decode(errors="replace"), done.returncode)


def quote(text: str) -> str:
    """``text`` as one single-quoted bash word."""
    return "'" + text.replace("'", "'\\''") + "'"


Case = tuple[str, str, int]  # (command, combined output, exit status)


def example_tests(
    cases: list[Case],
    *,
    build: Callable[[str], str] = lambda command: command,
    setup: str = "",
    reference: pytest.MarkDecorator = needs_bash,
) -> tuple[Callable[..., None], Callable[..., None]]:
    """The two tests of an examples table: the simulation gives each expected answer, and
    (where ``reference`` allows) the real tool gives it too - so a table cannot drift from
    what GNU bash and its tools answer. A real message's ``bash: line 1:`` (or ``_:``)
    prefix reads as the simulation's ``bash:``."""
    parametrize = pytest.mark.parametrize(("command", "output", "status"), cases)

    @parametrize
    def simulated(command: str, output: str, status: int) -> None:
        sim = Sim()
        if setup:
            sim.run(setup)
        result = sim.run(build(command))
        assert (result.output, result.exit_code) == (output, status)

    @reference
    @parametrize
    def on_the_host(command: str, output: str, status: int) -> None:
        result = real(setup + build(command))
        seen = re.sub(r"(?m)^(_|environment|bash): line 1: ", "bash: ", result.output)
        assert (seen, result.exit_code) == (output, status)

    return simulated, on_the_host
