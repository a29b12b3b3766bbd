"""Bash grammar for the simulated shell: lexed tokens into lists, pipelines and compound commands.

:mod:`~fake_server.desktop.shell.syntax` turns text into tokens; this module
builds the tree the interpreter walks: and-or lists of pipelines whose elements
are simple commands or compound ones (``if``, ``while``/``until``, ``for``,
``case``, ``{ ...; }``, ``( ... )``, ``[[ ... ]]`` and function definitions),
each with its redirections. Reserved words count only in command position, as
in bash, so ``echo done`` prints "done". Errors raise
:class:`~fake_server.desktop.shell.syntax.ShellSyntaxError` before anything runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from fake_server.desktop.shell.syntax import (
    NAME_RE,
    HereDoc,
    Op,
    Part,
    Redir,
    ShellSyntaxError,
    Token,
    Word,
)

# fmt: off
_RESERVED: Final = frozenset(
    {"if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case",
     "esac", "function", "select", "{", "}", "[[", "]]", "!", "in"}
)
# fmt: on
_LIST_END: Final = (Op(")"), Op(";;"))

Redirect = tuple[int | None, str, Word | HereDoc]


@dataclass
class Command:
    """A simple command: its words and its redirections, in order."""

    words: list[Word]
    redirs: list[Redirect]


@dataclass
class AndOr:
    """A pipeline, then ``&&``/``||`` pipelines; ``background`` when it ended with ``&``."""

    first: list[Node]
    rest: list[tuple[str, list[Node]]]
    background: bool = False


Body = list[AndOr]


@dataclass
class Negated:
    """``! pipeline``: the pipeline's status inverted."""

    commands: list[Node]
    redirs: list[Redirect] = field(default_factory=list)


@dataclass
class If:
    clauses: list[tuple[Body, Body]]
    otherwise: Body | None
    redirs: list[Redirect] = field(default_factory=list)


@dataclass
class Loop:
    until: bool
    condition: Body
    body: Body
    redirs: list[Redirect] = field(default_factory=list)


@dataclass
class For:
    name: str
    items: list[Word] | None  # None: ``for x; do`` iterates over "$@"
    body: Body
    redirs: list[Redirect] = field(default_factory=list)


@dataclass
class Case:
    word: Word
    arms: list[tuple[list[Word], Body]]
    redirs: list[Redirect] = field(default_factory=list)


@dataclass
class Group:
    """``{ ...; }`` (runs in this shell) or ``( ... )`` (``subshell``: changes stay inside)."""

    body: Body
    subshell: bool
    redirs: list[Redirect] = field(default_factory=list)


@dataclass
class Conditional:
    """``[[ ... ]]``: operands as words, operators (``&&``, ``||``, ``(``, ``<``...) as text."""

    items: list[Word | str]
    redirs: list[Redirect] = field(default_factory=list)


@dataclass
class Function:
    name: str
    body: Node
    redirs: list[Redirect] = field(default_factory=list)


Node = Command | Negated | If | Loop | For | Case | Group | Conditional | Function


def is_reserved(word: Word, text: str | None = None) -> bool:
    """An unquoted reserved word (``text`` names which one, None means any)."""
    if len(word.parts) != 1 or word.parts[0].kind != "raw" or word.source not in _RESERVED:
        return False
    return text is None or word.source == text


def describe(token: Token | None) -> str:
    if token is None or token == Op("\n"):
        return "newline"
    if isinstance(token, Op):
        return token.text
    if isinstance(token, Redir):
        return token.op
    if isinstance(token, HereDoc):
        return "<<"
    return token.source


