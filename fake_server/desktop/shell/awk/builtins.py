"""awk's builtin functions, ``printf`` formatting, field splitting and ``getline``, as
mawk does them (string functions work on characters, case changes on ASCII letters)."""

from __future__ import annotations

import math
import re
from typing import Any

from fake_server.desktop.filesystem import FsError
from fake_server.desktop.shell.awk.lexer import unescape
from fake_server.desktop.shell.awk.parser import Node
from fake_server.desktop.shell.awk.runtime import AwkError, Runtime, bounded
from fake_server.desktop.shell.awk.values import (
    INT_MAX,
    StrNum,
    Value,
    number_text,
    to_num,
)
from fake_server.desktop.shell.regexes import run_regex
from fake_server.desktop.shell.runtime import Buffer, Io, decode

_CONVERSION = re.compile(r"%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([cdiouxXeEfFgGs%])")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def ere_to_python(pattern: str) -> str:
    """A POSIX ERE as Python reads it: ``{`` stays literal unless it is an interval, and
    bracket expressions keep their classes (``[[:alpha:]]``) and literal ``[``."""
    classes = {
        "alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z",
        "lower": "a-z", "space": r" \t\n\r\f\v", "blank": r" \t", "punct": r"!-/:-@\[-`{-~",
        "xdigit": "0-9A-Fa-f", "print": " -~", "graph": "!-~", "cntrl": r"\x00-\x1f\x7f",
    }  # fmt: skip
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            following = pattern[index + 1]
            out.append(re.escape(following) if following in '/"' else "\\" + following)
            index += 2
        elif char == "[":
            end = index + 1
            if pattern[end : end + 1] == "^":
                end += 1
            if pattern[end : end + 1] == "]":
                end += 1
            body: list[str] = []
            while end < len(pattern) and pattern[end] != "]":
                named = re.match(r"\[:(\w+):\]", pattern[end:])
                if named and named.group(1) in classes:
                    body.append(classes[named.group(1)])
                    end += len(named.group())
                    continue
                body.append("\\" + pattern[end] if pattern[end] in "[\\" else pattern[end])
                end += 1
            opening = pattern[index + 1 : index + 1 + (pattern[index + 1 : index + 2] == "^")]
            first = "".join(body)
            out.append("[" + opening + (first[len(opening) :] if opening else first) + "]")
            index = end + 1
        elif char == "{" and not re.match(r"\{\d+(,\d*)?\}", pattern[index:]):
            out.append(r"\{")
            index += 1
        elif char == "}" and not (out and re.search(r"\{\d+(,\d*)?$", "".join(out[-4:]))):
            out.append(r"\}")
            index += 1
        else:
            out.append(char)
            index += 1
    return "".join(out)


def split_text(machine: Runtime, text: str, separator: str) -> list[str]:
    """Fields of ``text`` by awk's rules: ``" "`` splits on runs of blanks and newlines
    (trimmed), another single character literally, anything longer as a regex."""
    if separator == " ":
        return text.split()
    if text == "":
        return []
    if len(separator) == 1 and separator != "\\":
        return text.split(separator)
    return machine.regex(separator).split(text)  # type: ignore[no-any-return]


def unescape_assignment(value: str) -> str:
    """``-v name=value`` and ``name=value`` operands take string escapes, as literals do."""
    return unescape(value)


def substr(text: str, start: float, length: float | None) -> str:
    """mawk's arithmetic (1.3.4): positions truncate toward zero, and a start before 1
    moves to 1 while the length grows by as much as the start was below 1."""
    begin = math.trunc(start) if math.isfinite(start) else (1 if start < 0 else len(text) + 1)
    if length is None:
        count = len(text) + 1
    elif math.isnan(length):
        return ""
    else:
        count = math.trunc(min(length, len(text) + 1)) if length != math.inf else len(text) + 1
    if begin < 1:
        count -= begin
        begin = 1
    if count <= 0 or begin > len(text):
        return ""
    return text[begin - 1 : begin - 1 + count]


