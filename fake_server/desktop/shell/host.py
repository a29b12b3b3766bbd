"""Real ``bash`` and ``python3`` for tests that need more than the simulation.

:class:`HostShell` is an explicit opt-in, never the default: it runs the
agent's commands on the machine running the tests. It confines them only as
far as a test fake needs (a throwaway directory standing in for
``/home/user`` as HOME and working directory, a minimal environment without
the host's variables or ``DISPLAY``, a timeout, and no process left behind);
it is not a security sandbox, and absolute paths still reach the host.

The simulated FileSystem stays the source of truth: before each run the files
under ``/home/user`` are written into the temporary home, and afterwards every
difference is replayed through the FileSystem, so change listeners fire just
as they do for the simulated shell. Paths outside ``/home/user`` are not
mirrored.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import weakref
from pathlib import Path
from types import TracebackType
from typing import IO, Final

from fake_server.desktop.filesystem import HOME, FileSystem
from fake_server.desktop.processes import ProcessTable
from fake_server.desktop.python_eval import TIMEOUT_MESSAGE, PythonResult
from fake_server.desktop.shell import (
    TIMEOUT_EXIT_CODE,
    USER,
    CommandResult,
    ShellSession,
)

DEFAULT_TIMEOUT: Final = 60.0
_MINIMAL_PATH: Final = "/usr/local/bin:/usr/bin:/bin"
#: Variables bash manages itself, or that would leak the host into the session.
_NOT_SYNCED: Final = frozenset({"_", "SHLVL", "HOME", "PWD", "OLDPWD", "DISPLAY"})
_EXCEPTION_LINE: Final = re.compile(r"(?:[A-Za-z_][\w]*\.)*([A-Za-z_]\w*)(?::\s?(.*))?")


class HostShell:
    """Runs commands with the host's bash/python3 inside a temporary home.

    Call :meth:`close` (or use it as a context manager) to remove the
    temporary directory; it is also removed when the object is collected.
    ``processes`` is accepted so the desktop can swap shells freely, but host
    processes are not mirrored into it: whatever a command leaves running in
    the background is killed when the command returns.
    """

    def __init__(
        self,
        fs: FileSystem,
        processes: ProcessTable,
        *,
        home: Path | None = None,
        default_timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.fs = fs
        self.processes = processes
        self.default_timeout = default_timeout
        self._root = Path(tempfile.mkdtemp(prefix="orgo-host-shell-"))
        self._finalizer = weakref.finalize(self, shutil.rmtree, self._root, ignore_errors=True)
        if home is None:
            self.home = self._root / "home"
            self.home.mkdir()
        else:
            self.home = Path(home)
            self.home.mkdir(parents=True, exist_ok=True)
        self._state_file = self._root / "state"
        self._bash = shutil.which("bash", path=_MINIMAL_PATH) or "/bin/bash"
        self._python = shutil.which("python3", path=_MINIMAL_PATH) or sys.executable
        self._snapshot: tuple[dict[str, bytes], set[str]] = ({}, set())

    # -- lifecycle ---------------------------------------------------------

    def close(self) -> None:
        """Remove the temporary directory (a caller-supplied ``home`` is left in place)."""
        self._finalizer()

    @property
    def closed(self) -> bool:
        return not self._finalizer.alive

    def __enter__(self) -> HostShell:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- running -----------------------------------------------------------

    def run(
        self, command: str, *, session: ShellSession | None = None, timeout: float | None = None
    ) -> CommandResult:
        self._check_open()
        session = session if session is not None else ShellSession()
        self._push()
        with contextlib.suppress(FileNotFoundError):
            self._state_file.unlink()
        # The EXIT trap records where the command left the shell, so a
        # terminal session keeps its directory and exports between lines.
        trap = (
            'trap \'__orgo_status=$?; { printf "%s\\0" "$PWD"; env -0; } > '
            f"{shlex.quote(str(self._state_file))} 2>/dev/null; exit $__orgo_status' EXIT\n"
        )
        output_path = self._root / "output"
        try:
            with output_path.open("wb") as output:
                status, timed_out = self._spawn(
                    [self._bash, "-c", trap + command],
                    cwd=self._host_path(session.cwd),
                    env=self._environment(session),
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    timeout=timeout,
                )
            text = output_path.read_bytes().decode("utf-8", errors="replace")
        finally:
            self._pull()
        if timed_out:
            status = TIMEOUT_EXIT_CODE
        else:
            self._restore_state(session)
        session.last_exit_code = status
        return CommandResult(text, status)

    def run_python(self, code: str, *, timeout: float) -> PythonResult:
        self._check_open()
        self._push()
        out_path, err_path = self._root / "stdout", self._root / "stderr"
        try:
            with out_path.open("wb") as out, err_path.open("wb") as err:
                env = self._environment(ShellSession())
                env.update({"PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8"})
                status, timed_out = self._spawn(
                    [self._python, "-c", code],
                    cwd=self.home,
                    env=env,
                    stdout=out,
                    stderr=err,
                    timeout=timeout,
                )
            stdout = out_path.read_bytes().decode("utf-8", errors="replace")
            stderr = err_path.read_bytes().decode("utf-8", errors="replace")
        finally:
            self._pull()
        if timed_out:
            return PythonResult(stdout, False, TIMEOUT_MESSAGE, "TimeoutError", True)
        if status == 0:
            return PythonResult(stdout + stderr, True)
        error_type, error = _last_exception(stderr, status)
        return PythonResult(stdout, False, error, error_type)

    def _spawn(
        self,
        argv: list[str],
        *,
        cwd: Path,
        env: dict[str, str],
        stdout: IO[bytes],
        stderr: IO[bytes] | int,
        timeout: float | None,
    ) -> tuple[int, bool]:
        """Run in a new session so the whole process group can be killed.

        Output goes to files rather than pipes: a background child holding a
        pipe open would otherwise keep us waiting after the command is done.
        """
        process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        )
        timed_out = False
        try:
            status = process.wait(timeout=self.default_timeout if timeout is None else timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(process.pid)
            status = process.wait()
        _kill_group(process.pid)
        return status, timed_out

    # -- environment and session -------------------------------------------------

    def _check_open(self) -> None:
        if self.closed:
            raise RuntimeError("this HostShell has been closed")

    def _host_path(self, path: str) -> Path:
        """The temporary stand-in for a path under /home/user; the home itself otherwise."""
        resolved = FileSystem.resolve(path)
        if resolved == HOME or resolved.startswith(HOME + "/"):
            candidate = self.home / resolved[len(HOME) + 1 :]
            if candidate.is_dir():
                return candidate
        return self.home

    def _simulated_path(self, host_path: str) -> str:
        home = str(self.home)
        if host_path == home:
            return HOME
        if host_path.startswith(home + "/"):
            return HOME + host_path[len(home) :]
        return host_path

    def _environment(self, session: ShellSession) -> dict[str, str]:
        env = {k: v for k, v in session.env.items() if k not in _NOT_SYNCED}
        env.setdefault("PATH", _MINIMAL_PATH)
        env.update(
            {
                "HOME": str(self.home),
                "USER": USER,
                "LOGNAME": USER,
                "SHELL": "/bin/bash",
                "LANG": "C.UTF-8",
                "TERM": "dumb",
                "PWD": str(self._host_path(session.cwd)),
            }
        )
        return env

    def _restore_state(self, session: ShellSession) -> None:
        """Carry ``cd`` and ``export`` over to the session, in simulated paths."""
        try:
            raw = self._state_file.read_bytes().decode("utf-8", errors="replace")
        except FileNotFoundError:
            return  # the command replaced our EXIT trap; keep the session as it was
        cwd, *entries = raw.split("\0")
        exported: dict[str, str] = {}
        for entry in entries:
            name, has_value, value = entry.partition("=")
            if has_value:
                exported[name] = value
        injected = {"LOGNAME", "LANG", "TERM"} - set(session.env)
        env = {k: v for k, v in exported.items() if k not in _NOT_SYNCED and k not in injected}
        env.update({k: session.env[k] for k in ("HOME", "DISPLAY") if k in session.env})
        session.cwd = self._simulated_path(cwd)
        env["PWD"] = session.cwd
        if "OLDPWD" in exported:
            env["OLDPWD"] = self._simulated_path(exported["OLDPWD"])
        session.env.clear()
        session.env.update(env)
        for name in env:
            session.variables.pop(name, None)

    # -- file sync -----------------------------------------------------------

    def _push(self) -> None:
        """Make the temporary home an exact copy of /home/user on the simulated disk."""
        files = {
            path[len(HOME) + 1 :]: data
            for path, data in self.fs.walk_files()
            if path.startswith(HOME + "/")
        }
        dirs = {
            path[len(HOME) + 1 :] for path in self.fs.walk_dirs() if path.startswith(HOME + "/")
        }
        disk_files, disk_dirs = self._scan()
        for rel in sorted(set(disk_files) - set(files), reverse=True):
            (self.home / rel).unlink()
        for rel in sorted(disk_dirs - dirs, reverse=True):
            shutil.rmtree(self.home / rel, ignore_errors=True)
        for rel in sorted(dirs):
            (self.home / rel).mkdir(parents=True, exist_ok=True)
        for rel, data in files.items():
            if disk_files.get(rel) != data:
                (self.home / rel).write_bytes(data)
        self._snapshot = (files, dirs)

    def _pull(self) -> None:
        """Replay what the command changed in the temporary home onto the FileSystem."""
        before_files, before_dirs = self._snapshot
        after_files, after_dirs = self._scan()
        for rel in sorted(set(before_files) - set(after_files)):
            if self.fs.is_file(f"{HOME}/{rel}"):
                self.fs.remove(f"{HOME}/{rel}")
        for rel in sorted(before_dirs - after_dirs, reverse=True):
            if self.fs.is_dir(f"{HOME}/{rel}"):
                self.fs.remove(f"{HOME}/{rel}", recursive=True)
        for rel in sorted(after_dirs - before_dirs):
            self.fs.mkdir(f"{HOME}/{rel}", parents=True, exist_ok=True)
        for rel in sorted(after_files):
            if before_files.get(rel) != after_files[rel]:
                self.fs.write(f"{HOME}/{rel}", after_files[rel])
        self._snapshot = (after_files, after_dirs)

    def _scan(self) -> tuple[dict[str, bytes], set[str]]:
        """Regular files and directories under the temporary home; links are never followed."""
        files: dict[str, bytes] = {}
        dirs: set[str] = set()
        if not self.home.is_dir():
            return files, dirs
        for top, dirnames, filenames in os.walk(self.home):
            base = Path(top)
            for name in list(dirnames):
                path = base / name
                if path.is_symlink():
                    dirnames.remove(name)
                    continue
                dirs.add(path.relative_to(self.home).as_posix())
            for name in filenames:
                path = base / name
                with contextlib.suppress(OSError):
                    if stat.S_ISREG(path.lstat().st_mode):
                        files[path.relative_to(self.home).as_posix()] = path.read_bytes()
        return files, dirs


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _last_exception(stderr: str, status: int) -> tuple[str | None, str]:
    """(type, message) from the last line of a traceback, as CPython prints it."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    if not lines:
        return None, f"exit status {status}"
    match = _EXCEPTION_LINE.fullmatch(lines[-1].strip())
    if match is None:
        return None, lines[-1]
    return match.group(1), match.group(2) or ""
