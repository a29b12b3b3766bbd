"""Bash syntax for the simulated shell: a quote-aware lexer (the grammar is in
:mod:`~fake_server.desktop.shell.parser`).

Command lines are tokenised here rather than by :mod:`shlex`: shlex drops the
quoting, and bash needs it to know that ``'$HOME'`` is not expanded and that
``">"`` is an argument, not a redirection. So a word is kept as a tuple of
:class:`Part` pieces that remember how they were quoted, and expansion
(:mod:`fake_server.desktop.shell.expand`) decides later what each piece becomes.

Here-documents are read here too: the operator yields a :class:`HereDoc`
whose body is filled when the lexer reaches the end of its line. Syntax errors
raise :class:`ShellSyntaxError`; valid bash the simulation does not implement
(``<(...)``, ``$((`` nesting quirks) raises :class:`Unsupported`. Both are
raised before anything runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final


class ShellSyntaxError(Exception):
    """Reported as ``bash: -c: line 1: <message>``, exit 2, before anything runs."""


class Unsupported(Exception):
    """Valid bash the simulation does not implement; reported before anything runs."""


# -- tokens ------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """A piece of a word: ``lit`` (quoted, taken as is), ``raw`` (unquoted text,
    subject to globbing and ``~``), ``var``/``cmd``/``arith`` expansions."""

    kind: str
    text: str
    quoted: bool = False


@dataclass(frozen=True)
class Word:
    parts: tuple[Part, ...]
    source: str


@dataclass(frozen=True)
class Op:
    text: str


@dataclass(frozen=True)
class Redir:
    fd: int | None
    op: str


@dataclass(eq=False)
class HereDoc:
    """A here-document's body, filled in when the lexer reaches the line after its operator.

    ``quoted`` (the delimiter had quotes) means the body is taken as is, unexpanded.
    """

    body: str
    quoted: bool


Token = Word | Op | Redir | HereDoc

_OPERATOR_CHARS: Final = frozenset(";&|<>()")
_SPECIAL_PARAMS: Final = frozenset("?$#@*!-0123456789")
NAME_RE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
ASSIGNMENT_RE: Final = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(\+?)=")
#: ``a[i]=x`` / ``a[i]+=x``: an array element (the subscript is arithmetic).
ELEMENT_RE: Final = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\[([^\]]*)\](\+?)=")
_UNMATCHED_QUOTE: Final = "unexpected EOF while looking for matching `''"
#: Control operators, longest first, and the tokens each stands for (``|&`` is ``2>&1 |``).
_CONTROL_OPERATORS: Final[dict[str, tuple[Token, ...]]] = {
    "&>>": (Redir(None, "&>>"),),
    "&&": (Op("&&"),),
    "&>": (Redir(None, "&>"),),
    "||": (Op("||"),),
    "|&": (Redir(2, ">&"), Word((Part("raw", "1"),), "1"), Op("|")),
    "&": (Op("&"),),
    "|": (Op("|"),),
    ";": (Op(";"),),
}
#: Redirection operators, longest first, and the redirection each performs.
_REDIRECTIONS: Final = {">>": ">>", ">&": ">&", ">|": ">", ">": ">", "<": "<"}


# -- lexing ------------------------------------------------------------------------


def _find_closing(src: str, start: int, opener: str, closer: str) -> int:
    """Index of the ``closer`` balancing an ``opener`` just before ``start``, skipping quotes."""
    depth = 1
    i = start
    while i < len(src):
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if c == "'":
            end = src.find("'", i + 1)
            if end < 0:
                break
            i = end + 1
            continue
        if c == '"':
            i += 1
            while i < len(src) and src[i] != '"':
                i += 2 if src[i] == "\\" else 1
            i += 1
            continue
        if c == opener:
            depth += 1
        elif c == closer:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ShellSyntaxError(f"unexpected EOF while looking for matching `{closer}'")


def _find_backtick(src: str, i: int) -> int:
    while i < len(src):
        if src[i] == "\\":
            i += 2
            continue
        if src[i] == "`":
            return i
        i += 1
    raise ShellSyntaxError("unexpected EOF while looking for matching ``'")


def _lex_dollar(src: str, i: int, quoted: bool) -> tuple[Part | None, int]:
    """Lex the expansion starting at ``src[i] == "$"``; None means a literal ``$``."""
    nxt = src[i + 1] if i + 1 < len(src) else ""
    if nxt == "{":
        end = src.find("}", i + 2)
        if end < 0:
            raise ShellSyntaxError("unexpected EOF while looking for matching `}'")
        return Part("var", src[i + 2 : end], quoted), end + 1
    if src.startswith("((", i + 1):
        end = _find_closing(src, i + 3, "(", ")")
        if not src.startswith(")", end + 1):
            raise Unsupported("command substitution starting with `(('")
        return Part("arith", src[i + 3 : end], quoted), end + 2
    if nxt == "(":
        end = _find_closing(src, i + 2, "(", ")")
        return Part("cmd", src[i + 2 : end], quoted), end + 1
    match = NAME_RE.match(src, i + 1)
    if match:
        return Part("var", match.group(), quoted), match.end()
    if nxt and nxt in _SPECIAL_PARAMS:
        return Part("var", nxt, quoted), i + 2
    return None, i + 1


def _lex_substitution(
    src: str, i: int, quoted: bool, pending: list[str], flush: Callable[[], None], parts: list[Part]
) -> int:
    """Lex the ``$...`` or backquoted expansion at ``src[i]`` into ``parts`` (after flushing
    the ``pending`` text), or a lone ``$`` into ``pending``; returns the index after it."""
    if src[i] == "`":
        end = _find_backtick(src, i + 1)
        part: Part | None = Part("cmd", src[i + 1 : end].replace("\\`", "`"), quoted)
        i = end + 1
    else:
        part, i = _lex_dollar(src, i, quoted)
    if part is None:
        pending.append("$")
    else:
        flush()
        parts.append(part)
    return i


def lex_double_quoted(src: str, i: int, *, until_quote: bool = True) -> tuple[list[Part], int]:
    """Parts of a double-quoted string starting at ``i``; returns them and the index after it."""
    parts: list[Part] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            parts.append(Part("lit", "".join(buf), True))
            buf.clear()

    while True:
        if i >= len(src):
            if until_quote:
                raise ShellSyntaxError("unexpected EOF while looking for matching `\"'")
            break
        c = src[i]
        if c == '"' and until_quote:
            i += 1
            break
        if c == "\\" and i + 1 < len(src) and src[i + 1] in '$`"\\\n':
            if src[i + 1] != "\n":
                buf.append(src[i + 1])
            i += 2
        elif c in "$`":
            i = _lex_substitution(src, i, True, buf, flush, parts)
        else:
            buf.append(c)
            i += 1
    flush()
    if not parts:
        parts.append(Part("lit", "", True))
    return parts, i


def lex(src: str) -> list[Token]:
    """A command line as words (kept as quoted parts), operators and redirections."""
    tokens: list[Token] = []
    pending: list[tuple[HereDoc, str, bool]] = []
    parts: list[Part] = []
    raw: list[str] = []
    start = 0
    i = 0

    def in_word() -> bool:
        return bool(parts or raw)

    def flush_raw() -> None:
        if raw:
            parts.append(Part("raw", "".join(raw)))
            raw.clear()

    def end_word(end: int) -> None:
        flush_raw()
        if parts:
            tokens.append(Word(tuple(parts), src[start:end].strip()))
            parts.clear()

    while i < len(src):
        c = src[i]
        if not in_word():
            start = i
        if c in " \t":
            end_word(i)
            i += 1
        elif c == "\n":
            end_word(i)
            tokens.append(Op("\n"))
            i = _read_heredocs(src, i + 1, pending)
        elif c == "#" and not in_word():
            newline = src.find("\n", i)
            i = len(src) if newline < 0 else newline
        elif c == "\\":
            if src.startswith("\n", i + 1):
                i += 2
                continue
            flush_raw()
            parts.append(Part("lit", src[i + 1 : i + 2], True))
            i += 2
        elif c == "'":
            end = src.find("'", i + 1)
            if end < 0:
                raise ShellSyntaxError(_UNMATCHED_QUOTE)
            flush_raw()
            parts.append(Part("lit", src[i + 1 : end], True))
            i = end + 1
        elif c == '"':
            flush_raw()
            quoted_parts, i = lex_double_quoted(src, i + 1)
            parts.extend(quoted_parts)
        elif c == "$" and src.startswith("'", i + 1):
            end = src.find("'", i + 2)
            if end < 0:
                raise ShellSyntaxError(_UNMATCHED_QUOTE)
            flush_raw()
            parts.append(Part("lit", decode_escapes(src[i + 2 : end], printf=True)[0], True))
            i = end + 1
        elif c in "$`":
            i = _lex_substitution(src, i, False, raw, flush_raw, parts)
        elif c == "(" and not parts and ASSIGNMENT_RE.fullmatch("".join(raw)):
            end = _find_closing(src, i + 1, "(", ")")  # a=(x y): the words, lexed when assigned
            flush_raw()
            parts.append(Part("array", src[i + 1 : end]))
            i = end + 1
        elif c in _OPERATOR_CHARS:
            i = _lex_operator(src, i, tokens, parts, raw, end_word, pending)
        else:
            raw.append(c)
            i += 1
    end_word(len(src))
    _read_heredocs(src, len(src), pending)
    return tokens


def _read_heredocs(src: str, i: int, pending: list[tuple[HereDoc, str, bool]]) -> int:
    """Fill the here-documents opened on the line just ended; returns where lexing resumes.

    A body runs to the line equal to its delimiter (tabs stripped for ``<<-``),
    or to the end of the text, as bash does after its warning.
    """
    for doc, delimiter, strip_tabs in pending:
        lines: list[str] = []
        while i < len(src):
            end = src.find("\n", i)
            line = src[i:] if end < 0 else src[i:end]
            i = len(src) if end < 0 else end + 1
            if strip_tabs:
                line = line.lstrip("\t")
            if line == delimiter:
                break
            lines.append(line + "\n")
        doc.body = "".join(lines)
    pending.clear()
    return i


def _heredoc_operator(
    src: str, i: int, fd: int | None, tokens: list[Token], pending: list[tuple[HereDoc, str, bool]]
) -> int:
    """``<<WORD``/``<<-WORD`` at ``src[i]``: the redirection now, the body at the next newline."""
    strip_tabs = src.startswith("<<-", i)
    i += 3 if strip_tabs else 2
    while i < len(src) and src[i] in " \t":
        i += 1
    start = i
    while i < len(src) and src[i] not in " \t\n;&|<>()":
        if src[i] in "'\"":
            close = src.find(src[i], i + 1)
            i = len(src) if close < 0 else close + 1
        else:
            i += 2 if src[i] == "\\" else 1
    raw = src[start:i]
    if not raw:
        raise ShellSyntaxError("syntax error near unexpected token `newline'")
    quoted = any(q in raw for q in "'\"\\")
    delimiter = re.sub(r"\\(.)", r"\1", raw.replace("'", "").replace('"', ""))
    doc = HereDoc("", quoted)
    tokens.extend((Redir(fd, "<<"), doc))
    pending.append((doc, delimiter, strip_tabs))
    return i


def _lex_operator(
    src: str,
    i: int,
    tokens: list[Token],
    parts: list[Part],
    raw: list[str],
    end_word: Callable[[int], None],
    pending: list[tuple[HereDoc, str, bool]],
) -> int:
    c = src[i]
    two = src[i : i + 2]
    if c in "<>" and not parts and raw and "".join(raw).isdigit():
        fd: int | None = int("".join(raw))
        raw.clear()
    else:
        fd = None
        end_word(i)
    if two == ";;":
        tokens.append(Op(";;"))
        return i + 2
    if src.startswith("<<<", i):
        tokens.append(Redir(fd, "<<<"))
        return i + 3
    if two == "<<":
        return _heredoc_operator(src, i, fd, tokens, pending)
    if two in ("<&", "<>", "<("):
        raise Unsupported(f"`{two}'")
    if c in "()":
        tokens.append(Op(c))
        return i + 1
    for text, produced in _CONTROL_OPERATORS.items():
        if src.startswith(text, i):
            tokens.extend(produced)
            return i + len(text)
    for text, op in _REDIRECTIONS.items():
        if src.startswith(text, i):
            tokens.append(Redir(fd, op))
            return i + len(text)
    raise ShellSyntaxError(f"syntax error near unexpected token `{c}'")


def decode_escapes(text: str, *, printf: bool) -> tuple[str, bool]:
    """Backslash escapes as ``echo -e``/``printf``/``$'...'`` read them; True when ``\\c``
    stops output."""
    # fmt: off
    simple = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n",
              "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}
    # fmt: on
    if printf:
        simple.update({'"': '"', "'": "'"})
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c != "\\" or i + 1 >= len(text):
            out.append(c)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt in simple:
            out.append(simple[nxt])
            i += 2
        elif nxt == "c":
            return "".join(out), True
        elif nxt in "xuU" and (
            m := re.match(r"[0-9a-fA-F]{1,2}" if nxt == "x" else r"[0-9a-fA-F]{1,8}", text[i + 2 :])
        ):
            out.append(chr(int(m.group(), 16)))
            i += 2 + m.end()
        elif nxt.isdigit() and nxt < "8":
            digits = re.match(r"0?[0-7]{0,3}" if not printf else r"[0-7]{1,3}", text[i + 1 :])
            assert digits is not None
            value = digits.group()
            out.append(chr(int(value or "0", 8) & 0xFF))
            i += 1 + max(len(value), 1)
        else:
            out.append(c)
            i += 1
    return "".join(out), False
