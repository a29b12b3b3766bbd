"""awk's tokens. The one subtlety is ``/``: it starts a regular expression where an
operand is expected and divides after one, so the lexer remembers the previous token."""

from __future__ import annotations

import re
from dataclasses import dataclass

KEYWORDS = frozenset({
    "BEGIN", "END", "function", "func", "if", "else", "while", "for", "do", "break",
    "continue", "next", "nextfile", "exit", "return", "delete", "in", "getline", "print",
    "printf",
})  # fmt: skip
BUILTINS = frozenset({
    "length", "substr", "index", "split", "sub", "gsub", "match", "sprintf", "tolower",
    "toupper", "int", "sqrt", "exp", "log", "sin", "cos", "atan2", "rand", "srand", "system",
    "close", "fflush",
})  # fmt: skip
# longest first, so ``>=`` is not read as ``>`` ``=`` (no ``**``: mawk refuses it)
PUNCTUATION = sorted(
    [
        "{", "}", "(", ")", "[", "]", ";", ",", "+", "-", "*", "/", "%", "^", "!", ">", "<",
        "|", "?", ":", "~", "$", "=", "+=", "-=", "*=", "/=", "%=", "^=", "==", "<=", ">=",
        "!=", "++", "--", "&&", "||", ">>", "!~",
    ],
    key=len,
    reverse=True,
)  # fmt: skip
_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# after these an operand has ended, so ``/`` divides
_OPERAND_END = {
    "number",
    "string",
    "regex",
    "name",
    "builtin",
    "funcname",
    ")",
    "]",
    "$",
    "++",
    "--",
}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "/": "/", "a": "\a",
            "b": "\b", "f": "\f", "v": "\v"}  # fmt: skip


class AwkSyntaxError(Exception):
    """A program awk would refuse: ``awk: line N: <message>``, exit status 2."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"line {line}: {message}")


@dataclass(frozen=True)
class Token:
    kind: str  # "number", "string", "regex", "name", "funcname", "builtin", "newline",
    # "eof", a keyword, or the punctuation itself
    text: str
    line: int


def unescape(body: str) -> str:
    """A string literal's escapes (``\\n``, ``\\t``, octal ``\\101``...)."""
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char != "\\" or index + 1 >= len(body):
            out.append(char)
            index += 1
            continue
        following = body[index + 1]
        octal = re.match(r"[0-7]{1,3}", body[index + 1 :])
        if octal:
            out.append(chr(int(octal.group(), 8)))
            index += 1 + len(octal.group())
            continue
        out.append(_ESCAPES.get(following, "\\" + following))
        index += 2
    return "".join(out)


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    index, line = 0, 1
    while index < len(source):
        char = source[index]
        if char == "\\" and source[index + 1 : index + 2] == "\n":  # a continued line
            index, line = index + 2, line + 1
            continue
        if char in " \t\r":
            index += 1
            continue
        if char == "#":
            while index < len(source) and source[index] != "\n":
                index += 1
            continue
        if char == "\n":
            tokens.append(Token("newline", "\n", line))
            index, line = index + 1, line + 1
            continue
        previous = tokens[-1].kind if tokens else "newline"
        if char == '"':
            end = index + 1
            while end < len(source) and source[end] != '"':
                if source[end] == "\n":
                    raise AwkSyntaxError("runaway string constant", line)
                end += 2 if source[end] == "\\" else 1
            if end >= len(source):
                raise AwkSyntaxError("runaway string constant", line)
            tokens.append(Token("string", unescape(source[index + 1 : end]), line))
            index = end + 1
            continue
        if char == "/" and previous not in _OPERAND_END:
            end = index + 1
            in_class = False
            while end < len(source) and (source[end] != "/" or in_class):
                if source[end] == "\n":
                    raise AwkSyntaxError("runaway regular expression", line)
                if source[end] == "\\":
                    end += 1
                elif source[end] == "[":
                    in_class = True
                elif source[end] == "]":
                    in_class = False
                end += 1
            if end >= len(source):
                raise AwkSyntaxError("runaway regular expression", line)
            tokens.append(Token("regex", source[index + 1 : end].replace("\\/", "/"), line))
            index = end + 1
            continue
        number = _NUMBER.match(source, index)
        if number and (char.isdigit() or char == "."):
            tokens.append(Token("number", number.group(), line))
            index = number.end()
            continue
        name = _NAME.match(source, index)
        if name:
            word = name.group()
            index = name.end()
            if word in KEYWORDS:
                kind = "function" if word == "func" else word
            elif word in BUILTINS:
                kind = "builtin"
            else:
                kind = "funcname" if source[index : index + 1] == "(" else "name"
            tokens.append(Token(kind, word, line))
            continue
        for punct in PUNCTUATION:
            if source.startswith(punct, index):
                tokens.append(Token(punct, punct, line))
                index += len(punct)
                break
        else:
            raise AwkSyntaxError(f"syntax error at or near {char}", line)
    tokens.append(Token("eof", "", line + 1))  # mawk counts the end as one line further
    return tokens
