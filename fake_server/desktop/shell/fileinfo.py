"""``stat -c``/``--format``/``--printf`` and ``du``: what the simulated disk knows of a
file, in GNU's words (scripts ask ``stat -c %s`` for a size, ``du -sh`` for a tree's).

The simulated disk holds names, contents and directories, and shows every file as
``ls -l`` does (mode 644, directories 755, owned by the desktop user, 4 KiB blocks),
so those directives answer from it. It keeps no inodes, devices or times: a directive
asking for one is refused with a message saying so, rather than answered with a value
a script could mistake for real. Plain ``stat FILE`` (whose block prints times) is
refused the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fake_server.desktop.filesystem import NO_SUCH_FILE, FileSystem, FsError
from fake_server.desktop.shell.files import human_size
from fake_server.desktop.shell.runtime import (
    Builtin,
    Context,
    Io,
    UsageError,
    missing_operand,
    parse_options,
    registrar,
    usage_error,
)
from fake_server.desktop.shell.session import USER
from fake_server.desktop.shell.syntax import decode_escapes

COMMANDS: dict[str, Builtin] = {}
command = registrar(COMMANDS)

UID = 1000
#: Directives about what the simulated disk does not keep (inodes, devices, times).
UNKNOWN = set("dDimtTCwWxXyYzZ")
PLAIN_REFUSED = (
    "the simulated disk keeps no inodes, devices or times, which plain stat prints: "
    "ask for what it keeps with stat -c/--format/--printf (%n %s %F %a %A %h %U ...)"
)
_DIRECTIVE = re.compile(r"%([-#0 +']*)(\d*)(?:\.(\d*))?(.?)", re.DOTALL)


@dataclass(frozen=True)
class Info:
    """One file as the simulated disk shows it."""

    name: str
    size: int
    directory: bool
    links: int

    def fields(self) -> dict[str, int | str]:
        """Every directive this file can answer, by its letter."""
        mode = 0o755 if self.directory else 0o644
        kind = (
            "directory" if self.directory else "regular file" if self.size else "regular empty file"
        )
        return {
            "n": self.name, "N": _quoted(self.name), "s": self.size, "F": kind,
            "a": mode, "A": ("d" if self.directory else "-") + _permissions(mode),
            "f": (0o40000 if self.directory else 0o100000) | mode, "h": self.links,
            "b": 8 if self.directory else -(-self.size // 4096) * 8, "B": 512, "o": 4096,
            "u": UID, "g": UID, "U": USER, "G": USER,
        }  # fmt: skip


def _permissions(mode: int) -> str:
    return "".join(
        letter if mode & (1 << (8 - index)) else "-" for index, letter in enumerate("rwxrwxrwx")
    )


def _quoted(name: str) -> str:
    """``%N``: GNU's shell quoting (single quotes, or double ones around a single quote)."""
    if "'" in name and not re.search(r'["$`\\]', name):
        return f'"{name}"'
    return "'" + name.replace("'", "'\\''") + "'"


def _info(fs: FileSystem, name: str, path: str) -> Info:
    size = fs.stat_size(path)
    if not fs.is_dir(path):
        return Info(name, size, False, 1)
    subdirs = sum(fs.is_dir(f"{path.rstrip('/')}/{child}") for child in fs.listdir(path))
    return Info(name, size, True, 2 + subdirs)


def render(fmt: str, info: Info) -> str:
    """``fmt`` with its directives filled in (printf-style flags, width and precision)."""
    fields = info.fields()
    out: list[str] = []
    position = 0
    for match in _DIRECTIVE.finditer(fmt):
        out.append(fmt[position : match.start()])
        position = match.end()
        flags, width, precision, directive = match.groups()
        if directive == "" or directive == "%":
            out.append("%")
        elif directive in UNKNOWN:
            raise UsageError(
                f"stat: the simulated disk keeps no inodes, devices or times (%{directive})", 1
            )
        else:
            value = fields.get(directive)
            if value is None:
                out.append("?")  # as GNU stat answers a directive it does not know
                continue
            if directive == "N" and "%N" not in fmt:
                value = info.name  # GNU quotes %N names only if the format holds "%N"
            if directive != "s":  # GNU prints every number but the size unsigned
                flags = flags.replace(" ", "").replace("+", "")
            out.append(_formatted(value, flags, width, precision, _INT_STYLE.get(directive, "d")))
    out.append(fmt[position:])
    return "".join(out)


#: ``%a`` is the mode in octal and ``%f`` the raw mode in hex; other numbers are decimal.
_INT_STYLE = {"a": "o", "f": "x"}


def _formatted(value: int | str, flags: str, width: str, precision: str | None, style: str) -> str:
    alternate = "#" in flags and style == "o"  # GNU writes %#a as 0644, Python as 0o644
    spec = "%" + flags.replace("'", "").replace("#" if alternate else "'", "") + width
    spec += "" if precision is None else f".{precision or 0}"
    if isinstance(value, int):
        return (spec + style) % value if not alternate else (spec + "s") % f"0{value:o}"
    return (spec + "s") % value


