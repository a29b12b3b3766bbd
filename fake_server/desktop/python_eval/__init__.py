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

This module is the public face: it parses a program, runs it and reports how
it ended. The interpreter is split by concern:
:mod:`~fake_server.desktop.python_eval.statements` (statements),
:mod:`~fake_server.desktop.python_eval.expressions` (expressions, names, calls),
:mod:`~fake_server.desktop.python_eval.values` (modules, files, functions, scopes)
and :mod:`~fake_server.desktop.python_eval.library` (builtins and stdlib stand-ins).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from fake_server.desktop.filesystem import HOME, FileSystem, FsError
from fake_server.desktop.python_eval.expressions import TimedOut
from fake_server.desktop.python_eval.library import Host
from fake_server.desktop.python_eval.memory import DEFAULT_MAX_BYTES
from fake_server.desktop.python_eval.regex import RegexTimeout
from fake_server.desktop.python_eval.statements import Interpreter

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_STEPS",
    "TIMEOUT_MESSAGE",
    "PythonResult",
    "SimulatedPython",
]

DEFAULT_MAX_STEPS: Final = 1_000_000
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
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self.fs = fs
        self.cwd = cwd
        self.env: dict[str, str] = dict(env) if env is not None else {"HOME": HOME, "USER": "user"}
        self.sleep = sleep
        self.max_steps = max_steps
        self.max_bytes = max_bytes

    def run(self, code: str, *, timeout: float | None = None) -> PythonResult:
        host = Host(self.fs, cwd=self.cwd, env=self.env, sleep=self.sleep)
        interpreter = Interpreter(
            host, max_steps=self.max_steps, timeout=timeout, max_bytes=self.max_bytes
        )
        try:
            tree = ast.parse(code, "<string>", "exec")
            # Compiling (never executing) catches what the parser lets through,
            # such as "'return' outside function", with CPython's own wording.
            compile(tree, "<string>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as exc:
            error_type = "SyntaxError" if isinstance(exc, ValueError) else type(exc).__name__
            return PythonResult("", False, str(exc), error_type)
        try:
            interpreter.exec_block(tree.body, interpreter.globals)
        except (TimedOut, RegexTimeout):
            return PythonResult(host.output, False, TIMEOUT_MESSAGE, "TimeoutError", True)
        except SystemExit as exc:
            if exc.code in (None, 0):
                return PythonResult(host.output, True)
            return PythonResult(host.output, False, str(exc.code), "SystemExit")
        except FsError as exc:  # a disk failure outside a file object (os.rename, ...)
            error = exc.to_os_error()
            return PythonResult(host.output, False, str(error), type(error).__name__)
        except Exception as exc:  # the program failed the way CPython would report it
            return PythonResult(host.output, False, str(exc), type(exc).__name__)
        finally:
            host.close_files()
        return PythonResult(host.output, True)