def parse(tokens: list[Token]) -> Body:
    """The and-or lists of a lexed command line, in order; raises before anything runs."""
    parser = _Parser(tokens)
    body = parser.compound_list(())
    if parser.peek() is not None:
        raise parser.unexpected(parser.peek())
    return body


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    # -- helpers ---------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> Token | None:
        index = self.pos + ahead
        return self.tokens[index] if index < len(self.tokens) else None

    def at_word(self, *texts: str) -> bool:
        token = self.peek()
        return isinstance(token, Word) and any(is_reserved(token, t) for t in texts)

    def unexpected(self, token: Token | None) -> ShellSyntaxError:
        if token is None:
            return ShellSyntaxError("syntax error: unexpected end of file")
        return ShellSyntaxError(f"syntax error near unexpected token `{describe(token)}'")

    def expect_word(self, text: str) -> None:
        if not self.at_word(text):
            raise self.unexpected(self.peek())
        self.pos += 1

    def expect_op(self, text: str) -> None:
        if self.peek() != Op(text):
            raise self.unexpected(self.peek())
        self.pos += 1

    def skip_newlines(self) -> None:
        while self.peek() == Op("\n"):
            self.pos += 1

    def word(self) -> Word:
        token = self.peek()
        if not isinstance(token, Word):
            raise self.unexpected(token)
        self.pos += 1
        return token

    # -- lists -------------------------------------------------------------------------

    def compound_list(self, stop: tuple[str, ...], *, required: bool = False) -> Body:
        items: Body = []
        while True:
            self.skip_newlines()
            token = self.peek()
            if token is None or token in _LIST_END or (stop and self.at_word(*stop)):
                if required and not items:
                    raise self.unexpected(token)
                return items
            item = self.and_or()
            items.append(item)
            token = self.peek()
            if token == Op("&"):
                item.background = True
                self.pos += 1
            elif token in (Op(";"), Op("\n")):
                self.pos += 1
            elif not (token is None or token in _LIST_END or (stop and self.at_word(*stop))):
                raise self.unexpected(token)

    def and_or(self) -> AndOr:
        item = AndOr(self.pipeline(), [])
        while isinstance(token := self.peek(), Op) and token.text in ("&&", "||"):
            self.pos += 1
            self.skip_newlines()
            item.rest.append((token.text, self.pipeline()))
        return item

    def pipeline(self) -> list[Node]:
        negated = False
        while self.at_word("!"):
            self.pos += 1
            negated = not negated
        commands = [self.command()]
        while self.peek() == Op("|"):
            self.pos += 1
            self.skip_newlines()
            commands.append(self.command())
        return [Negated(commands)] if negated else commands

    # -- commands ----------------------------------------------------------------------

    def command(self) -> Node:
        token = self.peek()
        node: Node
        if isinstance(token, Word) and is_reserved(token):
            self.pos += 1
            node = self.compound(token.source, token)
        elif token == Op("("):
            self.pos += 1
            body = self.compound_list((), required=True)
            self.expect_op(")")
            node = Group(body, subshell=True)
        elif (
            isinstance(token, Word)
            and len(token.parts) == 1
            and token.parts[0].kind == "raw"
            and self.peek(1) == Op("(")
            and self.peek(2) == Op(")")
        ):
            self.pos += 3
            return self.function_body(token.source)
        else:
            return self.simple()
        node.redirs = self.redirections()
        return node

    def compound(self, keyword: str, token: Word) -> Node:
        if keyword == "if":
            return self.if_clause()
        if keyword in ("while", "until"):
            condition = self.compound_list(("do",), required=True)
            self.expect_word("do")
            body = self.compound_list(("done",), required=True)
            self.expect_word("done")
            return Loop(keyword == "until", condition, body)
        if keyword == "for":
            return self.for_clause()
        if keyword == "case":
            return self.case_clause()
        if keyword == "{":
            body = self.compound_list(("}",), required=True)
            self.expect_word("}")
            return Group(body, subshell=False)
        if keyword == "[[":
            return self.conditional()
        if keyword == "function":
            name = self.word().source
            if self.peek() == Op("(") and self.peek(1) == Op(")"):
                self.pos += 2
            return self.function_body(name)
        raise self.unexpected(token)

    def function_body(self, name: str) -> Function:
        self.skip_newlines()
        token = self.peek()
        if not (token == Op("(") or (isinstance(token, Word) and is_reserved(token))):
            raise self.unexpected(token)
        return Function(name, self.command())

    def if_clause(self) -> If:
        clauses: list[tuple[Body, Body]] = []
        otherwise: Body | None = None
        while True:
            condition = self.compound_list(("then",), required=True)
            self.expect_word("then")
            body = self.compound_list(("elif", "else", "fi"), required=True)
            clauses.append((condition, body))
            if self.at_word("elif"):
                self.pos += 1
                continue
            if self.at_word("else"):
                self.pos += 1
                otherwise = self.compound_list(("fi",), required=True)
            self.expect_word("fi")
            return If(clauses, otherwise)

    def for_clause(self) -> For:
        name = self.word()
        if not NAME_RE.fullmatch(name.source):
            raise ShellSyntaxError(f"`{name.source}': not a valid identifier")
        self.skip_newlines()
        items: list[Word] | None = None
        if self.at_word("in"):
            self.pos += 1
            items = []
            while isinstance(token := self.peek(), Word):
                items.append(token)
                self.pos += 1
        if self.peek() in (Op(";"), Op("\n")):
            self.pos += 1
        self.skip_newlines()
        self.expect_word("do")
        body = self.compound_list(("done",), required=True)
        self.expect_word("done")
        return For(name.source, items, body)

    def case_clause(self) -> Case:
        subject = self.word()
        self.skip_newlines()
        self.expect_word("in")
        arms: list[tuple[list[Word], Body]] = []
        while True:
            self.skip_newlines()
            if self.at_word("esac"):
                self.pos += 1
                return Case(subject, arms)
            if self.peek() == Op("("):
                self.pos += 1
            patterns = [self.word()]
            while self.peek() == Op("|"):
                self.pos += 1
                patterns.append(self.word())
            self.expect_op(")")
            arms.append((patterns, self.compound_list(("esac",))))
            if self.peek() == Op(";;"):
                self.pos += 1
            elif not self.at_word("esac"):
                raise self.unexpected(self.peek())

    def conditional(self) -> Conditional:
        items: list[Word | str] = []
        while True:
            token = self.peek()
            if token is None:
                raise self.unexpected(None)
            self.pos += 1
            if isinstance(token, Word):
                if is_reserved(token, "]]"):
                    break
                items.append(token)
                if token.source == "=~":
                    items.append(self.regex_operand())
            elif isinstance(token, Op) and token.text in ("&&", "||", "(", ")"):
                items.append(token.text)
            elif isinstance(token, Redir) and token.op in ("<", ">") and token.fd is None:
                items.append(token.op)
            else:
                raise self.unexpected(token)
        if not items:
            raise ShellSyntaxError("syntax error near `]]'")
        return Conditional(items)

    def regex_operand(self) -> Word:
        """The right side of ``=~``: bash reads parentheses and ``|`` there as regex text."""
        parts: list[Part] = []
        while True:
            token = self.peek()
            if token is None or (isinstance(token, Word) and is_reserved(token, "]]")):
                break
            if isinstance(token, Op) and token.text in ("&&", "||"):
                break
            if isinstance(token, Word):
                parts.extend(token.parts)
            elif isinstance(token, Op):
                parts.append(Part("lit", token.text, True))
            else:
                raise self.unexpected(token)
            self.pos += 1
        if not parts:
            raise self.unexpected(self.peek())
        return Word(tuple(parts), "".join(p.text for p in parts))

    def redirections(self) -> list[Redirect]:
        redirs: list[Redirect] = []
        while isinstance(token := self.peek(), Redir):
            self.pos += 1
            redirs.append((token.fd, token.op, self.target(token)))
        return redirs

    def target(self, redir: Redir) -> Word | HereDoc:
        target = self.peek()
        if not isinstance(target, Word | HereDoc):
            raise ShellSyntaxError(f"syntax error near unexpected token `{describe(target)}'")
        self.pos += 1
        return target

    def simple(self) -> Command:
        words: list[Word] = []
        redirs: list[Redirect] = []
        while True:
            token = self.peek()
            if isinstance(token, Word):
                words.append(token)
                self.pos += 1
            elif isinstance(token, Redir):
                self.pos += 1
                redirs.append((token.fd, token.op, self.target(token)))
            else:
                break
        if not words and not redirs:
            raise self.unexpected(self.peek())
        return Command(words, redirs)


def literal_word(text: str) -> Word:
    """A quoted word holding ``text`` as is (for arguments built by the interpreter)."""
    return Word((Part("lit", text, True),), text)
