"""The simulated shell's interpreter: runs parsed command lines against one session.

:class:`Bash` walks what :mod:`~fake_server.desktop.shell.syntax` parsed: and-or
lists, pipelines (each element's output buffered into the next one's stdin),
background jobs (a named process appears; the command itself does not run),
assignments and redirections, then hands each simple command to a function
from :data:`COMMANDS`, to a script or Python file on the simulated disk, or
answers ``command not found``. Word expansion is delegated to
:class:`~fake_server.desktop.shell.expand.Expander`; the commands see the
interpreter through :class:`~fake_server.desktop.shell.runtime.Context`.
"""

from __future__ import annotations

import posixpath
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final, Protocol

from fake_server.desktop.cooperative import yield_now
from fake_server.desktop.filesystem import (
    FileSystem,
    FsError,
)
from fake_server.desktop.processes import ProcessTable
from fake_server.desktop.python_eval import PythonResult
from fake_server.desktop.shell import (
    awk,
    builtins,
    control,
    edit,
    expr,
    fileinfo,
    files,
    flow,
    grep,
    redirect,
    system,
    text,
    tools,
)
from fake_server.desktop.shell.expand import Assignment, Expander
from fake_server.desktop.shell.parser import AndOr, Body, Command, Function, Node, Redirect, parse
from fake_server.desktop.shell.runtime import (
    SHELL_ONLY,
    Buffer,
    Builtin,
    ExpansionError,
    FatalExpansion,
    FileSink,
    FunctionReturn,
    Io,
    LoopControl,
    NestingError,
    ShellExit,
    ShellTimeout,
    Sink,
    UsageError,
    decode,
)
from fake_server.desktop.shell.session import TIMEOUT_EXIT_CODE, CommandResult, ShellSession
from fake_server.desktop.shell.syntax import (
    ASSIGNMENT_RE,
    ShellSyntaxError,
    Unsupported,
    lex,
)

#: How deep subshells, functions, ``source`` and ``eval`` may nest (bash's FUNCNEST, in effect).
MAX_NESTING: Final = 48
#: Every command the simulated shell knows, by name.
COMMANDS: Final[Mapping[str, Builtin]] = {
    **builtins.COMMANDS,
    **files.COMMANDS,
    **fileinfo.COMMANDS,
    **system.COMMANDS,
    **text.COMMANDS,
    **control.COMMANDS,
    **edit.COMMANDS,
    **tools.COMMANDS,
    **awk.COMMANDS,
    **grep.COMMANDS,
    **expr.COMMANDS,
}


class ShellHost(Protocol):
    """What the interpreter needs of :class:`~fake_server.desktop.shell.SimulatedShell`."""

    fs: FileSystem
    processes: ProcessTable
    sleep: Callable[[float], None] | None
    clock: Callable[[], float] | None
    hostname: str

    def run_python_in(
        self,
        code: str,
        *,
        timeout: float | None,
        cwd: str,
        env: dict[str, str],
        sleep: Callable[[float], None],
    ) -> PythonResult:
        """Run ``code`` as a child ``python3`` of this shell (scripted answers first)."""
        ...


@dataclass
class Budget:
    """Virtual seconds a run may still spend sleeping (None is unlimited), and the
    wall-clock moment (``time.monotonic()``) when the run is cut off, whatever it is doing."""

    remaining: float | None
    deadline: float | None = None

    @classmethod
    def of(cls, timeout: float | None) -> Budget:
        return cls(timeout, None if timeout is None else time.monotonic() + timeout)


INTERNAL_ERROR = "the simulated shell failed on this command (a bug in the fake)"


