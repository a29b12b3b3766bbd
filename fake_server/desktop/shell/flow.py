"""Compound commands of the simulated shell: ``if``, loops, ``case``, groups, ``[[ ]]``, functions.

The interpreter (:class:`~fake_server.desktop.shell.interpreter.Bash`) hands
every node that is not a simple command to :func:`run_node`. Loops check the
run's wall-clock deadline on every turn (so ``while true; do :; done`` ends at
the timeout) and share one stdin :class:`~fake_server.desktop.shell.runtime.Reader`,
so ``while read line`` walks its input line by line.
"""

from __future__ import annotations

import fnmatch
import time

import regex

from fake_server.desktop import cooperative
from fake_server.desktop.shell.builtins import file_test, int_compare
from fake_server.desktop.shell.engine import Interpreter
from fake_server.desktop.shell.parser import (
    Case,
    Conditional,
    For,
    Function,
    Group,
    If,
    Loop,
    Negated,
    Node,
)
from fake_server.desktop.shell.runtime import ExpansionError, Io, LoopControl, ShellExit
from fake_server.desktop.shell.syntax import Word

REGEX_TIMEOUT_MESSAGE = "regular expression took too long"


def run_node(bash: Interpreter, node: Node, io: Io) -> int:
    """Run a compound command (with its redirections) and return its status."""
    if isinstance(node, Function):
        bash.session.functions[node.name] = node
        return 0
    return bash.run_redirected(node.redirs, io, lambda inner: _run(bash, node, inner))


def _run(bash: Interpreter, node: Node, io: Io) -> int:
    if isinstance(node, Negated):
        return 0 if bash.run_pipeline(node.commands, io) != 0 else 1
    if isinstance(node, If):
        for condition, body in node.clauses:
            if bash.run_body(condition, io, condition=True) == 0:
                return bash.run_body(body, io)
        return bash.run_body(node.otherwise, io) if node.otherwise is not None else 0
    if isinstance(node, Loop | For):
        return _loop(bash, node, io.with_reader())
    if isinstance(node, Case):
        return _case(bash, node, io)
    if isinstance(node, Group):
        if not node.subshell:
            return bash.run_body(node.body, io)
        child = bash.child()
        if child is None:
            io.err.write("bash: maximum nesting level exceeded\n")
            return 1
        try:
            return child.run_body(node.body, io)
        except ShellExit as exc:
            return exc.code
    if isinstance(node, Conditional):
        try:
            return 0 if _Cond(bash, node.items, io).evaluate() else 1
        except ExpansionError as exc:
            io.err.write(f"bash: {exc}\n")
            return 2
    raise AssertionError(f"unknown node {node!r}")  # pragma: no cover


def _loop(bash: Interpreter, node: Loop | For, io: Io) -> int:
    status = 0
    if isinstance(node, For):
        if node.items is None:
            values = list(bash.session.positional)
        else:
            values = [v for word in node.items for v in bash.expander.expand(word, io)]
        turns: list[str | None] = list(values)
    bash.loops += 1
    try:
        index = 0
        while True:
            bash.check_deadline()
            if isinstance(node, For):
                if index >= len(turns):
                    break
                bash.session.set(node.name, turns[index] or "")
                index += 1
            try:  # a break or continue in the condition acts on this loop too, as in bash
                if not isinstance(node, For):
                    tested = bash.run_body(node.condition, io, condition=True)
                    if (tested == 0) == node.until:
                        break
                status = bash.run_body(node.body, io)
            except LoopControl as control:
                if control.levels > 1:
                    control.levels -= 1
                    raise
                status = 0
                if control.kind == "break":
                    break
    finally:
        bash.loops -= 1
    return bash.finish(status)


def _case(bash: Interpreter, node: Case, io: Io) -> int:
    subject = "".join(bash.expander.expand(node.word, io, split=False))
    for patterns, body in node.arms:
        for pattern in patterns:
            if fnmatch.fnmatchcase(subject, _pattern_text(bash, pattern, io)):
                return bash.run_body(body, io) if body else 0
    return 0


