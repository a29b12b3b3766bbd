"""GNU ``sort``'s ordering in the C locale: keys (``-k F[.C][opts][,F[.C][opts]]``), field
separators (``-t``), and the orderings agents reach for (``-n``, ``-h``, ``-g``, ``-f``,
``-r``, ``-b``), with its last-resort whole-line comparison (off with ``-s`` or ``-u``).

Kept apart from the command so the rules - which GNU documents field by field and which
differ from Python's ``sorted(key=...)`` in telling ways (a field keeps its leading
blanks; ``-f`` folds to upper case; a key with options of its own ignores the global
ones) - can be read and tested on their own.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

#: Orderings a key can carry; ``b`` (skip blanks) and ``r`` (reverse) modify the others.
KEY_OPTIONS = "bfghnr"
_NUMBER = re.compile(r"[ \t]*(-?)(\d*)(?:\.(\d*))?")
_HUMAN = re.compile(r"[ \t]*(-?)(\d*)(?:\.(\d*))?(.?)", re.DOTALL)
_GENERAL = re.compile(r"[ \t]*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?inf|nan)", re.I)
_FIELD = re.compile(r"[ \t]*[^ \t]+")
UNITS = {unit: rank for rank, unit in enumerate("KMGTPEZYRQ", start=1)} | {"k": 1}


class SortUsageError(ValueError):
    """An argument ``sort`` refuses; the message is GNU's, the exit status 2."""


@dataclass(frozen=True)
class Position:
    field: int  # 1-based
    char: int  # 1-based; at the end, 0 means the field's last character
    skip_blanks: bool = False


@dataclass(frozen=True)
class Key:
    start: Position
    end: Position | None
    options: frozenset[str] = frozenset()


@dataclass
class SortSpec:
    keys: list[Key] = field(default_factory=list)
    options: set[str] = field(default_factory=set)  # global: b f g h n r
    separator: str | None = None
    unique: bool = False
    stable: bool = False


def parse_key(text: str) -> Key:
    """``F[.C][opts][,F[.C][opts]]`` as ``-k`` takes it."""
    match = re.fullmatch(r"(\d+)(?:\.(\d+))?([a-zA-Z]*)(?:,(\d+)(?:\.(\d+))?([a-zA-Z]*))?", text)
    if match is None:
        raise SortUsageError(
            f"sort: invalid number at field start: invalid count at start of '{text}'"
        )
    start_field, start_char, start_opts, end_field, end_char, end_opts = match.groups()
    for opts in (start_opts, end_opts or ""):
        bad = next((c for c in opts if c not in KEY_OPTIONS), None)
        if bad is not None:
            raise SortUsageError(
                f"sort: stray character in field spec: invalid field specification '{text}'"
            )
    if int(start_field) == 0:
        raise SortUsageError(f"sort: field number is zero: invalid field specification '{text}'")
    if start_char is not None and int(start_char) == 0:
        raise SortUsageError(
            f"sort: character offset is zero: invalid field specification '{text}'"
        )
    if end_field is not None and int(end_field) == 0:
        raise SortUsageError(f"sort: field number is zero: invalid field specification '{text}'")
    options = frozenset((start_opts + (end_opts or "")).replace("b", ""))
    start = Position(int(start_field), int(start_char or 1), "b" in start_opts)
    end = None
    if end_field is not None:
        end = Position(int(end_field), int(end_char or 0), "b" in (end_opts or ""))
    blanks = {"b"} if "b" in start_opts + (end_opts or "") else set()
    return Key(start, end, options | frozenset(blanks))


def _fields(line: str, separator: str | None) -> list[tuple[int, int]]:
    """Each field's (start, end) offsets; without ``-t`` a field keeps its leading blanks."""
    if separator is None:
        return [match.span() for match in _FIELD.finditer(line)]
    spans, start = [], 0
    while True:
        at = line.find(separator, start)
        if at < 0:
            spans.append((start, len(line)))
            return spans
        spans.append((start, at))
        start = at + len(separator)


