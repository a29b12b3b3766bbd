"""The statement half of the simulated Python: :class:`Interpreter` executes ``ast.stmt`` nodes.

Each supported statement has a ``_stmt_<NodeName>`` handler; anything else
(classes, ``async``, ``match``, decorators, ...) raises NotImplementedError
naming the construct. ``try``/``except`` catch the program's own exceptions
but never the interpreter's control-flow signals; ``with`` works on files;
``import`` finds only the modules from
:func:`~fake_server.desktop.python_eval.library.make_modules`.
"""

from __future__ import annotations

import ast
from typing import Any

from fake_server.desktop.python_eval.expressions import (
    Break,
    Continue,
    Evaluator,
    Return,
    Signal,
)
from fake_server.desktop.python_eval.library import Host, make_modules
from fake_server.desktop.python_eval.values import Scope, _Module, _SimFile


def _as_exception(value: Any) -> BaseException:
    """What ``raise value`` raises: classes are instantiated, anything else refused."""
    if isinstance(value, type) and issubclass(value, BaseException):
        value = value()
    if not isinstance(value, BaseException) or isinstance(value, Signal):
        raise TypeError("exceptions must derive from BaseException")
    return value


class Interpreter(Evaluator):
    """Runs one program's statements; ``globals`` is its module scope."""

    def __init__(
        self, host: Host, *, max_steps: int, timeout: float | None, max_bytes: int
    ) -> None:
        super().__init__(host, max_steps=max_steps, timeout=timeout, max_bytes=max_bytes)
        self.handling: list[BaseException] = []
        self.modules = make_modules(host)
        self.globals = Scope(None)
        self.globals.vars["__name__"] = "__main__"

    def exec_block(self, body: list[ast.stmt], scope: Scope) -> None:
        for stmt in body:
            self.exec_stmt(stmt, scope)

    def exec_stmt(self, node: ast.stmt, scope: Scope) -> None:
        self.tick()
        handler = getattr(self, f"_stmt_{type(node).__name__}", None)
        if handler is None:
            raise NotImplementedError(
                f"the simulated Python does not support {type(node).__name__} statements"
            )
        handler(node, scope)

    def import_module(self, name: str) -> _Module:
        module = self.modules.get(name)
        if module is None:
            available = ", ".join(sorted(n for n in self.modules if n != "posixpath"))
            raise ModuleNotFoundError(
                f"No module named '{name}' (the simulated Python provides: {available})"
            )
        return module

    # -- simple statements -------------------------------------------------------

    def _stmt_Expr(self, node: ast.Expr, scope: Scope) -> None:
        self.eval(node.value, scope)

    def _stmt_Pass(self, node: ast.Pass, scope: Scope) -> None:
        return None

    def _stmt_Assign(self, node: ast.Assign, scope: Scope) -> None:
        value = self.eval(node.value, scope)
        for target in node.targets:
            self.assign(target, value, scope)

    def _stmt_AnnAssign(self, node: ast.AnnAssign, scope: Scope) -> None:
        if node.value is not None:
            self.assign(node.target, self.eval(node.value, scope), scope)

    def _stmt_AugAssign(self, node: ast.AugAssign, scope: Scope) -> None:
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

    def _stmt_Global(self, node: ast.Global, scope: Scope) -> None:
        scope.global_names.update(node.names)

    def _stmt_Nonlocal(self, node: ast.Nonlocal, scope: Scope) -> None:
        scope.nonlocal_names.update(node.names)

    def _stmt_Delete(self, node: ast.Delete, scope: Scope) -> None:
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

    def _stmt_Assert(self, node: ast.Assert, scope: Scope) -> None:
        if not self.eval(node.test, scope):
            if node.msg is None:
                raise AssertionError
            raise AssertionError(self.eval(node.msg, scope))

    def _stmt_Import(self, node: ast.Import, scope: Scope) -> None:
        for alias in node.names:
            module = self.import_module(alias.name)
            if alias.asname:
                scope.owner(alias.asname).vars[alias.asname] = module
            else:
                top = alias.name.split(".")[0]
                scope.owner(top).vars[top] = self.import_module(top)

    def _stmt_ImportFrom(self, node: ast.ImportFrom, scope: Scope) -> None:
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

    # -- control flow ------------------------------------------------------------

    def _stmt_If(self, node: ast.If, scope: Scope) -> None:
        self.exec_block(node.body if self.eval(node.test, scope) else node.orelse, scope)

    def loop_body(self, body: list[ast.stmt], scope: Scope) -> bool:
        """Run one pass of a loop body; False when it ended with ``break``."""
        try:
            self.exec_block(body, scope)
        except Break:
            return False
        except Continue:
            pass
        return True

    def _stmt_For(self, node: ast.For, scope: Scope) -> None:
        for item in self.eval(node.iter, scope):
            self.tick()
            self.assign(node.target, item, scope)
            if not self.loop_body(node.body, scope):
                return
        self.exec_block(node.orelse, scope)

    def _stmt_While(self, node: ast.While, scope: Scope) -> None:
        while self.eval(node.test, scope):
            self.tick()
            if not self.loop_body(node.body, scope):
                return
        self.exec_block(node.orelse, scope)

    def _stmt_Break(self, node: ast.Break, scope: Scope) -> None:
        raise Break

    def _stmt_Continue(self, node: ast.Continue, scope: Scope) -> None:
        raise Continue

    def _stmt_Return(self, node: ast.Return, scope: Scope) -> None:
        raise Return(None if node.value is None else self.eval(node.value, scope))

    def _stmt_FunctionDef(self, node: ast.FunctionDef, scope: Scope) -> None:
        if node.decorator_list:
            raise NotImplementedError("the simulated Python does not support decorators")
        function = self.make_function(node.name, node.args, node.body, scope)
        scope.owner(node.name).vars[node.name] = function

    def _stmt_Raise(self, node: ast.Raise, scope: Scope) -> None:
        if node.exc is None:
            if not self.handling:
                raise RuntimeError("No active exception to reraise")
            raise self.handling[-1]
        exc = _as_exception(self.eval(node.exc, scope))
        cause = None if node.cause is None else _as_exception(self.eval(node.cause, scope))
        raise exc from cause

    def _stmt_Try(self, node: ast.Try, scope: Scope) -> None:
        try:
            try:
                self.exec_block(node.body, scope)
            except (Signal, KeyboardInterrupt):
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

    def _stmt_With(self, node: ast.With, scope: Scope) -> None:
        opened: list[_SimFile] = []
        try:
            for item in node.items:
                value = self.eval(item.context_expr, scope)
                if not isinstance(value, _SimFile):
                    raise TypeError(
                        f"'{type(value).__name__}' object does not support the "
                        "context manager protocol"
                    )
                opened.append(value)
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, value, scope)
            self.exec_block(node.body, scope)
        finally:
            for file in reversed(opened):
                file.close()
