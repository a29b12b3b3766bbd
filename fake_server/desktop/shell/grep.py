"""``grep`` as GNU grep answers: patterns (basic, ``-E``, ``-F``, ``-P`` read as extended),
``-ivcnlLqsowxhH``, ``-m N``, context (``-A``/``-B``/``-C`` with ``--`` between groups),
recursion (``-r``/``-R`` with ``--include``, ``--exclude``, ``--exclude-dir``; a directory
is read in name order, where GNU takes the order the disk gives).

Matching runs under the run's deadline and outside the fake's lock (:mod:`.regexes`)."""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import regex

from fake_server.desktop.filesystem import FsError
from fake_server.desktop.shell.regexes import bre_to_python, run_regex
from fake_server.desktop.shell.runtime import Builtin, Context, Io, decode, registrar

COMMANDS: dict[str, Builtin] = {}
command = registrar(COMMANDS)
USAGE = "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n"
FLAGS = "ivcnlLqsowxhHrREFPIaZ"
VALUED = "ABCme"
VALUED_LONG = {"--max-count": "m", "--after-context": "A", "--before-context": "B",
               "--context": "C"}  # fmt: skip
IGNORED_LONG = ("--color", "--colour", "--line-buffered", "--binary-files", "--null-data")


class _Usage(Exception):
    """A refused option: GNU's message, exit status 2."""


@dataclass
class Options:
    flags: set[str] = field(default_factory=set)
    patterns: list[str] = field(default_factory=list)
    operands: list[str] = field(default_factory=list)
    after: int = 0
    before: int = 0
    max_count: int | None = None
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    exclude_dir: list[str] = field(default_factory=list)


def parse_options(argv: list[str]) -> Options:
    options = Options()
    args = iter(argv[1:])
    for arg in args:
        if arg == "--":
            options.operands.extend(args)
            break
        if arg.startswith("--"):
            _long_option(options, arg)
        elif arg.startswith("-") and len(arg) > 1:
            rest = arg[1:]
            while rest:
                letter, rest = rest[0], rest[1:]
                if letter in VALUED:
                    value = rest or next(args, None)
                    if value is None:
                        raise _Usage(f"grep: option requires an argument -- '{letter}'\n{USAGE}")
                    _valued(options, letter, value)
                    rest = ""
                elif letter.isdigit():  # -3: three lines of context each side
                    digits = letter + re.match(r"\d*", rest).group()  # type: ignore[union-attr]
                    rest = rest[len(digits) - 1 :]
                    _valued(options, "C", digits)
                elif letter in FLAGS:
                    options.flags.add(letter)
                else:
                    raise _Usage(f"grep: invalid option -- '{letter}'\n{USAGE}")
        else:
            options.operands.append(arg)
    if not options.patterns:
        if not options.operands:
            raise _Usage(USAGE)
        options.patterns.append(options.operands.pop(0))
    return options


def _long_option(options: Options, arg: str) -> None:
    name, _, value = arg.partition("=")
    if name in ("--include", "--exclude", "--exclude-dir") and value:
        getattr(options, name[2:].replace("-", "_")).append(value)
    elif name == "--regexp" and value:
        options.patterns.append(value)
    elif name in VALUED_LONG and value:
        _valued(options, VALUED_LONG[name], value)
    elif name.startswith(IGNORED_LONG):
        pass
    else:
        long_flags = {
            "--recursive": "r", "--ignore-case": "i", "--invert-match": "v", "--count": "c",
            "--line-number": "n", "--files-with-matches": "l", "--quiet": "q", "--silent": "q",
            "--only-matching": "o", "--word-regexp": "w", "--line-regexp": "x",
            "--no-filename": "h", "--with-filename": "H", "--extended-regexp": "E",
            "--fixed-strings": "F", "--no-messages": "s", "--files-without-match": "L",
        }  # fmt: skip
        if name not in long_flags:
            raise _Usage(f"grep: unrecognized option '{arg}'\n{USAGE}")
        options.flags.add(long_flags[name])


def _valued(options: Options, letter: str, value: str) -> None:
    if letter == "e":
        options.patterns.append(value)
        return
    if not value.isdigit():
        if letter == "m":
            raise _Usage("grep: invalid max count\n")
        raise _Usage(f"grep: {value}: invalid context length argument\n")
    number = int(value)
    if letter == "m":
        options.max_count = number
    if letter in "AC":
        options.after = number
    if letter in "BC":
        options.before = number


def compile_patterns(patterns: list[str], flags: set[str]) -> Any:
    converted = []
    for pattern in patterns:
        if "F" in flags:
            body = regex.escape(pattern)
        elif flags & {"E", "P"}:
            body = pattern
        else:
            body = bre_to_python(pattern)
        if "w" in flags:
            body = rf"(?<!\w)(?:{body})(?!\w)"
        if "x" in flags:
            body = rf"^(?:{body})$"
        converted.append(body)
    joined = "|".join(f"(?:{c})" for c in converted)
    return regex.compile(joined, regex.IGNORECASE if "i" in flags else 0)


