"""Support for the simulated shell's tests: a fresh shell on a fresh disk, and real bash.

``real`` runs GNU bash/coreutils on this machine with the same arguments, so a
differential test can compare the simulation with the tools it imitates; it
runs in a temporary directory and takes data only as arguments or stdin, never
as generated code.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile

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
