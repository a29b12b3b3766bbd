"""Objects the simulated Python creates for a program: modules, streams, files, functions,
and the scopes names live in.

Plain values (ints, strings, lists, ...) are real Python objects; these classes
stand in for the things that must not be real: a module exposes only its
allowlisted attributes, a file reads and writes the simulated
:class:`~fake_server.desktop.filesystem.FileSystem`, a function runs its body
through the interpreter. The classes a program can hold keep their
leading-underscore names because those names show in the program's error
messages (``'_SimFile' object has no attribute 'x'``).
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Iterable, Iterator
from typing import Any, Final, Protocol

from fake_server.desktop.filesystem import FileSystem, FsError


class _Module:
    """A stand-in module exposing only the attributes listed for it."""

    def __init__(self, name: str, attrs: dict[str, Any]) -> None:
        self._name = name
        self._attrs = attrs

    def _get(self, name: str) -> Any:
        try:
            return self._attrs[name]
        except KeyError:
            raise AttributeError(f"module '{self._name}' has no attribute '{name}'") from None

    def _names(self) -> list[str]:
        return list(self._attrs)

    def __repr__(self) -> str:
        return f"<module '{self._name}'>"


class _Stream:
    """``sys.stdout``/``sys.stderr``: both land in the run's output, as the endpoint merges them."""

    PUBLIC: Final = frozenset({"write", "flush"})

    def __init__(self, sink: list[str]) -> None:
        self._sink = sink

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._sink.append(text)
        return len(text)

    def flush(self) -> None:
        return None