def call(machine: Runtime, name: str, args: list[Node]) -> Value:
    """Run the builtin ``name`` on its argument expressions (some take lvalues)."""
    count = len(args)

    def value(index: int) -> Value:
        return machine.eval(args[index])

    def text(index: int) -> str:
        return machine.text(value(index))

    def number(index: int) -> float:
        return to_num(value(index))

    if name == "length":
        if count == 0:
            return float(len(machine.record))
        if args[0][0] == "var":
            held = machine.scope_of(args[0][1]).get(args[0][1])
            if isinstance(held, dict):
                return float(len(held))
        return float(len(text(0)))
    if name == "substr":
        _arity(name, count, 2, 3)
        return substr(text(0), number(1), number(2) if count == 3 else None)
    if name == "index":
        _arity(name, count, 2, 2)
        return float(text(0).find(text(1)) + 1)
    if name == "split":
        _arity(name, count, 2, 3)
        if args[1][0] != "var":
            raise AwkError("split: second argument must be an array")
        source = text(0)
        separator = machine.pattern_of(args[2]) if count == 3 else machine.str_of("FS")
        array = machine.array(args[1][1])
        array.clear()
        pieces = split_text(machine, source, separator)
        for position, piece in enumerate(pieces, start=1):
            array[str(position)] = StrNum(piece)
        return float(len(pieces))
    if name in ("sub", "gsub"):
        _arity(name, count, 2, 3)
        return substitute(machine, name == "gsub", args)
    if name == "match":
        _arity(name, count, 2, 2)
        found = machine.search(machine.pattern_of(args[1]), text(0))
        start, length = (found.start() + 1, found.end() - found.start()) if found else (0, -1)
        machine.globals["RSTART"], machine.globals["RLENGTH"] = float(start), float(length)
        return float(start)
    if name == "sprintf":
        if count == 0:
            raise AwkError("sprintf needs a format")
        return bounded(sprintf(machine, [machine.eval(arg) for arg in args]))
    if name in ("tolower", "toupper"):
        _arity(name, count, 1, 1)
        return text(0).translate(_ASCII_LOWER if name == "tolower" else _ASCII_UPPER)
    if name == "int":
        _arity(name, count, 1, 1)
        result = number(0)
        return float(math.trunc(result)) if math.isfinite(result) else result
    if name in ("sqrt", "exp", "log", "sin", "cos"):
        _arity(name, count, 1, 1)
        return _math(name, number(0))
    if name == "atan2":
        _arity(name, count, 2, 2)
        return math.atan2(number(0), number(1))
    if name == "rand":
        return machine.random.random()
    if name == "srand":
        previous = machine.seed
        machine.seed = number(0) if count else float(int(machine.ctx.now()))
        machine.random.seed(machine.seed)
        return previous
    if name == "system":
        _arity(name, count, 1, 1)
        machine.flush_outputs()
        return float(machine.ctx.subshell(text(0), Io("", machine.io.out, machine.io.err)))
    if name in ("close", "fflush"):
        if name == "close" and count:
            closing = text(0)
            machine.files.pop(closing, None)
            for key in (closing, "|" + closing):
                if key in machine.outputs:
                    machine.flush_outputs()
        return 0.0
    raise AwkError(f"function {name} never defined")  # pragma: no cover


def _arity(name: str, count: int, low: int, high: int) -> None:
    if not low <= count <= high:
        raise AwkError(f"wrong number of arguments in call to {name}")


def _math(name: str, x: float) -> float:
    try:
        return float(getattr(math, name)(x))
    except ValueError:
        return -math.nan  # mawk prints "-nan" (log(-1), sqrt(-1))
    except OverflowError:
        return math.inf


def substitute(machine: Runtime, global_: bool, args: list[Node]) -> Value:
    """``sub``/``gsub``: ``&`` is the match, ``\\&`` a literal ampersand."""
    target = args[2] if len(args) == 3 else ("field", ("num", 0.0))
    if target[0] not in ("var", "index", "field"):
        raise AwkError("sub/gsub target must be a variable, an array element or a field")
    pattern = machine.regex(machine.pattern_of(args[0]))
    replacement = machine.text(machine.eval(args[1]))
    original = machine.text(machine.eval(target))

    def expand(found: Any) -> str:
        out, index = [], 0
        while index < len(replacement):
            char = replacement[index]
            if char == "\\" and replacement[index + 1 : index + 2] in ("&", "\\"):
                out.append(replacement[index + 1])
                index += 2
                continue
            out.append(found.group() if char == "&" else char)
            index += 1
        return "".join(out)

    result, count = run_regex(
        machine.ctx, pattern.subn, expand, original, count=0 if global_ else 1
    )
    if count:
        machine.assign(target, result)
    return float(count)


