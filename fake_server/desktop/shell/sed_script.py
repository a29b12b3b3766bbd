"""sed programs as GNU sed runs them over one stream of lines, with a pattern space and
a hold space: addresses (``N``, ``$``, ``/re/``, ``first~step``, ranges closed by ``N``,
``$``, ``/re/`` or ``+N``, ``0,/re/``, ``!``), blocks ``{ }``, labels and branches (``:``,
``b``, ``t``, ``T``), and the commands ``s y p P d D q Q = a i c n N h H g G x``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import regex

from fake_server.desktop.shell.regexes import bre_to_python, run_regex
from fake_server.desktop.shell.runtime import Context

COMMAND_LETTERS = "spdqQ=aicyPDnNhHgGxbtT{}:"


class SedError(ValueError):
    """A program GNU sed refuses; the message is its wording after ``-e expression #1``
    (``whole``: a message GNU prints on its own, with exit status 4: a missing label)."""

    def __init__(self, message: str, *, whole: bool = False) -> None:
        super().__init__(message)
        self.whole = whole


@dataclass
class Address:
    kind: str  # "line", "last", "regex", "plus" (``+N``, closing a range only)
    value: Any = None


@dataclass
class SedCommand:
    name: str
    first: Address | None = None
    second: Address | None = None
    negate: bool = False
    pattern: Any = None
    replacement: str = ""
    flags: str = ""
    text: str = ""
    active: bool = False  # inside its range
    closes_at: int = 0  # the line a ``+N`` or numeric range end closes on
    jump: int = -1  # ``{``: past its ``}``; ``b``/``t``/``T``: the label's position


@dataclass
class Stream:
    """What one run printed, and the status a ``q``/``Q`` ended it with (None: it ran out)."""

    out: list[str] = field(default_factory=list)
    quit: int | None = None


def parse_program(scripts: list[str], extended: bool) -> list[SedCommand]:
    """Every ``-e`` script, as one program: blocks matched, branches linked to labels."""
    program = [_command(part, extended) for script in scripts for part in split_commands(script)]
    opened: list[SedCommand] = []
    labels: dict[str, int] = {}
    for index, command in enumerate(program):
        if command.name == "{":
            opened.append(command)
        elif command.name == "}":
            if not opened:
                raise SedError("unexpected `}'")
            opened.pop().jump = index + 1
        elif command.name == ":":
            labels[command.text] = index
    if opened:
        raise SedError("unmatched `{'")
    for command in program:
        if command.name in "btT":
            if command.text and command.text not in labels:
                raise SedError(f"can't find label for jump to `{command.text}'", whole=True)
            command.jump = labels[command.text] if command.text else len(program)
    return program


def split_commands(script: str) -> list[str]:
    """Commands separated by ``;`` or newlines, outside ``s``/``y`` expressions, regex
    addresses, and the text of ``a``/``i``/``c`` (which runs to the end of its line)."""
    parts: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(script):
        char = script[index]
        head = "".join(current).strip()
        if char == "/" and _address_position(head):
            end = _closing(script, index + 1, "/")
            current.append(script[index : end + 1])
            index = end + 1
            continue
        if char in "sy" and _command_position(head) and index + 1 < len(script):
            delimiter = script[index + 1]
            end = _closing(script, index + 2, delimiter)
            end = _closing(script, end + 1, delimiter)
            current.append(script[index : end + 1])
            index = end + 1
            continue
        if char in "aic" and _command_position(head):
            end = script.find("\n", index)
            end = len(script) if end < 0 else end
            current.append(script[index:end])
            index = end
            continue
        if char in "{}" and (char == "}" or _command_position(head)):
            parts.append("".join(current) + (char if char == "{" else ""))
            if char == "}":
                parts.append("}")
            current = []
            index += 1
            continue
        if char in ";\n":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def _closing(text: str, start: int, delimiter: str) -> int:
    index = start
    while index < len(text) and text[index] != delimiter:
        index += 2 if text[index] == "\\" else 1
    return min(index, len(text))


def _address_position(head: str) -> bool:
    """A ``/`` here starts a regex address: nothing before it, or a first address and ``,``."""
    return head == "" or head.endswith(",")


_ONE = r"(?:\d+|\$|/(?:\\.|[^/])*/)"
_ADDRESSES = re.compile(rf"(?:{_ONE}(?:\s*,\s*(?:{_ONE}|\+\d+))?)?\s*!?\s*")


def _command_position(head: str) -> bool:
    """The command letter comes next: what precedes is empty or a complete address."""
    return _ADDRESSES.fullmatch(head) is not None


def _address(
    text: str, position: int, extended: bool, *, second: bool
) -> tuple[Address | None, int]:
    if position >= len(text):
        return None, position
    char = text[position]
    if char.isdigit():
        match = re.match(r"(\d+)(?:~(\d+))?", text[position:])
        assert match is not None
        if match.group(2) is not None and not second:
            step = (int(match.group(1)), int(match.group(2)))
            return Address("step", step), position + match.end()
        return Address("line", int(match.group(1))), position + match.end()
    if char == "$":
        return Address("last"), position + 1
    if char == "+" and second:
        match = re.match(r"\+(\d+)", text[position:])
        if match is None:
            raise SedError("expected newer version of sed")
        return Address("plus", int(match.group(1))), position + match.end()
    if char == "/":
        end = _closing(text, position + 1, "/")
        if end >= len(text):
            raise SedError("unterminated address regex")
        body = text[position + 1 : end].replace("\\/", "/")
        return Address("regex", _compile(body, extended, "")), end + 1
    return None, position


def _compile(pattern: str, extended: bool, flags: str) -> Any:
    try:
        return regex.compile(
            pattern if extended else bre_to_python(pattern),
            regex.IGNORECASE if "I" in flags else 0,
        )
    except regex.error as exc:
        raise SedError(str(exc)) from None


def _command(text: str, extended: bool) -> SedCommand:
    first, position = _address(text, 0, extended, second=False)
    second = None
    if first is not None and text[position : position + 1] == ",":
        second, position = _address(text, position + 1, extended, second=True)
        if second is None:
            raise SedError("unexpected `,'")
    if first is not None and first.kind == "line" and first.value == 0:
        if second is None or second.kind != "regex":
            raise SedError("invalid usage of line address 0")
        first = Address("zero")
    rest = text[position:].lstrip()
    negate = rest.startswith("!")
    rest = rest[1:].lstrip() if negate else rest
    if not rest:
        raise SedError("missing command")
    name = rest[0]
    if name not in COMMAND_LETTERS:
        raise SedError(f"unknown command: `{name}'")
    command = SedCommand(name, first, second, negate)
    if name in ":}" and first is not None:
        raise SedError(f"{name} doesn't want any addresses")
    if name == "s":
        _substitution(command, rest, extended)
    elif name == "y":
        _transliteration(command, rest)
    elif name in ":btT":
        command.text = rest[1:].strip()
        if name == ":" and not command.text:
            raise SedError('":" lacks a label')
    elif name in "aic":
        body = rest[1:]
        body = body[1:] if body.startswith("\\") else body
        command.text = body.lstrip(" \t").lstrip("\n")
    elif name in "qQ":
        code = rest[1:].strip()
        if code and not code.isdigit():
            raise SedError("extra characters after command")
        command.flags = code
    elif rest[1:].strip():
        raise SedError("extra characters after command")
    return command


def _transliteration(command: SedCommand, text: str) -> None:
    if len(text) < 2:
        raise SedError("unterminated `y' command")
    delimiter = text[1]
    pieces = text[2:].split(delimiter)
    if len(pieces) < 3 or pieces[2].strip():
        raise SedError("unterminated `y' command")
    source, target = (piece.replace("\\n", "\n") for piece in pieces[:2])
    if len(source) != len(target):
        raise SedError("strings for `y' command are different lengths")
    command.text = source
    command.replacement = target


def _substitution(command: SedCommand, text: str, extended: bool) -> None:
    if len(text) < 2:
        raise SedError("unterminated `s' command")
    delimiter = text[1]
    pieces: list[str] = []
    buffer: list[str] = []
    index = 2
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            following = text[index + 1]
            buffer.append(following if following == delimiter else text[index : index + 2])
            index += 2
            continue
        if char == delimiter:
            pieces.append("".join(buffer))
            buffer = []
        else:
            buffer.append(char)
        index += 1
    if len(pieces) != 2:
        raise SedError("unterminated `s' command")
    pattern, replacement = pieces
    command.flags = "".join(buffer)
    if re.fullmatch(r"[gpI0-9]*", command.flags) is None:
        raise SedError("unknown option to `s'")
    command.pattern = _compile(pattern, extended, command.flags)
    replacement = regex.sub(r"\\(\d)", r"\\g<\1>", replacement).replace("&", r"\g<0>")
    command.replacement = replacement.replace("\\\\g<0>", "&").replace("\\n", "\n")


def _matches(ctx: Context, address: Address, line: str, number: int, last: bool) -> bool:
    if address.kind == "line":
        return bool(number == address.value)
    if address.kind == "step":
        first, step = address.value
        if step == 0:
            return bool(number == first)
        return bool(number >= first and (number - first) % step == 0)
    if address.kind == "last":
        return last
    return run_regex(ctx, address.value.search, line) is not None


def selects(ctx: Context, command: SedCommand, line: str, number: int, last: bool) -> bool:
    """Whether ``command`` applies to this line (ranges remember where they are)."""
    if command.first is None:
        chosen = True
    elif command.second is None:
        chosen = _matches(ctx, command.first, line, number, last)
    elif command.active:
        chosen = True
        second = command.second
        if second.kind in ("line", "plus"):
            command.active = number < command.closes_at
        elif _matches(ctx, second, line, number, last):
            command.active = False
    elif command.first.kind == "zero" and number == 1 and command.second is not None:
        command.active = not _matches(ctx, command.second, line, number, last)
        chosen = True
    elif command.first.kind != "zero" and _matches(ctx, command.first, line, number, last):
        chosen = True
        second = command.second
        if second.kind == "line":
            command.closes_at = second.value
            command.active = number < second.value
        elif second.kind == "plus":
            command.closes_at = number + second.value
            command.active = second.value > 0
        else:
            command.active = not last  # a regex end is looked for from the next line
    else:
        chosen = False
    return chosen != command.negate


def run_program(ctx: Context, program: list[SedCommand], text: str, quiet: bool) -> Stream:
    """GNU sed's cycle: read a line into the pattern space, run the program on it, print
    it (unless ``-n`` or deleted), then the text ``a`` queued."""
    stream = Stream()
    lines = text.split("\n")
    ended = text.endswith("\n")
    if ended:
        lines.pop()
    for command in program:
        command.active = False
    cycle = _Cycle(ctx, program, lines, quiet, stream)
    while (cycle.index < len(lines) or not cycle.reread) and stream.quit is None:
        cycle.run(ended)
    return stream


class _Cycle:
    """One run's pattern space, hold space and input position."""

    def __init__(
        self, ctx: Context, program: list[SedCommand], lines: list[str], quiet: bool, stream: Stream
    ) -> None:
        self.ctx, self.program, self.lines, self.quiet, self.stream = (
            ctx, program, lines, quiet, stream
        )  # fmt: skip
        self.index = 0
        self.hold = ""
        self.space = ""
        self.reread = True  # False after ``D``: the next cycle keeps the pattern space

    @property
    def last(self) -> bool:
        return self.index >= len(self.lines)

    def read(self) -> None:
        self.space = self.lines[self.index]
        self.index += 1

    def run(self, ended: bool) -> None:
        ctx, out = self.ctx, self.stream.out
        if self.reread:
            self.read()
        self.reread = True
        appended: list[str] = []
        printed, substituted, pc = not self.quiet, False, 0
        while pc < len(self.program):
            command = self.program[pc]
            pc += 1
            name = command.name
            if name in ":}":
                continue
            if not selects(ctx, command, self.space, self.index, self.last):
                if name == "{":
                    pc = command.jump
                continue
            if name == "p":
                out.append(self.space + "\n")
            elif name == "P":
                out.append(self.space.split("\n", 1)[0] + "\n")
            elif name == "=":
                out.append(f"{self.index}\n")
            elif name == "i":
                out.append(command.text + "\n")
            elif name == "a":
                appended.append(command.text + "\n")
            elif name == "s":
                self.space, changed = _substitute(ctx, command, self.space)
                substituted = substituted or changed
                if changed and "p" in command.flags:
                    out.append(self.space + "\n")
            elif name == "y":
                self.space = self.space.translate(str.maketrans(command.text, command.replacement))
            elif name == "h":
                self.hold = self.space
            elif name == "H":
                self.hold += "\n" + self.space
            elif name == "g":
                self.space = self.hold
            elif name == "G":
                self.space += "\n" + self.hold
            elif name == "x":
                self.space, self.hold = self.hold, self.space
            elif name in "btT":
                if name == "b" or (name == "t") == substituted:
                    pc = command.jump
                    substituted = False if name != "b" else substituted
            elif name in "nN":
                if self.last:  # GNU prints the pattern space and ends (unless -n)
                    self.stream.quit = 0
                    break
                if name == "n":
                    if not self.quiet:
                        out.append(self.space + "\n")
                    self.read()
                else:
                    self.space += "\n" + self.lines[self.index]
                    self.index += 1
            elif name == "D" and "\n" in self.space:
                self.space = self.space.split("\n", 1)[1]
                self.reread = False
                printed = False
                break
            elif name in "dDc":
                if name == "c" and (command.second is None or not command.active):
                    out.append(command.text + "\n")
                printed = False
                break
            elif name in "qQ":
                self.stream.quit = int(command.flags or 0)
                printed = printed and name == "q"
                break
        if printed:
            newline = "" if self.last and not ended else "\n"
            out.append(self.space + newline)
        out.extend(appended)


def _substitute(ctx: Context, command: SedCommand, line: str) -> tuple[str, bool]:
    """``s///`` with its flags: ``g`` (all), ``N`` (the N-th match), ``Ng`` (N-th onward)."""
    flags = command.flags
    digits = "".join(c for c in flags if c.isdigit())
    if not digits:
        count = 0 if "g" in flags else 1
        new, changes = run_regex(ctx, command.pattern.subn, command.replacement, line, count=count)
        return new, bool(changes)
    wanted = int(digits)
    seen = 0

    def choose(match: Any) -> str:
        nonlocal seen
        seen += 1
        if seen == wanted or (seen > wanted and "g" in flags):
            return str(match.expand(command.replacement))
        return str(match.group())

    new = run_regex(ctx, command.pattern.sub, choose, line)
    return new, seen >= wanted
