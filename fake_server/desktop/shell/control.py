"""Builtins that steer the simulated shell: ``eval``, ``read``, ``set``, ``shift``, ``local``,
``return``, ``break`` and ``continue``.

``eval`` runs its text one nesting level deeper in the same shell (so
``eval "$(...)"``, the official MCP server's wrapper, works and an ``eval``
loop ends with bash's nesting error rather than a crash); the others act on
the session or unwind through the exceptions in
:mod:`~fake_server.desktop.shell.runtime`.
"""

from __future__ import annotations

import re

from fake_server.desktop.shell.runtime import (
    Builtin,
    Context,
    FunctionReturn,
    Io,
    LoopControl,
    Reader,
    registrar,
)
from fake_server.desktop.shell.syntax import NAME_RE

COMMANDS: dict[str, Builtin] = {}
command = registrar(COMMANDS)


@command("eval")
def eval_(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    text = " ".join(argv[1:])
    if not text.strip():
        return 0
    return ctx.nested("eval", text, io)


@command("read")
def read(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    """``read [-r] [-p prompt] NAME...``: one line of stdin, split over the names."""
    args = argv[1:]
    raw = False
    names: list[str] = []
    while args:
        arg = args.pop(0)
        if arg == "-r":
            raw = True
        elif arg == "-p" and args:
            args.pop(0)  # bash shows the prompt only on a terminal
        elif arg.startswith("-"):
            io.err.write(f"bash: read: {arg}: invalid option\n")
            return 2
        else:
            names.append(arg)
    for name in names:
        if not NAME_RE.fullmatch(name):
            io.err.write(f"bash: read: `{name}': not a valid identifier\n")
            return 1
    reader = io.reader if io.reader is not None else Reader(io.stdin)
    line = reader.readline()
    if line is None:
        for name in names or ["REPLY"]:
            ctx.session.set(name, "")
        return 1
    ended = line.endswith("\n")
    line = line[:-1] if ended else line
    if not raw:
        line = re.sub(r"\\(.)", r"\1", line)
    if not names:
        ctx.session.set("REPLY", line)
    else:
        fields = line.strip(" \t").split(None, len(names) - 1) if line.strip() else []
        for index, name in enumerate(names):
            ctx.session.set(name, fields[index].rstrip(" \t") if index < len(fields) else "")
    return 0 if ended else 1


#: ``set -o`` names bash knows; those in :data:`HONOURED` act, the rest are accepted.
SET_OPTIONS = (
    *("allexport", "braceexpand", "emacs", "errexit", "errtrace", "functrace", "hashall"),
    *("histexpand", "history", "ignoreeof", "interactive-comments", "keyword", "monitor"),
    *("noclobber", "noexec", "noglob", "nolog", "notify", "nounset", "onecmd", "physical"),
    *("pipefail", "posix", "privileged", "verbose", "vi", "xtrace"),
)
HONOURED = ("errexit", "nounset", "pipefail")
SET_LETTERS = {"e": "errexit", "u": "nounset"}
SET_USAGE = "set: usage: set [-abefhkmnptuvxBCEHPT] [-o option-name] [--] [-] [arg ...]\n"


@command("set")
def set_(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    """``-e``/``errexit``, ``-u``/``nounset`` and ``-o pipefail`` are honoured (also
    combined, ``set -euo pipefail``); bash's other flags and option names are accepted
    without effect; ``set -- a b`` sets the positional parameters; ``set -o`` lists."""
    session = ctx.session
    args = argv[1:]
    if not args:
        for name, value in sorted({**session.env, **session.variables}.items()):
            io.out.write(f"{name}={value}\n")
        return 0
    while args:
        arg = args.pop(0)
        if arg in ("--", "-"):
            session.positional = list(args)
            return 0
        if len(arg) < 2 or arg[0] not in "-+":
            session.positional = [arg, *args]
            return 0
        on = arg[0] == "-"
        for letter in arg[1:]:
            if letter == "o":
                if not args:
                    _list_options(ctx, io, on)
                    continue
                name = args.pop(0)
                if name not in SET_OPTIONS:
                    io.err.write(f"bash: set: {name}: invalid option name\n")
                    return 2
                if name in HONOURED:
                    setattr(session, name, on)
            elif letter in "abefhkmnptuvxBCEHPT":
                if letter in SET_LETTERS:
                    setattr(session, SET_LETTERS[letter], on)
            else:
                io.err.write(f"bash: set: {arg[0]}{letter}: invalid option\n{SET_USAGE}")
                return 2
    return 0


def _list_options(ctx: Context, io: Io, readable: bool) -> None:
    """``set -o`` (a table) or ``set +o`` (commands that restore the settings)."""
    defaults = {"braceexpand", "hashall", "interactive-comments"}
    for name in SET_OPTIONS:
        state = getattr(ctx.session, name) if name in HONOURED else name in defaults
        if readable:
            io.out.write(f"{name:<15}\t{'on' if state else 'off'}\n")
        else:
            io.out.write(f"set {'-' if state else '+'}o {name}\n")


@command("shift")
def shift(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    count = int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else 1
    if count > len(ctx.session.positional):
        return 1
    ctx.session.positional = ctx.session.positional[count:]
    return 0


@command("local")
def local(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    """Functions share the shell's variables here (no dynamic scoping): ``local`` assigns."""
    for arg in argv[1:]:
        if arg.startswith("-"):
            continue
        name, _, value = arg.partition("=")
        if not NAME_RE.fullmatch(name):
            io.err.write(f"bash: local: `{arg}': not a valid identifier\n")
            return 1
        ctx.session.set(name, value)
    return 0


@command("return")
def return_(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    if len(argv) > 1 and not re.fullmatch(r"-?\d+", argv[1]):
        io.err.write(f"bash: return: {argv[1]}: numeric argument required\n")
        raise FunctionReturn(2)
    raise FunctionReturn(int(argv[1]) % 256 if len(argv) > 1 else ctx.session.last_exit_code)


@command("break", "continue")
def loop_control(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    if not ctx.loops:
        return 0  # bash: "only meaningful in a `for', `while', or `until' loop", status 0
    levels = 1
    if len(argv) > 1:
        if not argv[1].isdigit() or int(argv[1]) < 1:
            io.err.write(f"bash: {argv[0]}: {argv[1]}: loop count out of range\n")
            return 1
        levels = int(argv[1])
    raise LoopControl(argv[0], levels)
