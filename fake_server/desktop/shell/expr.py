"""``expr`` as GNU coreutils evaluates it: ``|`` and ``&``, comparisons (numeric when both
sides are integers), integer arithmetic, ``:`` (an anchored basic regex: the first group's
text, or how many characters matched), ``match``, ``substr``, ``index``, ``length`` and
``+ TOKEN``. Exit status 0 for a non-null, non-zero value, 1 otherwise, 2 for a malformed
expression or a non-integer operand."""

from __future__ import annotations

import re
from typing import Any

import regex

from fake_server.desktop.shell.regexes import bre_to_python, run_regex
from fake_server.desktop.shell.runtime import Builtin, Context, Io, registrar

COMMANDS: dict[str, Builtin] = {}
command = registrar(COMMANDS)
_INTEGER = re.compile(r"[+-]?\d+")


class _Refused(Exception):
    pass


@command("expr")
def expr(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    tokens = argv[1:]
    if tokens[:1] == ["--"]:
        tokens = tokens[1:]
    if not tokens:
        io.err.write("expr: missing operand\nTry 'expr --help' for more information.\n")
        return 2
    parser = _Parser(ctx, tokens)
    try:
        value = parser.alternative()
        if parser.position < len(tokens):
            raise _Refused(f"syntax error: unexpected argument '{tokens[parser.position]}'")
    except _Refused as exc:
        io.err.write(f"expr: {exc}\n")
        return 2
    io.out.write(f"{value}\n")
    return 1 if _null(value) else 0


def _null(value: str) -> bool:
    return value == "" or (_INTEGER.fullmatch(value) is not None and int(value) == 0)


def _integer(value: str) -> int:
    if _INTEGER.fullmatch(value) is None:
        raise _Refused("non-integer argument")
    return int(value)


class _Parser:
    def __init__(self, ctx: Context, tokens: list[str]) -> None:
        self.ctx, self.tokens, self.position = ctx, tokens, 0

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        if self.position >= len(self.tokens):
            last = self.tokens[-1] if self.tokens else ""
            raise _Refused(f"syntax error: missing argument after '{last}'")
        self.position += 1
        return self.tokens[self.position - 1]

    def alternative(self) -> str:
        left = self.conjunction()
        while self.peek() == "|":
            self.take()
            right = self.conjunction()
            left = left if not _null(left) else ("0" if _null(right) else right)
        return left

    def conjunction(self) -> str:
        left = self.comparison()
        while self.peek() == "&":
            self.take()
            right = self.comparison()
            left = "0" if _null(left) or _null(right) else left
        return left

    def comparison(self) -> str:
        left = self.additive()
        while self.peek() in ("<", "<=", "=", "==", "!=", ">=", ">"):
            op = self.take()
            right = self.additive()
            both = _INTEGER.fullmatch(left) and _INTEGER.fullmatch(right)
            a: Any = int(left) if both else left
            b: Any = int(right) if both else right
            outcome = {
                "<": a < b, "<=": a <= b, "=": a == b, "==": a == b, "!=": a != b,
                ">=": a >= b, ">": a > b,
            }[op]  # fmt: skip
            left = "1" if outcome else "0"
        return left

    def additive(self) -> str:
        left = self.multiplicative()
        while self.peek() in ("+", "-"):
            op = self.take()
            right = self.multiplicative()
            a, b = _integer(left), _integer(right)
            left = str(a + b if op == "+" else a - b)
        return left

    def multiplicative(self) -> str:
        left = self.matching()
        while self.peek() in ("*", "/", "%"):
            op = self.take()
            right = self.matching()
            a, b = _integer(left), _integer(right)
            if op != "*" and b == 0:
                raise _Refused("division by zero")
            if op == "*":
                left = str(a * b)
            else:  # C semantics: the quotient truncates toward zero
                quotient = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)
                left = str(quotient if op == "/" else a - quotient * b)
        return left

    def matching(self) -> str:
        left = self.primary()
        while self.peek() == ":":
            self.take()
            left = self.match(left, self.primary())
        return left

    def match(self, text: str, pattern: str) -> str:
        try:
            compiled = regex.compile(bre_to_python(pattern))
        except regex.error as exc:
            raise _Refused(str(exc)) from None
        found = run_regex(self.ctx, compiled.match, text)
        if compiled.groups:
            return (found.group(1) or "") if found else ""
        return str(found.end()) if found else "0"

    def primary(self) -> str:
        token = self.take()
        if token == "(":
            value = self.alternative()
            if self.peek() != ")":
                raise _Refused(
                    "syntax error: expecting ')' after '" + self.tokens[self.position - 1] + "'"
                )
            self.take()
            return value
        if token == "+":
            return self.take()
        if token == "length":
            return str(len(self.take()))
        if token == "match":
            text = self.take()
            return self.match(text, self.take())
        if token == "index":
            text, chars = self.take(), self.take()
            return str(next((i + 1 for i, c in enumerate(text) if c in chars), 0))
        if token == "substr":
            text, start, length = self.take(), self.take(), self.take()
            begin, count = _integer(start), _integer(length)
            if begin < 1 or count < 1:
                return ""
            return text[begin - 1 : begin - 1 + count]
        return token