class _SimFile:
    """A file object over the simulated disk.

    Writes go straight to the FileSystem (so listeners fire as the program
    runs), but truncation waits for the first write: ``open(p, "w").write(x)``
    then produces one "created" event rather than "created" + "modified".
    """

    # fmt: off
    PUBLIC: Final = frozenset(
        {"read", "readline", "readlines", "write", "writelines", "close", "flush", "closed",
         "name", "mode"}
    )
    # fmt: on

    def __init__(self, fs: FileSystem, path: str, name: str, mode: str) -> None:
        kinds = set(mode) - {"b", "t"}
        if len(kinds) != 1 or not kinds <= {"r", "w", "a", "x"} or ("b" in mode and "t" in mode):
            raise ValueError(f"invalid mode: '{mode}'")
        self._fs = fs
        self._path = path
        self.name = name
        self.mode = mode
        self._binary = "b" in mode
        self._kind = kinds.pop()
        self._data = b""
        self._pos = 0
        self._pending_truncate = False
        self.closed = False
        try:
            if self._kind == "r":
                self._data = fs.read(path)
                return
            if fs.is_dir(path):
                raise FsError(path, "Is a directory")
            if self._kind == "x" and fs.exists(path):
                raise FsError(path, "File exists")
            parent = posixpath.dirname(path)
            if not fs.is_dir(parent):
                reason = "Not a directory" if fs.is_file(parent) else "No such file or directory"
                raise FsError(path, reason)
        except FsError as exc:
            raise exc.to_os_error(name) from None
        self._pending_truncate = self._kind in ("w", "x")

    def _check_readable(self) -> None:
        self._check_open()
        if self._kind != "r":
            raise OSError("not readable")

    def _check_open(self) -> None:
        if self.closed:
            raise ValueError("I/O operation on closed file.")

    def _out(self, data: bytes) -> Any:
        return data if self._binary else data.decode("utf-8")

    def read(self, size: int = -1) -> Any:
        self._check_readable()
        end = len(self._data) if size is None or size < 0 else self._pos + size
        chunk = self._data[self._pos : end]
        self._pos += len(chunk)
        return self._out(chunk)

    def readline(self) -> Any:
        self._check_readable()
        newline = self._data.find(b"\n", self._pos)
        end = len(self._data) if newline < 0 else newline + 1
        chunk = self._data[self._pos : end]
        self._pos = end
        return self._out(chunk)

    def readlines(self) -> list[Any]:
        return list(self)

    def __iter__(self) -> Iterator[Any]:
        while True:
            line = self.readline()
            if not line:
                return
            yield line

    def write(self, text: Any) -> int:
        self._check_open()
        if self._kind == "r":
            raise OSError("not writable")
        if self._binary:
            if not isinstance(text, bytes | bytearray):
                raise TypeError(f"a bytes-like object is required, not '{type(text).__name__}'")
            data = bytes(text)
        else:
            if not isinstance(text, str):
                raise TypeError(f"write() argument must be str, not {type(text).__name__}")
            data = text.encode("utf-8")
        try:
            self._fs.write(self._path, data, append=not self._pending_truncate)
        except FsError as exc:  # a full disk: OSError(ENOSPC), as CPython raises
            raise exc.to_os_error(self.name) from None
        self._pending_truncate = False
        return len(text)

    def writelines(self, lines: Iterable[Any]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._check_open()

    def close(self) -> None:
        if not self.closed and self._pending_truncate:
            self._fs.write(self._path, b"")
            self._pending_truncate = False
        self.closed = True

    def __repr__(self) -> str:
        return f"<_io.TextIOWrapper name='{self.name}' mode='{self.mode}' encoding='UTF-8'>"


class Scope:
    """One namespace in the chain function -> enclosing functions -> module."""

    def __init__(self, parent: Scope | None) -> None:
        self.vars: dict[str, Any] = {}
        self.parent = parent
        self.global_names: set[str] = set()
        self.nonlocal_names: set[str] = set()

    @property
    def root(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope

    def owner(self, name: str) -> Scope:
        """The scope an assignment to ``name`` writes into."""
        if name in self.global_names:
            return self.root
        if name in self.nonlocal_names:
            scope = self.parent
            while scope is not None and scope.parent is not None:
                if name in scope.vars:
                    return scope
                scope = scope.parent
            raise SyntaxError(f"no binding for nonlocal '{name}' found")
        return self


class Invoker(Protocol):
    """The interpreter, as far as a function value needs it."""

    def invoke(self, func: _Function, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any: ...


class _Function:
    """A ``def`` or ``lambda``; callable from builtins too (``sorted(key=f)``)."""

    def __init__(
        self,
        interp: Invoker,
        name: str,
        args: ast.arguments,
        body: list[ast.stmt] | ast.expr,
        scope: Scope,
        defaults: list[Any],
        kw_defaults: dict[str, Any],
    ) -> None:
        self._interp = interp
        self._name = name
        self._args = args
        self._body = body
        self._scope = scope
        self._defaults = defaults
        self._kw_defaults = kw_defaults

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._interp.invoke(self, args, kwargs)

    def __repr__(self) -> str:
        return f"<function {self._name}>"


def bind_arguments(
    func: _Function, args: tuple[Any, ...], kwargs: dict[str, Any], local: Scope
) -> None:
    """Bind a call's arguments into ``local`` as CPython would, with its error messages."""
    spec = func._args
    positional = [a.arg for a in spec.posonlyargs + spec.args]
    name = func._name
    if len(args) > len(positional) and spec.vararg is None:
        raise TypeError(
            f"{name}() takes {len(positional)} positional argument"
            f"{'' if len(positional) == 1 else 's'} but {len(args)} were given"
        )
    bound = local.vars
    for param, value in zip(positional, args, strict=False):
        bound[param] = value
    if spec.vararg is not None:
        bound[spec.vararg.arg] = tuple(args[len(positional) :])
    extra: dict[str, Any] = {}
    allowed = set(positional[len(spec.posonlyargs) :]) | {a.arg for a in spec.kwonlyargs}
    for key, value in kwargs.items():
        if key in allowed:
            if key in bound:
                raise TypeError(f"{name}() got multiple values for argument '{key}'")
            bound[key] = value
        elif spec.kwarg is not None:
            extra[key] = value
        else:
            raise TypeError(f"{name}() got an unexpected keyword argument '{key}'")
    first_default = len(positional) - len(func._defaults)
    for index, param in enumerate(positional):
        if param not in bound:
            if index >= first_default:
                bound[param] = func._defaults[index - first_default]
            else:
                raise TypeError(f"{name}() missing 1 required positional argument: '{param}'")
    for arg in spec.kwonlyargs:
        if arg.arg not in bound:
            if arg.arg not in func._kw_defaults:
                raise TypeError(f"{name}() missing 1 required keyword-only argument: '{arg.arg}'")
            bound[arg.arg] = func._kw_defaults[arg.arg]
    if spec.kwarg is not None:
        bound[spec.kwarg.arg] = extra
