"""The shell behind the ``bash`` endpoint, the ``exec`` endpoint and the terminal.

:class:`SimulatedShell` (the default) interprets a useful subset of bash on the
simulated :class:`~fake_server.desktop.filesystem.FileSystem` and
:class:`~fake_server.desktop.processes.ProcessTable`: it is deterministic,
needs no host tools, and every file it touches goes through the FileSystem so
change listeners fire. Anything it cannot do is answered with a clear
"not supported" message (exit 2) rather than a silent wrong answer, and
scripted answers (:meth:`SimulatedShell.script`) let a test supply output for
any command it expects. :class:`~fake_server.desktop.host_shell.HostShell` is
the explicit opt-in to real ``bash``/``python3``.

Command lines are tokenised by a small quote-aware lexer rather than
:mod:`shlex`: shlex drops the quoting, and bash needs it to know that ``'$HOME'``
is not expanded and that ``">"`` is an argument, not a redirection.
"""

from __future__ import annotations

import ast
import fnmatch
import math
import operator
import posixpath
import re
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Protocol, runtime_checkable

from fake_server.desktop.filesystem import (
    DIRECTORY_NOT_EMPTY,
    HOME,
    INVALID_ARGUMENT,
    IS_A_DIRECTORY,
    NO_SUCH_FILE,
    NOT_A_DIRECTORY,
    FileSystem,
    FsError,
)
from fake_server.desktop.processes import ProcessError, ProcessTable
from fake_server.desktop.python_eval import DEFAULT_MAX_STEPS, PythonResult, SimulatedPython

if TYPE_CHECKING:
    from fake_server.desktop.host_shell import HostShell

__all__ = [
    "CommandResult",
    "HostShell",
    "PythonResult",
    "ScriptedAnswer",
    "Shell",
    "ShellSession",
    "SimulatedShell",
]

USER: Final = "user"
DEFAULT_HOSTNAME: Final = "orgo-computer"
SHELL_PID: Final = 999
TIMEOUT_EXIT_CODE: Final = 124
MAX_NESTING: Final = 64
SideEffect = Callable[[FileSystem, ProcessTable], None]


def __getattr__(name: str) -> Any:
    """``HostShell`` lives in its own module; load it only when someone asks for it."""
    if name == "HostShell":
        from fake_server.desktop.host_shell import HostShell

        return HostShell
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# -- public types ----------------------------------------------------------------


@dataclass(frozen=True)
class CommandResult:
    """What ``bash -c`` would have printed (stdout and stderr interleaved) and its status."""

    output: str
    exit_code: int


@runtime_checkable
class Shell(Protocol):
    """What the desktop needs from a shell; swap implementations without touching callers."""

    def run(
        self, command: str, *, session: ShellSession | None = None, timeout: float | None = None
    ) -> CommandResult: ...

    def run_python(self, code: str, *, timeout: float) -> PythonResult: ...


def _default_env() -> dict[str, str]:
    return {
        "HOME": HOME,
        "USER": USER,
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "SHELL": "/bin/bash",
        "PWD": HOME,
        "DISPLAY": ":1",
    }