def _format_option(argv: list[str]) -> tuple[str | None, bool, list[str]]:
    """(format, whether it is --printf's, operands): the last of -c/--format/--printf wins."""
    parsed = parse_options(
        argv,
        "Ltf",  # -L: the simulated disk has no symbolic links; -t and -f are refused below
        {"dereference": "L", "terse": "t", "file-system": "f"},
        valued="c",
        long_valued={"format": "c", "printf": "printf"},
    )
    refused = parsed.flags - {"L"}
    if refused:
        raise UsageError(
            "stat: the simulated shell supports stat with -c, --format, --printf and -L "
            f"only (-{min(refused)})",
            1,
        )
    chosen = [key for key in parsed.values if key in ("c", "printf")]
    if not chosen:
        return None, False, parsed.operands
    return parsed.values[chosen[-1]], chosen[-1] == "printf", parsed.operands


@command("stat")
def stat(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    fmt, printf, operands = _format_option(argv)
    if not operands:
        return missing_operand("stat", io)
    plain = fmt is None
    fmt = fmt or ""
    if printf:
        fmt = decode_escapes(fmt, printf=True)[0]
    end = "" if printf else "\n"
    status = 0
    for operand in operands:
        try:
            info = _info(ctx.fs, operand, ctx.path(operand))
        except FsError as exc:
            io.err.write(f"stat: cannot statx '{operand}': {exc.reason}\n")
            status = 1
            continue
        if plain:
            io.err.write(f"stat: {operand}: {PLAIN_REFUSED}\n")
            status = 1
            continue
        io.out.write(render(fmt, info) + end)
    return status


#: What every directory occupies, on the disk and apparently (ext4's one block).
BLOCK = 4096


@dataclass(frozen=True)
class DuOptions:
    apparent: bool = False  # -b / --apparent-size: bytes in files, not blocks on the disk
    unit: int = 1024  # -b: 1, -k: 1024, -m: 1 MiB
    human: bool = False
    all: bool = False
    max_depth: int | None = None
    total: bool = False


_DU_LONG = {
    "summarize": "s", "human-readable": "h", "bytes": "b", "total": "c", "all": "a",
    "one-file-system": "x", "dereference": "L", "apparent-size": "apparent",
}  # fmt: skip


def _du_options(argv: list[str]) -> tuple[DuOptions, list[str]]:
    parsed = parse_options(
        argv,
        "shbkmcaxL",  # -x (one file system) and -L (follow links) change nothing here
        _DU_LONG,
        valued="d",
        long_valued={"max-depth": "d"},
    )
    flags, depth_text = parsed.flags, parsed.values.get("d")
    if depth_text is not None and not depth_text.isdigit():
        raise usage_error("du", f"invalid maximum depth '{depth_text}'")
    depth = None if depth_text is None else int(depth_text)
    if "s" in flags and depth not in (None, 0):
        raise usage_error("du", f"warning: summarizing conflicts with --max-depth={depth}")
    unit = 1 if "b" in flags else 1024 * 1024 if "m" in flags else 1024
    return (
        DuOptions(
            apparent=bool(flags & {"b", "apparent"}),
            unit=unit,
            human="h" in flags,
            all="a" in flags,
            max_depth=0 if "s" in flags else depth,
            total="c" in flags,
        ),
        parsed.operands or ["."],
    )


class _DiskUsage:
    """One ``du`` run: each file and directory is counted once (as GNU counts an inode
    once), so ``du . d`` does not count ``d`` twice."""

    def __init__(self, fs: FileSystem, options: DuOptions, io: Io) -> None:
        self.fs, self.options, self.io = fs, options, io
        self.seen: set[str] = set()

    def shown(self, size: int) -> str:
        if self.options.human:
            return human_size(size)
        return str(-(-size // self.options.unit))

    def walk(self, path: str, shown: str, depth: int) -> int:
        """Bytes under ``path``, printing the lines GNU du prints for it (children first)."""
        if path in self.seen:
            return 0
        self.seen.add(path)
        options = self.options
        within = options.max_depth is None or depth <= options.max_depth
        if not self.fs.is_dir(path):
            size = self.fs.stat_size(path)
            used = size if options.apparent else -(-size // BLOCK) * BLOCK
            if depth == 0 or (options.all and within):
                self.io.out.write(f"{self.shown(used)}\t{shown}\n")
            return used
        used = BLOCK
        for child in sorted(self.fs.listdir(path)):
            child_shown = f"{shown.rstrip('/')}/{child}"
            used += self.walk(f"{path.rstrip('/')}/{child}", child_shown, depth + 1)
        if within:
            self.io.out.write(f"{self.shown(used)}\t{shown}\n")
        return used


@command("du")
def du(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    options, operands = _du_options(argv)
    usage = _DiskUsage(ctx.fs, options, io)
    status = 0
    grand = 0
    for operand in operands:
        path = ctx.path(operand)
        if not ctx.fs.exists(path):
            io.err.write(f"du: cannot access '{operand}': {NO_SUCH_FILE}\n")
            status = 1
            continue
        grand += usage.walk(path, operand, 0)
    if options.total:
        io.out.write(f"{usage.shown(grand)}\ttotal\n")
    return status
