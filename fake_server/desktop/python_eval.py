"""A small Python for the fake ``exec`` endpoint, interpreted by walking the AST.

The fake must be deterministic and must never run the agent's code on the
machine running the tests, so nothing here calls ``eval``/``exec``: the program
is parsed with :mod:`ast` and each node is interpreted against an allowlist of
builtins, modules (``os``, ``os.path``, ``json``, ``math``, ``re``, ``time``,
``sys``) and methods of plain values. ``open`` and ``os`` work on the simulated
:class:`~fake_server.desktop.filesystem.FileSystem`, so file changes made from
Python are seen by the same listeners as changes made from the shell.

Errors surface as the exception Python itself would raise (NameError,
ZeroDivisionError, FileNotFoundError, ...). Constructs outside the subset
(classes, ``async``, generators with ``yield``, decorators, ...) raise
NotImplementedError naming the construct. A step budget and a wall-clock
deadline end runaway loops with ``timed_out=True``. This keeps honest programs
honest; it is not a security sandbox against hostile code.
"""

from __future__ import annotations

import ast
import contextlib
import json
import math
import operator
import posixpath
import re
import string
import time
import types
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final, cast

from fake_server.desktop.filesystem import HOME, FileSystem, FsError

DEFAULT_MAX_STEPS: Final = 1_000_000
MAX_CALL_DEPTH: Final = 100
#: Largest sequence a single ``*`` may build, and largest int ``**``/``<<`` may build (bits).
MAX_SEQUENCE: Final = 10_000_000
MAX_INT_BITS: Final = 1_000_000
TIMEOUT_MESSAGE: Final = "Execution timed out"


@dataclass(frozen=True)
class PythonResult:
    """What the ``exec`` endpoint reports: stdout so far, and how the run ended."""

    output: str
    success: bool
    error: str | None = None
    error_type: str | None = None
    timed_out: bool = False


class SimulatedPython:
    """Runs programs against one FileSystem; each :meth:`run` starts with fresh globals."""

    def __init__(
        self,
        fs: FileSystem,
        *,
        cwd: str = HOME,
        env: dict[str, str] | None = None,
        sleep: Callable[[float], None] | None = None,
        max_steps: int = DEFAULT_MAX_STEPS,
    ) -> None:
        self.fs = fs
        self.cwd = cwd
        self.env: dict[str, str] = dict(env) if env is not None else {"HOME": HOME, "USER": "user"}
        self.sleep = sleep
        self.max_steps = max_steps

    def run(self, code: str, *, timeout: float | None = None) -> PythonResult:
        return _Interpreter(self, timeout).run(code)


# -- control flow --------------------------------------------------------------


class _Signal(BaseException):
    """Interpreter control flow; a BaseException so user ``except`` never sees it."""


class _Break(_Signal):
    pass


class _Continue(_Signal):
    pass


class _Return(_Signal):
    def __init__(self, value: Any) -> None:
        super().__init__()
        self.value = value


class _TimedOut(_Signal):
    pass


# -- values the program can hold -----------------------------------------------


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

    PUBLIC: Final = frozenset(
        {"read", "readline", "readlines", "write", "writelines", "close", "flush", "closed",
         "name", "mode"}
    )

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

    def _check_open(self) -> None:
        if self.closed:
            raise ValueError("I/O operation on closed file.")

    def _out(self, data: bytes) -> Any:
        return data if self._binary else data.decode("utf-8")

    def read(self, size: int = -1) -> Any:
        self._check_open()
        if self._kind != "r":
            raise OSError("not readable")
        end = len(self._data) if size is None or size < 0 else self._pos + size
        chunk = self._data[self._pos : end]
        self._pos += len(chunk)
        return self._out(chunk)

    def readline(self) -> Any:
        self._check_open()
        if self._kind != "r":
            raise OSError("not readable")
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
        self._fs.write(self._path, data, append=not self._pending_truncate)
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