@dataclass
class ShellSession:
    """State a terminal keeps between lines; the bash endpoint starts a fresh one per call.

    ``env`` holds exported variables (what ``env`` prints and child programs
    see); ``variables`` holds plain shell variables set by ``NAME=value``.
    ``exited`` is set by ``exit N``: the owner of the terminal decides what
    closing means.
    """

    cwd: str = HOME
    env: dict[str, str] = field(default_factory=_default_env)
    last_exit_code: int = 0
    exited: int | None = None
    variables: dict[str, str] = field(default_factory=dict)
    jobs: dict[int, int] = field(default_factory=dict)
    last_background_pid: int | None = None

    def __post_init__(self) -> None:
        if self.env.get("PWD") != self.cwd:
            self.env["PWD"] = self.cwd

    def get(self, name: str) -> str | None:
        value = self.variables.get(name)
        return value if value is not None else self.env.get(name)

    def set(self, name: str, value: str) -> None:
        """Assign like bash: an exported variable stays exported."""
        if name in self.env:
            self.env[name] = value
        else:
            self.variables[name] = value

    def export(self, name: str, value: str | None = None) -> None:
        current = self.variables.pop(name, None)
        if value is not None:
            self.env[name] = value
        elif current is not None:
            self.env[name] = current

    def unset(self, name: str) -> None:
        self.variables.pop(name, None)
        self.env.pop(name, None)

    def subshell(self) -> ShellSession:
        """A copy for ``bash -c``/``$(...)``: changes there must not leak back."""
        return ShellSession(
            cwd=self.cwd,
            env=dict(self.env),
            last_exit_code=self.last_exit_code,
            variables=dict(self.variables),
            jobs=dict(self.jobs),
            last_background_pid=self.last_background_pid,
        )


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
    ) -> None:
        self.fs = fs
        self.processes = processes
        self.sleep = sleep
        self.hostname = hostname
        self.python_max_steps = python_max_steps
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

    def run(
        self, command: str, *, session: ShellSession | None = None, timeout: float | None = None
    ) -> CommandResult:
        """Run a command line; ``timeout`` is a budget of virtual seconds spent in ``sleep``.

        Exceeding it ends the run with exit code 124, like coreutils' ``timeout``.
        """
        session = session if session is not None else ShellSession()
        answer = self.scripted(command, python=False)
        if answer is not None:
            if answer.side_effect is not None:
                answer.side_effect(self.fs, self.processes)
            session.last_exit_code = answer.exit_code
            return CommandResult(answer.output, answer.exit_code)
        return _Bash(self, session, _Budget(timeout), depth=0).run_top(command)

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
        answer = self.scripted(code, python=True)
        if answer is not None:
            if answer.side_effect is not None:
                answer.side_effect(self.fs, self.processes)
            return _scripted_python_result(answer)
        interpreter = SimulatedPython(
            self.fs,
            cwd=cwd,
            env=env if env is not None else _default_env(),
            sleep=sleep if sleep is not None else self.sleep,
            max_steps=self.python_max_steps,
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


# -- lexing ------------------------------------------------------------------------


class _ShellSyntaxError(Exception):
    """Reported as ``bash: -c: line 1: <message>``, exit 2, before anything runs."""


class _Unsupported(Exception):
    """Valid bash the simulation does not implement; reported before anything runs."""


@dataclass(frozen=True)
class _Part:
    """A piece of a word: ``lit`` (quoted, taken as is), ``raw`` (unquoted text,
    subject to globbing and ``~``), ``var``/``cmd``/``arith`` expansions."""

    kind: str
    text: str
    quoted: bool = False


@dataclass(frozen=True)
class _Word:
    parts: tuple[_Part, ...]
    source: str


@dataclass(frozen=True)
class _Op:
    text: str


@dataclass(frozen=True)
class _Redir:
    fd: int | None
    op: str


_Token = _Word | _Op | _Redir

_OPERATOR_CHARS: Final = frozenset(";&|<>()")
_SPECIAL_PARAMS: Final = frozenset("?$#@*!-0123456789")
_NAME_RE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGNMENT_RE: Final = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(\+?)=")
_RESERVED: Final = frozenset(
    {"if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case",
     "esac", "function", "select", "{", "}", "[[", "]]", "!", "coproc"}
)


def _find_closing(src: str, start: int, opener: str, closer: str) -> int:
    """Index of the ``closer`` balancing an ``opener`` just before ``start``, skipping quotes."""
    depth = 1
    i = start
    while i < len(src):
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if c == "'":
            end = src.find("'", i + 1)
            if end < 0:
                break
            i = end + 1
            continue
        if c == '"':
            i += 1
            while i < len(src) and src[i] != '"':
                i += 2 if src[i] == "\\" else 1
            i += 1
            continue
        if c == opener:
            depth += 1
        elif c == closer:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise _ShellSyntaxError(f"unexpected EOF while looking for matching `{closer}'")


def _lex_dollar(src: str, i: int, quoted: bool) -> tuple[_Part | None, int]:
    """Lex the expansion starting at ``src[i] == "$"``; None means a literal ``$``."""
    nxt = src[i + 1] if i + 1 < len(src) else ""
    if nxt == "{":
        end = src.find("}", i + 2)
        if end < 0:
            raise _ShellSyntaxError("unexpected EOF while looking for matching `}'")
        return _Part("var", src[i + 2 : end], quoted), end + 1
    if src.startswith("((", i + 1):
        end = _find_closing(src, i + 3, "(", ")")
        if not src.startswith(")", end + 1):
            raise _Unsupported("command substitution starting with `(('")
        return _Part("arith", src[i + 3 : end], quoted), end + 2
    if nxt == "(":
        end = _find_closing(src, i + 2, "(", ")")
        return _Part("cmd", src[i + 2 : end], quoted), end + 1
    match = _NAME_RE.match(src, i + 1)
    if match:
        return _Part("var", match.group(), quoted), match.end()
    if nxt and nxt in _SPECIAL_PARAMS:
        return _Part("var", nxt, quoted), i + 2
    return None, i + 1


def _lex_double_quoted(src: str, i: int, *, until_quote: bool = True) -> tuple[list[_Part], int]:
    """Parts of a double-quoted string starting at ``i``; returns them and the index after it."""
    parts: list[_Part] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            parts.append(_Part("lit", "".join(buf), True))
            buf.clear()

    while True:
        if i >= len(src):
            if until_quote:
                raise _ShellSyntaxError("unexpected EOF while looking for matching `\"'")
            break
        c = src[i]
        if c == '"' and until_quote:
            i += 1
            break
        if c == "\\" and i + 1 < len(src) and src[i + 1] in '$`"\\\n':
            if src[i + 1] != "\n":
                buf.append(src[i + 1])
            i += 2
        elif c == "$":
            part, i = _lex_dollar(src, i, quoted=True)
            if part is None:
                buf.append("$")
            else:
                flush()
                parts.append(part)
        elif c == "`":
            end = _find_backtick(src, i + 1)
            flush()
            parts.append(_Part("cmd", src[i + 1 : end].replace("\\`", "`"), True))
            i = end + 1
        else:
            buf.append(c)
            i += 1
    flush()
    if not parts:
        parts.append(_Part("lit", "", True))
    return parts, i


def _find_backtick(src: str, i: int) -> int:
    while i < len(src):
        if src[i] == "\\":
            i += 2
            continue
        if src[i] == "`":
            return i
        i += 1
    raise _ShellSyntaxError("unexpected EOF while looking for matching ``'")


def _lex(src: str) -> list[_Token]:
    tokens: list[_Token] = []
    parts: list[_Part] = []
    raw: list[str] = []
    start = 0
    i = 0

    def in_word() -> bool:
        return bool(parts or raw)

    def flush_raw() -> None:
        if raw:
            parts.append(_Part("raw", "".join(raw)))
            raw.clear()

    def end_word(end: int) -> None:
        flush_raw()
        if parts:
            tokens.append(_Word(tuple(parts), src[start:end].strip()))
            parts.clear()

    while i < len(src):
        c = src[i]
        if not in_word():
            start = i
        if c in " \t":
            end_word(i)
            i += 1
        elif c == "\n":
            end_word(i)
            tokens.append(_Op("\n"))
            i += 1
        elif c == "#" and not in_word():
            newline = src.find("\n", i)
            i = len(src) if newline < 0 else newline
        elif c == "\\":
            if src.startswith("\n", i + 1):
                i += 2
                continue
            flush_raw()
            parts.append(_Part("lit", src[i + 1 : i + 2], True))
            i += 2
        elif c == "'":
            end = src.find("'", i + 1)
            if end < 0:
                raise _ShellSyntaxError("unexpected EOF while looking for matching `''")
            flush_raw()
            parts.append(_Part("lit", src[i + 1 : end], True))
            i = end + 1
        elif c == '"':
            flush_raw()
            quoted_parts, i = _lex_double_quoted(src, i + 1)
            parts.extend(quoted_parts)
        elif c == "$" and src.startswith("'", i + 1):
            end = src.find("'", i + 2)
            if end < 0:
                raise _ShellSyntaxError("unexpected EOF while looking for matching `''")
            flush_raw()
            parts.append(_Part("lit", _decode_escapes(src[i + 2 : end], printf=True)[0], True))
            i = end + 1
        elif c == "$":
            part, i = _lex_dollar(src, i, quoted=False)
            if part is None:
                raw.append("$")
            else:
                flush_raw()
                parts.append(part)
        elif c == "`":
            end = _find_backtick(src, i + 1)
            flush_raw()
            parts.append(_Part("cmd", src[i + 1 : end].replace("\\`", "`"), False))
            i = end + 1
        elif c in _OPERATOR_CHARS:
            i = _lex_operator(src, i, tokens, parts, raw, end_word)
        else:
            raw.append(c)
            i += 1
    end_word(len(src))
    return tokens


def _lex_operator(
    src: str,
    i: int,
    tokens: list[_Token],
    parts: list[_Part],
    raw: list[str],
    end_word: Callable[[int], None],
) -> int:
    c = src[i]
    two = src[i : i + 2]
    if c in "<>" and not parts and raw and "".join(raw).isdigit():
        fd: int | None = int("".join(raw))
        raw.clear()
    else:
        fd = None
        end_word(i)
    if c == ";":
        if two == ";;":
            raise _ShellSyntaxError("syntax error near unexpected token `;;'")
        tokens.append(_Op(";"))
        return i + 1
    if c == "&":
        if two == "&&":
            tokens.append(_Op("&&"))
            return i + 2
        if src.startswith("&>>", i):
            tokens.append(_Redir(None, "&>>"))
            return i + 3
        if two == "&>":
            tokens.append(_Redir(None, "&>"))
            return i + 2
        tokens.append(_Op("&"))
        return i + 1
    if c == "|":
        if two == "||":
            tokens.append(_Op("||"))
            return i + 2
        if two == "|&":
            tokens.extend([_Redir(2, ">&"), _Word((_Part("raw", "1"),), "1"), _Op("|")])
            return i + 2
        tokens.append(_Op("|"))
        return i + 1
    if c == ">":
        for op, token in ((">>", ">>"), (">&", ">&"), (">|", ">")):
            if two == op:
                tokens.append(_Redir(fd, token))
                return i + 2
        tokens.append(_Redir(fd, ">"))
        return i + 1
    if c == "<":
        if two == "<<":
            raise _Unsupported("here-documents (<<) and here-strings (<<<)")
        if two in ("<&", "<>", "<("):
            raise _Unsupported(f"`{two}'")
        tokens.append(_Redir(fd, "<"))
        return i + 1
    raise _Unsupported("subshells `( ... )'")


# -- parsing -----------------------------------------------------------------------


@dataclass
class _Command:
    words: list[_Word]
    redirs: list[tuple[int | None, str, _Word]]


@dataclass
class _AndOr:
    first: list[_Command]
    rest: list[tuple[str, list[_Command]]]
    background: bool = False


def _describe(token: _Token | None) -> str:
    if token is None or token == _Op("\n"):
        return "newline"
    if isinstance(token, _Op):
        return token.text
    if isinstance(token, _Redir):
        return token.op
    return token.source


def _parse(tokens: list[_Token]) -> list[_AndOr]:
    items: list[_AndOr] = []
    pos = 0

    def peek() -> _Token | None:
        return tokens[pos] if pos < len(tokens) else None

    def unexpected() -> _ShellSyntaxError:
        token = peek()
        if token is None:
            return _ShellSyntaxError("syntax error: unexpected end of file")
        return _ShellSyntaxError(f"syntax error near unexpected token `{_describe(token)}'")

    def skip_newlines() -> None:
        nonlocal pos
        while peek() == _Op("\n"):
            pos += 1

    def command() -> _Command:
        nonlocal pos
        words: list[_Word] = []
        redirs: list[tuple[int | None, str, _Word]] = []
        while True:
            token = peek()
            if isinstance(token, _Word):
                words.append(token)
                pos += 1
            elif isinstance(token, _Redir):
                pos += 1
                target = peek()
                if not isinstance(target, _Word):
                    raise _ShellSyntaxError(
                        f"syntax error near unexpected token `{_describe(target)}'"
                    )
                redirs.append((token.fd, token.op, target))
                pos += 1
            else:
                break
        if not words and not redirs:
            raise unexpected()
        if words and _is_reserved(words[0]):
            raise _Unsupported(f"`{words[0].source}' (compound commands and functions)")
        return _Command(words, redirs)

    def pipeline() -> list[_Command]:
        nonlocal pos
        commands = [command()]
        while peek() == _Op("|"):
            pos += 1
            skip_newlines()
            commands.append(command())
        return commands

    while True:
        skip_newlines()
        if peek() is None:
            return items
        item = _AndOr(pipeline(), [])
        while isinstance(token := peek(), _Op) and token.text in ("&&", "||"):
            pos += 1
            skip_newlines()
            item.rest.append((token.text, pipeline()))
        items.append(item)
        token = peek()
        if token == _Op("&"):
            item.background = True
            pos += 1
        elif token in (_Op(";"), _Op("\n")):
            pos += 1
        elif token is not None:
            raise unexpected()


def _is_reserved(word: _Word) -> bool:
    return len(word.parts) == 1 and word.parts[0].kind == "raw" and word.source in _RESERVED


# -- running -------------------------------------------------------------------------


class _Exit(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class _Timeout(Exception):
    """The run's virtual-time budget ran out."""


class _ExpansionError(Exception):
    """``bash: ${x!}: bad substitution`` and friends: the command fails with status 1."""


@dataclass
class _Budget:
    remaining: float | None


class _Sink:
    def write(self, text: str) -> None:
        raise NotImplementedError


class _Buffer(_Sink):
    def __init__(self) -> None:
        self.chunks: list[str] = []

    def write(self, text: str) -> None:
        self.chunks.append(text)

    @property
    def text(self) -> str:
        return "".join(self.chunks)


class _Discard(_Sink):
    def write(self, text: str) -> None:
        return None


class _FileSink(_Buffer):
    """Output bound for a file; written once the command finishes, so one
    redirection yields one change notification."""

    def __init__(self, path: str, append: bool) -> None:
        super().__init__()
        self.path = path
        self.append = append


@dataclass
class _Io:
    stdin: str
    out: _Sink
    err: _Sink


_Builtin = Callable[[list[str], _Io, dict[str, str]], int]


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _decode_escapes(text: str, *, printf: bool) -> tuple[str, bool]:
    """Backslash escapes as ``echo -e``/``printf`` read them; True when ``\\c`` stops output."""
    simple = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n",
              "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}
    if printf:
        simple.update({'"': '"', "'": "'"})
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c != "\\" or i + 1 >= len(text):
            out.append(c)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt in simple:
            out.append(simple[nxt])
            i += 2
        elif nxt == "c":
            return "".join(out), True
        elif nxt in "xuU" and (
            m := re.match(r"[0-9a-fA-F]{1,2}" if nxt == "x" else r"[0-9a-fA-F]{1,8}", text[i + 2 :])
        ):
            out.append(chr(int(m.group(), 16)))
            i += 2 + m.end()
        elif nxt.isdigit() and nxt < "8":
            digits = re.match(r"0?[0-7]{0,3}" if not printf else r"[0-7]{1,3}", text[i + 1 :])
            assert digits is not None
            value = digits.group()
            out.append(chr(int(value or "0", 8) & 0xFF))
            i += 1 + max(len(value), 1)
        else:
            out.append(c)
            i += 1
    return "".join(out), False


def _has_magic(text: str) -> bool:
    return any(c in text for c in "*?[")


def _glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def _join_display(prefix: str, name: str) -> str:
    if not prefix:
        return name
    return prefix + name if prefix.endswith("/") else f"{prefix}/{name}"


def _pattern_regex(pattern: str) -> str:
    """A shell pattern as an unanchored regex, for ``${x/pat/rep}``."""
    regex = fnmatch.translate(pattern)
    match = re.fullmatch(r"\(\?s:(.*)\)\\[Zz]", regex, re.DOTALL)
    return match.group(1) if match else regex


def _strip_pattern(text: str, pattern: str, op: str) -> str:
    """``${x#pat}`` (shortest prefix), ``##`` (longest), ``%`` and ``%%`` (suffixes)."""
    cuts = range(len(text) + 1)
    if op in ("##", "%"):
        cuts = range(len(text), -1, -1)
    for cut in cuts:
        if op.startswith("#") and fnmatch.fnmatchcase(text[:cut], pattern):
            return text[cut:]
        if op.startswith("%") and fnmatch.fnmatchcase(text[cut:], pattern):
            return text[:cut]
    return text


class _Bash:
    """Runs one command line (or a nested one) against a session."""

    def __init__(
        self, shell: SimulatedShell, session: ShellSession, budget: _Budget, *, depth: int
    ) -> None:
        self.shell = shell
        self.fs = shell.fs
        self.processes = shell.processes
        self.session = session
        self.budget = budget
        self.depth = depth
        self.substitution_status: int | None = None
        self.commands: dict[str, _Builtin] = {
            name[len("cmd_") :].replace("_", "-"): getattr(self, name)
            for name in dir(self)
            if name.startswith("cmd_")
        }
        self.commands.update({
            ":": self.cmd_true, "[": self.cmd_test, ".": self.cmd_source,
            "python": self.cmd_python3, "sh": self.cmd_bash, "printenv": self.cmd_printenv,
        })

    # -- entry points --------------------------------------------------------------

    def run_top(self, src: str) -> CommandResult:
        terminal = _Buffer()
        status = self.run_script(src, _Io("", terminal, terminal), top=True)
        return CommandResult(terminal.text, status)

    def run_script(self, src: str, io: _Io, *, top: bool = False, sourced: bool = False) -> int:
        """Run a script; ``exit`` ends it, and (``top``) marks the session as exited.

        A ``sourced`` script runs in the caller's shell, so its ``exit`` propagates.
        """
        try:
            items = _parse(_lex(src))
        except _ShellSyntaxError as exc:
            io.err.write(f"bash: -c: line 1: {exc}\n")
            return self.finish(2)
        except _Unsupported as exc:
            io.err.write(
                f"bash: the simulated shell does not support {exc}; script an answer with "
                "SimulatedShell.script() or use HostShell\n"
            )
            return self.finish(2)
        try:
            for item in items:
                self.run_and_or(item, io)
        except _Exit as exc:
            if sourced:
                raise
            if top:
                self.session.exited = exc.code
            return self.finish(exc.code)
        except _Timeout:
            if not top:
                raise
            return self.finish(TIMEOUT_EXIT_CODE)
        return self.session.last_exit_code

    def finish(self, status: int) -> int:
        self.session.last_exit_code = status
        return status

    def subshell(self, src: str, io: _Io) -> int:
        if self.depth >= MAX_NESTING:
            io.err.write("bash: maximum nesting level exceeded\n")
            return 1
        child = _Bash(self.shell, self.session.subshell(), self.budget, depth=self.depth + 1)
        return child.run_script(src, io)

    # -- structure -------------------------------------------------------------------

    def run_and_or(self, item: _AndOr, io: _Io) -> None:
        if item.background:
            self.start_background(item, io)
            return
        status = self.finish(self.run_pipeline(item.first, io))
        for op, pipeline in item.rest:
            if (op == "&&") == (status == 0):
                status = self.finish(self.run_pipeline(pipeline, io))

    def run_pipeline(self, commands: list[_Command], io: _Io) -> int:
        if len(commands) == 1:
            return self.run_command(commands[0], io)
        data = io.stdin
        status = 0
        for index, command in enumerate(commands):
            last = index == len(commands) - 1
            out: _Sink = io.out if last else _Buffer()
            try:
                status = self.run_command(command, _Io(data, out, io.err))
            except _Exit as exc:  # each pipeline element is its own subshell in bash
                status = exc.code
            if isinstance(out, _Buffer):
                data = out.text
        return status

    def start_background(self, item: _AndOr, io: _Io) -> None:
        """``NAME args &``: a process called NAME appears; the command itself does not run."""
        argv: list[str] = []
        for word in item.first[0].words:
            if not argv and _ASSIGNMENT_RE.match(word.source):
                continue
            argv.extend(self.expand(word, io))
        while argv and argv[0] in ("nohup", "setsid", "exec", "command"):
            argv.pop(0)
        if not argv:
            self.finish(0)
            return
        process = self.processes.start(posixpath.basename(argv[0]))
        job = max(self.session.jobs, default=0) + 1
        self.session.jobs[job] = process.pid
        self.session.last_background_pid = process.pid
        io.err.write(f"[{job}] {process.pid}\n")
        self.finish(0)

    def run_command(self, command: _Command, io: _Io) -> int:
        self.substitution_status = None
        try:
            assignments: list[tuple[str, str]] = []
            argv: list[str] = []
            for word in command.words:
                if not argv and (assignment := self.assignment(word, io)) is not None:
                    assignments.append(assignment)
                elif argv and argv[0] in ("export", "declare") and (
                    (assignment := self.assignment(word, io)) is not None
                ):
                    argv.append(f"{assignment[0]}={assignment[1]}")
                else:
                    argv.extend(self.expand(word, io))
            redirected, files = self.redirect(command.redirs, io)
        except _ExpansionError as exc:
            io.err.write(f"bash: {exc}\n")
            return 1
        if redirected is None:
            return 1
        if argv:
            status = self.execute(argv, redirected, dict(assignments))
        else:
            for name, value in assignments:
                self.session.set(name, value)
            status = self.substitution_status or 0
        for sink in files:
            try:
                self.fs.write(sink.path, sink.text.encode(), append=sink.append)
            except FsError as exc:
                io.err.write(f"bash: {exc.path}: {exc.reason}\n")
                status = 1
        return status

    def execute(self, argv: list[str], io: _Io, assignments: dict[str, str]) -> int:
        name = argv[0]
        env = {**self.session.env, **assignments}
        if name.startswith(("/usr/bin/", "/bin/", "/usr/local/bin/")):
            base = posixpath.basename(name)
            if base in self.commands and base not in _SHELL_ONLY:
                name = base
        builtin = self.commands.get(name)
        if builtin is not None and "/" not in name:
            try:
                return builtin(argv, io, env)
            except _UsageError as exc:
                io.err.write(f"{exc}\n")
                return exc.status
        if "/" in name:
            return self.run_file(name, argv, io, env)
        io.err.write(f"bash: {name}: command not found\n")
        return 127

    def run_file(self, name: str, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        path = self.path(name)
        if self.fs.is_dir(path):
            io.err.write(f"bash: {name}: Is a directory\n")
            return 126
        if not self.fs.is_file(path):
            io.err.write(f"bash: {name}: No such file or directory\n")
            return 127
        text = _decode(self.fs.read(path))
        first = text.split("\n", 1)[0]
        if first.startswith("#!") and "python" in first:
            return self.python_program(text, io, env)
        return self.subshell(text, io)

    # -- expansion --------------------------------------------------------------------

    def assignment(self, word: _Word, io: _Io) -> tuple[str, str] | None:
        first = word.parts[0]
        match = _ASSIGNMENT_RE.match(first.text) if first.kind == "raw" else None
        if match is None:
            return None
        name, plus = match.group(1), match.group(2)
        rest = first.text[match.end() :]
        if (rest == "~" and len(word.parts) == 1) or rest.startswith("~/"):
            rest = HOME + rest[1:]
        parts = ((_Part("lit", rest, True),) if rest else ()) + word.parts[1:]
        value = "".join(self.expand(_Word(parts, word.source), io, split=False)) if parts else ""
        if plus:
            value = (self.session.get(name) or "") + value
        return name, value

    def expand(self, word: _Word, io: _Io, *, split: bool = True) -> list[str]:
        if split:
            braced = list(_brace_expand(word))
            if len(braced) > 1:
                return [text for alt in braced for text in self.expand(alt, io)]
        fields: list[list[tuple[str, bool]]] = []
        current: list[tuple[str, bool]] | None = None
        for index, part in enumerate(word.parts):
            if part.kind == "lit":
                current = (current or []) + [(part.text, False)]
            elif part.kind == "raw":
                text = part.text
                if index == 0 and ((text == "~" and len(word.parts) == 1) or text.startswith("~/")):
                    current = (current or []) + [(HOME, False)]
                    text = text[1:]
                current = (current or []) + [(text, True)]
            else:
                value = self.expand_part(part, io)
                if part.quoted or not split:
                    current = (current or []) + [(value, False)]
                    continue
                if value and value[0] in " \t\n" and current is not None:
                    fields.append(current)
                    current = None
                pieces = value.split()
                for position, piece in enumerate(pieces):
                    if position and current is not None:
                        fields.append(current)
                        current = None
                    current = (current or []) + [(piece, True)]
                if value and value[-1] in " \t\n" and current is not None:
                    fields.append(current)
                    current = None
        if current is not None:
            fields.append(current)
        results: list[str] = []
        for chunks in fields:
            if split and any(globbable and _has_magic(text) for text, globbable in chunks):
                pattern = "".join(t if g else _glob_escape(t) for t, g in chunks)
                matches = self.glob(pattern)
                if matches:
                    results.extend(matches)
                    continue
            results.append("".join(text for text, _ in chunks))
        return results

    def expand_text(self, text: str, io: _Io) -> str:
        """Expand ``$VAR``/``$(...)`` inside text, as between double quotes."""
        parts, _ = _lex_double_quoted(text, 0, until_quote=False)
        return "".join(self.expand(_Word(tuple(parts), text), io, split=False))

    def expand_part(self, part: _Part, io: _Io) -> str:
        if part.kind == "cmd":
            buffer = _Buffer()
            status = self.subshell(part.text, _Io("", buffer, io.err))
            self.substitution_status = status
            return buffer.text.rstrip("\n")
        if part.kind == "arith":
            return str(self.arithmetic(self.expand_text(part.text, io)))
        return self.parameter(part.text, io)

    def parameter(self, spec: str, io: _Io) -> str:
        special = {
            "?": str(self.session.last_exit_code),
            "$": str(SHELL_PID),
            "!": "" if self.session.last_background_pid is None
            else str(self.session.last_background_pid),
            "#": "0", "@": "", "*": "", "0": "bash", "-": "hBc",
        }
        if spec in special:
            return special[spec]
        if spec.isdigit():
            return ""
        if _NAME_RE.fullmatch(spec):
            return self.session.get(spec) or ""
        if spec.startswith("#") and _NAME_RE.fullmatch(spec[1:]):
            return str(len(self.session.get(spec[1:]) or ""))
        match = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*|[?$!#0-9])(:?[-=+?]|##?|%%?|//?)(.*)",
                             spec, re.DOTALL)
        if match is None:
            raise _ExpansionError(f"${{{spec}}}: bad substitution")
        name, op, arg = match.groups()
        value = special.get(name) if name in special else self.session.get(name)
        if op in ("#", "##", "%", "%%"):
            return _strip_pattern(value or "", self.expand_text(arg, io), op)
        if op in ("/", "//"):
            pattern, _, replacement = arg.partition("/")
            if not pattern:
                return value or ""
            regex = _pattern_regex(self.expand_text(pattern, io))
            new = self.expand_text(replacement, io)
            return re.sub(regex, lambda _match: new, value or "",
                          count=0 if op == "//" else 1, flags=re.DOTALL)
        unset = value is None or (op.startswith(":") and value == "")
        kind = op[-1]
        if kind == "-":
            return self.expand_text(arg, io) if unset else value or ""
        if kind == "=":
            if unset:
                self.session.set(name, self.expand_text(arg, io))
            return self.session.get(name) or ""
        if kind == "+":
            return "" if unset else self.expand_text(arg, io)
        if unset:
            message = self.expand_text(arg, io) or "parameter null or not set"
            raise _ExpansionError(f"{name}: {message}")
        return value or ""

    def arithmetic(self, text: str) -> int:
        """``$((...))`` on integers, walking a Python AST of the C-like expression."""
        source = text.replace("&&", " and ").replace("||", " or ")
        source = re.sub(r"!(?!=)", " not ", source)
        try:
            tree = ast.parse(source.strip() or "0", mode="eval")
        except SyntaxError:
            raise _ExpansionError(f"{text}: syntax error in expression") from None
        return self.arith_node(tree.body, text)

    def arith_node(self, node: ast.expr, text: str) -> int:
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return int(node.value)
        if isinstance(node, ast.Name):
            value = self.session.get(node.id) or "0"
            return int(value) if re.fullmatch(r"-?\d+", value.strip()) else 0
        if isinstance(node, ast.UnaryOp) and type(node.op) in _ARITH_UNARY:
            return int(_ARITH_UNARY[type(node.op)](self.arith_node(node.operand, text)))
        if isinstance(node, ast.BinOp) and type(node.op) in _ARITH_BINARY:
            left, right = self.arith_node(node.left, text), self.arith_node(node.right, text)
            if isinstance(node.op, ast.Div | ast.Mod | ast.FloorDiv) and right == 0:
                raise _ExpansionError(f"{text}: division by 0")
            if isinstance(node.op, ast.Div | ast.FloorDiv):
                quotient = abs(left) // abs(right)
                return quotient if (left >= 0) == (right >= 0) else -quotient
            if isinstance(node.op, ast.Mod):
                remainder = abs(left) % abs(right)
                return remainder if left >= 0 else -remainder
            if isinstance(node.op, ast.Pow) and (right < 0 or right > 4096):
                raise _ExpansionError(f"{text}: exponent out of range")
            return int(_ARITH_BINARY[type(node.op)](left, right))
        if isinstance(node, ast.Compare):
            left = self.arith_node(node.left, text)
            for op, comparator in zip(node.ops, node.comparators, strict=True):
                right = self.arith_node(comparator, text)
                if type(op) not in _ARITH_COMPARE or not _ARITH_COMPARE[type(op)](left, right):
                    return 0
                left = right
            return 1
        if isinstance(node, ast.BoolOp):
            values = [self.arith_node(v, text) for v in node.values]
            return int(all(values) if isinstance(node.op, ast.And) else any(values))
        raise _ExpansionError(f"{text}: syntax error in expression")

    def glob(self, pattern: str) -> list[str]:
        absolute = pattern.startswith("/")
        components = [c for c in pattern.split("/") if c]
        candidates = [("/" if absolute else "", "/" if absolute else self.session.cwd)]
        for component in components:
            matched: list[tuple[str, str]] = []
            for display, path in candidates:
                if not _has_magic(component):
                    target = FileSystem.resolve(component, path)
                    if self.fs.exists(target):
                        matched.append((_join_display(display, component), target))
                    continue
                if not self.fs.is_dir(path):
                    continue
                for name in self.fs.listdir(path):
                    if name.startswith(".") and not component.startswith("."):
                        continue
                    if fnmatch.fnmatchcase(name, component):
                        matched.append((_join_display(display, name),
                                        FileSystem.resolve(name, path)))
            candidates = matched
        if pattern.endswith("/"):
            return sorted(d + "/" for d, p in candidates if self.fs.is_dir(p))
        return sorted(display for display, _ in candidates)

    # -- redirection ------------------------------------------------------------------

    def redirect(
        self, redirs: list[tuple[int | None, str, _Word]], io: _Io
    ) -> tuple[_Io | None, list[_FileSink]]:
        """Apply redirections left to right; None (after printing why) when one fails."""
        fds: dict[int, _Sink] = {1: io.out, 2: io.err}
        stdin = io.stdin
        files: list[_FileSink] = []
        for fd, op, word in redirs:
            targets = self.expand(word, io)
            if len(targets) != 1:
                io.err.write(f"bash: {word.source}: ambiguous redirect\n")
                return None, files
            target = targets[0]
            if op == ">&" and (target.isdigit() or target == "-"):
                source = 1 if fd is None else fd
                if target == "-":
                    fds[source] = _Discard()
                elif int(target) not in fds:
                    io.err.write(f"bash: {target}: Bad file descriptor\n")
                    return None, files
                else:
                    fds[source] = fds[int(target)]
                continue
            if op == "<":
                if fd not in (None, 0):
                    raise _ExpansionError(f"{fd}<{target}: only file descriptor 0 can be read")
                try:
                    data = b"" if target == "/dev/null" else self.fs.read(self.path(target))
                    stdin = _decode(data)
                except FsError as exc:
                    io.err.write(f"bash: {target}: {exc.reason}\n")
                    return None, files
                continue
            if fd is not None and fd not in (1, 2):
                raise _ExpansionError(f"{fd}>: only file descriptors 1 and 2 are simulated")
            sink = self.open_output(target, op.endswith(">>"), fds, io, files)
            if sink is None:
                return None, files
            if op.startswith("&") or op == ">&":
                fds[1] = fds[2] = sink
            else:
                fds[1 if fd is None else fd] = sink
        return _Io(stdin, fds[1], fds[2]), files

    def open_output(
        self, target: str, append: bool, fds: dict[int, _Sink], io: _Io, files: list[_FileSink]
    ) -> _Sink | None:
        special = {"/dev/null": _Discard(), "/dev/stdout": fds[1], "/dev/stderr": fds[2]}
        if target in special:
            return special[target]
        path = self.path(target)
        if self.fs.is_dir(path):
            reason = IS_A_DIRECTORY
        else:
            parent = posixpath.dirname(path)
            if self.fs.is_dir(parent):
                sink = _FileSink(path, append)
                files.append(sink)
                return sink
            reason = NOT_A_DIRECTORY if self.fs.is_file(parent) else NO_SUCH_FILE
        io.err.write(f"bash: {target}: {reason}\n")
        return None

    # -- helpers ------------------------------------------------------------------------

    def path(self, name: str) -> str:
        return FileSystem.resolve(name, self.session.cwd)

    def advance(self, seconds: float) -> None:
        """Spend virtual time; the part beyond the budget is never spent."""
        remaining = self.budget.remaining
        if remaining is not None and seconds > remaining:
            if remaining > 0 and self.shell.sleep is not None:
                self.shell.sleep(remaining)
            self.budget.remaining = 0.0
            raise _Timeout
        if self.shell.sleep is not None:
            self.shell.sleep(seconds)
        if remaining is not None:
            self.budget.remaining = remaining - seconds

    def read_inputs(self, name: str, operands: list[str], io: _Io) -> Iterator[tuple[str, str]]:
        """(label, text) per operand, stdin for none or ``-``; errors reported coreutils-style."""
        for operand in operands or ["-"]:
            if operand == "-":
                yield "(standard input)" if not operands else "-", io.stdin
                continue
            try:
                yield operand, _decode(self.fs.read(self.path(operand)))
            except FsError as exc:
                if name in ("head", "tail"):
                    io.err.write(f"{name}: cannot open '{operand}' for reading: {exc.reason}\n")
                else:
                    io.err.write(f"{name}: {operand}: {exc.reason}\n")
                raise _InputFailed from None

    # -- commands: output and files ------------------------------------------------------

    def cmd_echo(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        args = argv[1:]
        newline, escapes = True, False
        while args and re.fullmatch(r"-[neE]+", args[0]):
            for flag in args.pop(0)[1:]:
                if flag == "n":
                    newline = False
                else:
                    escapes = flag == "e"
        text = " ".join(args)
        if escapes:
            text, stop = _decode_escapes(text, printf=False)
            newline = newline and not stop
        io.out.write(text + ("\n" if newline else ""))
        return 0

    def cmd_printf(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        if len(argv) < 2:
            io.err.write("printf: usage: printf [-v var] format [arguments]\n")
            return 2
        fmt, args = argv[1], argv[2:]
        status = 0
        conversion = _PRINTF_CONVERSION
        out: list[str] = []
        while True:
            consumed = 0
            position = 0
            for match in conversion.finditer(fmt):
                text, stop = _decode_escapes(fmt[position : match.start()], printf=True)
                out.append(text)
                if stop:
                    io.out.write("".join(out))
                    return status
                position = match.end()
                conv = match.group("conv")
                if conv == "%":
                    out.append("%")
                    continue
                spec = match.group("flags")
                for key in ("width", "prec"):
                    value = match.group(key)
                    if value == "*":
                        value = args[consumed] if consumed < len(args) else "0"
                        consumed += 1
                    if value is not None:
                        spec += value if key == "width" else f".{value}"
                arg = args[consumed] if consumed < len(args) else None
                consumed += 1
                rendered, ok = _printf_one(spec, conv, arg)
                if not ok:
                    io.err.write(f"printf: {arg}: invalid number\n")
                    status = 1
                out.append(rendered)
            tail, stop = _decode_escapes(fmt[position:], printf=True)
            out.append(tail)
            if stop or consumed == 0 or consumed >= len(args):
                break
            args = args[consumed:]
        io.out.write("".join(out))
        return status

    def cmd_cat(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        flags, operands = _options(argv, "n")
        status = 0
        line_number = 0
        for operand in operands or ["-"]:
            try:
                text = io.stdin if operand == "-" else _decode(self.fs.read(self.path(operand)))
            except FsError as exc:
                io.err.write(f"cat: {operand}: {exc.reason}\n")
                status = 1
                continue
            if "n" in flags:
                numbered = []
                for line in text.splitlines(keepends=True):
                    line_number += 1
                    numbered.append(f"{line_number:6}\t{line}")
                text = "".join(numbered)
            io.out.write(text)
        return status

    def cmd_touch(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        flags, operands = _options(argv, "acmh")
        if not operands:
            io.err.write("touch: missing file operand\nTry 'touch --help' for more information.\n")
            return 1
        status = 0
        for operand in operands:
            path = self.path(operand)
            if self.fs.exists(path) or "c" in flags:
                continue  # only the timestamp would change, and none is simulated
            try:
                self.fs.write(path, b"")
            except FsError as exc:
                io.err.write(f"touch: cannot touch '{operand}': {exc.reason}\n")
                status = 1
        return status

    def cmd_rm(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        flags, operands = _options(argv, "rRfdv", {"recursive": "r", "force": "f",
                                                    "dir": "d", "verbose": "v"})
        recursive, force = bool(flags & {"r", "R"}), "f" in flags
        if not operands:
            if force:
                return 0
            io.err.write("rm: missing operand\nTry 'rm --help' for more information.\n")
            return 1
        status = 0
        for operand in operands:
            path = self.path(operand)
            if posixpath.basename(operand.rstrip("/")) in (".", ".."):
                io.err.write(
                    f"rm: refusing to remove '.' or '..' directory: skipping '{operand}'\n"
                )
                status = 1
                continue
            if path == "/" and recursive:
                io.err.write("rm: it is dangerous to operate recursively on '/'\n"
                             "rm: use --no-preserve-root to override this failsafe\n")
                status = 1
                continue
            if not self.fs.exists(path):
                if not force:
                    io.err.write(f"rm: cannot remove '{operand}': {NO_SUCH_FILE}\n")
                    status = 1
                continue
            if self.fs.is_dir(path) and not recursive:
                if "d" not in flags:
                    reason = IS_A_DIRECTORY
                elif self.fs.listdir(path):
                    reason = DIRECTORY_NOT_EMPTY
                else:
                    reason = ""
                if reason:
                    io.err.write(f"rm: cannot remove '{operand}': {reason}\n")
                    status = 1
                    continue
            self.fs.remove(path, recursive=True)
            if "v" in flags:
                io.out.write(f"removed '{operand}'\n")
        return status

    def cmd_rmdir(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        _, operands = _options(argv, "pv")
        if not operands:
            io.err.write("rmdir: missing operand\nTry 'rmdir --help' for more information.\n")
            return 1
        status = 0
        for operand in operands:
            path = self.path(operand)
            try:
                if self.fs.is_file(path):
                    raise FsError(path, NOT_A_DIRECTORY)
                self.fs.remove(path)
            except FsError as exc:
                io.err.write(f"rmdir: failed to remove '{operand}': {exc.reason}\n")
                status = 1
        return status

    def cmd_mkdir(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        args = argv[1:]
        if "-m" in args:  # the mode has no meaning here, but must not become a directory
            index = args.index("-m")
            del args[index : index + 2]
        flags, operands = _options(["mkdir", *args], "pv", {"parents": "p", "verbose": "v"})
        if not operands:
            io.err.write("mkdir: missing operand\nTry 'mkdir --help' for more information.\n")
            return 1
        status = 0
        for operand in operands:
            try:
                self.fs.mkdir(self.path(operand), parents="p" in flags)
            except FsError as exc:
                io.err.write(f"mkdir: cannot create directory '{operand}': {exc.reason}\n")
                status = 1
        return status

    def cmd_ls(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        flags, operands = _options(argv, "aAl1dhrtF", {"all": "a", "almost-all": "A"})
        status = 0
        files: list[str] = []
        dirs: list[str] = []
        for operand in operands or ["."]:
            path = self.path(operand)
            if not self.fs.exists(path):
                io.err.write(f"ls: cannot access '{operand}': {NO_SUCH_FILE}\n")
                status = 2
            elif self.fs.is_dir(path) and "d" not in flags:
                dirs.append(operand)
            else:
                files.append(operand)
        blocks: list[str] = []
        if files:
            entries = [(name, self.path(name)) for name in sorted(files, reverse="r" in flags)]
            blocks.append(self.ls_entries(entries, flags, total=False))
        for operand in sorted(dirs, reverse="r" in flags):
            base = self.path(operand)
            names = self.fs.listdir(base)
            if not flags & {"a", "A"}:
                names = [n for n in names if not n.startswith(".")]
            if "a" in flags:
                names = [".", "..", *names]
            if "r" in flags:
                names.reverse()
            entries = [(n, FileSystem.resolve(n, base)) for n in names]
            listing = self.ls_entries(entries, flags, total=True)
            if len(files) + len(dirs) > 1:
                listing = f"{operand}:\n{listing}"
            blocks.append(listing)
        io.out.write("\n".join(blocks))
        return status

    def ls_entries(self, entries: list[tuple[str, str]], flags: set[str], *, total: bool) -> str:
        def shown(name: str, path: str) -> str:
            return name + "/" if "F" in flags and self.fs.is_dir(path) else name

        if "l" not in flags:
            return "".join(shown(name, path) + "\n" for name, path in entries)
        rows = []
        blocks = 0
        for name, path in entries:
            size = self.fs.stat_size(path)
            blocks += 4 * -(-size // 4096)
            if self.fs.is_dir(path):
                subdirs = sum(self.fs.is_dir(f"{path}/{c}") for c in self.fs.listdir(path))
                rows.append(("drwxr-xr-x", str(2 + subdirs), size, shown(name, path)))
            else:
                rows.append(("-rw-r--r--", "1", size, name))
        sizes = [_human(size) if "h" in flags else str(size) for *_, size, _ in rows]
        link_width = max((len(links) for _, links, _, _ in rows), default=1)
        size_width = max((len(s) for s in sizes), default=1)
        lines = [f"total {blocks}\n"] if total else []
        for (mode, links, _, name), size_text in zip(rows, sizes, strict=True):
            lines.append(f"{mode} {links:>{link_width}} {USER} {USER} "
                         f"{size_text:>{size_width}} Jan  1 00:00 {name}\n")
        return "".join(lines)

    def cmd_cp(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        flags, operands = _options(argv, "rRafpv", {"recursive": "r", "force": "f",
                                                     "archive": "a", "verbose": "v"})
        return self.copy_or_move("cp", operands, io, recursive=bool(flags & {"r", "R", "a"}))

    def cmd_mv(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        _, operands = _options(argv, "fv", {"force": "f", "verbose": "v"})
        return self.copy_or_move("mv", operands, io, recursive=True)

    def copy_or_move(self, name: str, operands: list[str], io: _Io, *, recursive: bool) -> int:
        if not operands:
            io.err.write(
                f"{name}: missing file operand\nTry '{name} --help' for more information.\n"
            )
            return 1
        if len(operands) == 1:
            io.err.write(f"{name}: missing destination file operand after '{operands[0]}'\n"
                         f"Try '{name} --help' for more information.\n")
            return 1
        *sources, destination = operands
        dest_path = self.path(destination)
        if len(sources) > 1 and not self.fs.is_dir(dest_path):
            io.err.write(f"{name}: target '{destination}' is not a directory\n")
            return 1
        status = 0
        for source in sources:
            src_path = self.path(source)
            if not self.fs.exists(src_path):
                io.err.write(f"{name}: cannot stat '{source}': {NO_SUCH_FILE}\n")
                status = 1
                continue
            if name == "cp" and self.fs.is_dir(src_path) and not recursive:
                io.err.write(f"cp: -r not specified; omitting directory '{source}'\n")
                status = 1
                continue
            target = dest_path
            if self.fs.is_dir(dest_path):
                target = FileSystem.resolve(posixpath.basename(src_path), dest_path)
            if target == src_path:
                io.err.write(f"{name}: '{source}' and '{destination}' are the same file\n")
                status = 1
                continue
            try:
                if name == "cp":
                    self.fs.copy(src_path, dest_path, recursive=recursive)
                else:
                    self.fs.move(src_path, dest_path)
            except FsError as exc:
                io.err.write(_copy_error(name, source, destination, exc) + "\n")
                status = 1
        return status

    # -- commands: shell state ------------------------------------------------------------

    def cmd_pwd(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        io.out.write(self.session.cwd + "\n")
        return 0

    def cmd_cd(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        args = [a for a in argv[1:] if a not in ("-L", "-P", "--")]
        if len(args) > 1:
            io.err.write("bash: cd: too many arguments\n")
            return 1
        target = args[0] if args else self.session.get("HOME") or HOME
        announce = False
        if target == "-":
            previous = self.session.get("OLDPWD")
            if previous is None:
                io.err.write("bash: cd: OLDPWD not set\n")
                return 1
            target, announce = previous, True
        path = self.path(target)
        if not self.fs.is_dir(path):
            reason = NOT_A_DIRECTORY if self.fs.is_file(path) else NO_SUCH_FILE
            io.err.write(f"bash: cd: {target}: {reason}\n")
            return 1
        self.session.env["OLDPWD"] = self.session.cwd
        self.session.cwd = path
        self.session.env["PWD"] = path
        if announce:
            io.out.write(path + "\n")
        return 0

    def cmd_export(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        args = [a for a in argv[1:] if a != "-p"]
        if not args:
            for name in sorted(self.session.env):
                value = self.session.env[name].replace("\\", "\\\\").replace('"', '\\"')
                io.out.write(f'declare -x {name}="{value}"\n')
            return 0
        status = 0
        for arg in args:
            name, has_value, value = arg.partition("=")
            if not _NAME_RE.fullmatch(name):
                io.err.write(f"bash: export: `{arg}': not a valid identifier\n")
                status = 1
                continue
            self.session.export(name, value if has_value else None)
        return status

    def cmd_declare(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        """``declare [-x] NAME=value``: a plain variable unless ``-x`` exports it."""
        flags = [a for a in argv[1:] if a.startswith("-")]
        if "-x" in flags or not [a for a in argv[1:] if not a.startswith("-")]:
            return self.cmd_export(["export", *[a for a in argv[1:] if a != "-x"]], io, env)
        status = 0
        for arg in argv[1:]:
            if arg.startswith("-"):
                continue
            name, _, value = arg.partition("=")
            if not _NAME_RE.fullmatch(name):
                io.err.write(f"bash: declare: `{arg}': not a valid identifier\n")
                status = 1
                continue
            self.session.set(name, value)
        return status

    def cmd_unset(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        for name in argv[1:]:
            if not name.startswith("-"):
                self.session.unset(name)
        return 0

    def cmd_env(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        args = argv[1:]
        extra: dict[str, str] = {}
        while args and (match := _ASSIGNMENT_RE.match(args[0])) and not match.group(2):
            name, _, value = args.pop(0).partition("=")
            extra[name] = value
        if args:
            return self.execute(args, io, {**{k: v for k, v in env.items()
                                              if self.session.env.get(k) != v}, **extra})
        for name, value in {**env, **extra}.items():
            io.out.write(f"{name}={value}\n")
        return 0

    def cmd_printenv(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        if len(argv) == 1:
            return self.cmd_env(["env"], io, env)
        status = 0
        for name in argv[1:]:
            if name in env:
                io.out.write(env[name] + "\n")
            else:
                status = 1
        return status

    def cmd_exit(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        if len(argv) > 2:
            io.err.write("bash: exit: too many arguments\n")
            return 1
        if len(argv) == 1:
            raise _Exit(self.session.last_exit_code)
        if not re.fullmatch(r"[+-]?\d+", argv[1]):
            io.err.write(f"bash: exit: {argv[1]}: numeric argument required\n")
            raise _Exit(2)
        raise _Exit(int(argv[1]) % 256)

    def cmd_true(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        return 0

    def cmd_false(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        return 1

    def cmd_sleep(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        if len(argv) < 2:
            io.err.write("sleep: missing operand\nTry 'sleep --help' for more information.\n")
            return 1
        total = 0.0
        units = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
        for arg in argv[1:]:
            match = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)([smhd]?)", arg)
            if match is None:
                io.err.write(f"sleep: invalid time interval '{arg}'\n"
                             "Try 'sleep --help' for more information.\n")
                return 1
            total += float(match.group(1)) * units[match.group(2)]
        self.advance(total)
        return 0

    def cmd_whoami(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        io.out.write(USER + "\n")
        return 0

    def cmd_hostname(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        io.out.write(self.shell.hostname + "\n")
        return 0

    def cmd_uname(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        fields = {"s": "Linux", "n": self.shell.hostname, "r": "6.1.0-orgo",
                  "v": "#1 SMP", "m": "x86_64", "o": "GNU/Linux"}
        flags, _ = _options(argv, "asnrvmo")
        wanted = "snrvmo" if "a" in flags else "".join(f for f in "snrvmo" if f in flags) or "s"
        io.out.write(" ".join(fields[f] for f in wanted) + "\n")
        return 0

    def cmd_clear(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        io.out.write("\x1b[H\x1b[2J\x1b[3J")
        return 0

    def cmd_which(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        status = 0
        for name in argv[1:]:
            if name in self.commands and name not in _SHELL_ONLY:
                io.out.write(f"/usr/bin/{name}\n")
            else:
                status = 1
        return status

    def cmd_command(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        if len(argv) > 1 and argv[1] in ("-v", "-V"):
            status = 0
            for name in argv[2:]:
                if name in _SHELL_BUILTINS:
                    io.out.write(name + "\n")
                elif name in self.commands:
                    io.out.write(f"/usr/bin/{name}\n")
                else:
                    status = 1
            return status
        return self.execute(argv[1:], io, {}) if len(argv) > 1 else 0

    def cmd_test(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        args = argv[1:]
        if argv[0] == "[":
            if not args or args[-1] != "]":
                io.err.write("bash: [: missing `]'\n")
                return 2
            args = args[:-1]
        try:
            return 0 if self.test(args) else 1
        except _ExpansionError as exc:
            io.err.write(f"bash: {argv[0]}: {exc}\n")
            return 2

    def test(self, args: list[str]) -> bool:
        for joiner in ("-o", "-a"):
            if joiner in args[1:-1]:
                index = len(args) - 1 - args[::-1].index(joiner)
                left, right = args[:index], args[index + 1 :]
                if joiner == "-o":
                    return self.test(left) or self.test(right)
                return self.test(left) and self.test(right)
        if not args:
            return False
        if args[0] == "!" and len(args) > 1:
            return not self.test(args[1:])
        if len(args) == 1:
            return args[0] != ""
        if len(args) == 2:
            op, operand = args
            path = self.path(operand)
            unary: dict[str, Callable[[], bool]] = {
                "-e": lambda: self.fs.exists(path), "-f": lambda: self.fs.is_file(path),
                "-d": lambda: self.fs.is_dir(path), "-r": lambda: self.fs.exists(path),
                "-w": lambda: self.fs.exists(path), "-x": lambda: self.fs.is_dir(path),
                "-s": lambda: self.fs.exists(path) and self.fs.stat_size(path) > 0,
                "-L": lambda: False, "-h": lambda: False,
                "-z": lambda: operand == "", "-n": lambda: operand != "",
            }
            if op not in unary:
                raise _ExpansionError(f"{op}: unary operator expected")
            return unary[op]()
        if len(args) == 3:
            first, op, second = args
            if op in ("=", "=="):
                return first == second
            if op == "!=":
                return first != second
            if op in _INT_TESTS:
                for value in (first, second):
                    if not re.fullmatch(r"\s*[+-]?\d+\s*", value):
                        raise _ExpansionError(f"{value}: integer expression expected")
                return _INT_TESTS[op](int(first), int(second))
            raise _ExpansionError(f"{op}: binary operator expected")
        raise _ExpansionError("too many arguments")

    def cmd_source(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        if len(argv) < 2:
            io.err.write(f"bash: {argv[0]}: filename argument required\n")
            return 2
        try:
            text = _decode(self.fs.read(self.path(argv[1])))
        except FsError as exc:
            io.err.write(f"bash: {argv[1]}: {exc.reason}\n")
            return 1
        return self.run_script(text, io, sourced=True)

    def cmd_bash(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        args = [a for a in argv[1:] if a not in ("-l", "--login", "-e", "-x", "-i")]
        if args and args[0] in ("-c", "-lc", "-ec"):
            if len(args) < 2:
                io.err.write(f"{argv[0]}: -c: option requires an argument\n")
                return 2
            return self.subshell(args[1], io)
        if args:
            try:
                return self.subshell(_decode(self.fs.read(self.path(args[0]))), io)
            except FsError as exc:
                io.err.write(f"{argv[0]}: {args[0]}: {exc.reason}\n")
                return 127
        return self.subshell(io.stdin, _Io("", io.out, io.err))

    # -- commands: processes --------------------------------------------------------------

    def cmd_ps(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        options = "".join(argv[1:])
        processes = self.processes.list()
        if "u" in options.lstrip("-") and not options.startswith("-"):
            io.out.write(
                "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n"
            )
            for p in processes:
                io.out.write(f"{USER:<8} {p.pid:>7}  0.0  0.0      0     0 ?        S    "
                             f"00:00   0:00 {p.name}\n")
        elif "f" in options:
            io.out.write("UID          PID    PPID  C STIME TTY          TIME CMD\n")
            for p in processes:
                io.out.write(f"{USER:<8} {p.pid:>7} {SHELL_PID:>7}  0 00:00 ?        "
                             f"00:00:00 {p.name}\n")
        else:
            io.out.write("    PID TTY          TIME CMD\n")
            for p in processes:
                io.out.write(f"{p.pid:>7} pts/0    00:00:00 {p.name}\n")
        return 0

    def cmd_kill(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        args = argv[1:]
        if args and args[0] in ("-s", "-n") and len(args) > 1:
            args = args[2:]
        elif args and args[0] == "-l":
            io.out.write("HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM\n")
            return 0
        elif args and re.fullmatch(r"-(\d+|[A-Z][A-Z0-9]*)", args[0]):
            args = args[1:]
        if not args:
            io.err.write("kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec "
                         "... or kill -l [sigspec]\n")
            return 2
        status = 0
        for arg in args:
            if arg.startswith("%"):
                job = self.session.jobs.get(int(arg[1:])) if arg[1:].isdigit() else None
                if job is None:
                    io.err.write(f"bash: kill: {arg}: no such job\n")
                    status = 1
                    continue
                pid = job
            elif arg.isdigit():
                pid = int(arg)
            else:
                io.err.write(f"bash: kill: {arg}: arguments must be process or job IDs\n")
                status = 1
                continue
            try:
                self.processes.stop(pid)
            except ProcessError as exc:
                io.err.write(f"bash: kill: {exc}\n")
                status = 1
                continue
            self.forget_jobs(pid)
        return status

    def forget_jobs(self, pid: int) -> None:
        for job, job_pid in list(self.session.jobs.items()):
            if job_pid == pid:
                del self.session.jobs[job]

    def cmd_pkill(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        args = [a for a in argv[1:] if not re.fullmatch(r"-(\d+|[A-Z][A-Z0-9]*|f|e)", a)]
        exact = "-x" in args
        args = [a for a in args if a != "-x"]
        if len(args) != 1:
            io.err.write(f"{argv[0]}: no matching criteria specified\n" if not args
                         else f"{argv[0]}: only one pattern can be provided\n")
            return 2
        try:
            pattern = re.compile(args[0])
        except re.error as exc:
            io.err.write(f"{argv[0]}: invalid pattern: {exc}\n")
            return 2
        matches = [p for p in self.processes.list()
                   if (pattern.fullmatch(p.name) if exact else pattern.search(p.name))]
        if argv[0] == "pgrep":
            for p in matches:
                io.out.write(f"{p.pid}\n")
        else:
            for p in matches:
                self.processes.stop(p.pid)
                self.forget_jobs(p.pid)
        return 0 if matches else 1

    cmd_pgrep = cmd_pkill

    def cmd_killall(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        names = [a for a in argv[1:] if not a.startswith("-")]
        status = 0
        for name in names:
            stopped = self.processes.stop_by_name(name)
            for process in stopped:
                self.forget_jobs(process.pid)
            if not stopped:
                io.err.write(f"{name}: no process found\n")
                status = 1
        return status

    # -- commands: text filters -----------------------------------------------------------

    def cmd_head(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        return self.head_or_tail(argv, io)

    cmd_tail = cmd_head

    def head_or_tail(self, argv: list[str], io: _Io) -> int:
        name = argv[0]
        count, from_start, by_bytes = 10, False, False
        operands: list[str] = []
        args = argv[1:]
        while args:
            arg = args.pop(0)
            match = re.fullmatch(r"-([nc])(.*)|--(lines|bytes)=(.*)|-(\d+)", arg)
            if match is None or arg == "-":
                operands.append(arg)
                continue
            if match.group(5):
                value = match.group(5)
            else:
                value = match.group(2) or match.group(4) or (args.pop(0) if args else "")
                by_bytes = (match.group(1) or match.group(3)[0]) in ("c", "b")
            from_start = value.startswith("+")
            if not re.fullmatch(r"[+-]?\d+", value):
                io.err.write(f"{name}: invalid number of lines: '{value}'\n")
                return 1
            count = int(value)
        status = 0
        chunks: list[str] = []
        try:
            inputs = list(self.read_inputs(name, operands, io))
        except _InputFailed:
            inputs, status = [], 1
        for index, (label, text) in enumerate(inputs):
            if len(inputs) > 1:
                chunks.append(("\n" if index else "") + f"==> {label} <==\n")
            items: list[str] = list(text) if by_bytes else text.splitlines(keepends=True)
            if name == "head":
                selected = items[:count]
            elif from_start:
                selected = items[max(count - 1, 0) :]
            else:
                selected = items[-abs(count) :] if count else []
            chunks.append("".join(selected))
        io.out.write("".join(chunks))
        return status

    def cmd_wc(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        flags, operands = _options(argv, "lwcm", {"lines": "l", "words": "w", "bytes": "c",
                                                  "chars": "m"})
        columns = [f for f in "lwmc" if f in flags] or ["l", "w", "c"]
        status = 0
        rows: list[tuple[list[int], str | None]] = []
        for operand in operands or ["-"]:
            try:
                (_, text), = self.read_inputs("wc", [operand] if operands else [], io)
            except _InputFailed:
                status = 1
                continue
            counts = {"l": text.count("\n"), "w": len(text.split()),
                      "c": len(text.encode()), "m": len(text)}
            rows.append(([counts[c] for c in columns], operand if operands else None))
        if len(rows) > 1:
            totals = [sum(row[0][i] for row in rows) for i in range(len(columns))]
            rows.append((totals, "total"))
        if len(columns) == 1 and len(rows) == 1:
            width = 1
        elif not operands:
            width = 7
        else:
            width = max(len(str(n)) for row in rows for n in row[0])
        for numbers, label in rows:
            line = " ".join(f"{n:>{width}}" for n in numbers)
            io.out.write(line + (f" {label}" if label else "") + "\n")
        return status

    def cmd_grep(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        args = argv[1:]
        patterns: list[str] = []
        flags: set[str] = set()
        operands: list[str] = []
        while args:
            arg = args.pop(0)
            if arg == "--":
                operands.extend(args)
                break
            if arg == "-e" and args:
                patterns.append(args.pop(0))
            elif re.fullmatch(r"-[ivcnlqsEFwxohH]+", arg):
                flags.update(arg[1:])
            elif arg.startswith("-") and len(arg) > 1:
                io.err.write(f"grep: invalid option -- '{arg[1:2]}'\n"
                             "Usage: grep [OPTION]... PATTERNS [FILE]...\n")
                return 2
            else:
                operands.append(arg)
        if not patterns:
            if not operands:
                io.err.write("Usage: grep [OPTION]... PATTERNS [FILE]...\n")
                return 2
            patterns.append(operands.pop(0))
        try:
            regex = _grep_regex(patterns, flags)
        except re.error as exc:
            io.err.write(f"grep: {exc}\n")
            return 2
        show_names = ("H" in flags or len(operands) > 1) and "h" not in flags
        found, status = False, 0
        for operand in operands or ["-"]:
            try:
                (label, text), = self.read_inputs("grep", [operand] if operands else [], io)
            except _InputFailed:
                status = 2
                continue
            count = 0
            for number, line in enumerate(text.splitlines(), 1):
                hits = list(regex.finditer(line)) if "o" in flags else []
                matched = bool(regex.search(line)) != ("v" in flags)
                if not matched:
                    continue
                count += 1
                found = True
                if flags & {"q", "c", "l"}:
                    continue
                prefix = f"{label}:" if show_names else ""
                prefix += f"{number}:" if "n" in flags else ""
                if "o" in flags and "v" not in flags:
                    for hit in hits:
                        io.out.write(f"{prefix}{hit.group()}\n")
                else:
                    io.out.write(f"{prefix}{line}\n")
            if "c" in flags and "q" not in flags:
                io.out.write((f"{label}:" if show_names else "") + f"{count}\n")
            if "l" in flags and count and "q" not in flags:
                io.out.write(f"{label}\n")
        if "q" in flags and found:
            return 0
        return status or (0 if found else 1)

    def cmd_sort(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        flags, operands = _options(argv, "rnuf", {"reverse": "r", "numeric-sort": "n",
                                                  "unique": "u", "ignore-case": "f"})
        try:
            lines = [line for _, text in self.read_inputs("sort", operands, io)
                     for line in text.splitlines()]
        except _InputFailed:
            return 2

        def key(line: str) -> tuple[float, str]:
            text = line.lower() if "f" in flags else line
            if "n" in flags:
                match = re.match(r"\s*(-?\d+(?:\.\d+)?)", line)
                return (float(match.group(1)) if match else 0.0, text)
            return (0.0, text)

        lines.sort(key=key, reverse="r" in flags)
        if "u" in flags:
            lines = [
                line for i, line in enumerate(lines) if i == 0 or key(line) != key(lines[i - 1])
            ]
        io.out.write("".join(line + "\n" for line in lines))
        return 0

    def cmd_uniq(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        flags, operands = _options(argv, "cdu")
        try:
            (_, text), = self.read_inputs("uniq", operands[:1], io)
        except _InputFailed:
            return 1
        groups: list[list[str]] = []
        for line in text.splitlines():
            if groups and groups[-1][0] == line:
                groups[-1].append(line)
            else:
                groups.append([line])
        for group in groups:
            if ("d" in flags and len(group) < 2) or ("u" in flags and len(group) > 1):
                continue
            io.out.write((f"{len(group):>7} " if "c" in flags else "") + group[0] + "\n")
        return 0

    def cmd_basename(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        if len(argv) < 2:
            io.err.write("basename: missing operand\n")
            return 1
        base = posixpath.basename(argv[1].rstrip("/")) or "/"
        if len(argv) > 2 and base.endswith(argv[2]) and base != argv[2]:
            base = base[: -len(argv[2])]
        io.out.write(base + "\n")
        return 0

    def cmd_dirname(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        if len(argv) < 2:
            io.err.write("dirname: missing operand\n")
            return 1
        for name in argv[1:]:
            stripped = name.rstrip("/") or "/"
            io.out.write((posixpath.dirname(stripped).rstrip("/") or
                          ("/" if stripped.startswith("/") else ".")) + "\n")
        return 0

    # -- commands: python -----------------------------------------------------------------

    def cmd_python3(self, argv: list[str], io: _Io, env: dict[str, str]) -> int:
        args = argv[1:]
        while args and args[0] in ("-u", "-B", "-I", "-E", "-s"):
            args.pop(0)
        if args and args[0] in ("-V", "--version"):
            io.out.write("Python 3.12.3\n")
            return 0
        if args and args[0] == "-c":
            if len(args) < 2:
                io.err.write("Argument expected for the -c option\n")
                return 2
            return self.python_program(args[1], io, env)
        if args and args[0] == "-m":
            io.err.write(f"{argv[0]}: the simulated Python cannot run modules (-m)\n")
            return 1
        if not args or args[0] == "-":
            return self.python_program(io.stdin, io, env)
        try:
            code = _decode(self.fs.read(self.path(args[0])))
        except FsError as exc:
            io.err.write(f"{argv[0]}: can't open file '{self.path(args[0])}': "
                         f"[Errno {exc.errno}] {exc.reason}\n")
            return 2
        return self.python_program(code, io, env)

    def python_program(self, code: str, io: _Io, env: dict[str, str]) -> int:
        overran = False

        def sleep(seconds: float) -> None:
            nonlocal overran
            try:
                self.advance(seconds)
            except _Timeout:
                overran = True

        result = self.shell.run_python_in(code, timeout=None, cwd=self.session.cwd, env=env,
                                   sleep=sleep)
        io.out.write(result.output)
        if overran or result.timed_out:
            raise _Timeout
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


class _InputFailed(Exception):
    """An input file could not be read; the message has already been printed."""


_PRINTF_CONVERSION: Final = re.compile(
    r"%(?P<flags>[-+ #0]*)(?P<width>\d+|\*)?(?:\.(?P<prec>\d+|\*))?"
    r"(?P<conv>[diouxXeEfFgGcsbq%])"
)
#: Builtins with no program of the same name in /usr/bin.
_SHELL_ONLY: Final = frozenset(
    {"cd", "exit", "export", "declare", "unset", "source", ".", ":", "command"}
)
_SHELL_BUILTINS: Final = _SHELL_ONLY | {
    "true", "false", "echo", "printf", "pwd", "test", "[", "kill"
}
_INT_TESTS: Final[dict[str, Callable[[int, int], bool]]] = {
    "-eq": operator.eq, "-ne": operator.ne, "-lt": operator.lt,
    "-le": operator.le, "-gt": operator.gt, "-ge": operator.ge,
}
_ARITH_UNARY: Final[dict[type[ast.unaryop], Callable[[int], Any]]] = {
    ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Invert: operator.invert,
    ast.Not: operator.not_,
}
_ARITH_BINARY: Final[dict[type[ast.operator], Callable[[int, int], Any]]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.floordiv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.Pow: operator.pow, ast.LShift: operator.lshift, ast.RShift: operator.rshift,
    ast.BitAnd: operator.and_, ast.BitOr: operator.or_, ast.BitXor: operator.xor,
}
_ARITH_COMPARE: Final[dict[type[ast.cmpop], Callable[[int, int], bool]]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt,
    ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
}


class _UsageError(Exception):
    """An option the simulated command does not know: refuse rather than guess."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def _options(
    argv: list[str], allowed: str, long: dict[str, str] | None = None
) -> tuple[set[str], list[str]]:
    """Short flags (combinable, ``-rf``), known long ones, and operands (``--`` ends options).

    Options are only accepted when the simulation honours them (or they
    cannot change the output here); others fail like coreutils does.
    """
    name = argv[0]
    status = 2 if name in ("ls", "grep") else 1
    flags: set[str] = set()
    operands: list[str] = []
    args = iter(argv[1:])
    for arg in args:
        if arg == "--":
            operands.extend(args)
            break
        if arg.startswith("--"):
            if not long or arg[2:] not in long:
                raise _UsageError(f"{name}: unrecognized option '{arg}'\n"
                                  f"Try '{name} --help' for more information.", status)
            flags.add(long[arg[2:]])
        elif arg.startswith("-") and len(arg) > 1:
            for flag in arg[1:]:
                if flag not in allowed:
                    raise _UsageError(f"{name}: invalid option -- '{flag}'\n"
                                      f"Try '{name} --help' for more information.", status)
            flags.update(arg[1:])
        else:
            operands.append(arg)
    return flags, operands


def _brace_expand(word: _Word) -> Iterator[_Word]:
    """``a{b,c}d`` and ``{1..3}`` within one unquoted stretch of a word."""
    for index, part in enumerate(word.parts):
        if part.kind != "raw":
            continue
        match = re.search(r"\{([^{}]*,[^{}]*)\}", part.text) or re.search(
            r"\{(-?\d+\.\.-?\d+|[a-zA-Z]\.\.[a-zA-Z])\}", part.text
        )
        if match is None:
            continue
        body = match.group(1)
        if ".." in body and "," not in body:
            low, high = body.split("..")
            if low.lstrip("-").isdigit():
                a, b = int(low), int(high)
                step = 1 if b >= a else -1
                alternatives = [str(n) for n in range(a, b + step, step)]
            else:
                step = 1 if ord(high) >= ord(low) else -1
                alternatives = [chr(n) for n in range(ord(low), ord(high) + step, step)]
        else:
            alternatives = body.split(",")
        for alternative in alternatives:
            text = part.text[: match.start()] + alternative + part.text[match.end() :]
            parts = (*word.parts[:index], _Part("raw", text), *word.parts[index + 1 :])
            yield from _brace_expand(_Word(parts, word.source))
        return
    yield word


def _printf_one(spec: str, conv: str, arg: str | None) -> tuple[str, bool]:
    """Render one ``%`` conversion; False when a numeric argument was invalid."""
    if conv == "s":
        return f"%{spec}s" % (arg or ""), True
    if conv == "b":
        return f"%{spec}s" % _decode_escapes(arg or "", printf=False)[0], True
    if conv == "q":
        return f"%{spec}s" % shlex.quote(arg or ""), True
    if conv == "c":
        return f"%{spec}s" % (arg or "")[:1], True
    text = (arg or "0").strip()
    ok = True
    number: float
    try:
        if re.fullmatch(r"['\"].", text):
            number = ord(text[1])
        elif conv in "diouxX":
            number = int(text, 0) if re.fullmatch(r"[+-]?0[xX][0-9a-fA-F]+", text) else int(text)
        else:
            number = float(text)
    except ValueError:
        number, ok = 0, False
    if conv in "diouxX":
        return f"%{spec}{'d' if conv in 'iu' else conv}" % int(number), ok
    return f"%{spec}{conv}" % float(number), ok


def _human(size: int) -> str:
    """``ls -h`` sizes; they round up, so 4097 bytes read 4.1K rather than 4.0K."""
    if size < 1024:
        return str(size)
    value = float(size)
    for unit in "KMGT":
        value /= 1024
        if value < 10:
            return f"{math.ceil(value * 10) / 10:.1f}{unit}"
        if value < 1024:
            return f"{math.ceil(value)}{unit}"
    return f"{math.ceil(value)}P"


def _grep_regex(patterns: list[str], flags: set[str]) -> re.Pattern[str]:
    converted = []
    for pattern in patterns:
        if "F" in flags:
            body = re.escape(pattern)
        elif "E" in flags:
            body = pattern
        else:
            body = _bre_to_python(pattern)
        if "w" in flags:
            body = rf"\b(?:{body})\b"
        if "x" in flags:
            body = rf"^(?:{body})$"
        converted.append(body)
    return re.compile("|".join(f"(?:{c})" for c in converted), re.IGNORECASE if "i" in flags else 0)


def _bre_to_python(pattern: str) -> str:
    """Basic regular expressions swap the meaning of escaped and bare ``( ) { } | + ?``."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            out.append(nxt if nxt in "(){}|+?" else c + nxt)
            i += 2
            continue
        out.append("\\" + c if c in "(){}|+?" else c)
        i += 1
    return "".join(out)


def _copy_error(name: str, source: str, destination: str, exc: FsError) -> str:
    if exc.reason == INVALID_ARGUMENT:
        if name == "cp":
            return f"cp: cannot copy a directory, '{source}', into itself, '{destination}'"
        return f"mv: cannot move '{source}' to a subdirectory of itself, '{destination}'"
    if exc.reason == IS_A_DIRECTORY:
        return f"{name}: cannot overwrite directory '{exc.path}' with non-directory"
    if exc.reason == NOT_A_DIRECTORY and name == "cp":
        return f"cp: cannot overwrite non-directory '{exc.path}' with directory '{source}'"
    if name == "cp":
        return f"cp: cannot create regular file '{destination}': {exc.reason}"
    return f"mv: cannot move '{source}' to '{destination}': {exc.reason}"
