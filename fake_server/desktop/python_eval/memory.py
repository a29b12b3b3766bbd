"""The simulated Python's memory budget: no single value may grow past ``max_bytes``.

Real Python would simply try to allocate ``'a' * 10**9`` and the fake's process
would pay for it, so each operation that can make a big value is estimated
*before* it runs (repetition, concatenation, ``%`` and format widths,
``str.ljust``/``center``/``zfill``/``expandtabs``/``replace``, ``bytes(n)``,
``bytearray(n)``) and every call's result is measured after it, raising
``MemoryError`` as CPython does when an allocation fails. Doubling a string in a
loop (``s = s + s``) stops at the budget. The budget bounds one value, not the
sum of all live values: a program holding many values just under it can still
use more, which the step budget keeps small in practice.
"""

from __future__ import annotations

import ast
import re
import types
from typing import Any, Final

#: Bytes one value may take by default (configurable per shell: ``python_max_bytes``).
DEFAULT_MAX_BYTES: Final = 64 * 1024 * 1024
MESSAGE: Final = "result too large for the simulated Python (its memory budget is {} bytes)"
_WIDTH: Final = re.compile(r"\d+")
_PADDING_METHODS: Final = frozenset({"ljust", "rjust", "center", "zfill"})


def size_of(value: Any) -> int:
    """Roughly the bytes ``value`` occupies (containers count one pointer per item)."""
    if isinstance(value, str):
        return len(value) if value.isascii() else 4 * len(value)
    if isinstance(value, bytes | bytearray):
        return len(value)
    if isinstance(value, list | tuple | set | frozenset | dict):
        return 8 * len(value)
    return 0


def _refuse(limit: int) -> MemoryError:
    return MemoryError(MESSAGE.format(limit))


def check_size(estimate: int, limit: int) -> None:
    if estimate > limit:
        raise _refuse(limit)


def check_binop(op: type[ast.operator], left: Any, right: Any, limit: int) -> None:
    """``seq * n``, ``a + b`` and ``"%10000000000d" % x`` before they allocate."""
    if op is ast.Mult:
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, str | bytes | bytearray | list | tuple) and isinstance(count, int):
                check_size(size_of(seq) * max(count, 0), limit)
    elif op is ast.Add and type(left) is type(right):
        check_size(size_of(left) + size_of(right), limit)
    elif op is ast.Mod and isinstance(left, str | bytes):
        check_format_widths(left if isinstance(left, str) else left.decode("latin-1"), limit)


def check_format_widths(spec: str, limit: int) -> None:
    """Any number in a format string or spec (a width or precision) bounds its output."""
    for number in _WIDTH.findall(spec):
        if len(number) > 6:
            check_size(int(number), limit)


def check_call(func: Any, args: list[Any], kwargs: dict[str, Any], limit: int) -> None:
    """Calls whose result size follows from their arguments, checked before they run."""
    if func in (bytes, bytearray) and args and isinstance(args[0], int):
        check_size(args[0], limit)
        return
    owner = getattr(func, "__self__", None)
    if not isinstance(func, types.BuiltinMethodType) or not isinstance(owner, str | bytes):
        return
    name = func.__name__
    ints = [a for a in args if isinstance(a, int)]
    if name in _PADDING_METHODS and ints:
        check_size(ints[0] * (4 if isinstance(owner, str) and not owner.isascii() else 1), limit)
    elif name == "expandtabs":
        tab = ints[0] if ints else kwargs.get("tabsize", 8)
        if isinstance(tab, int):
            tabs = owner.count("\t") if isinstance(owner, str) else owner.count(b"\t")
            check_size(size_of(owner) + tabs * tab, limit)
    elif name == "replace" and len(args) >= 2:
        old, new = args[0], args[1]
        if isinstance(owner, str) and isinstance(old, str) and isinstance(new, str):
            check_size(size_of(owner) + owner.count(old) * max(len(new) - len(old), 0), limit)
        elif isinstance(owner, bytes) and isinstance(old, bytes) and isinstance(new, bytes):
            check_size(len(owner) + owner.count(old) * max(len(new) - len(old), 0), limit)
    elif name in ("format", "format_map"):
        check_format_widths(owner if isinstance(owner, str) else "", limit)


def check_result(value: Any, limit: int) -> Any:
    """A value made by a call we could not estimate ahead: refuse it if it is too big."""
    check_size(size_of(value), limit)
    return value
