"""The contract between the simulated shell's interpreter and the commands it runs.

A command is a plain function ``(ctx, argv, io, env) -> exit status``. ``ctx``
is the running interpreter seen through the :class:`Context` protocol, so the
command modules (:mod:`~fake_server.desktop.shell.builtins`,
:mod:`~fake_server.desktop.shell.files`, :mod:`~fake_server.desktop.shell.system`,
:mod:`~fake_server.desktop.shell.text`) never import the interpreter, and the
interpreter finds them through the tables they register with :func:`registrar`.

Also here: the output sinks a command writes to, the exceptions that carry
``exit``, timeouts and usage errors out of a command, and :func:`options`, the
coreutils-style option parser the commands share.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final, Protocol

from fake_server.desktop.filesystem import FileSystem
from fake_server.desktop.processes import ProcessTable
from fake_server.desktop.shell.session import ShellSession

#: Builtins with no program of the same name in /usr/bin.
SHELL_ONLY: Final = frozenset({
    "cd", "exit", "export", "declare", "unset", "source", ".", ":", "command", "set", "shift",
    "read", "eval", "local", "return", "break", "continue", "type", "wait", "jobs",
})  # fmt: skip
#: Words the shell's grammar owns: ``type`` calls them keywords.
SHELL_KEYWORDS: Final = frozenset({
    "if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until", "do",
    "done", "in", "function", "time", "{", "}", "!", "[[", "]]", "coproc",
})  # fmt: skip
SHELL_BUILTINS: Final = SHELL_ONLY | {"true", "false", "echo", "printf", "pwd", "test", "[", "kill"}


# -- signals -----------------------------------------------------------------------


class ShellExit(Exception):
    """``exit N``: unwinds to the script (or pipeline element) being run. ``abandon``: an
    interactive shell dropping the rest of the line after a fatal error; it stays open."""

    def __init__(self, code: int, *, abandon: bool = False) -> None:
        super().__init__(code)
        self.code = code
        self.abandon = abandon


class ShellTimeout(Exception):
    """The run's time budget (virtual seconds slept, or its wall-clock deadline) ran out."""


class NestingError(Exception):
    """Functions, ``source`` or ``eval`` nested past the limit: bash abandons the whole
    command line with status 1, and so does the simulation (never a RecursionError)."""


class LoopControl(Exception):
    """``break N``/``continue N``: unwinds to the N-th enclosing loop."""

    def __init__(self, kind: str, levels: int) -> None:
        super().__init__(kind, levels)
        self.kind = kind
        self.levels = levels


class FunctionReturn(Exception):
    """``return N`` inside a function or a sourced script."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class ExpansionError(Exception):
    """A word that cannot be expanded (a redirection the simulation does not have, a bad
    ``[[ ]]`` operand): the command fails with status 1 and the shell goes on."""


class FatalExpansion(Exception):
    """An expansion bash does not survive: ``${x!}`` (bad substitution), ``$((1/0))``,
    ``${x:?}`` on an unset ``x``, or any unset variable under ``set -u``. A script
    (``bash -c``) exits; an interactive shell abandons the rest of the line (status 1).

    Not an :class:`ExpansionError`, so no command-level handler swallows it. ``unbound``
    (the ``:?`` and ``set -u`` cases): ``bash -c`` exits 127 at its top level, not 1."""

    def __init__(self, message: str, *, unbound: bool = False) -> None:
        super().__init__(message)
        self.unbound = unbound


class UsageError(Exception):
    """An option the simulated command does not know: refuse rather than guess."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


# -- where output goes ---------------------------------------------------------------


class Sink:
    def write(self, text: str) -> None:
        raise NotImplementedError


class Buffer(Sink):
    def __init__(self) -> None:
        self.chunks: list[str] = []

    def write(self, text: str) -> None:
        self.chunks.append(text)

    @property
    def text(self) -> str:
        return "".join(self.chunks)


class Discard(Sink):
    def write(self, text: str) -> None:
        return None


class FileSink(Buffer):
    """Output bound for a file; written once the command finishes, so one
    redirection yields one change notification."""

    def __init__(self, path: str, append: bool) -> None:
        super().__init__()
        self.path = path
        self.append = append


