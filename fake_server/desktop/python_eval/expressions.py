"""The expression half of the simulated Python: :class:`Evaluator` walks ``ast.expr`` nodes.

It also owns what expressions and statements share: the step budget
(:meth:`Evaluator.tick`), name lookup and assignment, calls into user functions
and the control-flow signals. Statements are added by the subclass
:class:`~fake_server.desktop.python_eval.statements.Interpreter`; a function
body is a statement list, so :meth:`Evaluator.exec_block` is left to it.

Attribute access goes through an allowlist (:meth:`Evaluator.get_attr`): plain
values, stand-in modules, our files and streams, a few exception attributes,
never a dunder. Lazy iterables handed to C builtins tick the step budget.
"""

from __future__ import annotations

import ast
import operator
import re
import time
import types
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Final, cast

from fake_server.desktop.cooperative import yield_now
from fake_server.desktop.python_eval.library import (
    ALL_CONSUMERS,
    Host,
    guard_binop,
    make_builtins,
    safe_format,
    safe_format_map,
)
from fake_server.desktop.python_eval.memory import (
    DEFAULT_MAX_BYTES,
    check_binop,
    check_call,
    check_format_widths,
    check_result,
)
from fake_server.desktop.python_eval.regex import MATCH_TYPE, PATTERN_TYPE, pattern_attr
from fake_server.desktop.python_eval.values import (
    Scope,
    _Function,
    _Module,
    _SimFile,
    _Stream,
    bind_arguments,
)

MAX_CALL_DEPTH: Final = 100

# fmt: off
_VALUE_TYPES: Final[tuple[type, ...]] = (
    str, bytes, bytearray, int, float, complex, bool, list, dict, tuple, set, frozenset,
    range, type({}.keys()), type({}.values()), type({}.items()), re.Pattern, re.Match, slice,
    MATCH_TYPE,
)
_EXCEPTION_ATTRS: Final = frozenset({"args", "errno", "strerror", "filename", "filename2", "code"})
_LAZY_TYPES: Final[tuple[type, ...]] = (
    map, filter, zip, enumerate, reversed, types.GeneratorType, type(iter(range(0))),
    type(iter([])), type(iter({})),
)
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
# fmt: on


class Signal(BaseException):
    """Interpreter control flow; a BaseException so user ``except`` never sees it."""


class Break(Signal):
    pass


class Continue(Signal):
    pass


class Return(Signal):
    def __init__(self, value: Any) -> None:
        super().__init__()
        self.value = value


class TimedOut(Signal):
    pass


