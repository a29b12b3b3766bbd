"""awk's values: numbers, strings, the "strnum" (input that looks numeric compares as a
number), and the uninitialised value that is both ``""`` and ``0``. Conversions follow
mawk, the awk of Debian and Ubuntu desktops: C's ``strtod`` reads numbers (hex and
``inf`` included), and a number prints as an integer only within the C ``int`` range."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

INT_MAX = 2_147_483_647
_STRTOD = re.compile(
    r"[ \t\n\r\f\v]*([+-]?(?:0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?"
    r"|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan))",
    re.IGNORECASE,
)
_LOOKS_NUMERIC = re.compile(
    r"[ \t\n]*[+-]?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)"
    r"[ \t\n]*",
    re.IGNORECASE,
)


class StrNum(str):
    """Text from input (fields, ``getline``, ``split``, ``-v``): numeric if it looks so."""

    __slots__ = ()


class _Uninit(StrNum):
    """The value of a variable never assigned: ``""`` as a string, 0 as a number."""

    __slots__ = ()


UNINIT = _Uninit("")
Value = float | str


def strtod(text: str) -> float:
    match = _STRTOD.match(text)
    if match is None:
        return 0.0
    number = match.group(1)
    body = number.lstrip("+-")
    if body[:2].lower() == "0x":
        value = float.fromhex(body) if re.search(r"[.pP]", body) else float(int(body, 16))
        return -value if number.startswith("-") else value
    return float(number)


def to_num(value: Value) -> float:
    return value if isinstance(value, float) else strtod(value)


def is_numeric(value: Value) -> bool:
    """Compares as a number: a number, the uninitialised value, or numeric-looking input."""
    if isinstance(value, float) or value is UNINIT:
        return True
    return isinstance(value, StrNum) and _LOOKS_NUMERIC.fullmatch(value) is not None


def number_text(value: float, fmt: str) -> str:
    """A number as awk writes it: an integer in C ``int`` range as one, else ``fmt``."""
    if math.isnan(value):
        return "-nan" if math.copysign(1.0, value) < 0 else "nan"
    if math.isinf(value):
        return "-inf" if value < 0 else "inf"
    if value == int(value) and -INT_MAX <= value <= INT_MAX:
        return str(int(value))
    return format_c(fmt, value)


def to_str(value: Value, fmt: str = "%.6g") -> str:
    return number_text(value, fmt) if isinstance(value, float) else value


def truth(value: Value) -> bool:
    if isinstance(value, float):
        return value != 0
    if is_numeric(value):
        return strtod(value) != 0
    return value != ""


def compare(a: Value, b: Value) -> int:
    """Numeric when both are numeric, else as strings (``CONVFMT`` for numbers)."""
    if is_numeric(a) and is_numeric(b):
        x, y = to_num(a), to_num(b)
        return (x > y) - (x < y)
    x_text, y_text = to_str(a), to_str(b)
    return (x_text > y_text) - (x_text < y_text)


def format_c(fmt: str, value: float) -> str:
    """One C ``printf`` float conversion (``%.6g``-like formats) on a Python float."""
    try:
        return fmt % value
    except (TypeError, ValueError):
        return f"{value:.6g}"


RELATIONS: dict[str, Callable[[int], bool]] = {
    "<": lambda c: c < 0, "<=": lambda c: c <= 0, ">": lambda c: c > 0,
    ">=": lambda c: c >= 0, "==": lambda c: c == 0, "!=": lambda c: c != 0,
}  # fmt: skip


def arithmetic(op: str, a: float, b: float) -> float:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        if b == 0:  # C's IEEE division, as mawk does it: no error
            return math.copysign(math.inf, a) if a else -math.nan
        return a / b
    if op == "%":
        return math.fmod(a, b) if b != 0 and math.isfinite(a) else -math.nan
    try:
        return math.pow(a, b)
    except (OverflowError, ValueError):
        return math.inf if a > 0 else math.nan
