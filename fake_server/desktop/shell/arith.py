"""Bash arithmetic (``$((...))``, ``(( ))``, array subscripts) on integers: the C-like
expression is rewritten into Python syntax and its AST walked, never evaluated, with
bash's rules where Python's differ (division truncates toward zero, ``%`` keeps the
dividend's sign, comparisons give 1 or 0)."""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable
from typing import Any, Final

from fake_server.desktop.shell.runtime import ExpansionError

# fmt: off
_ARITH_UNARY: Final[dict[type[ast.unaryop], Callable[[int], Any]]] = {
    ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Invert: operator.invert,
    ast.Not: operator.not_,
}
_ARITH_BINARY: Final[dict[type[ast.operator], Callable[[int, int], Any]]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.floordiv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.Pow: operator.pow, ast.LShift: operator.lshift, ast.RShift: operator.rshift,
    ast.BitAnd: operator.and_, ast.BitOr: operator.or_, ast.BitXor: operator.xor,
}
_ARITH_COMPARE: Final[dict[type[ast.cmpop], Callable[[int, int], bool]]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt,
    ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
}
# fmt: on


def evaluate(text: str, variable: Callable[[str], int]) -> int:
    """``text``'s value; ``variable`` reads a name (and may raise for an unset one)."""
    source = text.replace("&&", " and ").replace("||", " or ")
    source = re.sub(r"!(?!=)", " not ", source)
    try:
        tree = ast.parse(source.strip() or "0", mode="eval")
    except SyntaxError:
        raise ExpansionError(f"{text}: syntax error in expression") from None
    return _node(tree.body, text, variable)


def _node(node: ast.expr, text: str, variable: Callable[[str], int]) -> int:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return int(node.value)
    if isinstance(node, ast.Name):
        return variable(node.id)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _ARITH_UNARY:
        return int(_ARITH_UNARY[type(node.op)](_node(node.operand, text, variable)))
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITH_BINARY:
        left, right = _node(node.left, text, variable), _node(node.right, text, variable)
        if isinstance(node.op, ast.Div | ast.Mod | ast.FloorDiv) and right == 0:
            raise ExpansionError(f"{text}: division by 0")
        if isinstance(node.op, ast.Div | ast.FloorDiv):
            quotient = abs(left) // abs(right)
            return quotient if (left >= 0) == (right >= 0) else -quotient
        if isinstance(node.op, ast.Mod):
            remainder = abs(left) % abs(right)
            return remainder if left >= 0 else -remainder
        if isinstance(node.op, ast.Pow) and (right < 0 or right > 4096):
            raise ExpansionError(f"{text}: exponent out of range")
        return int(_ARITH_BINARY[type(node.op)](left, right))
    if isinstance(node, ast.Compare):
        left = _node(node.left, text, variable)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = _node(comparator, text, variable)
            if type(op) not in _ARITH_COMPARE or not _ARITH_COMPARE[type(op)](left, right):
                return 0
            left = right
        return 1
    if isinstance(node, ast.BoolOp):
        values = [_node(v, text, variable) for v in node.values]
        return int(all(values) if isinstance(node.op, ast.And) else any(values))
    raise ExpansionError(f"{text}: syntax error in expression")
