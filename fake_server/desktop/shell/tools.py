"""Everyday tools of the simulated shell: ``base64``, ``sha256sum``, ``tee``, ``xargs``,
``find``, ``date`` and ``tar``.

Each works on the simulated disk with GNU's output and wording for the options
it accepts (unknown options fail rather than being ignored). ``date`` reads
the fake's clock, so its answers move with ``advance()`` and ``sleep``.
``tar`` writes real archives (Python's :mod:`tarfile`), so an archive made on
the simulated desktop opens on the host and the other way round.
"""

from __future__ import annotations

import base64 as b64
import binascii
import datetime as dt
import fnmatch
import hashlib
import io as pyio
import math
import posixpath
import shlex
import tarfile

from fake_server.desktop.filesystem import FsError
from fake_server.desktop.shell.dates import parse_date
from fake_server.desktop.shell.runtime import (
    Builtin,
    Context,
    Io,
    UsageError,
    decode,
    options,
    registrar,
)

COMMANDS: dict[str, Builtin] = {}
command = registrar(COMMANDS)


def _input(ctx: Context, name: str, operand: str | None, io: Io) -> bytes | None:
    """The bytes of ``operand`` (stdin for None or ``-``), None after reporting a failure."""
    if operand in (None, "-"):
        return io.stdin.encode()
    try:
        return ctx.fs.read(ctx.path(operand))
    except FsError as exc:
        io.err.write(f"{name}: {operand}: {exc.reason}\n")
        return None