def _skip_blanks(line: str, offset: int, limit: int) -> int:
    while offset < limit and line[offset] in " \t":
        offset += 1
    return offset


def _field_start(line: str, spans: list[tuple[int, int]], number: int, tabbed: bool) -> int:
    """Where field ``number`` (1-based) begins, its leading blanks included, as GNU's
    pointer walk finds it: just past the last field for the one after it (its trailing
    blanks are that field's), the end of the line past that."""
    if number <= len(spans):
        return spans[number - 1][0]
    if not tabbed and number == len(spans) + 1:
        return spans[-1][1] if spans else 0
    return len(line)


def extract(line: str, key: Key, separator: str | None, global_blanks: bool) -> str:
    """The part of ``line`` that ``key`` names, counted as GNU sort counts: a character
    offset may run past its field (up to the end of the line), and ``F.0`` at the end
    is the whole of field ``F``."""
    spans = _fields(line, separator)
    tabbed = separator is not None
    begin = _field_start(line, spans, key.start.field, tabbed)
    if key.start.skip_blanks or global_blanks:
        begin = _skip_blanks(line, begin, len(line))
    begin = min(begin + key.start.char - 1, len(line))
    if key.end is None:
        return line[begin:]
    if key.end.char == 0:
        number = key.end.field
        finish = spans[number - 1][1] if number <= len(spans) else len(line)
    else:
        finish = _field_start(line, spans, key.end.field, tabbed)
        if key.end.skip_blanks or global_blanks:
            finish = _skip_blanks(line, finish, len(line))
        finish = min(finish + key.end.char, len(line))
    return line[begin:finish] if finish > begin else ""


def _numeric(text: str) -> tuple[int, str, str]:
    match = _NUMBER.match(text)
    assert match is not None
    sign, whole, fraction = match.group(1), match.group(2).lstrip("0"), (match.group(3) or "")
    fraction = fraction.rstrip("0")
    if not whole and not fraction:
        return (0, "", "")
    return (-1 if sign else 1, whole, fraction)


def _compare_numeric(a: str, b: str) -> int:
    (sa, wa, fa), (sb, wb, fb) = _numeric(a), _numeric(b)
    if sa != sb:
        return -1 if sa < sb else 1
    if sa == 0:
        return 0
    magnitude = (len(wa) > len(wb)) - (len(wa) < len(wb)) or (wa > wb) - (wa < wb)
    if not magnitude:
        magnitude = (fa > fb) - (fa < fb)
    return magnitude * sa


def _unit_order(text: str) -> int:
    """GNU's ``find_unit_order``: the suffix's rank, signed, and only after a number with a
    non-zero digit (``0K`` and a bare ``K`` rank as plain numbers)."""
    match = _HUMAN.match(text)
    assert match is not None
    minus, whole, fraction, suffix = match.groups()
    if not (whole + (fraction or "")).strip("0"):
        return 0
    order = UNITS.get(suffix, 0)
    return -order if minus else order


def _compare_human(a: str, b: str) -> int:
    difference = _unit_order(a) - _unit_order(b)
    if difference:
        return 1 if difference > 0 else -1
    return _compare_numeric(a, b)


def _general(text: str) -> float:
    match = _GENERAL.match(text)
    if match is None:
        return -math.inf  # GNU: a non-number sorts before every number
    value = float(match.group(1))
    return -math.inf if math.isnan(value) else value


def _compare_keys(a: str, b: str, options: frozenset[str] | set[str]) -> int:
    if "n" in options:
        result = _compare_numeric(a, b)
    elif "h" in options:
        result = _compare_human(a, b)
    elif "g" in options:
        ga, gb = _general(a), _general(b)
        result = (ga > gb) - (ga < gb)
    else:
        if "f" in options:
            a, b = a.upper(), b.upper()
        result = (a > b) - (a < b)
    return -result if "r" in options else result


