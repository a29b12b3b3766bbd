"""Stream editors of the simulated shell: ``sed`` (``s///``, ``p``, ``d``, ``-n``, ``-i``,
``-e``), ``tr`` (sets, ranges, ``-d``, ``-s``) and ``cut`` (``-d``/``-f``, ``-c``).

Patterns are matched with the ``regex`` package under the run's deadline and
outside the fake's lock (see :mod:`~fake_server.desktop.cooperative`),
so a catastrophic pattern ends at the timeout and never stalls other clients.
"""

from __future__ import annotations

import time
from typing import Any

import regex

from fake_server.desktop import cooperative
from fake_server.desktop.filesystem import FsError
from fake_server.desktop.shell.runtime import (
    Builtin,
    Context,
    Io,
    ShellTimeout,
    UsageError,
    decode,
    registrar,
)
from fake_server.desktop.shell.syntax import decode_escapes

COMMANDS: dict[str, Builtin] = {}
command = registrar(COMMANDS)


def bre_to_python(pattern: str) -> str:
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


def run_regex(ctx: Context, call: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a ``regex`` function under the run's deadline, without the fake's lock."""
    deadline = ctx.deadline()
    timeout = None if deadline is None else max(deadline - time.monotonic(), 0.001)
    with cooperative.unlocked():
        try:
            return call(*args, timeout=timeout, concurrent=True, **kwargs)
        except TimeoutError:
            raise ShellTimeout from None


@command("sed")
def sed(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    args = argv[1:]
    quiet, in_place, extended = False, False, False
    scripts: list[str] = []
    files: list[str] = []
    while args:
        arg = args.pop(0)
        if arg == "-e" and args:
            scripts.append(args.pop(0))
        elif arg in ("-n", "--quiet", "--silent"):
            quiet = True
        elif arg in ("-i", "--in-place"):
            in_place = True
        elif arg in ("-E", "-r", "--regexp-extended"):
            extended = True
        elif arg.startswith("-") and len(arg) > 1 and set(arg[1:]) <= set("niEr"):
            quiet = quiet or "n" in arg
            in_place = in_place or "i" in arg
            extended = extended or bool(set(arg) & {"E", "r"})
        elif arg.startswith("-") and len(arg) > 1:
            raise UsageError(f"sed: invalid option -- '{arg[1:2]}'", 1)
        elif not scripts and not files:
            scripts.append(arg)
        else:
            files.append(arg)
    if not scripts:
        io.err.write("Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n")
        return 1
    try:
        program = [_sed_command(part, extended) for s in scripts for part in _split(s)]
    except ValueError as exc:
        io.err.write(f"sed: -e expression #1, char 1: {exc}\n")
        return 1
    except regex.error as exc:
        io.err.write(f"sed: -e expression #1, char 1: {exc}\n")
        return 1
    if in_place:
        if not files:
            io.err.write("sed: no input files\n")
            return 1
        status = 0
        for name in files:
            try:
                text = decode(ctx.fs.read(ctx.path(name)))
            except FsError as exc:
                io.err.write(f"sed: can't read {name}: {exc.reason}\n")
                status = 2
                continue
            ctx.fs.write(ctx.path(name), _sed_run(ctx, program, text, quiet).encode())
        return status
    texts: list[str] = []
    status = 0
    for name in files or ["-"]:
        try:
            texts.append(io.stdin if name == "-" else decode(ctx.fs.read(ctx.path(name))))
        except FsError as exc:
            io.err.write(f"sed: can't read {name}: {exc.reason}\n")
            status = 2
    io.out.write(_sed_run(ctx, program, "".join(texts), quiet))
    return status


def _split(script: str) -> list[str]:
    """Commands separated by ``;`` or newlines (outside ``s`` expressions)."""
    parts: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(script):
        c = script[i]
        if c == "s" and not "".join(current).strip() and i + 1 < len(script):
            delim = script[i + 1]
            seen, j = 0, i + 2
            while j < len(script) and seen < 2:
                if script[j] == "\\":
                    j += 2
                    continue
                if script[j] == delim:
                    seen += 1
                j += 1
            current.append(script[i:j])
            i = j
            continue
        if c in ";\n":
            parts.append("".join(current))
            current = []
        else:
            current.append(c)
        i += 1
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def _sed_command(text: str, extended: bool) -> tuple[str, Any, str, str]:
    """(kind, compiled pattern or None, replacement, flags) for ``s``, ``p``, ``d``."""
    address: Any = None
    if text.startswith("/"):
        end = text.index("/", 1)
        address = regex.compile(text[1:end] if extended else bre_to_python(text[1:end]))
        text = text[end + 1 :].strip()
    if text in ("p", "d"):
        return text, address, "", ""
    if not text.startswith("s") or len(text) < 2:
        raise ValueError(f"unknown command: `{text[:1]}'")
    delim = text[1]
    pieces: list[str] = []
    buf: list[str] = []
    i = 2
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            buf.append(text[i + 1] if text[i + 1] == delim else text[i : i + 2])
            i += 2
            continue
        if c == delim:
            pieces.append("".join(buf))
            buf = []
        else:
            buf.append(c)
        i += 1
    if len(pieces) != 2:
        raise ValueError("unterminated `s' command")
    pattern, replacement = pieces
    flags = "".join(buf)
    compiled = regex.compile(
        pattern if extended else bre_to_python(pattern), regex.IGNORECASE if "I" in flags else 0
    )
    replacement = regex.sub(r"\\(\d)", r"\\g<\1>", replacement).replace("&", r"\g<0>")
    replacement = replacement.replace("\\\\g<0>", "&")
    return "s", (compiled, address), replacement, flags


def _sed_run(ctx: Context, program: list[tuple[str, Any, str, str]], text: str, quiet: bool) -> str:
    out: list[str] = []
    lines = text.split("\n")
    ended = text.endswith("\n")
    if ended:
        lines.pop()
    for line in lines:
        ctx.check_deadline()
        deleted = False
        for kind, target, replacement, flags in program:
            pattern, address = target if kind == "s" else (regex.compile(""), target)
            if address is not None and run_regex(ctx, address.search, line) is None:
                continue
            if kind == "d":
                deleted = True
                break
            if kind == "p":
                out.append(line + "\n")
                continue
            new, changes = _substitute(ctx, pattern, replacement, flags, line)
            line = new
            if changes and "p" in flags:
                out.append(line + "\n")
        if not deleted and not quiet:
            out.append(line + "\n")
    result = "".join(out)
    return result[:-1] if not ended and result.endswith("\n") else result


def _substitute(ctx: Context, pattern: Any, replacement: str, flags: str, line: str) -> Any:
    """``s///`` with its flags: ``g`` (all), ``N`` (the N-th match), ``Ng`` (N-th onward)."""
    digits = "".join(c for c in flags if c.isdigit())
    if not digits:
        count = 0 if "g" in flags else 1
        return run_regex(ctx, pattern.subn, replacement, line, count=count)
    wanted = int(digits)
    seen = 0

    def choose(match: Any) -> str:
        nonlocal seen
        seen += 1
        if seen == wanted or (seen > wanted and "g" in flags):
            return str(match.expand(replacement))
        return str(match.group())

    new = run_regex(ctx, pattern.sub, choose, line)
    return new, int(seen >= wanted)


def _tr_set(spec: str) -> str:
    text, _ = decode_escapes(spec, printf=True)
    classes = {
        "[:lower:]": "abcdefghijklmnopqrstuvwxyz",
        "[:upper:]": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "[:digit:]": "0123456789",
        "[:space:]": " \t\n\r\f\v",
        "[:blank:]": " \t",
        "[:punct:]": "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
    }
    classes["[:alpha:]"] = classes["[:lower:]"] + classes["[:upper:]"]
    classes["[:alnum:]"] = classes["[:alpha:]"] + classes["[:digit:]"]
    for name, chars in classes.items():
        text = text.replace(name, chars)
    out: list[str] = []
    i = 0
    while i < len(text):
        if i + 2 < len(text) and text[i + 1] == "-":
            low, high = ord(text[i]), ord(text[i + 2])
            out.extend(chr(c) for c in range(low, high + 1))
            i += 3
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


@command("tr")
def tr(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    args = argv[1:]
    flags = ""
    while args and args[0].startswith("-") and len(args[0]) > 1:
        flags += args.pop(0)[1:]
    if set(flags) - set("dsc"):
        raise UsageError(f"tr: invalid option -- '{(set(flags) - set('dsc')).pop()}'", 1)
    if not args or (len(args) < 2 and "d" not in flags and "s" not in flags):
        io.err.write("tr: missing operand\nTry 'tr --help' for more information.\n")
        return 1
    first = _tr_set(args[0])
    text = io.stdin
    if "d" in flags:
        chars = set(first)
        complement = "c" in flags
        text = "".join(ch for ch in text if (ch in chars) == complement)
        squeeze = _tr_set(args[1]) if len(args) > 1 else ""
    elif len(args) > 1:
        second = _tr_set(args[1])
        if second:
            second = second + second[-1] * max(len(first) - len(second), 0)
            table = {ord(a): b for a, b in zip(first, second, strict=False)}
            text = text.translate(table)
        squeeze = second
    else:
        squeeze = first
    if "s" in flags and squeeze:
        text = regex.sub("([" + regex.escape(squeeze) + r"])\1+", r"\1", text)
    io.out.write(text)
    return 0


def _ranges(spec: str) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for piece in spec.split(","):
        low, dash, high = piece.partition("-")
        if not (low or high) or not (low or "1").isdigit() or not (high or "1").isdigit():
            raise ValueError(piece)
        start = int(low) if low else 1
        end = (int(high) if high else 10**9) if dash else start
        if start < 1:
            raise ValueError(piece)
        ranges.append((start, end))
    return ranges


@command("cut")
def cut(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    args = argv[1:]
    delimiter, fields, chars = "\t", None, None
    files: list[str] = []
    while args:
        arg = args.pop(0)
        for flag in ("-d", "-f", "-c", "-b"):
            if arg.startswith(flag):
                value = arg[2:] or (args.pop(0) if args else "")
                if flag == "-d":
                    delimiter = value
                elif flag == "-f":
                    fields = value
                else:
                    chars = value
                break
        else:
            files.append(arg)
    if len(delimiter) != 1:
        io.err.write("cut: the delimiter must be a single character\n")
        return 1
    if (fields is None) == (chars is None):
        io.err.write("cut: you must specify a list of bytes, characters, or fields\n")
        return 1
    try:
        ranges = _ranges(fields if fields is not None else chars or "")
    except ValueError:
        io.err.write(f"cut: invalid field value '{fields or chars}'\n")
        return 1
    status = 0
    out: list[str] = []
    for name in files or ["-"]:
        try:
            text = io.stdin if name == "-" else decode(ctx.fs.read(ctx.path(name)))
        except FsError as exc:
            io.err.write(f"cut: {name}: {exc.reason}\n")
            status = 1
            continue
        for line in text.splitlines():
            items = line.split(delimiter) if fields is not None else list(line)
            if fields is not None and len(items) == 1:
                out.append(line + "\n")
                continue
            chosen = [
                item
                for index, item in enumerate(items, 1)
                if any(a <= index <= b for a, b in ranges)
            ]
            out.append((delimiter if fields is not None else "").join(chosen) + "\n")
    io.out.write("".join(out))
    return status