class _Function:
    """A ``def`` or ``lambda``; callable from builtins too (``sorted(key=f)``)."""

    def __init__(
        self,
        interp: _Interpreter,
        name: str,
        args: ast.arguments,
        body: list[ast.stmt] | ast.expr,
        scope: _Scope,
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


class _Scope:
    """One namespace in the chain function -> enclosing functions -> module."""

    def __init__(self, parent: _Scope | None) -> None:
        self.vars: dict[str, Any] = {}
        self.parent = parent
        self.global_names: set[str] = set()
        self.nonlocal_names: set[str] = set()

    @property
    def root(self) -> _Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope

    def owner(self, name: str) -> _Scope:
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

_VALUE_TYPES: Final[tuple[type, ...]] = (
    str, bytes, bytearray, int, float, complex, bool, list, dict, tuple, set, frozenset,
    range, type({}.keys()), type({}.values()), type({}.items()), re.Pattern, re.Match, slice,
)
_EXCEPTION_ATTRS: Final = frozenset({"args", "errno", "strerror", "filename", "filename2", "code"})
_LAZY_TYPES: Final[tuple[type, ...]] = (
    map, filter, zip, enumerate, reversed, types.GeneratorType, type(iter(range(0))),
    type(iter([])), type(iter({})),
)
_CONCRETE: Final[tuple[type, ...]] = (str, bytes, bytearray, list, tuple, dict, set, frozenset)
_RANGE_CONSUMING_METHODS: Final = frozenset({"join", "extend", "update"})

_BINOPS: Final[dict[type[ast.operator], Callable[[Any, Any], Any]]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.Pow: operator.pow, ast.LShift: operator.lshift, ast.RShift: operator.rshift,
    ast.BitOr: operator.or_, ast.BitXor: operator.xor, ast.BitAnd: operator.and_,
    ast.MatMult: operator.matmul,
}
_UNARYOPS: Final[dict[type[ast.unaryop], Callable[[Any], Any]]] = {
    ast.Not: operator.not_, ast.USub: operator.neg, ast.UAdd: operator.pos,
    ast.Invert: operator.invert,
}
_CMPOPS: Final[dict[type[ast.cmpop], Callable[[Any, Any], Any]]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_,
    ast.IsNot: operator.is_not, ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}


def _check_format_string(fmt: str) -> None:
    """Refuse ``"{0.__class__}"``-style fields, the one way ``str.format`` reaches attributes."""
    for _, field, _, _ in string.Formatter().parse(fmt):
        if field and ("." in field or "[" in field):
            raise NotImplementedError(
                "the simulated Python does not support attribute or index lookups in format fields"
            )


def _safe_format(fmt: str, /, *args: Any, **kwargs: Any) -> str:
    _check_format_string(fmt)
    return fmt.format(*args, **kwargs)


def _safe_format_map(fmt: str, mapping: Any, /) -> str:
    _check_format_string(fmt)
    return fmt.format_map(mapping)


def _as_exception(value: Any) -> BaseException:
    """What ``raise value`` raises: classes are instantiated, anything else refused."""
    if isinstance(value, type) and issubclass(value, BaseException):
        value = value()
    if not isinstance(value, BaseException) or isinstance(value, _Signal):
        raise TypeError("exceptions must derive from BaseException")
    return value


def _pow(base: Any, exp: Any, mod: Any = None) -> Any:
    if mod is None:
        _guard_binop(ast.Pow, base, exp)
        return base**exp
    return pow(base, exp, mod)


def _guard_binop(op: type[ast.operator], left: Any, right: Any) -> None:
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


class _Interpreter:
    def __init__(self, owner: SimulatedPython, timeout: float | None) -> None:
        self.fs = owner.fs
        self.cwd = owner.cwd
        self.env = owner.env
        self.sleep = owner.sleep
        self.max_steps = owner.max_steps
        self.deadline = None if timeout is None else time.monotonic() + timeout
        self.steps = 0
        self.depth = 0
        self.stdout: list[str] = []
        self.files: list[_SimFile] = []
        self.handling: list[BaseException] = []
        self.builtins = self._make_builtins()
        self.modules = self._make_modules()
        self.globals = _Scope(None)
        self.globals.vars["__name__"] = "__main__"

    # -- entry -------------------------------------------------------------

    def run(self, code: str) -> PythonResult:
        try:
            tree = ast.parse(code, "<string>", "exec")
            # Compiling (never executing) catches what the parser lets through,
            # such as "'return' outside function", with CPython's own wording.
            compile(tree, "<string>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as exc:
            return PythonResult("", False, str(exc), "SyntaxError"
                                if isinstance(exc, ValueError) else type(exc).__name__)
        try:
            self.exec_block(tree.body, self.globals)
        except _TimedOut:
            return PythonResult(self.output, False, TIMEOUT_MESSAGE, "TimeoutError", True)
        except SystemExit as exc:
            if exc.code in (None, 0):
                return PythonResult(self.output, True)
            return PythonResult(self.output, False, str(exc.code), "SystemExit")
        except Exception as exc:  # the program failed the way CPython would report it
            return PythonResult(self.output, False, str(exc), type(exc).__name__)
        finally:
            self.close_files()
        return PythonResult(self.output, True)

    def close_files(self) -> None:
        """Finish files the program left open, as CPython does when it exits."""
        for file in self.files:
            # A directory that vanished meanwhile loses the file, as it would in CPython.
            with contextlib.suppress(FsError):
                file.close()

    @property
    def output(self) -> str:
        return "".join(self.stdout)

    def tick(self) -> None:
        self.steps += 1
        if self.steps > self.max_steps:
            raise _TimedOut
        if self.deadline is not None and self.steps % 512 == 0 and time.monotonic() > self.deadline:
            raise _TimedOut

    def counted(self, iterable: Iterable[Any]) -> Iterator[Any]:
        for item in iterable:
            self.tick()
            yield item

    # -- statements --------------------------------------------------------

    def exec_block(self, body: list[ast.stmt], scope: _Scope) -> None:
        for stmt in body:
            self.exec_stmt(stmt, scope)

    def exec_stmt(self, node: ast.stmt, scope: _Scope) -> None:
        self.tick()
        handler = getattr(self, f"_stmt_{type(node).__name__}", None)
        if handler is None:
            raise NotImplementedError(
                f"the simulated Python does not support {type(node).__name__} statements"
            )
        handler(node, scope)

    def _stmt_Expr(self, node: ast.Expr, scope: _Scope) -> None:
        self.eval(node.value, scope)

    def _stmt_Pass(self, node: ast.Pass, scope: _Scope) -> None:
        return None

    def _stmt_Assign(self, node: ast.Assign, scope: _Scope) -> None:
        value = self.eval(node.value, scope)
        for target in node.targets:
            self.assign(target, value, scope)

    def _stmt_AnnAssign(self, node: ast.AnnAssign, scope: _Scope) -> None:
        if node.value is not None:
            self.assign(node.target, self.eval(node.value, scope), scope)

    def _stmt_AugAssign(self, node: ast.AugAssign, scope: _Scope) -> None:
        target = node.target
        right = self.eval(node.value, scope)
        if isinstance(target, ast.Name):
            current = self.lookup(target.id, scope)
            self.assign(target, self.binop(type(node.op), current, right), scope)
        elif isinstance(target, ast.Subscript):
            container = self.eval(target.value, scope)
            key = self.eval(target.slice, scope)
            container[key] = self.binop(type(node.op), container[key], right)
        else:
            raise AttributeError("the simulated Python's values have read-only attributes")

    def _stmt_If(self, node: ast.If, scope: _Scope) -> None:
        self.exec_block(node.body if self.eval(node.test, scope) else node.orelse, scope)

    def _stmt_For(self, node: ast.For, scope: _Scope) -> None:
        for item in self.eval(node.iter, scope):
            self.tick()
            self.assign(node.target, item, scope)
            try:
                self.exec_block(node.body, scope)
            except _Break:
                return
            except _Continue:
                continue
        self.exec_block(node.orelse, scope)

    def _stmt_While(self, node: ast.While, scope: _Scope) -> None:
        while self.eval(node.test, scope):
            self.tick()
            try:
                self.exec_block(node.body, scope)
            except _Break:
                return
            except _Continue:
                continue
        self.exec_block(node.orelse, scope)

    def _stmt_Break(self, node: ast.Break, scope: _Scope) -> None:
        raise _Break

    def _stmt_Continue(self, node: ast.Continue, scope: _Scope) -> None:
        raise _Continue

    def _stmt_Return(self, node: ast.Return, scope: _Scope) -> None:
        raise _Return(None if node.value is None else self.eval(node.value, scope))

    def _stmt_FunctionDef(self, node: ast.FunctionDef, scope: _Scope) -> None:
        if node.decorator_list:
            raise NotImplementedError("the simulated Python does not support decorators")
        scope.owner(node.name).vars[node.name] = self.make_function(node.name, node.args,
                                                                    node.body, scope)

    def _stmt_Global(self, node: ast.Global, scope: _Scope) -> None:
        scope.global_names.update(node.names)

    def _stmt_Nonlocal(self, node: ast.Nonlocal, scope: _Scope) -> None:
        scope.nonlocal_names.update(node.names)

    def _stmt_Delete(self, node: ast.Delete, scope: _Scope) -> None:
        for target in node.targets:
            if isinstance(target, ast.Name):
                owner = scope.owner(target.id)
                if target.id not in owner.vars:
                    raise NameError(f"name '{target.id}' is not defined")
                del owner.vars[target.id]
            elif isinstance(target, ast.Subscript):
                del self.eval(target.value, scope)[self.eval(target.slice, scope)]
            else:
                raise NotImplementedError("the simulated Python can only delete names and items")

    def _stmt_Assert(self, node: ast.Assert, scope: _Scope) -> None:
        if not self.eval(node.test, scope):
            if node.msg is None:
                raise AssertionError
            raise AssertionError(self.eval(node.msg, scope))

    def _stmt_Raise(self, node: ast.Raise, scope: _Scope) -> None:
        if node.exc is None:
            if not self.handling:
                raise RuntimeError("No active exception to reraise")
            raise self.handling[-1]
        exc = _as_exception(self.eval(node.exc, scope))
        cause = None if node.cause is None else _as_exception(self.eval(node.cause, scope))
        raise exc from cause

    def _stmt_Try(self, node: ast.Try, scope: _Scope) -> None:
        try:
            try:
                self.exec_block(node.body, scope)
            except (_Signal, KeyboardInterrupt):
                raise
            except BaseException as exc:
                for handler in node.handlers:
                    if handler.type is not None:
                        wanted = self.eval(handler.type, scope)
                        if not isinstance(exc, wanted):
                            continue
                    if handler.name:
                        scope.owner(handler.name).vars[handler.name] = exc
                    self.handling.append(exc)
                    try:
                        self.exec_block(handler.body, scope)
                    finally:
                        self.handling.pop()
                        if handler.name:
                            scope.owner(handler.name).vars.pop(handler.name, None)
                    return
                raise
            self.exec_block(node.orelse, scope)
        finally:
            self.exec_block(node.finalbody, scope)

    def _stmt_With(self, node: ast.With, scope: _Scope) -> None:
        opened: list[_SimFile] = []
        try:
            for item in node.items:
                value = self.eval(item.context_expr, scope)
                if not isinstance(value, _SimFile):
                    raise TypeError(f"'{type(value).__name__}' object does not support the "
                                    "context manager protocol")
                opened.append(value)
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, value, scope)
            self.exec_block(node.body, scope)
        finally:
            for file in reversed(opened):
                file.close()

    def _stmt_Import(self, node: ast.Import, scope: _Scope) -> None:
        for alias in node.names:
            module = self.import_module(alias.name)
            if alias.asname:
                scope.owner(alias.asname).vars[alias.asname] = module
            else:
                top = alias.name.split(".")[0]
                scope.owner(top).vars[top] = self.import_module(top)

    def _stmt_ImportFrom(self, node: ast.ImportFrom, scope: _Scope) -> None:
        if node.level or node.module is None:
            raise ImportError("attempted relative import with no known parent package")
        module = self.import_module(node.module)
        for alias in node.names:
            if alias.name == "*":
                for name in module._names():
                    scope.owner(name).vars[name] = module._get(name)
                continue
            try:
                value = module._get(alias.name)
            except AttributeError:
                raise ImportError(
                    f"cannot import name '{alias.name}' from '{node.module}'"
                ) from None
            name = alias.asname or alias.name
            scope.owner(name).vars[name] = value

    # -- assignment and names ------------------------------------------------

    def assign(self, target: ast.expr, value: Any, scope: _Scope) -> None:
        if isinstance(target, ast.Name):
            scope.owner(target.id).vars[target.id] = value
        elif isinstance(target, ast.Tuple | ast.List):
            self.unpack(target.elts, value, scope)
        elif isinstance(target, ast.Subscript):
            self.eval(target.value, scope)[self.eval(target.slice, scope)] = value
        elif isinstance(target, ast.Attribute):
            container = self.eval(target.value, scope)
            raise AttributeError(
                f"'{type(container).__name__}' object attribute '{target.attr}' is read-only"
            )
        else:
            raise NotImplementedError(f"cannot assign to {type(target).__name__}")

    def unpack(self, targets: list[ast.expr], value: Any, scope: _Scope) -> None:
        items = list(self.counted(value))
        starred = [i for i, t in enumerate(targets) if isinstance(t, ast.Starred)]
        if not starred:
            if len(items) > len(targets):
                raise ValueError(f"too many values to unpack (expected {len(targets)})")
            if len(items) < len(targets):
                raise ValueError(
                    f"not enough values to unpack (expected {len(targets)}, got {len(items)})"
                )
            for target, item in zip(targets, items, strict=True):
                self.assign(target, item, scope)
            return
        star = starred[0]
        after = len(targets) - star - 1
        if len(items) < len(targets) - 1:
            raise ValueError(
                f"not enough values to unpack (expected at least {len(targets) - 1}, "
                f"got {len(items)})"
            )
        for target, item in zip(targets[:star], items[:star], strict=True):
            self.assign(target, item, scope)
        star_target = targets[star]
        assert isinstance(star_target, ast.Starred)
        self.assign(star_target.value, items[star : len(items) - after], scope)
        for target, item in zip(targets[star + 1 :], items[len(items) - after :], strict=True):
            self.assign(target, item, scope)

    def lookup(self, name: str, scope: _Scope) -> Any:
        if name in scope.global_names:
            scope = scope.root
        cursor: _Scope | None = scope
        while cursor is not None:
            if name in cursor.vars:
                return cursor.vars[name]
            cursor = cursor.parent
        if name in self.builtins:
            return self.builtins[name]
        raise NameError(f"name '{name}' is not defined")

    # -- expressions -------------------------------------------------------

    def eval(self, node: ast.expr, scope: _Scope) -> Any:
        handler = getattr(self, f"_expr_{type(node).__name__}", None)
        if handler is None:
            raise NotImplementedError(
                f"the simulated Python does not support {type(node).__name__} expressions"
            )
        return handler(node, scope)

    def _expr_Constant(self, node: ast.Constant, scope: _Scope) -> Any:
        return node.value

    def _expr_Name(self, node: ast.Name, scope: _Scope) -> Any:
        return self.lookup(node.id, scope)

    def _expr_NamedExpr(self, node: ast.NamedExpr, scope: _Scope) -> Any:
        value = self.eval(node.value, scope)
        self.assign(node.target, value, scope)
        return value

    def binop(self, op: type[ast.operator], left: Any, right: Any) -> Any:
        _guard_binop(op, left, right)
        return _BINOPS[op](left, right)

    def _expr_BinOp(self, node: ast.BinOp, scope: _Scope) -> Any:
        return self.binop(type(node.op), self.eval(node.left, scope), self.eval(node.right, scope))

    def _expr_UnaryOp(self, node: ast.UnaryOp, scope: _Scope) -> Any:
        return _UNARYOPS[type(node.op)](self.eval(node.operand, scope))

    def _expr_BoolOp(self, node: ast.BoolOp, scope: _Scope) -> Any:
        value: Any = None
        for operand in node.values:
            value = self.eval(operand, scope)
            if isinstance(node.op, ast.And) and not value:
                return value
            if isinstance(node.op, ast.Or) and value:
                return value
        return value

    def _expr_Compare(self, node: ast.Compare, scope: _Scope) -> Any:
        left = self.eval(node.left, scope)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.eval(comparator, scope)
            if not _CMPOPS[type(op)](left, right):
                return False
            left = right
        return True

    def _expr_IfExp(self, node: ast.IfExp, scope: _Scope) -> Any:
        return self.eval(node.body if self.eval(node.test, scope) else node.orelse, scope)

    def _expr_JoinedStr(self, node: ast.JoinedStr, scope: _Scope) -> Any:
        return "".join(str(self.eval(value, scope)) for value in node.values)

    def _expr_FormattedValue(self, node: ast.FormattedValue, scope: _Scope) -> Any:
        value = self.eval(node.value, scope)
        if node.conversion == ord("r"):
            value = repr(value)
        elif node.conversion == ord("s"):
            value = str(value)
        elif node.conversion == ord("a"):
            value = ascii(value)
        spec = "" if node.format_spec is None else self.eval(node.format_spec, scope)
        return format(value, spec)

    def _expr_List(self, node: ast.List, scope: _Scope) -> Any:
        return self.elements(node.elts, scope)

    def _expr_Tuple(self, node: ast.Tuple, scope: _Scope) -> Any:
        return tuple(self.elements(node.elts, scope))

    def _expr_Set(self, node: ast.Set, scope: _Scope) -> Any:
        return set(self.elements(node.elts, scope))

    def _expr_Dict(self, node: ast.Dict, scope: _Scope) -> Any:
        result: dict[Any, Any] = {}
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:
                result.update(self.eval(value, scope))
            else:
                result[self.eval(key, scope)] = self.eval(value, scope)
        return result

    def elements(self, nodes: list[ast.expr], scope: _Scope) -> list[Any]:
        items: list[Any] = []
        for node in nodes:
            if isinstance(node, ast.Starred):
                items.extend(self.counted(self.eval(node.value, scope)))
            else:
                items.append(self.eval(node, scope))
        return items

    def _expr_Subscript(self, node: ast.Subscript, scope: _Scope) -> Any:
        return self.eval(node.value, scope)[self.eval(node.slice, scope)]

    def _expr_Slice(self, node: ast.Slice, scope: _Scope) -> Any:
        def part(value: ast.expr | None) -> Any:
            return None if value is None else self.eval(value, scope)

        return slice(part(node.lower), part(node.upper), part(node.step))

    def _expr_Attribute(self, node: ast.Attribute, scope: _Scope) -> Any:
        return self.get_attr(self.eval(node.value, scope), node.attr)

    def get_attr(self, obj: Any, name: str) -> Any:
        """Attribute access through the allowlist: plain values, stand-in modules, our files."""
        if isinstance(obj, _Module):
            return obj._get(name)
        missing = AttributeError(f"'{type(obj).__name__}' object has no attribute '{name}'")
        if name.startswith("_"):
            raise missing
        if isinstance(obj, _SimFile | _Stream):
            if name not in obj.PUBLIC:
                raise missing
            return getattr(obj, name)
        if isinstance(obj, BaseException):
            if name not in _EXCEPTION_ATTRS:
                raise missing
            return getattr(obj, name)
        is_value_type = isinstance(obj, type) and obj in _VALUE_TYPES
        if not (is_value_type or isinstance(obj, _VALUE_TYPES)):
            raise missing
        if name in ("format", "format_map"):
            if obj is str:
                return _safe_format if name == "format" else _safe_format_map
            if isinstance(obj, str):
                text: str = obj
                if name == "format":
                    return lambda *a, **k: _safe_format(text, *a, **k)
                return lambda mapping: _safe_format_map(text, mapping)
        return getattr(obj, name)

    def _expr_Call(self, node: ast.Call, scope: _Scope) -> Any:
        func = self.eval(node.func, scope)
        args = self.elements(node.args, scope)
        kwargs: dict[str, Any] = {}
        for keyword in node.keywords:
            if keyword.arg is None:
                kwargs.update(self.eval(keyword.value, scope))
            else:
                kwargs[keyword.arg] = self.eval(keyword.value, scope)
        return self.call(func, args, kwargs)

    def call(self, func: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if isinstance(func, _Function):
            return self.invoke(func, tuple(args), kwargs)
        if not callable(func):
            raise TypeError(f"'{type(func).__name__}' object is not callable")
        consumes_range = any(func is consumer for consumer in self.consumers) or (
            isinstance(func, types.BuiltinMethodType)
            and func.__name__ in _RANGE_CONSUMING_METHODS
        )
        metered = [self.metered(arg, consumes_range) for arg in args]
        return func(*metered, **kwargs)

    def metered(self, arg: Any, consumes_range: bool) -> Any:
        """Lazy iterables handed to C builtins tick the step budget, so they cannot hang us."""
        if isinstance(arg, _LAZY_TYPES) or (consumes_range and isinstance(arg, range)):
            return self.counted(cast("Iterable[Any]", arg))
        return arg

    def _expr_Lambda(self, node: ast.Lambda, scope: _Scope) -> Any:
        return self.make_function("<lambda>", node.args, node.body, scope)

    def make_function(
        self, name: str, args: ast.arguments, body: list[ast.stmt] | ast.expr, scope: _Scope
    ) -> _Function:
        defaults = [self.eval(default, scope) for default in args.defaults]
        kw_defaults = {
            arg.arg: self.eval(default, scope)
            for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True)
            if default is not None
        }
        return _Function(self, name, args, body, scope, defaults, kw_defaults)

    def invoke(self, func: _Function, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        self.tick()
        if self.depth >= MAX_CALL_DEPTH:
            raise RecursionError("maximum recursion depth exceeded")
        local = _Scope(func._scope)
        self.bind_arguments(func, args, kwargs, local)
        self.depth += 1
        try:
            if isinstance(func._body, ast.expr):
                return self.eval(func._body, local)
            self.exec_block(func._body, local)
        except _Return as ret:
            return ret.value
        finally:
            self.depth -= 1
        return None

    def bind_arguments(
        self, func: _Function, args: tuple[Any, ...], kwargs: dict[str, Any], local: _Scope
    ) -> None:
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
                    raise TypeError(
                        f"{name}() missing 1 required keyword-only argument: '{arg.arg}'"
                    )
                bound[arg.arg] = func._kw_defaults[arg.arg]
        if spec.kwarg is not None:
            bound[spec.kwarg.arg] = extra

    # -- comprehensions ----------------------------------------------------

    def comprehension(self, generators: list[ast.comprehension], scope: _Scope) -> Iterator[_Scope]:
        """Yield the inner scope once per combination the ``for``/``if`` clauses allow."""
        inner = _Scope(scope)

        def level(index: int) -> Iterator[_Scope]:
            if index == len(generators):
                yield inner
                return
            gen = generators[index]
            if gen.is_async:
                raise NotImplementedError("the simulated Python does not support async")
            for item in self.eval(gen.iter, inner if index else scope):
                self.tick()
                self.assign(gen.target, item, inner)
                if all(self.eval(cond, inner) for cond in gen.ifs):
                    yield from level(index + 1)

        return level(0)

    def _expr_ListComp(self, node: ast.ListComp, scope: _Scope) -> Any:
        return [self.eval(node.elt, inner) for inner in self.comprehension(node.generators, scope)]

    def _expr_SetComp(self, node: ast.SetComp, scope: _Scope) -> Any:
        return {self.eval(node.elt, inner) for inner in self.comprehension(node.generators, scope)}

    def _expr_DictComp(self, node: ast.DictComp, scope: _Scope) -> Any:
        return {
            self.eval(node.key, inner): self.eval(node.value, inner)
            for inner in self.comprehension(node.generators, scope)
        }

    def _expr_GeneratorExp(self, node: ast.GeneratorExp, scope: _Scope) -> Any:
        return (self.eval(node.elt, inner) for inner in self.comprehension(node.generators, scope))

    # -- builtins and modules ----------------------------------------------

    def path(self, path: Any) -> str:
        if not isinstance(path, str):
            raise TypeError(
                f"expected str, bytes or os.PathLike object, not {type(path).__name__}"
            )
        return FileSystem.resolve(path, self.cwd)

    def _print(self, *args: Any, sep: str | None = " ", end: str | None = "\n",
               file: Any = None, flush: bool = False) -> None:
        text = (" " if sep is None else sep).join(str(arg) for arg in args)
        text += "\n" if end is None else end
        if isinstance(file, _Stream | _SimFile):
            file.write(text)
        elif file is not None:
            raise AttributeError(f"'{type(file).__name__}' object has no attribute 'write'")
        else:
            self.stdout.append(text)

    def _open(self, file: Any, mode: str = "r", buffering: int = -1, encoding: str | None = None,
              errors: str | None = None, newline: str | None = None) -> _SimFile:
        handle = _SimFile(self.fs, self.path(file), file, mode)
        self.files.append(handle)
        return handle

    def _input(self, prompt: Any = "") -> str:
        self.stdout.append(str(prompt))
        raise EOFError("EOF when reading a line")

    def _make_builtins(self) -> dict[str, Any]:
        consumers: dict[str, Any] = {
            fn.__name__: fn
            for fn in (list, tuple, set, frozenset, sorted, sum, min, max, any, all, dict, map,
                       filter, zip, enumerate)
        }
        self.consumers: tuple[Any, ...] = tuple(consumers.values())
        plain: dict[str, Any] = {
            fn.__name__: fn
            for fn in (len, range, str, int, float, bool, bytes, bytearray, complex, abs, round,
                       reversed, repr, isinstance, chr, ord, hex, oct, bin, divmod, format,
                       iter, next, callable, ascii, hash, slice)
        }
        return {
            **_EXCEPTIONS, **consumers, **plain,
            "print": self._print, "open": self._open, "input": self._input, "pow": _pow,
        }

    def _make_modules(self) -> dict[str, _Module]:
        fs = self.fs

        def guarded(action: Callable[..., Any]) -> Callable[..., Any]:
            """Report disk failures as the OSError subclass ``os`` would raise."""

            def run(*args: Any, **kwargs: Any) -> Any:
                try:
                    return action(*args, **kwargs)
                except FsError as exc:
                    raise exc.to_os_error(args[0] if args and isinstance(args[0], str) else None)\
                        from None

            return run

        def listdir(path: str = ".") -> list[str]:
            return fs.listdir(self.path(path))

        def makedirs(path: str, mode: int = 0o777, exist_ok: bool = False) -> None:
            target = self.path(path)
            if fs.exists(target) and not exist_ok:
                raise FsError(target, "File exists")
            fs.mkdir(target, parents=True, exist_ok=True)

        def mkdir(path: str, mode: int = 0o777) -> None:
            fs.mkdir(self.path(path))

        def remove(path: str) -> None:
            target = self.path(path)
            if fs.is_dir(target):
                raise FsError(target, "Is a directory")
            fs.remove(target)

        def rmdir(path: str) -> None:
            target = self.path(path)
            if fs.is_file(target):
                raise FsError(target, "Not a directory")
            fs.remove(target)

        def rename(src: str, dst: str) -> None:
            source, target = self.path(src), self.path(dst)
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
            target = self.path(path)
            if not fs.is_dir(target):
                raise FsError(target, "Not a directory" if fs.is_file(target)
                              else "No such file or directory")
            self.cwd = target

        def walk(top: str) -> Iterator[tuple[str, list[str], list[str]]]:
            root = self.path(top)
            if not fs.is_dir(root):
                return
            names = fs.listdir(root)
            dirs = [n for n in names if fs.is_dir(posixpath.join(root, n))]
            files = [n for n in names if n not in dirs]
            yield top, dirs, files
            for name in dirs:
                yield from walk(posixpath.join(top, name))

        def getsize(path: str) -> int:
            return fs.stat_size(self.path(path))

        def expanduser(path: str) -> str:
            return HOME + path[1:] if path == "~" or path.startswith("~/") else path

        def sleep(seconds: float) -> None:
            if seconds < 0:
                raise ValueError("sleep length must be non-negative")
            if self.sleep is not None:
                self.sleep(float(seconds))

        def sys_exit(code: Any = None) -> None:
            raise SystemExit(code)

        os_path = _Module("posixpath", {
            "exists": lambda p: fs.exists(self.path(p)),
            "isfile": lambda p: fs.is_file(self.path(p)),
            "isdir": lambda p: fs.is_dir(self.path(p)),
            "getsize": guarded(getsize),
            "abspath": self.path,
            "expanduser": expanduser,
            "join": posixpath.join, "basename": posixpath.basename,
            "dirname": posixpath.dirname, "split": posixpath.split,
            "splitext": posixpath.splitext, "normpath": posixpath.normpath,
            "isabs": posixpath.isabs, "sep": "/",
        })
        os_module = _Module("os", {
            "path": os_path, "sep": "/", "linesep": "\n", "name": "posix",
            "environ": dict(self.env),
            "getenv": lambda key, default=None: self.env.get(key, default),
            "getcwd": lambda: self.cwd,
            "listdir": guarded(listdir), "makedirs": guarded(makedirs),
            "mkdir": guarded(mkdir), "remove": guarded(remove), "unlink": guarded(remove),
            "rmdir": guarded(rmdir), "rename": guarded(rename), "replace": guarded(rename),
            "chdir": guarded(chdir), "walk": walk,
        })
        std = _Stream(self.stdout)
        math_module = _Module("math", {
            name: getattr(math, name) for name in dir(math) if not name.startswith("_")
        })
        self.consumers += (math.prod, math.fsum)
        return {
            "os": os_module,
            "os.path": os_path,
            "posixpath": os_path,
            "json": _Module("json", {
                "dumps": json.dumps, "loads": json.loads,
                "dump": lambda obj, fp, **kw: fp.write(json.dumps(obj, **kw)),
                "load": lambda fp, **kw: json.loads(fp.read(), **kw),
                "JSONDecodeError": json.JSONDecodeError,
            }),
            "math": math_module,
            "re": _Module("re", {
                name: getattr(re, name)
                for name in ("compile", "search", "match", "fullmatch", "findall", "finditer",
                             "sub", "subn", "split", "escape", "IGNORECASE", "I", "MULTILINE",
                             "M", "DOTALL", "S", "VERBOSE", "X", "error")
            }),
            "time": _Module("time", {"sleep": sleep}),
            "sys": _Module("sys", {
                "stdout": std, "stderr": std, "argv": ["-c"], "platform": "linux",
                "exit": sys_exit,
            }),
        }

    def import_module(self, name: str) -> _Module:
        module = self.modules.get(name)
        if module is None:
            available = ", ".join(sorted(n for n in self.modules if n != "posixpath"))
            raise ModuleNotFoundError(
                f"No module named '{name}' (the simulated Python provides: {available})"
            )
        return module
