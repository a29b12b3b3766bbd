"""File commands of the simulated shell: ``cat``, ``touch``, ``rm``, ``rmdir``, ``mkdir``,
``ls``, ``cp``, ``mv``, ``basename`` and ``dirname``.

They act on the simulated :class:`~fake_server.desktop.filesystem.FileSystem`
(so change listeners fire) and report failures in coreutils' words, because
agents and tests match on those messages.
"""

from __future__ import annotations

import math
import posixpath
from collections.abc import Callable

from fake_server.desktop.filesystem import (
    DIRECTORY_NOT_EMPTY,
    INVALID_ARGUMENT,
    IS_A_DIRECTORY,
    NO_SUCH_FILE,
    NOT_A_DIRECTORY,
    FileSystem,
    FsError,
)
from fake_server.desktop.shell.runtime import (
    Builtin,
    Context,
    Io,
    decode,
    missing_operand,
    options,
    registrar,
)
from fake_server.desktop.shell.session import USER

COMMANDS: dict[str, Builtin] = {}
command = registrar(COMMANDS)


@command("cat")
def cat(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    flags, operands = options(argv, "n")
    status = 0
    line_number = 0
    for operand in operands or ["-"]:
        try:
            text = io.stdin if operand == "-" else decode(ctx.fs.read(ctx.path(operand)))
        except FsError as exc:
            io.err.write(f"cat: {operand}: {exc.reason}\n")
            status = 1
            continue
        if "n" in flags:
            numbered = []
            for line in text.splitlines(keepends=True):
                line_number += 1
                numbered.append(f"{line_number:6}\t{line}")
            text = "".join(numbered)
        io.out.write(text)
    return status


@command("touch")
def touch(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    flags, operands = options(argv, "acmh")
    if not operands:
        return missing_operand("touch", io, "file operand")

    def create(operand: str) -> None:
        path = ctx.path(operand)
        if not ctx.fs.exists(path) and "c" not in flags:  # no timestamps are simulated
            ctx.fs.write(path, b"")

    return _each_operand(operands, io, create, "touch: cannot touch '{operand}': {reason}")


def _each_operand(
    operands: list[str], io: Io, action: Callable[[str], None], complaint: str
) -> int:
    """Apply ``action`` to each operand in turn; when the disk refuses one, print
    ``complaint`` (a template with ``{operand}`` and ``{reason}``) and carry on, status 1."""
    status = 0
    for operand in operands:
        try:
            action(operand)
        except FsError as exc:
            io.err.write(complaint.format(operand=operand, reason=exc.reason) + "\n")
            status = 1
    return status


@command("rm")
def rm(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    long = {"recursive": "r", "force": "f", "dir": "d", "verbose": "v"}
    flags, operands = options(argv, "rRfdv", long)
    recursive, force = bool(flags & {"r", "R"}), "f" in flags
    if not operands:
        return 0 if force else missing_operand("rm", io)
    status = 0
    for operand in operands:
        path = ctx.path(operand)
        if posixpath.basename(operand.rstrip("/")) in (".", ".."):
            io.err.write(f"rm: refusing to remove '.' or '..' directory: skipping '{operand}'\n")
            status = 1
            continue
        if path == "/" and recursive:
            io.err.write(
                "rm: it is dangerous to operate recursively on '/'\n"
                "rm: use --no-preserve-root to override this failsafe\n"
            )
            status = 1
            continue
        if not ctx.fs.exists(path):
            if not force:
                io.err.write(f"rm: cannot remove '{operand}': {NO_SUCH_FILE}\n")
                status = 1
            continue
        if ctx.fs.is_dir(path) and not recursive:
            if "d" not in flags:
                reason = IS_A_DIRECTORY
            elif ctx.fs.listdir(path):
                reason = DIRECTORY_NOT_EMPTY
            else:
                reason = ""
            if reason:
                io.err.write(f"rm: cannot remove '{operand}': {reason}\n")
                status = 1
                continue
        ctx.fs.remove(path, recursive=True)
        if "v" in flags:
            io.out.write(f"removed '{operand}'\n")
    return status


@command("rmdir")
def rmdir(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    _, operands = options(argv, "pv")
    if not operands:
        return missing_operand("rmdir", io)

    def remove(operand: str) -> None:
        path = ctx.path(operand)
        if ctx.fs.is_file(path):
            raise FsError(path, NOT_A_DIRECTORY)
        ctx.fs.remove(path)

    return _each_operand(operands, io, remove, "rmdir: failed to remove '{operand}': {reason}")


@command("mkdir")
def mkdir(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    args = argv[1:]
    if "-m" in args:  # the mode has no meaning here, but must not become a directory
        index = args.index("-m")
        del args[index : index + 2]
    flags, operands = options(["mkdir", *args], "pv", {"parents": "p", "verbose": "v"})
    if not operands:
        return missing_operand("mkdir", io)

    def create(operand: str) -> None:
        ctx.fs.mkdir(ctx.path(operand), parents="p" in flags)

    complaint = "mkdir: cannot create directory '{operand}': {reason}"
    return _each_operand(operands, io, create, complaint)


@command("ls")
def ls(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    flags, operands = options(argv, "aAl1dhrtF", {"all": "a", "almost-all": "A"})
    status = 0
    files: list[str] = []
    dirs: list[str] = []
    for operand in operands or ["."]:
        path = ctx.path(operand)
        if not ctx.fs.exists(path):
            io.err.write(f"ls: cannot access '{operand}': {NO_SUCH_FILE}\n")
            status = 2
        elif ctx.fs.is_dir(path) and "d" not in flags:
            dirs.append(operand)
        else:
            files.append(operand)
    blocks: list[str] = []
    if files:
        entries = [(name, ctx.path(name)) for name in sorted(files, reverse="r" in flags)]
        blocks.append(_ls_entries(ctx.fs, entries, flags, total=False))
    for operand in sorted(dirs, reverse="r" in flags):
        base = ctx.path(operand)
        names = ctx.fs.listdir(base)
        if not flags & {"a", "A"}:
            names = [n for n in names if not n.startswith(".")]
        if "a" in flags:
            names = [".", "..", *names]
        if "r" in flags:
            names.reverse()
        entries = [(n, FileSystem.resolve(n, base)) for n in names]
        listing = _ls_entries(ctx.fs, entries, flags, total=True)
        if len(files) + len(dirs) > 1:
            listing = f"{operand}:\n{listing}"
        blocks.append(listing)
    io.out.write("\n".join(blocks))
    return status


def _ls_entries(
    fs: FileSystem, entries: list[tuple[str, str]], flags: set[str], *, total: bool
) -> str:
    def shown(name: str, path: str) -> str:
        return name + "/" if "F" in flags and fs.is_dir(path) else name

    if "l" not in flags:
        return "".join(shown(name, path) + "\n" for name, path in entries)
    rows = []
    blocks = 0
    for name, path in entries:
        size = fs.stat_size(path)
        blocks += 4 * -(-size // 4096)
        if fs.is_dir(path):
            subdirs = sum(fs.is_dir(f"{path}/{c}") for c in fs.listdir(path))
            rows.append(("drwxr-xr-x", str(2 + subdirs), size, shown(name, path)))
        else:
            rows.append(("-rw-r--r--", "1", size, name))
    sizes = [human_size(size) if "h" in flags else str(size) for *_, size, _ in rows]
    link_width = max((len(links) for _, links, _, _ in rows), default=1)
    size_width = max((len(s) for s in sizes), default=1)
    lines = [f"total {blocks}\n"] if total else []
    for (mode, links, _, name), size_text in zip(rows, sizes, strict=True):
        lines.append(
            f"{mode} {links:>{link_width}} {USER} {USER} "
            f"{size_text:>{size_width}} Jan  1 00:00 {name}\n"
        )
    return "".join(lines)


def human_size(size: int) -> str:
    """``ls -h`` and ``du -h`` sizes; they round up, so 4097 bytes read 4.1K, not 4.0K."""
    if size < 1024:
        return str(size)
    value = float(size)
    for unit in "KMGT":
        value /= 1024
        if value < 10:
            return f"{math.ceil(value * 10) / 10:.1f}{unit}"
        if value < 1024:
            return f"{math.ceil(value)}{unit}"
    return f"{math.ceil(value)}P"


@command("cp")
def cp(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    long = {"recursive": "r", "force": "f", "archive": "a", "verbose": "v"}
    flags, operands = options(argv, "rRafpv", long)
    return _copy_or_move(ctx, "cp", operands, io, recursive=bool(flags & {"r", "R", "a"}))


@command("mv")
def mv(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    _, operands = options(argv, "fv", {"force": "f", "verbose": "v"})
    return _copy_or_move(ctx, "mv", operands, io, recursive=True)


def _copy_or_move(ctx: Context, name: str, operands: list[str], io: Io, *, recursive: bool) -> int:
    if not operands:
        return missing_operand(name, io, "file operand")
    if len(operands) == 1:
        io.err.write(
            f"{name}: missing destination file operand after '{operands[0]}'\n"
            f"Try '{name} --help' for more information.\n"
        )
        return 1
    *sources, destination = operands
    dest_path = ctx.path(destination)
    if len(sources) > 1 and not ctx.fs.is_dir(dest_path):
        io.err.write(f"{name}: target '{destination}' is not a directory\n")
        return 1
    status = 0
    for source in sources:
        src_path = ctx.path(source)
        if not ctx.fs.exists(src_path):
            io.err.write(f"{name}: cannot stat '{source}': {NO_SUCH_FILE}\n")
            status = 1
            continue
        if name == "cp" and ctx.fs.is_dir(src_path) and not recursive:
            io.err.write(f"cp: -r not specified; omitting directory '{source}'\n")
            status = 1
            continue
        target = dest_path
        if ctx.fs.is_dir(dest_path):
            target = FileSystem.resolve(posixpath.basename(src_path), dest_path)
        if target == src_path:
            io.err.write(f"{name}: '{source}' and '{destination}' are the same file\n")
            status = 1
            continue
        try:
            if name == "cp":
                ctx.fs.copy(src_path, dest_path, recursive=recursive)
            else:
                ctx.fs.move(src_path, dest_path)
        except FsError as exc:
            io.err.write(_copy_error(name, source, destination, exc) + "\n")
            status = 1
    return status


def _copy_error(name: str, source: str, destination: str, exc: FsError) -> str:
    if exc.reason == INVALID_ARGUMENT:
        if name == "cp":
            return f"cp: cannot copy a directory, '{source}', into itself, '{destination}'"
        return f"mv: cannot move '{source}' to a subdirectory of itself, '{destination}'"
    if exc.reason == IS_A_DIRECTORY:
        return f"{name}: cannot overwrite directory '{exc.path}' with non-directory"
    if exc.reason == NOT_A_DIRECTORY and name == "cp":
        return f"cp: cannot overwrite non-directory '{exc.path}' with directory '{source}'"
    if name == "cp":
        return f"cp: cannot create regular file '{destination}': {exc.reason}"
    return f"mv: cannot move '{source}' to '{destination}': {exc.reason}"


@command("basename")
def basename(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    if len(argv) < 2:
        io.err.write("basename: missing operand\n")
        return 1
    base = posixpath.basename(argv[1].rstrip("/")) or "/"
    if len(argv) > 2 and base.endswith(argv[2]) and base != argv[2]:
        base = base[: -len(argv[2])]
    io.out.write(base + "\n")
    return 0


@command("dirname")
def dirname(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    if len(argv) < 2:
        io.err.write("dirname: missing operand\n")
        return 1
    for name in argv[1:]:
        stripped = name.rstrip("/") or "/"
        parent = posixpath.dirname(stripped).rstrip("/")
        io.out.write((parent or ("/" if stripped.startswith("/") else ".")) + "\n")
    return 0
