"""awk programs as trees: a recursive-descent parser over :mod:`.lexer`'s tokens, with
awk's precedence (lowest first: ``?:``, ``||``, ``&&``, ``in``, ``~``, relational,
concatenation, additive, multiplicative, unary, ``^``, ``++``/``--``, ``$``).

Inside ``print`` an unparenthesised ``>`` redirects output instead of comparing, as in
every awk."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fake_server.desktop.shell.awk.lexer import AwkSyntaxError, Token, tokenize

Node = tuple[Any, ...]  # ("kind", ...) - small, printable, and matched by the machine
ASSIGN_OPS = frozenset({"=", "+=", "-=", "*=", "/=", "%=", "^="})
_COMPARE = frozenset({"<", "<=", "!=", "==", ">", ">="})
# tokens that start an operand, so two operands side by side concatenate (``-`` and ``!``
# do not: ``a -1`` subtracts, ``a !b`` is no awk anyone writes)
_CONCAT_START = frozenset({"number", "string", "regex", "name", "funcname", "builtin", "$", "(",
                           "++", "--"})  # fmt: skip


@dataclass
class Rule:
    pattern: Node | None  # None: every record
    end_pattern: Node | None  # a range's closing pattern
    action: list[Node] | None  # None: print the record


@dataclass
class Function:
    name: str
    params: list[str]
    body: list[Node]


@dataclass
class Program:
    begin: list[list[Node]] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    end: list[list[Node]] = field(default_factory=list)
    functions: dict[str, Function] = field(default_factory=dict)


def parse(source: str) -> Program:
    return _Parser(tokenize(source)).program()


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.no_gt = 0  # >0 inside print's expression list
        self.no_in = 0  # >0 in a for's initialiser (``for (x in a)`` is checked first)

    # -- tokens --------------------------------------------------------------------

    @property
    def tok(self) -> Token:
        return self.tokens[self.index]

    def peek(self, offset: int = 1) -> Token:
        return self.tokens[min(self.index + offset, len(self.tokens) - 1)]

    def take(self) -> Token:
        token = self.tok
        self.index += 1
        return token

    def expect(self, kind: str) -> Token:
        if self.tok.kind != kind:
            self.fail()
        return self.take()

    def fail(self) -> None:
        token = self.tok
        opened = sum({"(": 1, ")": -1}.get(t.kind, 0) for t in self.tokens[: self.index])
        if token.kind == "}" and opened > 0:  # mawk names the unclosed parenthesis
            raise AwkSyntaxError("missing ) near }", token.line)
        near = "end of file" if token.kind == "eof" else token.text.replace("\n", "end of line")
        raise AwkSyntaxError(f"syntax error at or near {near}", token.line)

    def newlines(self) -> None:
        while self.tok.kind == "newline":
            self.take()

    def terminators(self) -> None:
        while self.tok.kind in ("newline", ";"):
            self.take()

    # -- program -------------------------------------------------------------------

    def program(self) -> Program:
        program = Program()
        self.terminators()
        while self.tok.kind != "eof":
            if self.tok.kind == "BEGIN":
                self.take()
                program.begin.append(self.block())
            elif self.tok.kind == "END":
                self.take()
                program.end.append(self.block())
            elif self.tok.kind == "function":
                function = self.function()
                program.functions[function.name] = function
            else:
                pattern = end_pattern = None
                if self.tok.kind != "{":
                    pattern = self.expr()
                    if self.tok.kind == ",":
                        self.take()
                        self.newlines()
                        end_pattern = self.expr()
                action = self.block() if self.tok.kind == "{" else None
                program.rules.append(Rule(pattern, end_pattern, action))
            self.terminators()
        return program

    def function(self) -> Function:
        self.take()
        if self.tok.kind not in ("name", "funcname"):
            self.fail()
        name = self.take().text
        self.expect("(")
        params: list[str] = []
        while self.tok.kind != ")":
            params.append(self.expect("name").text)
            if self.tok.kind == ",":
                self.take()
                self.newlines()
        self.take()
        self.newlines()
        return Function(name, params, self.block())

    def block(self) -> list[Node]:
        self.expect("{")
        statements: list[Node] = []
        self.terminators()
        while self.tok.kind != "}":
            if self.tok.kind == "eof":
                raise AwkSyntaxError("missing } near end of file", self.tok.line)
            statements.append(self.statement())
            self.terminators()
        self.take()
        return statements

    # -- statements ----------------------------------------------------------------

    def body(self) -> Node:
        """A statement after ``if (...)``, ``while (...)``, ``else``, ``do``."""
        self.newlines()
        if self.tok.kind == ";":
            self.take()
            return ("block", [])
        return self.statement()

    def end_simple(self) -> None:
        if self.tok.kind in (";", "newline"):
            self.take()
        elif self.tok.kind not in ("}", "eof"):
            self.fail()

    def statement(self) -> Node:
        kind = self.tok.kind
        if kind == "{":
            return ("block", self.block())
        if kind == "if":
            self.take()
            self.expect("(")
            condition = self.expr()
            self.expect(")")
            then = self.body()
            mark = self.index
            self.terminators()
            if self.tok.kind == "else":
                self.take()
                return ("if", condition, then, self.body())
            self.index = mark
            return ("if", condition, then, None)
        if kind == "while":
            self.take()
            self.expect("(")
            condition = self.expr()
            self.expect(")")
            if self.tok.kind == ";":  # ``while (c);``: an empty body
                self.take()
                return ("while", condition, ("block", []))
            return ("while", condition, self.body())
        if kind == "do":
            self.take()
            loop_body = self.body()
            self.terminators()
            self.expect("while")
            self.expect("(")
            condition = self.expr()
            self.expect(")")
            self.end_simple()
            return ("do", loop_body, condition)
        if kind == "for":
            return self.for_statement()
        if kind == ";":
            self.take()
            return ("block", [])
        node = self.simple_statement()
        self.end_simple()
        return node

    def for_statement(self) -> Node:
        self.take()
        self.expect("(")
        if (
            self.tok.kind == "name"
            and self.peek().kind == "in"
            and self.peek(2).kind == "name"
            and self.peek(3).kind == ")"
        ):
            var = self.take().text
            self.take()
            array = self.take().text
            self.take()
            return ("forin", var, array, self.body())
        init = None if self.tok.kind == ";" else self.simple_statement()
        self.expect(";")
        self.newlines()
        condition = None if self.tok.kind == ";" else self.expr()
        self.expect(";")
        self.newlines()
        step = None if self.tok.kind == ")" else self.simple_statement()
        self.expect(")")
        return ("for", init, condition, step, self.body())

    def simple_statement(self) -> Node:
        kind = self.tok.kind
        if kind in ("print", "printf"):
            return self.print_statement()
        if kind in ("next", "nextfile", "break", "continue"):
            self.take()
            return (kind,)
        if kind in ("exit", "return"):
            self.take()
            value = None if self.tok.kind in (";", "newline", "}", "eof") else self.expr()
            return (kind, value)
        if kind == "delete":
            self.take()
            name = self.expect("name").text
            if self.tok.kind == "[":
                return ("delete", name, self.subscript())
            return ("delete", name, None)
        return ("expr", self.expr())

    def print_statement(self) -> Node:
        kind = self.take().kind
        args: list[Node] = []
        self.no_gt += 1
        try:
            if self.tok.kind not in (";", "newline", "}", ">", ">>", "|", "eof"):
                args = self.expr_list()
        finally:
            self.no_gt -= 1
        if len(args) == 1 and args[0][0] == "group":
            args = list(args[0][1])
        destination = None
        if self.tok.kind in (">", ">>", "|"):
            mode = self.take().kind
            destination = (mode, self.concat())
        if kind == "printf" and not args:
            self.fail()
        return (kind, args, destination)

    def expr_list(self) -> list[Node]:
        items = [self.expr()]
        while self.tok.kind == ",":
            self.take()
            self.newlines()
            items.append(self.expr())
        return items

    def subscript(self) -> list[Node]:
        self.expect("[")
        keys = self.expr_list()
        self.expect("]")
        return keys

    # -- expressions ---------------------------------------------------------------

    def expr(self) -> Node:
        left = self.ternary()
        if self.tok.kind in ASSIGN_OPS:
            if left[0] not in ("var", "index", "field"):
                self.fail()
            op = self.take().kind
            self.newlines()
            return ("assign", op, left, self.expr())
        return left

    def ternary(self) -> Node:
        condition = self.binary_or()
        if self.tok.kind != "?":
            return condition
        self.take()
        self.newlines()
        yes = self.expr()
        self.newlines()
        self.expect(":")
        self.newlines()
        return ("cond", condition, yes, self.expr())

    def binary_or(self) -> Node:
        left = self.binary_and()
        while self.tok.kind == "||":
            self.take()
            self.newlines()
            left = ("or", left, self.binary_and())
        return left

    def binary_and(self) -> Node:
        left = self.membership()
        while self.tok.kind == "&&":
            self.take()
            self.newlines()
            left = ("and", left, self.membership())
        return left

    def membership(self) -> Node:
        left = self.matching()
        while self.tok.kind == "in" and not self.no_in:
            self.take()
            keys = list(left[1]) if left[0] == "group" else [left]
            left = ("in", keys, self.expect("name").text)
        return left

    def matching(self) -> Node:
        left = self.relational()
        while self.tok.kind in ("~", "!~"):
            negate = self.take().kind == "!~"
            left = ("match", negate, left, self.relational())
        return left

    def relational(self) -> Node:
        left = self.concat()
        while self.tok.kind == "|" and self.peek().kind == "getline":  # "cmd" | getline [var]
            self.index += 2
            target = self.primary() if self.tok.kind in ("name", "$") else None
            left = ("getline", target, None, left)
        kind = self.tok.kind
        if kind in _COMPARE and not (kind == ">" and self.no_gt):
            self.take()
            return ("compare", kind, left, self.concat())
        return left

    def concat(self) -> Node:
        left = self.additive()
        while self.tok.kind in _CONCAT_START:
            left = ("concat", left, self.additive())
        return left

    def additive(self) -> Node:
        left = self.multiplicative()
        while self.tok.kind in ("+", "-"):
            op = self.take().kind
            left = ("binary", op, left, self.multiplicative())
        return left

    def multiplicative(self) -> Node:
        left = self.unary()
        while self.tok.kind in ("*", "/", "%"):
            op = self.take().kind
            left = ("binary", op, left, self.unary())
        return left

    def unary(self) -> Node:
        kind = self.tok.kind
        if kind == "!":
            self.take()
            return ("not", self.unary())
        if kind in ("-", "+"):
            self.take()
            return ("negate" if kind == "-" else "plus", self.unary())
        return self.power()

    def power(self) -> Node:
        base = self.postfix()
        if self.tok.kind == "^":
            self.take()
            return ("binary", "^", base, self.unary_power())
        return base

    def unary_power(self) -> Node:
        """The right side of ``^``: right-associative, and may be negated (``2^-1``)."""
        if self.tok.kind in ("-", "+", "!"):
            kind = self.take().kind
            inner = self.unary_power()
            return ("not", inner) if kind == "!" else ("negate" if kind == "-" else "plus", inner)
        return self.power()

    def postfix(self) -> Node:
        if self.tok.kind in ("++", "--"):
            op = self.take().kind
            target = self.postfix()
            if target[0] not in ("var", "index", "field"):
                self.fail()
            return ("preinc", op, target)
        node = self.primary()
        if self.tok.kind in ("++", "--") and node[0] in ("var", "index", "field"):
            return ("postinc", self.take().kind, node)
        return node

    def primary(self) -> Node:
        token = self.tok
        kind = token.kind
        if kind == "number":
            self.take()
            return ("num", float(token.text))
        if kind == "string":
            self.take()
            return ("str", token.text)
        if kind == "regex":
            self.take()
            return ("regex", token.text)
        if kind == "$":
            self.take()
            if self.tok.kind in ("++", "--", "-", "+", "!"):
                return ("field", self.unary())
            return ("field", self.primary())
        if kind == "(":
            self.take()
            saved, self.no_gt = self.no_gt, 0
            try:
                items = self.expr_list()
            finally:
                self.no_gt = saved
            self.expect(")")
            return ("group", items) if len(items) > 1 else ("paren", items[0])
        if kind == "name":
            self.take()
            if self.tok.kind == "[":
                return ("index", token.text, self.subscript())
            return ("var", token.text)
        if kind == "funcname":
            self.take()
            self.expect("(")
            args = [] if self.tok.kind == ")" else self.expr_list()
            self.expect(")")
            return ("call", token.text, args)
        if kind == "builtin":
            self.take()
            if self.tok.kind != "(":
                if token.text != "length":
                    self.fail()
                return ("builtin", "length", [])
            self.take()
            args = [] if self.tok.kind == ")" else self.expr_list()
            self.expect(")")
            return ("builtin", token.text, args)
        if kind == "getline":
            self.take()
            target = None
            if self.tok.kind in ("name", "$"):
                target = self.primary()
            source = None
            if self.tok.kind == "<":
                self.take()
                source = self.primary()
            return ("getline", target, source, None)
        self.fail()
        raise AssertionError  # pragma: no cover (fail raises)