def sort_lines(lines: list[str], spec: SortSpec) -> list[str]:
    """``lines`` in GNU sort's order (``-u``: the first of each run of equal keys)."""
    global_options = spec.options - {"b"}
    global_blanks = "b" in spec.options
    keys = spec.keys or [Key(Position(1, 1), None)]
    whole_line = not spec.keys

    def compare_by_keys(a: str, b: str) -> int:
        for key in keys:
            # a key with any option letter of its own (``b`` and ``r`` included) takes
            # none of the global ones, as GNU's inheritance rule says
            inherits = not key.options
            options = global_options if inherits else key.options - {"b"}
            blanks = global_blanks and inherits
            if whole_line:
                ka, kb = a, b
                if blanks:
                    ka, kb = ka.lstrip(" \t"), kb.lstrip(" \t")
            else:
                ka = extract(a, key, spec.separator, blanks)
                kb = extract(b, key, spec.separator, blanks)
            result = _compare_keys(ka, kb, options)
            if result:
                return result
        return 0

    def compare(a: str, b: str) -> int:
        result = compare_by_keys(a, b)
        if result or spec.stable or spec.unique:
            return result
        last = (a > b) - (a < b)  # the last resort: the whole line, byte by byte
        return -last if "r" in global_options else last

    ordered = sorted(lines, key=functools.cmp_to_key(compare))
    if spec.unique:
        kept: list[str] = []
        for line in ordered:
            if not kept or compare_by_keys(kept[-1], line) != 0:
                kept.append(line)
        return kept
    return ordered


def parse_args(argv: list[str]) -> tuple[SortSpec, list[str]]:
    """``sort``'s options and operands, as GNU sort reads them."""
    spec = SortSpec()
    operands: list[str] = []
    letters = {"n", "r", "f", "h", "g", "b"}
    long_flags = {
        "numeric-sort": "n", "reverse": "r", "ignore-case": "f", "human-numeric-sort": "h",
        "general-numeric-sort": "g", "ignore-leading-blanks": "b", "unique": "u", "stable": "s",
    }  # fmt: skip
    args = iter(argv[1:])
    for arg in args:
        if arg == "--":
            operands.extend(args)
            break
        if arg.startswith("--"):
            name, eq, value = arg[2:].partition("=")
            if name in ("key", "field-separator"):
                value = value if eq else _next_value(args, arg)
                _apply_valued(spec, "k" if name == "key" else "t", value)
            elif name in long_flags:
                _apply_flag(spec, long_flags[name])
            else:
                raise SortUsageError(
                    f"sort: unrecognized option '{arg}'\nTry 'sort --help' for more information."
                )
            continue
        if not arg.startswith("-") or arg == "-":
            operands.append(arg)
            continue
        rest = arg[1:]
        while rest:
            letter, rest = rest[0], rest[1:]
            if letter in "kt":
                value = rest or _next_value(args, f"-{letter}")
                _apply_valued(spec, letter, value)
                rest = ""
            elif letter in letters or letter in "us":
                _apply_flag(spec, letter)
            else:
                raise SortUsageError(
                    f"sort: invalid option -- '{letter}'\nTry 'sort --help' for more information."
                )
    return spec, operands


def _next_value(args: Iterator[str], option: str) -> str:
    value = next(args, None)
    if value is None:
        raise SortUsageError(
            f"sort: option requires an argument -- '{option.lstrip('-')[:1]}'\n"
            "Try 'sort --help' for more information."
        )
    return value


def _apply_flag(spec: SortSpec, letter: str) -> None:
    if letter == "u":
        spec.unique = True
    elif letter == "s":
        spec.stable = True
    else:
        spec.options.add(letter)


def _apply_valued(spec: SortSpec, letter: str, value: str) -> None:
    if letter == "k":
        spec.keys.append(parse_key(value))
        return
    if len(value) != 1:
        message = "empty tab" if not value else f"multi-character tab '{value}'"
        raise SortUsageError(f"sort: {message}")
    spec.separator = value