def _whole_matches(pattern: Any, line: str, **limits: Any) -> list[str]:
    """Every non-empty match of ``pattern`` in ``line``, found within the regex limits
    (the iteration itself is where a runaway pattern spends its time)."""
    return [found.group() for found in pattern.finditer(line, **limits) if found.group()]


def _inputs(ctx: Context, options: Options, io: Io) -> Iterator[tuple[str, str | None]]:
    """(label, text) for each file to search; None after reporting one that cannot be."""
    recursive = bool(options.flags & {"r", "R"})
    operands = options.operands or (["."] if recursive else ["-"])
    for operand in operands:
        if operand == "-":
            yield "(standard input)", io.stdin
            continue
        path = ctx.path(operand)
        if ctx.fs.is_dir(path):
            if not recursive:
                if "s" not in options.flags:
                    io.err.write(f"grep: {operand}: Is a directory\n")
                yield operand, None
                continue
            shown = "" if not options.operands else operand.rstrip("/") + "/"
            yield from _walk(ctx, options, path, shown)
            continue
        try:
            yield operand, decode(ctx.fs.read(path))
        except FsError as exc:
            if "s" not in options.flags:
                io.err.write(f"grep: {operand}: {exc.reason}\n")
            yield operand, None


def _walk(
    ctx: Context, options: Options, path: str, shown: str
) -> Iterator[tuple[str, str | None]]:
    for name in sorted(ctx.fs.listdir(path)):
        child = posixpath.join(path, name)
        if ctx.fs.is_dir(child):
            if not any(fnmatch.fnmatchcase(name, glob) for glob in options.exclude_dir):
                yield from _walk(ctx, options, child, f"{shown}{name}/")
            continue
        if options.include and not any(fnmatch.fnmatchcase(name, g) for g in options.include):
            continue
        if any(fnmatch.fnmatchcase(name, glob) for glob in options.exclude):
            continue
        yield f"{shown}{name}", decode(ctx.fs.read(child))


@command("grep", "egrep", "fgrep")
def grep(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    try:
        options = parse_options(argv)
    except _Usage as exc:
        io.err.write(str(exc))
        return 2
    flags = options.flags
    if argv[0] == "egrep":
        flags.add("E")
    elif argv[0] == "fgrep":
        flags.add("F")
    try:
        pattern = compile_patterns(options.patterns, flags)
    except regex.error as exc:
        io.err.write(f"grep: {exc}\n")
        return 2
    many = len(options.operands) > 1 or bool(flags & {"r", "R"})
    show_names = ("H" in flags or many) and "h" not in flags
    found, status = False, 0
    for label, text in _inputs(ctx, options, io):
        if text is None:
            status = 2
            continue
        count = _search(ctx, options, pattern, label if show_names else None, text, io)
        found = found or count > 0
        if "q" in flags and found:
            return 0
        if "c" in flags:
            io.out.write((f"{label}:" if show_names else "") + f"{count}\n")
        if ("l" in flags and count) or ("L" in flags and not count):
            io.out.write(label + ("\0" if "Z" in flags else "\n"))
    return status if status and not ("q" in flags and found) else (0 if found else 1)


def _search(
    ctx: Context, options: Options, pattern: Any, label: str | None, text: str, io: Io
) -> int:
    """Write this file's matching lines with their context; return how many matched."""
    flags = options.flags
    quiet = bool(flags & {"q", "c", "l", "L"})
    context = options.before or options.after
    lines = text.splitlines()
    count, last_printed, after_left = 0, -1, 0
    for index, line in enumerate(lines):
        ctx.check_deadline()
        done = options.max_count is not None and count >= options.max_count
        if done and not after_left:
            break
        matched = not done and (run_regex(ctx, pattern.search, line) is not None) != ("v" in flags)
        if not matched:
            if after_left and not quiet:  # trailing context, even past -m's last match
                io.out.write(_prefix(label, flags, index, "-") + line + "\n")
                last_printed, after_left = index, after_left - 1
            continue
        count += 1
        if quiet:
            continue
        first = max(index - options.before, last_printed + 1)
        if context and last_printed >= 0 and first > last_printed + 1:
            io.out.write("--\n")
        for before in range(first, index):
            io.out.write(_prefix(label, flags, before, "-") + lines[before] + "\n")
        prefix = _prefix(label, flags, index, ":")
        if "o" in flags and "v" not in flags:
            for hit in run_regex(ctx, _whole_matches, pattern, line):
                io.out.write(f"{prefix}{hit}\n")
        else:
            io.out.write(prefix + line + "\n")
        last_printed, after_left = index, options.after
    return count


def _prefix(label: str | None, flags: set[str], index: int, separator: str) -> str:
    """``name:`` (``-Z``: ``name\\0``) and ``number:`` before a line; ``-`` for context."""
    prefix = f"{label}{chr(0) if 'Z' in flags else separator}" if label is not None else ""
    return prefix + (f"{index + 1}{separator}" if "n" in flags else "")


__all__ = ["COMMANDS", "compile_patterns"]
