"""What a simulated Python program can reach by name: builtins and an allowlisted stdlib.

:class:`Host` is the world of one run: the simulated disk, a working directory,
the environment, a clock and the output collected so far. :func:`make_builtins`
and :func:`make_modules` bind ``print``, ``open``, ``os``, ``os.path``, ``json``,
``math``, ``re``, ``time`` and ``sys`` to it, so a program's file changes go
through the :class:`~fake_server.desktop.filesystem.FileSystem` like the shell's.
Also here: the guards that keep one expression from eating the host's memory,
and a ``str.format`` that cannot reach attributes.
"""

from __future__ import annotations

import ast
import contextlib
import json
import math
import posixpath
import string
from collections.abc import Callable, Iterator
from typing import Any, Final

from fake_server.desktop.filesystem import HOME, FileSystem, FsError
from fake_server.desktop.python_eval import regex
from fake_server.desktop.python_eval.memory import DEFAULT_MAX_BYTES, check_format_widths
from fake_server.desktop.python_eval.values import _Module, _SimFile, _Stream

#: Largest sequence a single ``*`` may build, and largest int ``**``/``<<`` may build (bits).
MAX_SEQUENCE: Final = 10_000_000
MAX_INT_BITS: Final = 1_000_000

# fmt: off
_EXCEPTIONS: Final[dict[str, type[BaseException]]] = {
    cls.__name__: cls
    for cls in (
        BaseException, Exception, ArithmeticError, AssertionError, AttributeError, EOFError,
        FileExistsError, FileNotFoundError, ImportError, IndexError, IsADirectoryError,
        KeyError, LookupError, MemoryError, ModuleNotFoundError, NameError,
        NotADirectoryError, NotImplementedError, OSError, OverflowError, PermissionError,
        RecursionError, RuntimeError, StopIteration, SystemExit, TimeoutError, TypeError,
        UnboundLocalError, UnicodeDecodeError, UnicodeEncodeError, ValueError,
        ZeroDivisionError,
    )
}
#: Builtins that drain an iterable in C; lazy arguments handed to them are metered.
CONSUMERS: Final[tuple[Any, ...]] = (
    list, tuple, set, frozenset, sorted, sum, min, max, any, all, dict, map, filter, zip,
    enumerate,
)
_PLAIN_BUILTINS: Final[tuple[Any, ...]] = (
    len, range, str, int, float, bool, bytes, bytearray, complex, abs, round, reversed, repr,
    isinstance, chr, ord, hex, oct, bin, divmod, format, iter, next, callable, ascii, hash,
    slice,
)
# fmt: on
#: Everything whose call may consume a metered iterable, ``math.prod`` and ``math.fsum`` included.
ALL_CONSUMERS: Final = (*CONSUMERS, math.prod, math.fsum)


def _check_format_string(fmt: str) -> None:
    """Refuse ``"{0.__class__}"``-style fields, the one way ``str.format`` reaches attributes."""
    for _, field, _, _ in string.Formatter().parse(fmt):
        if field and ("." in field or "[" in field):
            raise NotImplementedError(
                "the simulated Python does not support attribute or index lookups in format fields"
            )


def safe_format(fmt: str, /, *args: Any, **kwargs: Any) -> str:
    _check_format_string(fmt)
    check_format_widths(fmt, DEFAULT_MAX_BYTES)
    return fmt.format(*args, **kwargs)


def safe_format_map(fmt: str, mapping: Any, /) -> str:
    _check_format_string(fmt)
    check_format_widths(fmt, DEFAULT_MAX_BYTES)
    return fmt.format_map(mapping)


def guard_binop(op: type[ast.operator], left: Any, right: Any) -> None:
    """Stop a single expression from eating the host's memory; Python would just try."""
    if op is ast.Mult:
        for seq, count in ((left, right), (right, left)):
            if (
                isinstance(seq, str | bytes | list | tuple)
                and isinstance(count, int)
                and len(seq) * count > MAX_SEQUENCE
            ):
                raise MemoryError("result too large for the simulated Python")
    elif op is ast.Pow and isinstance(left, int) and isinstance(right, int):
        if abs(left) > 1 and right > 0 and right * left.bit_length() > MAX_INT_BITS:
            raise MemoryError("result too large for the simulated Python")
    elif op is ast.LShift and isinstance(right, int) and right > MAX_INT_BITS:
        raise MemoryError("result too large for the simulated Python")