def sprintf(machine: Runtime, values: list[Value]) -> str:
    """awk's ``printf``: C conversions over awk values (``%c`` of a number is a character,
    ``%d`` truncates and clamps to the C ``int`` range, ``%u`` of a negative is 0)."""
    fmt, args = machine.text(values[0]), values[1:]
    out: list[str] = []
    position = used = 0
    for match in _CONVERSION.finditer(fmt):
        out.append(fmt[position : match.start()])
        position = match.end()
        flags, width, precision, conv = match.groups()
        if conv == "%":
            out.append("%")
            continue

        def next_arg() -> Value:
            nonlocal used
            if used >= len(args):
                raise AwkError(f'not enough arguments passed to printf("{fmt}")')
            used += 1
            return args[used - 1]

        if width == "*":
            width = str(int(to_num(next_arg())))
        if precision == "*":
            precision = str(int(to_num(next_arg())))
        for size in (width, precision):
            if size and abs(int(size)) > 1_000_000:
                raise AwkError("printf width or precision beyond the simulation (1000000)")
        spec = "%" + flags + (width or "") + ("" if precision is None else "." + precision)
        arg = next_arg()
        out.append(_convert(machine, spec, conv, arg))
    out.append(fmt[position:])
    return "".join(out)


def _convert(machine: Runtime, spec: str, conv: str, arg: Value) -> str:
    if conv == "s":
        return (spec + "s") % machine.text(arg)
    if conv == "c":
        if isinstance(arg, float):
            code = int(arg) % 256
            return (spec + "s") % chr(code)
        return (spec + "s") % machine.text(arg)[:1]
    number = to_num(arg)
    if conv in "diouxX":
        if math.isnan(number):
            integer = -INT_MAX - 1
        elif conv == "u" and number < 0:
            integer = 0
        else:
            integer = (
                int(max(min(number, INT_MAX), -INT_MAX - 1))
                if math.isfinite(number)
                else (INT_MAX if number > 0 else -INT_MAX - 1)
            )
        return (spec + ("d" if conv in "iu" else conv)) % integer
    if not math.isfinite(number):
        return (spec.replace("0", "") + "s") % number_text(number, "%.6g")
    return (spec + conv) % number


def getline(
    machine: Runtime, target: Node | None, source: Node | None, command: Node | None
) -> Value:
    """``getline [var] [< file]`` and ``"cmd" | getline [var]``: 1 read, 0 at the end,
    -1 when the file cannot be read."""
    if command is not None or source is not None:
        key = machine.text(machine.eval(command if command is not None else source))  # type: ignore[arg-type]
        lines = machine.files.get(("|" if command is not None else "") + key)
        if lines is None:
            if command is not None:
                buffer = Buffer()
                machine.ctx.subshell(key, Io("", buffer, machine.io.err))
                text = buffer.text
            else:
                try:
                    text = (
                        machine.io.stdin
                        if key in ("-", "/dev/stdin")
                        else decode(machine.ctx.fs.read(machine.ctx.path(key)))
                    )
                except FsError:
                    return -1.0
            lines = iter(machine.split_records(text))
            machine.files[("|" if command is not None else "") + key] = lines
        line = next(lines, None)
        if line is None:
            return 0.0
        # neither a file's nor (in mawk) a command's lines count as records: NR stays
    else:
        if machine.inputs is None:
            machine.inputs = machine.records(machine.operands)
        line = next(machine.inputs, None)
        if line is None:
            return 0.0
    if target is None:
        machine.set_record(line)
    else:
        machine.assign(target, StrNum(line))
    return 1.0


__all__ = ["call", "getline", "split_text", "sprintf", "substr"]
