"""Text commands of the simulated shell: ``echo`` and ``printf`` make text, the filters
(``head``, ``tail``, ``wc``, ``grep``, ``sort``, ``uniq``) read files or stdin.

Each mimics the GNU tool's output and error wording for the options it
accepts; unknown options fail (see :func:`~fake_server.desktop.shell.runtime.options`)
rather than being silently ignored.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from decimal import Decimal
from typing import Final

from fake_server.desktop.filesystem import FsError
from fake_server.desktop.shell.runtime import Builtin, Context, Io, decode, options, registrar
from fake_server.desktop.shell.sorting import SortUsageError, parse_args, sort_lines
from fake_server.desktop.shell.syntax import decode_escapes

COMMANDS: dict[str, Builtin] = {}
command = registrar(COMMANDS)

_PRINTF_CONVERSION: Final = re.compile(
    r"%(?P<flags>[-+ #0]*)(?P<width>\d+|\*)?(?:\.(?P<prec>\d+|\*))?"
    r"(?P<conv>[diouxXeEfFgGcsbq%])"
)


class _InputFailed(Exception):
    """An input file could not be read; the message has already been printed."""


def _read_each(
    ctx: Context, name: str, operands: list[str], io: Io
) -> Iterator[tuple[str, str | None]]:
    """(label, text) per operand, stdin for none or ``-``; the text is None for an operand
    that cannot be read, after reporting why in the tool's words."""
    for operand in operands or ["-"]:
        if operand == "-":
            yield "(standard input)" if not operands else "-", io.stdin
            continue
        try:
            text: str | None = decode(ctx.fs.read(ctx.path(operand)))
        except FsError as exc:
            if name in ("head", "tail"):
                io.err.write(f"{name}: cannot open '{operand}' for reading: {exc.reason}\n")
            elif name == "rev":
                io.err.write(f"rev: cannot open {operand}: {exc.reason}\n")
            elif name == "tac":
                io.err.write(f"tac: failed to open '{operand}' for reading: {exc.reason}\n")
            else:
                io.err.write(f"{name}: {operand}: {exc.reason}\n")
            text = None
        yield operand, text


def _read_inputs(ctx: Context, name: str, operands: list[str], io: Io) -> list[tuple[str, str]]:
    """Like :func:`_read_each`, but the first unreadable operand fails the whole read."""
    inputs: list[tuple[str, str]] = []
    for label, text in _read_each(ctx, name, operands, io):
        if text is None:
            raise _InputFailed
        inputs.append((label, text))
    return inputs


