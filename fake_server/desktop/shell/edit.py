"""Stream editors of the simulated shell: ``sed`` (its programs: :mod:`.sed_script`;
``-n``, ``-i``, ``-e``, ``-E``), ``tr`` (sets, ranges, ``-d``, ``-s``) and ``cut``
(``-d``/``-f``, ``-c``).

Patterns are matched with the ``regex`` package under the run's deadline and
outside the fake's lock (see :mod:`~fake_server.desktop.cooperative`),
so a catastrophic pattern ends at the timeout and never stalls other clients.
"""

from __future__ import annotations

import regex

from fake_server.desktop.filesystem import FsError
from fake_server.desktop.shell.runtime import (
    Builtin,
    Context,
    Io,
    UsageError,
    decode,
    registrar,
)
from fake_server.desktop.shell.sed_script import SedError, parse_program, run_program
from fake_server.desktop.shell.syntax import decode_escapes

COMMANDS: dict[str, Builtin] = {}
command = registrar(COMMANDS)


@command("sed")
def sed(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    args = argv[1:]
    quiet, in_place, extended, separate = False, False, False, False
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
        elif arg in ("-s", "--separate"):
            separate = True
        elif arg.startswith("-") and len(arg) > 1 and set(arg[1:]) <= set("niErs"):
            quiet = quiet or "n" in arg
            in_place = in_place or "i" in arg
            extended = extended or bool(set(arg) & {"E", "r"})
            separate = separate or "s" in arg
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
        program = parse_program(scripts, extended)
    except SedError as exc:
        if exc.whole:
            io.err.write(f"sed: {exc}\n")
            return 4
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
            edited = run_program(ctx, program, text, quiet)
            ctx.fs.write(ctx.path(name), "".join(edited.out).encode())
            if edited.quit is not None:
                return edited.quit
        return status
    texts: list[str] = []
    status = 0
    for name in files or ["-"]:
        try:
            texts.append(io.stdin if name == "-" else decode(ctx.fs.read(ctx.path(name))))
        except FsError as exc:
            io.err.write(f"sed: can't read {name}: {exc.reason}\n")
            status = 2
    # one stream of lines (line numbers and $ run across files), or one per file with -s
    for text in texts if separate else ["".join(texts)]:
        stream = run_program(ctx, program, text, quiet)
        io.out.write("".join(stream.out))
        if stream.quit is not None:
            return stream.quit
    return status


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