def _pow(base: Any, exp: Any, mod: Any = None) -> Any:
    if mod is None:
        guard_binop(ast.Pow, base, exp)
        return base**exp
    return pow(base, exp, mod)


class Host:
    """The world one run sees: disk, working directory, environment, clock, output."""

    def __init__(
        self,
        fs: FileSystem,
        *,
        cwd: str,
        env: dict[str, str],
        sleep: Callable[[float], None] | None,
    ) -> None:
        self.fs = fs
        self.cwd = cwd
        self.env = env
        self.sleep = sleep
        self.stdout: list[str] = []
        self.files: list[_SimFile] = []
        self.deadline: float | None = None  # ``time.monotonic()`` when the run is cut off

    @property
    def output(self) -> str:
        return "".join(self.stdout)

    def path(self, path: Any) -> str:
        if not isinstance(path, str):
            raise TypeError(f"expected str, bytes or os.PathLike object, not {type(path).__name__}")
        return FileSystem.resolve(path, self.cwd)

    def close_files(self) -> None:
        """Finish files the program left open, as CPython does when it exits."""
        for file in self.files:
            # A directory that vanished meanwhile loses the file, as it would in CPython.
            with contextlib.suppress(FsError):
                file.close()

    def print(
        self,
        *args: Any,
        sep: str | None = " ",
        end: str | None = "\n",
        file: Any = None,
        flush: bool = False,
    ) -> None:
        text = (" " if sep is None else sep).join(str(arg) for arg in args)
        text += "\n" if end is None else end
        if isinstance(file, _Stream | _SimFile):
            file.write(text)
        elif file is not None:
            raise AttributeError(f"'{type(file).__name__}' object has no attribute 'write'")
        else:
            self.stdout.append(text)

    def open(
        self,
        file: Any,
        mode: str = "r",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> _SimFile:
        handle = _SimFile(self.fs, self.path(file), file, mode)
        self.files.append(handle)
        return handle

    def input(self, prompt: Any = "") -> str:
        self.stdout.append(str(prompt))
        raise EOFError("EOF when reading a line")


def make_builtins(host: Host) -> dict[str, Any]:
    """The names a program finds without importing anything."""
    return {
        **_EXCEPTIONS,
        **{fn.__name__: fn for fn in CONSUMERS},
        **{fn.__name__: fn for fn in _PLAIN_BUILTINS},
        "print": host.print,
        "open": host.open,
        "input": host.input,
        "pow": _pow,
    }


def make_modules(host: Host) -> dict[str, _Module]:
    """The importable modules, by the names ``import`` accepts."""
    os_path = _Module("posixpath", _os_path_attrs(host))
    std = _Stream(host.stdout)

    def sleep(seconds: float) -> None:
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        if host.sleep is not None:
            host.sleep(float(seconds))

    def sys_exit(code: Any = None) -> None:
        raise SystemExit(code)

    # fmt: off
    return {
        "os": _Module("os", {"path": os_path, **_os_attrs(host)}),
        "os.path": os_path,
        "posixpath": os_path,
        "json": _Module("json", {
            "dumps": json.dumps, "loads": json.loads,
            "dump": lambda obj, fp, **kw: fp.write(json.dumps(obj, **kw)),
            "load": lambda fp, **kw: json.loads(fp.read(), **kw),
            "JSONDecodeError": json.JSONDecodeError,
        }),
        "math": _Module("math", {
            name: getattr(math, name) for name in dir(math) if not name.startswith("_")
        }),
        "re": _Module("re", regex.module_attrs(lambda: host.deadline)),
        "time": _Module("time", {"sleep": sleep}),
        "sys": _Module("sys", {
            "stdout": std, "stderr": std, "argv": ["-c"], "platform": "linux",
            "exit": sys_exit,
        }),
    }
    # fmt: on


def _guarded(action: Callable[..., Any]) -> Callable[..., Any]:
    """Report disk failures as the OSError subclass ``os`` would raise."""

    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return action(*args, **kwargs)
        except FsError as exc:
            filename = args[0] if args and isinstance(args[0], str) else None
            raise exc.to_os_error(filename) from None

    return run


def _os_path_attrs(host: Host) -> dict[str, Any]:
    fs = host.fs

    def getsize(path: str) -> int:
        return fs.stat_size(host.path(path))

    def expanduser(path: str) -> str:
        return HOME + path[1:] if path == "~" or path.startswith("~/") else path

    # fmt: off
    return {
        "exists": lambda p: fs.exists(host.path(p)),
        "isfile": lambda p: fs.is_file(host.path(p)),
        "isdir": lambda p: fs.is_dir(host.path(p)),
        "getsize": _guarded(getsize),
        "abspath": host.path,
        "expanduser": expanduser,
        "join": posixpath.join, "basename": posixpath.basename,
        "dirname": posixpath.dirname, "split": posixpath.split,
        "splitext": posixpath.splitext, "normpath": posixpath.normpath,
        "isabs": posixpath.isabs, "sep": "/",
    }
    # fmt: on


def _os_attrs(host: Host) -> dict[str, Any]:
    """``os`` without ``os.path``: the directory and environment functions."""
    fs = host.fs

    def listdir(path: str = ".") -> list[str]:
        return fs.listdir(host.path(path))

    def makedirs(path: str, mode: int = 0o777, exist_ok: bool = False) -> None:
        target = host.path(path)
        if fs.exists(target) and not exist_ok:
            raise FsError(target, "File exists")
        fs.mkdir(target, parents=True, exist_ok=True)

    def mkdir(path: str, mode: int = 0o777) -> None:
        fs.mkdir(host.path(path))

    def remove(path: str) -> None:
        target = host.path(path)
        if fs.is_dir(target):
            raise FsError(target, "Is a directory")
        fs.remove(target)

    def rmdir(path: str) -> None:
        target = host.path(path)
        if fs.is_file(target):
            raise FsError(target, "Not a directory")
        fs.remove(target)

    def rename(src: str, dst: str) -> None:
        source, target = host.path(src), host.path(dst)
        if not fs.exists(source):
            raise FsError(source, "No such file or directory")
        if fs.is_dir(target) and source != target:
            if fs.is_file(source):
                raise FsError(target, "Is a directory")
            if fs.listdir(target):
                raise FsError(target, "Directory not empty")
            fs.remove(target)
        fs.move(source, target)

    def chdir(path: str) -> None:
        target = host.path(path)
        if not fs.is_dir(target):
            reason = "Not a directory" if fs.is_file(target) else "No such file or directory"
            raise FsError(target, reason)
        host.cwd = target

    def walk(top: str) -> Iterator[tuple[str, list[str], list[str]]]:
        root = host.path(top)
        if not fs.is_dir(root):
            return
        names = fs.listdir(root)
        dirs = [n for n in names if fs.is_dir(posixpath.join(root, n))]
        files = [n for n in names if n not in dirs]
        yield top, dirs, files
        for name in dirs:
            yield from walk(posixpath.join(top, name))

    # fmt: off
    return {
        "sep": "/", "linesep": "\n", "name": "posix",
        "environ": dict(host.env),
        "getenv": lambda key, default=None: host.env.get(key, default),
        "getcwd": lambda: host.cwd,
        "listdir": _guarded(listdir), "makedirs": _guarded(makedirs),
        "mkdir": _guarded(mkdir), "remove": _guarded(remove), "unlink": _guarded(remove),
        "rmdir": _guarded(rmdir), "rename": _guarded(rename), "replace": _guarded(rename),
        "chdir": _guarded(chdir), "walk": walk,
    }
    # fmt: on