@command("echo")
def echo(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
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
        text, stop = decode_escapes(text, printf=False)
        newline = newline and not stop
    io.out.write(text + ("\n" if newline else ""))
    return 0


@command("printf")
def printf(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    if len(argv) < 2:
        io.err.write("printf: usage: printf [-v var] format [arguments]\n")
        return 2
    fmt, args = argv[1], argv[2:]
    status = 0
    out: list[str] = []
    while True:
        consumed = 0
        position = 0
        for match in _PRINTF_CONVERSION.finditer(fmt):
            text, stop = decode_escapes(fmt[position : match.start()], printf=True)
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
        tail, stop = decode_escapes(fmt[position:], printf=True)
        out.append(tail)
        if stop or consumed == 0 or consumed >= len(args):
            break
        args = args[consumed:]
    io.out.write("".join(out))
    return status


def _printf_one(spec: str, conv: str, arg: str | None) -> tuple[str, bool]:
    """Render one ``%`` conversion; False when a numeric argument was invalid."""
    if conv == "s":
        return f"%{spec}s" % (arg or ""), True
    if conv == "b":
        return f"%{spec}s" % decode_escapes(arg or "", printf=False)[0], True
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
        value = int(number)
        if conv in "ouxX" and value < 0:  # bash prints these as unsigned 64-bit numbers
            value &= (1 << 64) - 1
        return f"%{spec}{'d' if conv in 'iu' else conv}" % value, ok
    return f"%{spec}{conv}" % float(number), ok


@command("head", "tail")
def head_or_tail(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
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
        inputs = _read_inputs(ctx, name, operands, io)
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


@command("wc")
def wc(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    long = {"lines": "l", "words": "w", "bytes": "c", "chars": "m"}
    flags, operands = options(argv, "lwcm", long)
    columns = [f for f in "lwmc" if f in flags] or ["l", "w", "c"]
    status = 0
    rows: list[tuple[list[int], str | None]] = []
    for label, text in _read_each(ctx, "wc", operands, io):
        if text is None:
            status = 1
            continue
        counts = {
            "l": text.count("\n"),
            "w": len(text.split()),
            "c": len(text.encode()),
            "m": len(text),
        }
        rows.append(([counts[c] for c in columns], label if operands else None))
    if len(operands) > 1:  # GNU totals whenever it was given files, even unreadable ones
        totals = [sum(row[0][i] for row in rows) for i in range(len(columns))]
        rows.append((totals, "total"))
    if not rows:
        return status
    if len(columns) == 1 and len(rows) == 1:
        width = 1
    elif not operands:
        width = 7
    else:
        width = max(len(str(n)) for row in rows for n in row[0])
    for numbers, name in rows:
        line = " ".join(f"{n:>{width}}" for n in numbers)
        io.out.write(line + (f" {name}" if name else "") + "\n")
    return status


@command("sort")
def sort(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    """GNU sort in the C locale (see :mod:`.sorting`): ``-k``, ``-t``, ``-n -h -g -f -r
    -b -u -s`` and their long names."""
    try:
        spec, operands = parse_args(argv)
    except SortUsageError as exc:
        io.err.write(f"{exc}\n")
        return 2
    try:
        inputs = _read_inputs(ctx, "sort", operands, io)
    except _InputFailed:
        return 2
    lines = [line for _, text in inputs for line in text.splitlines()]
    io.out.write("".join(line + "\n" for line in sort_lines(lines, spec)))
    return 0


@command("uniq")
def uniq(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    flags, operands = options(argv, "cdu")
    try:
        ((_, text),) = _read_inputs(ctx, "uniq", operands[:1], io)
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


@command("rev", "tac")
def rev_or_tac(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    """``rev`` reverses each line's characters, ``tac`` the order of the lines."""
    name = argv[0]
    _, operands = options(argv, "")
    status = 0
    for _, text in _read_each(ctx, name, operands, io):
        if text is None:
            status = 1
            continue
        if name == "tac":
            # an unterminated last line runs into the one printed after it, as in GNU tac
            io.out.write("".join(reversed(text.splitlines(keepends=True))))
        else:
            io.out.write("".join(line[::-1] + end for line, end in _lines_with_ends(text)))
    return status


def _lines_with_ends(text: str) -> list[tuple[str, str]]:
    return [
        (line[:-1], "\n") if line.endswith("\n") else (line, "")
        for line in text.splitlines(keepends=True)
    ]


SEQ_LIMIT = 1_000_000  # a bound for the fake's memory; GNU seq would go on
_SEQ_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


@command("seq")
def seq(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    """GNU seq: ``[FIRST [INCREMENT]] LAST`` with ``-s``, ``-w``, ``-f``; decimals print with
    as many places as FIRST or INCREMENT has, counted exactly (no float drift)."""
    args, separator, width, fmt = argv[1:], "\n", False, None
    operands: list[str] = []
    while args:
        arg = args.pop(0)
        if arg in ("-s", "-f") or arg.startswith(("-s", "-f", "--separator=", "--format=")):
            letter = "s" if arg.startswith(("-s", "--sep")) else "f"
            value = (
                arg.split("=", 1)[1]
                if arg.startswith("--")
                else arg[2:] or (args.pop(0) if args else None)
            )
            if value is None:
                io.err.write(f"seq: option requires an argument -- '{letter}'\n{_SEQ_HELP}")
                return 1
            if letter == "s":
                separator = value
            else:
                fmt = value
        elif arg in ("-w", "--equal-width"):
            width = True
        elif _SEQ_NUMBER.fullmatch(arg) or not arg.startswith("-") or arg == "-":
            operands.append(arg)
        else:
            io.err.write(f"seq: invalid option -- '{arg[1:2]}'\n{_SEQ_HELP}")
            return 1
    if not operands or len(operands) > 3:
        problem = "missing operand" if not operands else f"extra operand {_LQ}{operands[3]}{_RQ}"
        io.err.write(f"seq: {problem}\n{_SEQ_HELP}")
        return 1
    for operand in operands:
        if not _SEQ_NUMBER.fullmatch(operand):
            io.err.write(f"seq: invalid floating point argument: {_LQ}{operand}{_RQ}\n{_SEQ_HELP}")
            return 1
    first, step, last = (
        ("1", "1", operands[0]) if len(operands) == 1
        else (operands[0], "1", operands[1]) if len(operands) == 2
        else tuple(operands)
    )  # fmt: skip
    if Decimal(step) == 0:
        io.err.write(f"seq: invalid Zero increment value: {_LQ}{step}{_RQ}\n{_SEQ_HELP}")
        return 1
    exponent = any("e" in text.lower() for text in (first, step, last))
    places = max(_places(first), _places(step))
    values: list[str] = []
    current, end, increment = Decimal(first), Decimal(last), Decimal(step)
    if (end - current) / increment >= SEQ_LIMIT:
        io.err.write(f"seq: more numbers than the simulation prints ({SEQ_LIMIT})\n")
        return 1
    while (current <= end) if increment > 0 else (current >= end):
        ctx.check_deadline()
        if fmt is not None:
            try:
                values.append(fmt % float(current))
            except (TypeError, ValueError):
                io.err.write(f"seq: format {_LQ}{fmt}{_RQ} has no valid % directive\n")
                return 1
        elif exponent:
            values.append(f"{float(current):g}")
        else:
            values.append(f"{current:.{places}f}")
        current += increment
    if width and fmt is None:
        size = max((len(v) for v in values), default=0)
        values = [("-" + v[1:].rjust(size - 1, "0")) if v.startswith("-") else v.rjust(size, "0")
                  for v in values]  # fmt: skip
    if values:
        io.out.write(separator.join(values) + "\n")
    return 0


_SEQ_HELP = "Try 'seq --help' for more information.\n"
_LQ = _RQ = "'"  # GNU's quotes around a bad argument in the C locale (no LANG here)


def _places(number: str) -> int:
    mantissa = number.lower().split("e")[0]
    return len(mantissa.split(".")[1]) if "." in mantissa else 0