@command("base64")
def base64(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    args = argv[1:]
    decode_, wrap = False, 76
    operands: list[str] = []
    while args:
        arg = args.pop(0)
        if arg in ("-d", "--decode"):
            decode_ = True
        elif arg in ("-i", "--ignore-garbage"):
            continue
        elif arg.startswith("-w") or arg.startswith("--wrap"):
            value = arg[2:] if arg.startswith("-w") else arg.partition("=")[2]
            if not value:
                value = args.pop(0) if args else ""
            if not value.isdigit():
                io.err.write(f"base64: invalid wrap size: '{value}'\n")
                return 1
            wrap = int(value)
        elif arg.startswith("-") and arg != "-":
            raise UsageError(
                f"base64: invalid option -- '{arg[1:2]}'\n"
                "Try 'base64 --help' for more information.",
                1,
            )
        else:
            operands.append(arg)
    if len(operands) > 1:
        io.err.write(f"base64: extra operand '{operands[1]}'\n")
        return 1
    data = _input(ctx, "base64", operands[0] if operands else None, io)
    if data is None:
        return 1
    if decode_:
        text = b"".join(data.split())
        try:
            decoded = b64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
        except (binascii.Error, ValueError):
            io.err.write("base64: invalid input\n")
            return 1
        io.out.write(decode(decoded))
        return 0
    encoded = b64.b64encode(data).decode()
    if wrap:
        lines = [encoded[i : i + wrap] for i in range(0, len(encoded), wrap)]
        io.out.write("".join(line + "\n" for line in lines))
    else:
        io.out.write(encoded)
    return 0


@command("sha256sum", "md5sum", "sha1sum")
def checksum(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    name = argv[0]
    _, operands = options(argv, "bt")
    algorithm = {"sha256sum": "sha256", "md5sum": "md5", "sha1sum": "sha1"}[name]
    status = 0
    for operand in operands or ["-"]:
        data = _input(ctx, name, operand, io)
        if data is None:
            status = 1
            continue
        io.out.write(f"{hashlib.new(algorithm, data).hexdigest()}  {operand}\n")
    return status


@command("tee")
def tee(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    flags, operands = options(argv, "ai", {"append": "a"})
    io.out.write(io.stdin)
    status = 0
    for operand in operands:
        if operand == "/dev/null":
            continue
        try:
            ctx.fs.write(ctx.path(operand), io.stdin.encode(), append="a" in flags)
        except FsError as exc:
            io.err.write(f"tee: {operand}: {exc.reason}\n")
            status = 1
    return status


@command("xargs")
def xargs(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    """``xargs [-n N] [-I R] [-0] [-r] [cmd args]``: stdin's items as arguments."""
    args = argv[1:]
    per_call: int | None = None
    replace: str | None = None
    nul = False
    while args and args[0].startswith("-") and len(args[0]) > 1:
        arg = args.pop(0)
        if arg == "-n" and args:
            per_call = int(args.pop(0)) if args[0].isdigit() else None
        elif arg.startswith("-n") and arg[2:].isdigit():
            per_call = int(arg[2:])
        elif arg == "-I" and args:
            replace = args.pop(0)
        elif arg.startswith("-I") and len(arg) > 2:
            replace = arg[2:]
        elif arg in ("-0", "--null"):
            nul = True
        elif arg in ("-r", "--no-run-if-empty"):
            continue
        else:
            raise UsageError(
                f"xargs: invalid option -- '{arg[1:2]}'\nTry 'xargs --help' for more information.",
                1,
            )
    program = args or ["echo"]
    if replace is not None:
        items = [line for line in io.stdin.split("\n") if line.strip()]
    elif nul:
        items = [item for item in io.stdin.split("\0") if item]
    else:
        try:
            items = shlex.split(io.stdin)
        except ValueError:
            io.err.write("xargs: unmatched quote; by default quotes are special to xargs\n")
            return 1
    if not items:
        return 0 if args else ctx.execute(program, Io("", io.out, io.err), {})
    if replace is not None:
        calls = [[a.replace(replace, item) for a in program] for item in items]
    else:
        size = per_call or len(items)
        calls = [program + items[i : i + size] for i in range(0, len(items), size)]
    status = 0
    for call in calls:
        ctx.check_deadline()
        result = ctx.execute(call, Io("", io.out, io.err), {})
        if result == 127:
            return 127
        if result != 0:
            status = 123
    return status


@command("find")
def find(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    """``find [path...] [-name P] [-iname P] [-type f|d] [-maxdepth N] [-mindepth N] [-print]``."""
    args = argv[1:]
    roots: list[str] = []
    while args and not args[0].startswith("-"):
        roots.append(args.pop(0))
    tests: list[tuple[str, str]] = []
    while args:
        arg = args.pop(0)
        if arg == "-print":
            continue
        if arg not in ("-name", "-iname", "-type", "-maxdepth", "-mindepth", "-path"):
            io.err.write(f"find: unknown predicate `{arg}'\n")
            return 1
        if not args:
            io.err.write(f"find: missing argument to `{arg}'\n")
            return 1
        value = args.pop(0)
        if arg in ("-maxdepth", "-mindepth") and not value.isdigit():
            io.err.write(  # GNU's words, with the C locale's quotes
                f"find: Expected a positive decimal integer argument to {arg}, but got '{value}'\n"
            )
            return 1
        if arg == "-type" and value not in ("f", "d"):
            io.err.write(f"find: Unknown argument to -type: {value}\n")
            return 1
        tests.append((arg, value))
    status = 0
    for root in roots or ["."]:
        base = ctx.path(root)
        if not ctx.fs.exists(base):
            io.err.write(f"find: '{root}': No such file or directory\n")
            status = 1
            continue
        for shown, path, depth in _walk(ctx, root, base, 0):
            ctx.check_deadline()
            if _find_matches(ctx, tests, shown, path, depth):
                io.out.write(shown + "\n")
    return status


def _walk(ctx: Context, shown: str, path: str, depth: int) -> list[tuple[str, str, int]]:
    found = [(shown, path, depth)]
    if ctx.fs.is_dir(path):
        for name in ctx.fs.listdir(path):
            child = posixpath.join(path, name)
            label = shown + name if shown.endswith("/") else f"{shown}/{name}"
            found.extend(_walk(ctx, label, child, depth + 1))
    return found


def _find_matches(
    ctx: Context, tests: list[tuple[str, str]], shown: str, path: str, depth: int
) -> bool:
    name = posixpath.basename(path.rstrip("/")) or "/"
    for test, value in tests:
        if test == "-name" and not fnmatch.fnmatchcase(name, value):
            return False
        if test == "-iname" and not fnmatch.fnmatchcase(name.lower(), value.lower()):
            return False
        if test == "-path" and not fnmatch.fnmatchcase(shown, value):
            return False
        if test == "-type" and (ctx.fs.is_dir(path) if value == "f" else not ctx.fs.is_dir(path)):
            return False
        if test == "-maxdepth" and depth > int(value):
            return False
        if test == "-mindepth" and depth < int(value):
            return False
    return True


@command("date")
def date(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    """``date [-u] [-d STRING] [-I[TIMESPEC]] [-R] [+FORMAT]`` on the fake's clock (UTC,
    the desktop's time zone); what ``-d`` reads is :func:`.dates.parse_date`."""
    fmt = "%a %b %e %H:%M:%S UTC %Y"
    moment = ctx.now()
    args = argv[1:]
    while args:
        arg = args.pop(0)
        if arg.startswith("+"):
            fmt = arg[1:]
        elif arg in ("-d", "--date") or arg.startswith(("--date=", "-d")):
            text = arg.split("=", 1)[1] if arg.startswith("--date=") else arg[2:]
            if arg in ("-d", "--date"):
                if not args:
                    io.err.write("date: option requires an argument -- 'd'\n" + DATE_HELP)
                    return 1
                text = args.pop(0)
            parsed = parse_date(text, ctx.now())
            if parsed is None:
                io.err.write(f"date: invalid date '{text}'\n")
                return 1
            moment = parsed
        elif arg in ("-R", "--rfc-email"):
            fmt = "%a, %d %b %Y %H:%M:%S +0000"
        elif arg.startswith(("-I", "--iso-8601")):
            spec = arg.split("=", 1)[1] if "=" in arg else arg[2:] if arg.startswith("-I") else ""
            if spec not in ISO_FORMATS:
                io.err.write(
                    f"date: invalid argument '{spec}' for '--iso-8601'\nValid arguments are:\n"
                    "  - 'hours'\n  - 'minutes'\n  - 'date'\n  - 'seconds'\n  - 'ns'\n" + DATE_HELP
                )
                return 1
            fmt = ISO_FORMATS[spec]
        elif arg not in ("-u", "--utc", "--universal"):
            raise UsageError(
                f"date: invalid option -- '{arg.lstrip('-')[:1]}'\n"
                "Try 'date --help' for more information.",
                1,
            )
    when = dt.datetime.fromtimestamp(moment, dt.UTC)
    text = fmt.replace("%s", str(math.floor(moment))).replace(
        "%N", f"{when.microsecond * 1000:09d}"
    )
    io.out.write(when.strftime(text) + "\n")
    return 0


DATE_HELP = "Try 'date --help' for more information.\n"
ISO_FORMATS = {
    "": "%Y-%m-%d", "date": "%Y-%m-%d", "hours": "%Y-%m-%dT%H+00:00",
    "minutes": "%Y-%m-%dT%H:%M+00:00", "seconds": "%Y-%m-%dT%H:%M:%S+00:00",
    "ns": "%Y-%m-%dT%H:%M:%S,%N+00:00",
}  # fmt: skip


@command("tar")
def tar(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    """``tar -c|-t|-x [-z] [-v] -f ARCHIVE [-C DIR] [FILE...]`` with real tar bytes."""
    args = argv[1:]
    if args and not args[0].startswith("-"):
        args[0] = "-" + args[0]  # ``tar czf x.tgz dir``
    mode, gzip, verbose = "", False, False
    archive: str | None = None
    directory = ctx.session.cwd
    members: list[str] = []
    while args:
        arg = args.pop(0)
        if arg.startswith("-C") and len(arg) > 2:
            directory = ctx.path(arg[2:])
        elif arg in ("-C", "--directory"):
            directory = ctx.path(args.pop(0)) if args else directory
        elif arg.startswith("-") and len(arg) > 1 and not arg.startswith("--"):
            for index, flag in enumerate(arg[1:]):
                if flag in "ctx":
                    mode = flag
                elif flag == "z":
                    gzip = True
                elif flag == "v":
                    verbose = True
                elif flag == "f":
                    rest = arg[index + 2 :]
                    archive = rest or (args.pop(0) if args else None)
                    break
                else:
                    io.err.write(f"tar: invalid option -- '{flag}'\n")
                    return 2
        else:
            members.append(arg)
    if not mode:
        io.err.write("tar: You must specify one of the '-Acdtrux' options\n")
        return 2
    if archive is None:
        io.err.write("tar: Refusing to read archive contents from terminal (missing -f option?)\n")
        return 2
    if mode == "c":
        return _tar_create(ctx, archive, directory, members, gzip, verbose, io)
    return _tar_read(ctx, archive, directory, mode, members, verbose, io)


def _tar_create(
    ctx: Context,
    archive: str,
    directory: str,
    members: list[str],
    gzip: bool,
    verbose: bool,
    io: Io,
) -> int:
    if not members:
        io.err.write("tar: Cowardly refusing to create an empty archive\n")
        return 2
    buffer = pyio.BytesIO()
    status = 0
    with tarfile.open(fileobj=buffer, mode="w:gz" if gzip else "w") as tar_out:
        for member in members:
            root = ctx.fs.resolve(member, directory)
            if not ctx.fs.exists(root):
                io.err.write(f"tar: {member}: Cannot stat: No such file or directory\n")
                status = 2
                continue
            for shown, path, _ in _walk(ctx, member, root, 0):
                info = tarfile.TarInfo(shown.lstrip("/"))
                info.mtime = int(ctx.now())
                if ctx.fs.is_dir(path):
                    info.type, info.mode = tarfile.DIRTYPE, 0o755
                    tar_out.addfile(info)
                else:
                    data = ctx.fs.read(path)
                    info.size, info.mode = len(data), 0o644
                    tar_out.addfile(info, pyio.BytesIO(data))
                if verbose:
                    io.out.write(shown.lstrip("/") + ("/" if ctx.fs.is_dir(path) else "") + "\n")
    try:
        ctx.fs.write(ctx.path(archive), buffer.getvalue())
    except FsError as exc:
        io.err.write(f"tar: {archive}: Cannot open: {exc.reason}\n")
        return 2
    return status


def _tar_read(
    ctx: Context,
    archive: str,
    directory: str,
    mode: str,
    members: list[str],
    verbose: bool,
    io: Io,
) -> int:
    try:
        data = ctx.fs.read(ctx.path(archive))
    except FsError as exc:
        io.err.write(f"tar: {archive}: Cannot open: {exc.reason}\n")
        return 2
    try:
        with tarfile.open(fileobj=pyio.BytesIO(data), mode="r:*") as tar_in:
            entries = tar_in.getmembers()
            for entry in entries:
                name = entry.name.rstrip("/")
                if members and not any(name == m or name.startswith(m + "/") for m in members):
                    continue
                if mode == "t" or verbose:
                    io.out.write(name + ("/" if entry.isdir() else "") + "\n")
                if mode == "x":
                    _extract(ctx, tar_in, entry, directory, io)
    except (tarfile.TarError, EOFError, OSError):
        io.err.write(
            "tar: This does not look like a tar archive\n"
            "tar: Exiting with failure status due to previous errors\n"
        )
        return 2
    return 0


def _extract(
    ctx: Context, tar_in: tarfile.TarFile, entry: tarfile.TarInfo, directory: str, io: Io
) -> None:
    target = ctx.fs.resolve(entry.name.lstrip("/"), directory)
    if entry.isdir():
        ctx.fs.mkdir(target, parents=True, exist_ok=True)
        return
    if not entry.isfile():
        return
    ctx.fs.mkdir(posixpath.dirname(target), parents=True, exist_ok=True)
    handle = tar_in.extractfile(entry)
    ctx.fs.write(target, handle.read() if handle is not None else b"")
