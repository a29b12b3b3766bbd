"""Builtins of the simulated shell: commands that act on the shell itself or run programs.

Session state (``cd``, ``pwd``, ``export``, ``declare``, ``unset``, ``env``,
``printenv``, ``exit``), conditions (``true``, ``false``, ``test``/``[``),
lookup (``which``, ``command``) and running other code (``source``/``.``,
``bash``/``sh``, ``python3``/``python``), which goes back through the
interpreter via :class:`~fake_server.desktop.shell.runtime.Context`.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Final

from fake_server.desktop.filesystem import HOME, NO_SUCH_FILE, NOT_A_DIRECTORY, FsError
from fake_server.desktop.shell.runtime import (
    SHELL_BUILTINS,
    SHELL_KEYWORDS,
    SHELL_ONLY,
    Builtin,
    Context,
    ExpansionError,
    Io,
    ShellExit,
    decode,
    registrar,
)
from fake_server.desktop.shell.syntax import ASSIGNMENT_RE, NAME_RE

COMMANDS: dict[str, Builtin] = {}
command = registrar(COMMANDS)

_INT_TESTS: Final[dict[str, Callable[[int, int], bool]]] = {
    "-eq": operator.eq,
    "-ne": operator.ne,
    "-lt": operator.lt,
    "-le": operator.le,
    "-gt": operator.gt,
    "-ge": operator.ge,
}


# -- session state -----------------------------------------------------------------


@command("pwd")
def pwd(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    io.out.write(ctx.session.cwd + "\n")
    return 0


@command("cd")
def cd(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    args = [a for a in argv[1:] if a not in ("-L", "-P", "--")]
    if len(args) > 1:
        io.err.write("bash: cd: too many arguments\n")
        return 1
    session = ctx.session
    target = args[0] if args else session.get("HOME") or HOME
    announce = False
    if target == "-":
        previous = session.get("OLDPWD")
        if previous is None:
            io.err.write("bash: cd: OLDPWD not set\n")
            return 1
        target, announce = previous, True
    path = ctx.path(target)
    if not ctx.fs.is_dir(path):
        reason = NOT_A_DIRECTORY if ctx.fs.is_file(path) else NO_SUCH_FILE
        io.err.write(f"bash: cd: {target}: {reason}\n")
        return 1
    session.env["OLDPWD"] = session.cwd
    session.cwd = path
    session.env["PWD"] = path
    if announce:
        io.out.write(path + "\n")
    return 0


@command("export")
def export(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    args = [a for a in argv[1:] if a != "-p"]
    if not args:
        for name in sorted(ctx.session.env):
            value = ctx.session.env[name].replace("\\", "\\\\").replace('"', '\\"')
            io.out.write(f'declare -x {name}="{value}"\n')
        return 0
    status = 0
    for arg in args:
        name, has_value, value = arg.partition("=")
        if not NAME_RE.fullmatch(name):
            io.err.write(f"bash: export: `{arg}': not a valid identifier\n")
            status = 1
            continue
        ctx.session.export(name, value if has_value else None)
    return status


@command("declare")
def declare(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    """``declare [-x] NAME=value``: a plain variable unless ``-x`` exports it."""
    flags = [a for a in argv[1:] if a.startswith("-")]
    if "-x" in flags or not [a for a in argv[1:] if not a.startswith("-")]:
        return export(ctx, ["export", *[a for a in argv[1:] if a != "-x"]], io, env)
    status = 0
    for arg in argv[1:]:
        if arg.startswith("-"):
            continue
        name, _, value = arg.partition("=")
        if not NAME_RE.fullmatch(name):
            io.err.write(f"bash: declare: `{arg}': not a valid identifier\n")
            status = 1
            continue
        ctx.session.set(name, value)
    return status


@command("unset")
def unset(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    for name in argv[1:]:
        element = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)\[(-?\d+)\]", name)
        if element is not None:  # unset 'a[1]': one element of an array
            ctx.session.arrays.get(element.group(1), {}).pop(int(element.group(2)), None)
        elif not name.startswith("-"):
            ctx.session.unset(name)
    return 0


@command("env")
def env_(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    args = argv[1:]
    extra: dict[str, str] = {}
    while args and (match := ASSIGNMENT_RE.match(args[0])) and not match.group(2):
        name, _, value = args.pop(0).partition("=")
        extra[name] = value
    if args:
        changed = {k: v for k, v in env.items() if ctx.session.env.get(k) != v}
        return ctx.execute(args, io, {**changed, **extra})
    for name, value in {**env, **extra}.items():
        io.out.write(f"{name}={value}\n")
    return 0


@command("printenv")
def printenv(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    if len(argv) == 1:
        return env_(ctx, ["env"], io, env)
    status = 0
    for name in argv[1:]:
        if name in env:
            io.out.write(env[name] + "\n")
        else:
            status = 1
    return status


@command("exit")
def exit_(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    if len(argv) > 2:
        io.err.write("bash: exit: too many arguments\n")
        return 1
    if len(argv) == 1:
        raise ShellExit(ctx.session.last_exit_code)
    if not re.fullmatch(r"[+-]?\d+", argv[1]):
        io.err.write(f"bash: exit: {argv[1]}: numeric argument required\n")
        raise ShellExit(2)
    raise ShellExit(int(argv[1]) % 256)


# -- conditions and lookup -----------------------------------------------------------


@command("true", ":")
def true(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    return 0


@command("false")
def false(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    return 1


@command("which")
def which(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    status = 0
    for name in argv[1:]:
        if name in ctx.commands and name not in SHELL_ONLY:
            io.out.write(f"/usr/bin/{name}\n")
        else:
            status = 1
    return status


@command("type")
def type_(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    """``type [-t|-p|-P|-a] NAME...``: keyword, function, builtin or file, as bash says it
    (a function's body is not reprinted)."""
    args = argv[1:]
    mode = ""
    while args and re.fullmatch(r"-[tpPa]+", args[0]):
        mode += args.pop(0)[1:]
    status = 0
    for name in args:
        kind = (
            "keyword" if name in SHELL_KEYWORDS
            else "function" if name in ctx.session.functions
            else "builtin" if name in SHELL_BUILTINS
            else "file" if name in ctx.commands
            else None
        )  # fmt: skip
        has_file = name in ctx.commands and name not in SHELL_ONLY
        if kind is None:
            status = 1
            if not set(mode) & {"t", "p", "P"}:
                io.err.write(f"bash: type: {name}: not found\n")
            continue
        if "t" in mode:
            io.out.write(kind + "\n")
        elif set(mode) & {"p", "P"}:
            if has_file and (kind == "file" or "P" in mode):
                io.out.write(f"/usr/bin/{name}\n")
            elif "P" in mode:
                status = 1
        else:
            io.out.write(
                f"{name} is a shell {kind}\n" if kind in ("keyword", "builtin")
                else f"{name} is a function\n" if kind == "function"
                else f"{name} is /usr/bin/{name}\n"
            )  # fmt: skip
            if "a" in mode and has_file and kind != "file":
                io.out.write(f"{name} is /usr/bin/{name}\n{name} is /bin/{name}\n")
            elif "a" in mode and kind == "file":
                io.out.write(f"{name} is /bin/{name}\n")
    return status


@command("command")
def command_(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    if len(argv) > 1 and argv[1] in ("-v", "-V"):
        status = 0
        for name in argv[2:]:
            if name in SHELL_BUILTINS:
                io.out.write(name + "\n")
            elif name in ctx.commands:
                io.out.write(f"/usr/bin/{name}\n")
            else:
                status = 1
        return status
    return ctx.execute(argv[1:], io, {}) if len(argv) > 1 else 0


@command("test", "[")
def test(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    args = argv[1:]
    if argv[0] == "[":
        if not args or args[-1] != "]":
            io.err.write("bash: [: missing `]'\n")
            return 2
        args = args[:-1]
    try:
        return 0 if _test(ctx, args) else 1
    except ExpansionError as exc:
        io.err.write(f"bash: {argv[0]}: {exc}\n")
        return 2


def _test(ctx: Context, args: list[str]) -> bool:
    for joiner in ("-o", "-a"):
        if joiner in args[1:-1]:
            index = len(args) - 1 - args[::-1].index(joiner)
            left, right = args[:index], args[index + 1 :]
            if joiner == "-o":
                return _test(ctx, left) or _test(ctx, right)
            return _test(ctx, left) and _test(ctx, right)
    if not args:
        return False
    if args[0] == "!" and len(args) > 1:
        return not _test(ctx, args[1:])
    if len(args) == 1:
        return args[0] != ""
    if len(args) == 2:
        return file_test(ctx, args[0], args[1])
    if len(args) == 3:
        first, op, second = args
        if op in ("=", "=="):
            return first == second
        if op == "!=":
            return first != second
        if op in _INT_TESTS:
            return int_compare(op, first, second)
        raise ExpansionError(f"{op}: binary operator expected")
    raise ExpansionError("too many arguments")


def file_test(ctx: Context, op: str, operand: str) -> bool:
    """The unary tests of ``test`` and ``[[ ]]`` (``-f path``, ``-z text``, ...)."""
    fs, path = ctx.fs, ctx.path(operand)
    unary: dict[str, Callable[[], bool]] = {
        "-e": lambda: fs.exists(path),
        "-a": lambda: fs.exists(path),
        "-f": lambda: fs.is_file(path),
        "-d": lambda: fs.is_dir(path),
        "-r": lambda: fs.exists(path),
        "-w": lambda: fs.exists(path),
        "-x": lambda: fs.is_dir(path),
        "-s": lambda: fs.exists(path) and fs.stat_size(path) > 0,
        "-L": lambda: False,
        "-h": lambda: False,
        "-z": lambda: operand == "",
        "-n": lambda: operand != "",
    }
    if op not in unary:
        raise ExpansionError(f"{op}: unary operator expected")
    return unary[op]()


def int_compare(op: str, first: str, second: str) -> bool:
    """``-eq``, ``-lt``, ... on decimal integers, refusing anything else as bash does."""
    for value in (first, second):
        if not re.fullmatch(r"\s*[+-]?\d+\s*", value):
            raise ExpansionError(f"{value}: integer expression expected")
    return _INT_TESTS[op](int(first), int(second))


# -- running other code ----------------------------------------------------------------


@command("source", ".")
def source(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    if len(argv) < 2:
        io.err.write(f"bash: {argv[0]}: filename argument required\n")
        return 2
    try:
        text = decode(ctx.fs.read(ctx.path(argv[1])))
    except FsError as exc:
        io.err.write(f"bash: {argv[1]}: {exc.reason}\n")
        return 1
    return ctx.nested(argv[1], text, io, argv[2:] or None)


@command("bash", "sh")
def bash(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    args = [a for a in argv[1:] if a not in ("-l", "--login", "-e", "-x", "-i")]
    if args and args[0] in ("-c", "-lc", "-ec"):
        if len(args) < 2:
            io.err.write(f"{argv[0]}: -c: option requires an argument\n")
            return 2
        return ctx.subshell(args[1], io)
    if args:
        try:
            return ctx.subshell(decode(ctx.fs.read(ctx.path(args[0]))), io)
        except FsError as exc:
            io.err.write(f"{argv[0]}: {args[0]}: {exc.reason}\n")
            return 127
    return ctx.subshell(io.stdin, Io("", io.out, io.err))


@command("python3", "python")
def python3(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
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
        return ctx.python_program(args[1], io, env)
    if args and args[0] == "-m":
        io.err.write(f"{argv[0]}: the simulated Python cannot run modules (-m)\n")
        return 1
    if not args or args[0] == "-":
        return ctx.python_program(io.stdin, io, env)
    try:
        code = decode(ctx.fs.read(ctx.path(args[0])))
    except FsError as exc:
        io.err.write(
            f"{argv[0]}: can't open file '{ctx.path(args[0])}': [Errno {exc.errno}] {exc.reason}\n"
        )
        return 2
    return ctx.python_program(code, io, env)