class Evaluator:
    """Evaluates expressions for one run; see the module docstring."""

    def __init__(
        self,
        host: Host,
        *,
        max_steps: int,
        timeout: float | None,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self.host = host
        self.max_steps = max_steps
        self.max_bytes = max_bytes
        self.deadline = None if timeout is None else time.monotonic() + timeout
        host.deadline = self.deadline
        self.steps = 0
        self.depth = 0
        self.builtins = make_builtins(host)

    def exec_block(self, body: list[ast.stmt], scope: Scope) -> None:
        raise NotImplementedError  # statements live in the Interpreter subclass

    def tick(self) -> None:
        self.steps += 1
        if self.steps > self.max_steps:
            raise TimedOut
        if self.steps % 64 == 0:
            if self.deadline is not None and time.monotonic() > self.deadline:
                raise TimedOut
            yield_now()

    def counted(self, iterable: Iterable[Any]) -> Iterator[Any]:
        for item in iterable:
            self.tick()
            yield item

    # -- names and assignment ------------------------------------------------

    def lookup(self, name: str, scope: Scope) -> Any:
        if name in scope.global_names:
            scope = scope.root
        cursor: Scope | None = scope
        while cursor is not None:
            if name in cursor.vars:
                return cursor.vars[name]
            cursor = cursor.parent
        if name in self.builtins:
            return self.builtins[name]
        raise NameError(f"name '{name}' is not defined")

    def assign(self, target: ast.expr, value: Any, scope: Scope) -> None:
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

    def unpack(self, targets: list[ast.expr], value: Any, scope: Scope) -> None:
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

    # -- expressions -------------------------------------------------------

    def eval(self, node: ast.expr, scope: Scope) -> Any:
        handler = getattr(self, f"_expr_{type(node).__name__}", None)
        if handler is None:
            raise NotImplementedError(
                f"the simulated Python does not support {type(node).__name__} expressions"
            )
        return handler(node, scope)

    def _expr_Constant(self, node: ast.Constant, scope: Scope) -> Any:
        return node.value

    def _expr_Name(self, node: ast.Name, scope: Scope) -> Any:
        return self.lookup(node.id, scope)

    def _expr_NamedExpr(self, node: ast.NamedExpr, scope: Scope) -> Any:
        value = self.eval(node.value, scope)
        self.assign(node.target, value, scope)
        return value

    def binop(self, op: type[ast.operator], left: Any, right: Any) -> Any:
        guard_binop(op, left, right)
        check_binop(op, left, right, self.max_bytes)
        return _BINOPS[op](left, right)

    def _expr_BinOp(self, node: ast.BinOp, scope: Scope) -> Any:
        return self.binop(type(node.op), self.eval(node.left, scope), self.eval(node.right, scope))

    def _expr_UnaryOp(self, node: ast.UnaryOp, scope: Scope) -> Any:
        return _UNARYOPS[type(node.op)](self.eval(node.operand, scope))

    def _expr_BoolOp(self, node: ast.BoolOp, scope: Scope) -> Any:
        value: Any = None
        for operand in node.values:
            value = self.eval(operand, scope)
            if isinstance(node.op, ast.And) and not value:
                return value
            if isinstance(node.op, ast.Or) and value:
                return value
        return value

    def _expr_Compare(self, node: ast.Compare, scope: Scope) -> Any:
        left = self.eval(node.left, scope)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.eval(comparator, scope)
            if not _CMPOPS[type(op)](left, right):
                return False
            left = right
        return True

    def _expr_IfExp(self, node: ast.IfExp, scope: Scope) -> Any:
        return self.eval(node.body if self.eval(node.test, scope) else node.orelse, scope)

    def _expr_JoinedStr(self, node: ast.JoinedStr, scope: Scope) -> Any:
        return "".join(str(self.eval(value, scope)) for value in node.values)

    def _expr_FormattedValue(self, node: ast.FormattedValue, scope: Scope) -> Any:
        value = self.eval(node.value, scope)
        if node.conversion == ord("r"):
            value = repr(value)
        elif node.conversion == ord("s"):
            value = str(value)
        elif node.conversion == ord("a"):
            value = ascii(value)
        spec = "" if node.format_spec is None else self.eval(node.format_spec, scope)
        check_format_widths(str(spec), self.max_bytes)
        return format(value, spec)

    def _expr_List(self, node: ast.List, scope: Scope) -> Any:
        return self.elements(node.elts, scope)

    def _expr_Tuple(self, node: ast.Tuple, scope: Scope) -> Any:
        return tuple(self.elements(node.elts, scope))

    def _expr_Set(self, node: ast.Set, scope: Scope) -> Any:
        return set(self.elements(node.elts, scope))

    def _expr_Dict(self, node: ast.Dict, scope: Scope) -> Any:
        result: dict[Any, Any] = {}
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:
                result.update(self.eval(value, scope))
            else:
                result[self.eval(key, scope)] = self.eval(value, scope)
        return result

    def elements(self, nodes: list[ast.expr], scope: Scope) -> list[Any]:
        items: list[Any] = []
        for node in nodes:
            if isinstance(node, ast.Starred):
                items.extend(self.counted(self.eval(node.value, scope)))
            else:
                items.append(self.eval(node, scope))
        return items

    def _expr_Subscript(self, node: ast.Subscript, scope: Scope) -> Any:
        return self.eval(node.value, scope)[self.eval(node.slice, scope)]

    def _expr_Slice(self, node: ast.Slice, scope: Scope) -> Any:
        def part(value: ast.expr | None) -> Any:
            return None if value is None else self.eval(value, scope)

        return slice(part(node.lower), part(node.upper), part(node.step))

    def _expr_Attribute(self, node: ast.Attribute, scope: Scope) -> Any:
        return self.get_attr(self.eval(node.value, scope), node.attr)

    def get_attr(self, obj: Any, name: str) -> Any:
        """Attribute access through the allowlist: plain values, stand-in modules, our files."""
        if isinstance(obj, _Module):
            return obj._get(name)
        missing = AttributeError(f"'{type(obj).__name__}' object has no attribute '{name}'")
        if name.startswith("_"):
            raise missing
        if isinstance(obj, PATTERN_TYPE):
            return pattern_attr(obj, name, lambda: self.deadline)
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
                return safe_format if name == "format" else safe_format_map
            if isinstance(obj, str):
                text: str = obj
                if name == "format":
                    return lambda *a, **k: safe_format(text, *a, **k)
                return lambda mapping: safe_format_map(text, mapping)
        return getattr(obj, name)

    # -- calls -----------------------------------------------------------------

    def _expr_Call(self, node: ast.Call, scope: Scope) -> Any:
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
        consumes_range = any(func is consumer for consumer in ALL_CONSUMERS) or (
            isinstance(func, types.BuiltinMethodType) and func.__name__ in _RANGE_CONSUMING_METHODS
        )
        metered = [self.metered(arg, consumes_range) for arg in args]
        check_call(func, args, kwargs, self.max_bytes)
        return check_result(func(*metered, **kwargs), self.max_bytes)

    def metered(self, arg: Any, consumes_range: bool) -> Any:
        """Lazy iterables handed to C builtins tick the step budget, so they cannot hang us."""
        if isinstance(arg, _LAZY_TYPES) or (consumes_range and isinstance(arg, range)):
            return self.counted(cast("Iterable[Any]", arg))
        return arg

    def _expr_Lambda(self, node: ast.Lambda, scope: Scope) -> Any:
        return self.make_function("<lambda>", node.args, node.body, scope)

    def make_function(
        self, name: str, args: ast.arguments, body: list[ast.stmt] | ast.expr, scope: Scope
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
        local = Scope(func._scope)
        bind_arguments(func, args, kwargs, local)
        self.depth += 1
        try:
            if isinstance(func._body, ast.expr):
                return self.eval(func._body, local)
            self.exec_block(func._body, local)
        except Return as ret:
            return ret.value
        finally:
            self.depth -= 1
        return None

    # -- comprehensions ----------------------------------------------------

    def comprehension(self, generators: list[ast.comprehension], scope: Scope) -> Iterator[Scope]:
        """Yield the inner scope once per combination the ``for``/``if`` clauses allow."""
        inner = Scope(scope)

        def level(index: int) -> Iterator[Scope]:
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

    def _expr_ListComp(self, node: ast.ListComp, scope: Scope) -> Any:
        return [self.eval(node.elt, inner) for inner in self.comprehension(node.generators, scope)]

    def _expr_SetComp(self, node: ast.SetComp, scope: Scope) -> Any:
        return {self.eval(node.elt, inner) for inner in self.comprehension(node.generators, scope)}

    def _expr_DictComp(self, node: ast.DictComp, scope: Scope) -> Any:
        return {
            self.eval(node.key, inner): self.eval(node.value, inner)
            for inner in self.comprehension(node.generators, scope)
        }

    def _expr_GeneratorExp(self, node: ast.GeneratorExp, scope: Scope) -> Any:
        return (self.eval(node.elt, inner) for inner in self.comprehension(node.generators, scope))