def _pattern_text(bash: Interpreter, word: Word, io: Io) -> str:
    """A pattern word: quoted pieces match literally, unquoted ones as glob."""
    pieces: list[str] = []
    for part in word.parts:
        if part.kind == "raw":
            pieces.append(part.text)
        else:
            text = "".join(bash.expander.expand(Word((part,), part.text), io, split=False))
            pieces.append(fnmatch_escape(text) if part.quoted or part.kind == "lit" else text)
    return "".join(pieces)


def fnmatch_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


class _Cond:
    """``[[ ... ]]``: ``!``, ``&&``, ``||``, parentheses, ``-f``-style tests, ``==``/``!=``
    against a glob, ``=~`` (regex), string ``<``/``>`` and the integer comparisons."""

    def __init__(self, bash: Interpreter, items: list[Word | str], io: Io) -> None:
        self.bash = bash
        self.items = items
        self.io = io
        self.pos = 0

    def peek(self) -> Word | str | None:
        return self.items[self.pos] if self.pos < len(self.items) else None

    def text(self, item: Word | str | None) -> str:
        if item is None:
            raise ExpansionError("syntax error in conditional expression")
        if isinstance(item, str):
            return item
        return "".join(self.bash.expander.expand(item, self.io, split=False))

    def evaluate(self) -> bool:
        result = self.disjunction()
        if self.pos != len(self.items):
            raise ExpansionError("syntax error in conditional expression")
        return result

    def disjunction(self) -> bool:
        result = self.conjunction()
        while self.peek() == "||":
            self.pos += 1
            right = self.conjunction()
            result = result or right
        return result

    def conjunction(self) -> bool:
        result = self.unary()
        while self.peek() == "&&":
            self.pos += 1
            right = self.unary()
            result = result and right
        return result

    def unary(self) -> bool:
        item = self.peek()
        if isinstance(item, Word) and item.source == "!":
            self.pos += 1
            return not self.unary()
        if item == "(":
            self.pos += 1
            result = self.disjunction()
            if self.peek() != ")":
                raise ExpansionError("syntax error in conditional expression")
            self.pos += 1
            return result
        return self.primary()

    def primary(self) -> bool:
        first = self.items[self.pos] if self.pos < len(self.items) else None
        self.pos += 1
        operator = self.peek()
        op_text = operator if isinstance(operator, str) else getattr(operator, "source", None)
        if (
            isinstance(first, Word)
            and first.source.startswith("-")
            and len(first.source) == 2
            and op_text not in _BINARY
        ):
            operand = self.text(self.peek())
            self.pos += 1
            return file_test(self.bash, first.source, operand)
        if op_text in _BINARY and operator not in ("&&", "||", ")"):
            self.pos += 1
            right_item = self.items[self.pos] if self.pos < len(self.items) else None
            self.pos += 1
            left = self.text(first)
            return self.binary(left, str(op_text), right_item)
        return self.text(first) != ""

    def binary(self, left: str, op: str, right_item: Word | str | None) -> bool:
        if op in ("==", "=", "!="):
            if not isinstance(right_item, Word):
                raise ExpansionError("syntax error in conditional expression")
            matched = fnmatch.fnmatchcase(left, _pattern_text(self.bash, right_item, self.io))
            return matched if op != "!=" else not matched
        right = self.text(right_item)
        if op == "=~":
            with cooperative.unlocked():
                try:
                    found = regex.search(right, left, timeout=_remaining(self.bash))
                except regex.error as exc:
                    raise ExpansionError(f"{right}: {exc}") from None
                except TimeoutError:
                    raise ExpansionError(REGEX_TIMEOUT_MESSAGE) from None
            return found is not None
        if op == "<":
            return left < right
        if op == ">":
            return left > right
        return int_compare(op, left, right)


_BINARY = frozenset({"==", "=", "!=", "=~", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge"})


def _remaining(bash: Interpreter) -> float | None:
    deadline = bash.deadline()
    return None if deadline is None else max(deadline - time.monotonic(), 0.001)