class Reader:
    """Standard input that ``read`` consumes line by line (a loop's body shares one)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0

    def readline(self) -> str | None:
        if self.position >= len(self.text):
            return None
        end = self.text.find("\n", self.position)
        end = len(self.text) if end < 0 else end + 1
        line = self.text[self.position : end]
        self.position = end
        return line


@dataclass
class Io:
    stdin: str
    out: Sink
    err: Sink
    reader: Reader | None = None

    def with_reader(self) -> Io:
        """This io with a :class:`Reader` over its stdin, so ``read`` calls share progress."""
        if self.reader is not None:
            return self
        return Io(self.stdin, self.out, self.err, Reader(self.stdin))


def decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


# -- commands ----------------------------------------------------------------------


class Context(Protocol):
    """What a command may use of the interpreter running it."""

    fs: FileSystem
    processes: ProcessTable
    session: ShellSession
    hostname: str
    commands: Mapping[str, Builtin]
    loops: int

    def path(self, name: str) -> str:
        """``name`` resolved against the session's working directory."""
        ...

    def advance(self, seconds: float) -> None:
        """Spend virtual time; raises :class:`ShellTimeout` past the run's budget."""
        ...

    def execute(self, argv: list[str], io: Io, assignments: dict[str, str]) -> int: ...

    def subshell(self, src: str, io: Io) -> int: ...

    def run_script(self, src: str, io: Io, *, top: bool = False, sourced: bool = False) -> int: ...

    def python_program(self, code: str, io: Io, env: dict[str, str]) -> int: ...

    def nested(self, name: str, src: str, io: Io, args: list[str] | None = None) -> int:
        """Run ``src`` in this shell one nesting level deeper (``source``, ``eval``);
        ``args`` replace the positional parameters while it runs."""
        ...

    def now(self) -> float:
        """The fake's clock, in seconds since the epoch."""
        ...

    def deadline(self) -> float | None:
        """The ``time.monotonic()`` moment the run is cut off; None when it has none."""
        ...

    def check_deadline(self) -> None:
        """Raise :class:`ShellTimeout` once the run's wall-clock deadline has passed."""
        ...


Builtin = Callable[[Context, list[str], Io, dict[str, str]], int]


def registrar(table: dict[str, Builtin]) -> Callable[..., Callable[[Builtin], Builtin]]:
    """A decorator factory: ``@command("head", "tail")`` files a function under those names."""

    def command(*names: str) -> Callable[[Builtin], Builtin]:
        def register(function: Builtin) -> Builtin:
            for name in names:
                table[name] = function
            return function

        return register

    return command


def missing_operand(name: str, io: Io, what: str = "operand") -> int:
    """coreutils' complaint about a command given nothing to act on; returns its status, 1."""
    io.err.write(f"{name}: missing {what}\nTry '{name} --help' for more information.\n")
    return 1


def usage_error(name: str, message: str, status: int = 1) -> UsageError:
    """A coreutils usage complaint: ``name: message`` and the ``--help`` hint."""
    return UsageError(f"{name}: {message}\nTry '{name} --help' for more information.", status)


@dataclass
class ParsedOptions:
    flags: set[str]
    #: A valued option's last value by its key; re-given, it moves to the end, so the
    #: last of several keys in this order is the one given last.
    values: dict[str, str]
    operands: list[str]


def parse_options(
    argv: list[str],
    allowed: str,
    long: dict[str, str] | None = None,
    *,
    valued: str = "",
    long_valued: dict[str, str] | None = None,
) -> ParsedOptions:
    """Short flags (combinable, ``-rf``), known long ones, valued ones (``-d 1``, ``-d1``,
    ``-sd1``, ``--max-depth=1``, ``--max-depth 1``) and operands (``--`` ends options).

    Options are only accepted when the simulation honours them (or they
    cannot change the output here); others fail like coreutils does.
    """
    name = argv[0]
    status = 2 if name in ("ls", "grep") else 1
    long, long_valued = long or {}, long_valued or {}
    parsed = ParsedOptions(set(), {}, [])

    def give(key: str, value: str) -> None:
        parsed.values.pop(key, None)
        parsed.values[key] = value

    args = iter(argv[1:])
    for arg in args:
        if arg == "--":
            parsed.operands.extend(args)
            break
        if arg.startswith("--"):
            option, equals, given = arg[2:].partition("=")
            if option in long_valued:
                value = given if equals else next(args, None)
                if value is None:
                    raise usage_error(name, f"option '--{option}' requires an argument", status)
                give(long_valued[option], value)
            elif option in long and not equals:
                parsed.flags.add(long[option])
            else:
                raise usage_error(name, f"unrecognized option '{arg}'", status)
        elif arg.startswith("-") and len(arg) > 1:
            for position, flag in enumerate(arg[1:], start=2):
                if flag in valued:
                    value = arg[position:] or next(args, None)
                    if value is None:
                        raise usage_error(name, f"option requires an argument -- '{flag}'", status)
                    give(flag, value)
                    break
                if flag not in allowed:
                    raise usage_error(name, f"invalid option -- '{flag}'", status)
                parsed.flags.add(flag)
        else:
            parsed.operands.append(arg)
    return parsed


def options(
    argv: list[str], allowed: str, long: dict[str, str] | None = None
) -> tuple[set[str], list[str]]:
    """Flags and operands, for commands whose options take no value (see parse_options)."""
    parsed = parse_options(argv, allowed, long)
    return parsed.flags, parsed.operands