class Bash:
    """Runs one command line (or a nested one) against a session."""

    def __init__(
        self, shell: ShellHost, session: ShellSession, budget: Budget, *, depth: int
    ) -> None:
        self.shell = shell
        self.fs = shell.fs
        self.processes = shell.processes
        self.hostname = shell.hostname
        self.session = session
        self.budget = budget
        self.depth = depth
        self.calls = 0  # functions, ``source`` and ``eval`` running in this shell
        self.loops = 0  # enclosing loops, for ``break``/``continue``
        self.commands: Mapping[str, Builtin] = COMMANDS
        self.expander = Expander(session, shell.fs, self.subshell)

    # -- entry points --------------------------------------------------------------

    def run_top(self, src: str) -> CommandResult:
        terminal = Buffer()
        try:
            status = self.run_script(src, Io("", terminal, terminal), top=True)
        except FunctionReturn as exc:
            terminal.write("bash: return: can only `return' from a function or sourced script\n")
            status = self.finish(exc.code and 1)
        except (NestingError, RecursionError) as exc:
            reason = str(exc) if isinstance(exc, NestingError) else "maximum nesting level exceeded"
            terminal.write(f"bash: {reason}\n")
            status = self.finish(1)
        except LoopControl:  # a break or continue that found no loop to end
            status = self.finish(0)
        except ShellTimeout:
            status = self.finish(TIMEOUT_EXIT_CODE)
        except Exception as exc:  # a bug of the simulation: an answer, never a 500
            terminal.write(f"bash: {INTERNAL_ERROR}: {exc!r}\n")
            status = self.finish(2)
        return CommandResult(terminal.text, status)

    def run_script(self, src: str, io: Io, *, top: bool = False, sourced: bool = False) -> int:
        """Run a script; ``exit`` ends it, and (``top``) marks the session as exited.

        A ``sourced`` script runs in the caller's shell, so its ``exit`` propagates.
        """
        try:
            items = parse(lex(src))
        except ShellSyntaxError as exc:
            io.err.write(f"bash: -c: line 1: {exc}\n")
            return self.finish(2)
        except Unsupported as exc:
            io.err.write(
                f"bash: the simulated shell does not support {exc}; script an answer with "
                "SimulatedShell.script() or use HostShell\n"
            )
            return self.finish(2)
        try:
            self.run_body(items, io)
        except FunctionReturn as exc:
            if not sourced:
                raise
            return self.finish(exc.code)
        except ShellExit as exc:
            if sourced:
                raise
            if top and not exc.abandon:
                self.session.exited = exc.code
            return self.finish(exc.code)
        except ShellTimeout:
            if not top:
                raise
            return self.finish(TIMEOUT_EXIT_CODE)
        return self.session.last_exit_code

    def finish(self, status: int) -> int:
        self.session.last_exit_code = status
        return status

    def subshell(self, src: str, io: Io) -> int:
        child = self.child()
        if child is None:
            io.err.write("bash: maximum nesting level exceeded\n")
            return 1
        return child.run_script(src, io)

    def child(self) -> Bash | None:
        """A subshell: a copy of the session that changes cannot leak out of."""
        if self.depth + self.calls >= MAX_NESTING:
            return None
        child = Bash(self.shell, self.session.subshell(), self.budget, depth=self.depth + 1)
        child.calls = self.calls
        return child

    def nested(self, name: str, src: str, io: Io, args: list[str] | None = None) -> int:
        return self.enter(name, args, lambda: self.run_script(src, io, sourced=True))

    def call_function(self, function: Function, argv: list[str], io: Io) -> int:
        def body() -> int:
            try:
                return flow.run_node(self, function.body, io)
            except FunctionReturn as exc:
                return self.finish(exc.code)

        return self.enter(argv[0], argv[1:], body)

    def enter(self, name: str, args: list[str] | None, run: Callable[[], int]) -> int:
        """Run one nesting level deeper; past :data:`MAX_NESTING` the whole line is abandoned."""
        if self.depth + self.calls >= MAX_NESTING:
            raise NestingError(f"{name}: maximum nesting level exceeded ({MAX_NESTING})")
        saved = self.session.positional
        if args is not None:
            self.session.positional = list(args)
        self.calls += 1
        try:
            return run()
        finally:
            self.calls -= 1
            self.session.positional = saved

    def run_body(self, items: Body, io: Io, *, condition: bool = False) -> int:
        """Run a list; under ``set -e`` a failing command (outside a condition) exits."""
        status = self.session.last_exit_code
        for item in items:
            status = self.run_and_or(item, io)
            if self.session.errexit and status != 0 and not condition and not item.rest:
                raise ShellExit(status)
        return status

    # -- structure -------------------------------------------------------------------

    def run_and_or(self, item: AndOr, io: Io) -> int:
        if item.background and isinstance(item.first[0], Command):
            try:
                self.start_background(item, io)
            except ExpansionError as exc:
                io.err.write(f"bash: {exc}\n")
            except FatalExpansion as exc:
                io.err.write(f"bash: {exc}\n")
                raise self.fatal(exc) from None
            return 0
        status = self.finish(self.run_pipeline(item.first, io))
        for op, pipeline in item.rest:
            if (op == "&&") == (status == 0):
                status = self.finish(self.run_pipeline(pipeline, io))
        return status

    def run_pipeline(self, commands: list[Node], io: Io) -> int:
        if len(commands) == 1:
            return self.run_command(commands[0], io)
        data = io.stdin
        status = failed = 0
        for index, command in enumerate(commands):
            last = index == len(commands) - 1
            out: Sink = io.out if last else Buffer()
            # each element of a pipeline is a subshell in bash: `... | read x` or a
            # `while read` loop at the end of one sets nothing in this shell
            shell = self.child()
            if shell is None:
                io.err.write("bash: maximum nesting level exceeded\n")
                return 1
            try:
                status = shell.run_command(command, Io(data, out, io.err))
            except ShellExit as exc:
                status = exc.code
            if isinstance(out, Buffer):
                data = out.text
            failed = status or failed
        # pipefail: the last element that failed decides, not the last element
        return failed if self.session.pipefail else status

    def start_background(self, item: AndOr, io: Io) -> None:
        """``NAME args &``: a process called NAME appears; the command itself does not run."""
        argv: list[str] = []
        first = item.first[0]
        assert isinstance(first, Command)
        for word in first.words:
            if not argv and ASSIGNMENT_RE.match(word.source):
                continue
            argv.extend(self.expander.expand(word, io))
        while argv and argv[0] in ("nohup", "setsid", "exec", "command"):
            argv.pop(0)
        if not argv:
            self.finish(0)
            return
        process = self.processes.start(posixpath.basename(argv[0]))
        job = max(self.session.jobs, default=0) + 1
        self.session.jobs[job] = process.pid
        self.session.last_background_pid = process.pid
        if self.session.interactive:  # bash -c prints no job line; an interactive shell does
            io.err.write(f"[{job}] {process.pid}\n")
        self.finish(0)

    def run_command(self, node: Node, io: Io) -> int:
        """Run one pipeline element; an error found while expanding (a bad ``${...}``, bad
        syntax inside ``$(...)`` or a here-document) fails that command, as in bash."""
        self.check_deadline()
        try:
            if isinstance(node, Command):
                return self.run_simple(node, io)
            return flow.run_node(self, node, io)
        except ExpansionError as exc:
            io.err.write(f"bash: {exc}\n")
            return 1
        except FatalExpansion as exc:
            io.err.write(f"bash: {exc}\n")
            raise self.fatal(exc) from None
        except ShellSyntaxError as exc:
            io.err.write(f"bash: -c: line 1: {exc}\n")
            return 2
        except Unsupported as exc:
            io.err.write(f"bash: the simulated shell does not support {exc}\n")
            return 2

    def fatal(self, exc: FatalExpansion) -> ShellExit:
        """How bash leaves after a fatal expansion: an interactive shell drops the rest of
        the line (status 1); ``bash -c`` exits, with 127 at its top level for an unset
        variable (1 under ``set -e``, and in a ``( )`` or ``$( )`` subshell), else 1."""
        if self.session.interactive:
            return ShellExit(1, abandon=True)
        top = self.depth == 0 and not self.session.errexit
        return ShellExit(127 if exc.unbound and top else 1)

    def run_redirected(self, redirs: list[Redirect], io: Io, run: Callable[[Io], int]) -> int:
        """Run ``run`` with the redirections applied, then write the files they opened."""
        try:
            redirected, files = self.redirect(redirs, io)
        except ExpansionError as exc:
            io.err.write(f"bash: {exc}\n")
            return 1
        if redirected is None:
            return 1
        status = run(redirected)
        return self.flush_files(files, io, status)

    def flush_files(self, files: list[FileSink], io: Io, status: int) -> int:
        for sink in files:
            try:
                self.fs.write(sink.path, sink.text.encode(), append=sink.append)
            except FsError as exc:
                io.err.write(f"bash: {exc.path}: {exc.reason}\n")
                status = 1
        return status

    def run_simple(self, command: Command, io: Io) -> int:
        expander = self.expander
        expander.substitution_status = None
        try:
            assignments: list[Assignment] = []
            argv: list[str] = []
            for word in command.words:
                if not argv and (assignment := expander.assignment(word, io)) is not None:
                    assignments.append(assignment)
                elif (
                    argv
                    and argv[0] in ("export", "declare", "local")
                    and ((assignment := expander.assignment(word, io)) is not None)
                ):
                    if assignment.scalar:
                        argv.append(f"{assignment.name}={assignment.value}")
                    else:  # declare -a a=(1 2): the array is assigned, declare sees its name
                        assignment.apply(self.session)
                        argv.append(assignment.name)
                else:
                    argv.extend(expander.expand(word, io))
            redirected, files = self.redirect(command.redirs, io)
        except ExpansionError as exc:
            io.err.write(f"bash: {exc}\n")
            return 1
        if redirected is None:
            return 1
        if argv:
            env = {a.name: a.value for a in assignments if a.scalar}
            status = self.execute(argv, redirected, env)
        else:
            for assignment in assignments:
                assignment.apply(self.session)
            status = expander.substitution_status or 0
        return self.flush_files(files, io, status)

    def execute(self, argv: list[str], io: Io, assignments: dict[str, str]) -> int:
        name = argv[0]
        env = {**self.session.env, **assignments}
        if name.startswith(("/usr/bin/", "/bin/", "/usr/local/bin/")):
            base = posixpath.basename(name)
            if base in self.commands and base not in SHELL_ONLY:
                name = base
        function = self.session.functions.get(name)
        if isinstance(function, Function):
            return self.call_function(function, argv, io)
        builtin = self.commands.get(name)
        if builtin is not None and "/" not in name:
            try:
                return builtin(self, argv, io, env)
            except UsageError as exc:
                io.err.write(f"{exc}\n")
                return exc.status
            except FsError as exc:  # a disk failure no command caught (a full disk, say)
                io.err.write(f"{name}: {exc.path}: {exc.reason}\n")
                return 1
        if "/" in name:
            return self.run_file(name, argv, io, env)
        io.err.write(f"bash: {name}: command not found\n")
        return 127

    def run_file(self, name: str, argv: list[str], io: Io, env: dict[str, str]) -> int:
        path = self.path(name)
        if self.fs.is_dir(path):
            io.err.write(f"bash: {name}: Is a directory\n")
            return 126
        if not self.fs.is_file(path):
            io.err.write(f"bash: {name}: No such file or directory\n")
            return 127
        text = decode(self.fs.read(path))
        first = text.split("\n", 1)[0]
        if first.startswith("#!") and "python" in first:
            return self.python_program(text, io, env)
        return self.subshell(text, io)

    def python_program(self, code: str, io: Io, env: dict[str, str]) -> int:
        """Run ``code`` as ``python3`` would, its sleeps spending this run's budget."""
        overran = False

        def sleep(seconds: float) -> None:
            nonlocal overran
            try:
                self.advance(seconds)
            except ShellTimeout:
                overran = True

        result = self.shell.run_python_in(
            code, timeout=None, cwd=self.session.cwd, env=env, sleep=sleep
        )
        io.out.write(result.output)
        if overran or result.timed_out:
            raise ShellTimeout
        if result.success:
            return 0
        if result.error_type == "SystemExit":
            error = result.error or ""
            if error.lstrip("-").isdigit():
                return int(error) % 256
            io.err.write(error + "\n")
            return 1
        if result.error_type != "SyntaxError":
            io.err.write("Traceback (most recent call last):\n")
        io.err.write(f"{result.error_type}: {result.error}\n")
        return 1

    # -- redirection ------------------------------------------------------------------

    def redirect(self, redirs: list[Redirect], io: Io) -> tuple[Io | None, list[FileSink]]:
        """Apply redirections left to right; None (after printing why) when one fails."""
        return redirect.redirect(self, redirs, io)

    # -- helpers ------------------------------------------------------------------------

    def path(self, name: str) -> str:
        return FileSystem.resolve(name, self.session.cwd)

    def now(self) -> float:
        return self.shell.clock() if self.shell.clock is not None else time.time()

    def deadline(self) -> float | None:
        return self.budget.deadline

    def check_deadline(self) -> None:
        deadline = self.budget.deadline
        if deadline is not None and time.monotonic() > deadline:
            raise ShellTimeout
        yield_now()

    def advance(self, seconds: float) -> None:
        """Spend virtual time; the part beyond the budget is never spent."""
        remaining = self.budget.remaining
        if remaining is not None and seconds > remaining:
            if remaining > 0 and self.shell.sleep is not None:
                self.shell.sleep(remaining)
            self.budget.remaining = 0.0
            raise ShellTimeout
        if self.shell.sleep is not None:
            self.shell.sleep(seconds)
        if remaining is not None:
            self.budget.remaining = remaining - seconds
