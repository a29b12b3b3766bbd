"""Word expansion: how the simulated shell turns a parsed word into argv fields.

In bash's order: braces (``a{b,c}``, ``{1..3}``), ``~``, parameters
(``$x``, ``${x:-default}``, ``${x#pat}``, ``${x/a/b}``, ...), command
substitution (``$(...)``, run in a subshell), arithmetic (``$((...))``), word
splitting of unquoted results, then globbing against the simulated disk. Quoted
parts (see :class:`~fake_server.desktop.shell.syntax.Part`) skip splitting and
globbing. Errors raise :class:`~fake_server.desktop.shell.runtime.ExpansionError`.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from fake_server.desktop.filesystem import HOME, FileSystem
from fake_server.desktop.shell import arith
from fake_server.desktop.shell.runtime import Buffer, ExpansionError, FatalExpansion, Io
from fake_server.desktop.shell.session import SHELL_PID, ShellSession
from fake_server.desktop.shell.syntax import (
    ASSIGNMENT_RE,
    ELEMENT_RE,
    NAME_RE,
    Op,
    Part,
    ShellSyntaxError,
    Word,
    lex,
    lex_double_quoted,
)

# ${v:offset[:length]}, ${v^^}, ${v^}, ${v,,}, ${v,} (a ":" before - = + ? is a default)
_RESHAPE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*|[0-9])(\^\^|\^|,,|,|:(?![-=+?]))(.*)", re.DOTALL)


@dataclass(frozen=True)
class Assignment:
    """One assignment word, expanded: a scalar, an element (``index``) or a whole array
    (``values``, ``append`` for ``+=(...)``)."""

    name: str
    value: str
    values: list[tuple[int | None, str]] | None = None
    index: int | None = None
    append: bool = False

    @property
    def scalar(self) -> bool:
        return self.values is None and self.index is None

    def apply(self, session: ShellSession) -> None:
        if self.values is not None:
            session.set_array(self.name, self.values, append=self.append)
        elif self.index is not None:
            session.set_element(self.name, self.index, self.value)
        else:
            session.set(self.name, self.value)


# ${a[i]}, ${a[@]}, ${#a[@]}, ${#a[i]}, ${!a[@]}
# and ${a[@]:offset[:length]} (a slice of the values; of the element's text for ${a[i]:o:l})
_SUBSCRIPT = re.compile(
    r"([#!]?)([A-Za-z_][A-Za-z0-9_]*)\[([^\]]*)\](?::([^:]*)(?::(.*))?)?", re.DOTALL
)


class Expander:
    """Expands words for one interpreter; ``subshell`` runs ``$(...)`` with the given io.

    ``substitution_status`` is the status of the last command substitution, which
    becomes ``$?`` of a command line made only of assignments.
    """

    def __init__(
        self, session: ShellSession, fs: FileSystem, subshell: Callable[[str, Io], int]
    ) -> None:
        self.session = session
        self.fs = fs
        self.subshell = subshell
        self.substitution_status: int | None = None

    def assignment(self, word: Word, io: Io) -> Assignment | None:
        """``NAME=value``, ``NAME+=value``, ``NAME=(words)``, ``NAME[i]=value``, expanded;
        None for other words."""
        first = word.parts[0]
        if first.kind != "raw":
            return None
        element = ELEMENT_RE.match(first.text)
        match = element or ASSIGNMENT_RE.match(first.text)
        if match is None:
            return None
        name, plus = match.group(1), (element or match).group(3 if element else 2)
        index = None
        if element is not None:
            index = self.evaluate(element.group(2), io)
            if index < 0:
                raise ExpansionError(f"{name}[{element.group(2)}]: bad array subscript")
        rest = first.text[match.end() :]
        if rest == "" and len(word.parts) == 2 and word.parts[1].kind == "array":
            values: list[tuple[int | None, str]] = []
            for token in lex(word.parts[1].text):
                if isinstance(token, Word):
                    values.extend(self._array_item(token, io))
                elif not (isinstance(token, Op) and token.text == "\n"):
                    raise ShellSyntaxError(f"syntax error near unexpected token `{token}'")
            text = " ".join(value for _, value in values)
            return Assignment(name, text, values=values, append=bool(plus))
        if (rest == "~" and len(word.parts) == 1) or rest.startswith("~/"):
            rest = HOME + rest[1:]
        parts = ((Part("lit", rest, True),) if rest else ()) + word.parts[1:]
        value = "".join(self.expand(Word(parts, word.source), io, split=False)) if parts else ""
        if plus:
            if index is None:
                value = (self.session.get(name) or "") + value
            else:
                value = (self.session.arrays.get(name, {}).get(index) or "") + value
        return Assignment(name, value, index=index)

    def _array_item(self, word: Word, io: Io) -> list[tuple[int | None, str]]:
        """One word of ``a=(...)``: ``[i]=value`` (one value at index i) or a word that
        expands, split and globbed, to any number of values."""
        first = word.parts[0]
        keyed = re.match(r"\[([^\]]*)\]=", first.text) if first.kind == "raw" else None
        if keyed is None:
            return [(None, value) for value in self.expand(word, io)]
        index = self.evaluate(keyed.group(1), io)
        rest = first.text[keyed.end() :]
        parts = ((Part("lit", rest, True),) if rest else ()) + word.parts[1:]
        value = "".join(self.expand(Word(parts, word.source), io, split=False)) if parts else ""
        return [(index, value)]

    def expand(self, word: Word, io: Io, *, split: bool = True) -> list[str]:
        if split:
            braced = list(_brace_expand(word))
            if len(braced) > 1:
                return [text for alt in braced for text in self.expand(alt, io)]
        fields: list[list[tuple[str, bool]]] = []
        current: list[tuple[str, bool]] | None = None
        for index, part in enumerate(word.parts):
            if part.kind == "lit":
                current = (current or []) + [(part.text, False)]
            elif part.kind == "raw":
                text = part.text
                if index == 0 and ((text == "~" and len(word.parts) == 1) or text.startswith("~/")):
                    current = (current or []) + [(HOME, False)]
                    text = text[1:]
                current = (current or []) + [(text, True)]
            elif (
                part.kind == "var"
                and part.quoted
                and split
                and (several := self.quoted_fields(part.text, io)) is not None
            ):
                for position, value in enumerate(several):
                    if position and current is not None:
                        fields.append(current)
                        current = None
                    current = (current or []) + [(value, False)]
                if not several and current is None and len(word.parts) == 1:
                    return []
            else:
                value = self.expand_part(part, io)
                if part.quoted or not split:
                    current = (current or []) + [(value, False)]
                    continue
                if value and value[0] in " \t\n" and current is not None:
                    fields.append(current)
                    current = None
                pieces = value.split()
                for position, piece in enumerate(pieces):
                    if position and current is not None:
                        fields.append(current)
                        current = None
                    current = (current or []) + [(piece, True)]
                if value and value[-1] in " \t\n" and current is not None:
                    fields.append(current)
                    current = None
        if current is not None:
            fields.append(current)
        results: list[str] = []
        for chunks in fields:
            if split and any(globbable and _has_magic(text) for text, globbable in chunks):
                pattern = "".join(t if g else _glob_escape(t) for t, g in chunks)
                matches = self.glob(pattern)
                if matches:
                    results.extend(matches)
                    continue
            results.append("".join(text for text, _ in chunks))
        return results

    def expand_text(self, text: str, io: Io) -> str:
        """Expand ``$VAR``/``$(...)`` inside text, as between double quotes."""
        parts, _ = lex_double_quoted(text, 0, until_quote=False)
        return "".join(self.expand(Word(tuple(parts), text), io, split=False))

    def quoted_fields(self, spec: str, io: Io) -> list[str] | None:
        """The words ``"$@"``, ``"${a[@]}"`` or ``"${!a[@]}"`` become, one field each;
        None for any other parameter."""
        if spec in ("@", "@:-"):
            return self.session.positional
        match = _SUBSCRIPT.fullmatch(spec)
        if match is None or match.group(3) != "@" or match.group(1) == "#":
            return None
        name = match.group(2)
        if match.group(4) is not None:
            return None if match.group(1) else self._slice(match, io)
        if match.group(1) == "!":
            return [str(index) for index in sorted(self.session.elements(name))]
        return self.session.array_values(name)  # unbound under set -u only if indexed

    def _slice(self, match: re.Match[str], io: Io) -> list[str]:
        """``${a[@]:offset:length}``: a negative offset counts from the end."""
        _, name, _, offset_text, length_text = match.groups()
        values = self.session.array_values(name)
        offset = self.evaluate(offset_text, io)
        length = None if length_text is None else self.evaluate(length_text, io)
        if offset < 0:
            offset = max(len(values) + offset, 0) if -offset <= len(values) else len(values)
        if length is not None and length < 0:
            raise FatalExpansion(f"{length_text}: substring expression < 0")
        return values[offset:] if length is None else values[offset : offset + length]

    def subscripted(self, match: re.Match[str], io: Io) -> str:
        """``${a[i]}``, ``${a[@]}``/``${a[*]}``, ``${#a[@]}``, ``${#a[i]}``, ``${!a[@]}``."""
        prefix, name, subscript, offset, length = match.groups()
        session = self.session
        if offset is not None and prefix:
            raise FatalExpansion(f"${{{match.group()}}}: bad substitution")
        if subscript in ("@", "*"):
            if offset is not None:
                return " ".join(self._slice(match, io))
            if prefix == "!":
                return " ".join(self.quoted_fields(f"!{name}[@]", io) or [])
            values = session.array_values(name)
            return str(len(values)) if prefix == "#" else " ".join(values)
        if prefix == "!":
            raise FatalExpansion(f"${{{match.group()}}}: bad substitution")
        index = self.evaluate(subscript, io)
        items = session.elements(name)
        if index < 0:
            if not items or -index > max(items) + 1:
                io.err.write(f"bash: {name}: bad array subscript\n")  # and the command runs
                return ""
            index += max(items) + 1
        value = items.get(index)
        if value is None and session.nounset:
            raise self._unbound(f"{name}[{subscript}]")
        if offset is not None:
            return self.substring(
                value or "", offset + ("" if length is None else f":{length}"), io
            )
        return str(len(value or "")) if prefix == "#" else value or ""

    def expand_part(self, part: Part, io: Io) -> str:
        if part.kind == "cmd":
            buffer = Buffer()
            status = self.subshell(part.text, Io("", buffer, io.err))
            self.substitution_status = status
            return buffer.text.rstrip("\n")
        if part.kind == "arith":
            return str(self.evaluate(part.text, io))
        return self.parameter(part.text, io)

    def _unbound(self, name: str) -> FatalExpansion:
        return FatalExpansion(f"{name}: unbound variable", unbound=True)

    def flags(self) -> str:
        """``$-``, as ``bash -c`` shows it: ``hBc`` with ``e`` and ``u`` when set."""
        session = self.session
        return ("e" if session.errexit else "") + "h" + ("u" if session.nounset else "") + "Bc"

    def parameter(self, spec: str, io: Io) -> str:
        background = self.session.last_background_pid
        # fmt: off
        special = {
            "?": str(self.session.last_exit_code), "$": str(SHELL_PID),
            "!": "" if background is None else str(background),
            "#": str(len(self.session.positional)), "@": " ".join(self.session.positional),
            "*": " ".join(self.session.positional), "0": "bash", "-": self.flags(),
        }
        # fmt: on
        nounset = self.session.nounset
        if spec == "!" and background is None and nounset:
            raise self._unbound("$!")
        if spec in special:
            return special[spec]
        subscript = _SUBSCRIPT.fullmatch(spec)
        if subscript is not None:
            return self.subscripted(subscript, io)
        if spec.isdigit():
            index = int(spec)
            positional = self.session.positional
            if 0 < index <= len(positional):
                return positional[index - 1]
            if nounset and index > 0:
                raise self._unbound(f"${spec}")
            return ""
        if NAME_RE.fullmatch(spec):
            value = self.session.get(spec)
            if value is None and nounset:
                raise self._unbound(spec)
            return value or ""
        if spec.startswith("#") and NAME_RE.fullmatch(spec[1:]):
            value = self.session.get(spec[1:])
            if value is None and nounset:
                raise self._unbound(spec[1:])
            return str(len(value or ""))
        shaped = _RESHAPE.fullmatch(spec)
        if shaped is not None:
            name, op, arg = shaped.groups()
            return self._reshaped(special, name, op, arg, io)
        match = re.fullmatch(
            r"([A-Za-z_][A-Za-z0-9_]*|[?$!#0-9])(:?[-=+?]|##?|%%?|//?)(.*)", spec, re.DOTALL
        )
        if match is None:
            raise FatalExpansion(f"${{{spec}}}: bad substitution")
        name, op, arg = match.groups()
        value = self._value(special, name)
        if value is None and nounset and op in ("#", "##", "%", "%%", "/", "//"):
            raise self._unbound(name)
        if op in ("#", "##", "%", "%%"):
            return _strip_pattern(value or "", self.expand_text(arg, io), op)
        if op in ("/", "//"):
            pattern, _, replacement = arg.partition("/")
            if not pattern:
                return value or ""
            regex = _pattern_regex(self.expand_text(pattern, io))
            new = self.expand_text(replacement, io)
            count = 0 if op == "//" else 1
            return re.sub(regex, lambda _match: new, value or "", count=count, flags=re.DOTALL)
        unset = value is None or (op.startswith(":") and value == "")
        kind = op[-1]
        if kind == "-":
            return self.expand_text(arg, io) if unset else value or ""
        if kind == "=":
            if unset:
                self.session.set(name, self.expand_text(arg, io))
            return self.session.get(name) or ""
        if kind == "+":
            return "" if unset else self.expand_text(arg, io)
        if unset:
            message = self.expand_text(arg, io) or "parameter null or not set"
            raise FatalExpansion(f"{name}: {message}", unbound=True)
        return value or ""

    def _value(self, special: dict[str, str], name: str) -> str | None:
        if name.isdigit() and name != "0":
            index, positional = int(name), self.session.positional
            return positional[index - 1] if 0 < index <= len(positional) else None
        return special.get(name) if name in special else self.session.get(name)

    def _reshaped(self, special: dict[str, str], name: str, op: str, arg: str, io: Io) -> str:
        """``${v:offset:length}`` (negative offsets count from the end, a negative length
        stops short of it) and the case changes ``${v^^}``, ``${v^}``, ``${v,,}``, ``${v,}``
        (with a pattern, only the characters it matches change)."""
        value = self._value(special, name)
        if value is None:
            if self.session.nounset:
                raise self._unbound(name)
            value = ""
        if op != ":":
            upper = op.startswith("^")
            pattern = _pattern_regex(self.expand_text(arg, io)) if arg else None
            limit = len(value) if len(op) == 2 else 1
            out = list(value)
            for index, char in enumerate(out[:limit]):
                if pattern is None or re.fullmatch(pattern, char):
                    out[index] = char.upper() if upper else char.lower()
            return "".join(out)
        return self.substring(value, arg, io)

    def substring(self, value: str, arg: str, io: Io) -> str:
        """``offset[:length]`` of ``value``, as ``${v:offset:length}`` takes it."""
        offset_text, has_length, length_text = arg.partition(":")
        offset = self.arithmetic(self.expand_text(offset_text, io)) if offset_text.strip() else 0
        start = offset if offset >= 0 else len(value) + offset
        if start < 0 or start > len(value):
            return ""
        if not has_length:
            return value[start:]
        length = self.arithmetic(self.expand_text(length_text, io)) if length_text.strip() else 0
        end = start + length if length >= 0 else len(value) + length
        if end < start:
            raise FatalExpansion(f"{length_text}: substring expression < 0")
        return value[start:end]

    def evaluate(self, text: str, io: Io) -> int:
        """Arithmetic in a word (``$((...))``, a subscript, an offset), expanded first; an
        error in it ends the command line, as a fatal expansion does in bash."""
        try:
            return self.arithmetic(self.expand_text(text, io))
        except ExpansionError as exc:
            raise FatalExpansion(str(exc)) from None

    def arithmetic(self, text: str) -> int:
        """``$((...))`` on integers (see :mod:`~fake_server.desktop.shell.arith`)."""
        return arith.evaluate(text, self._arith_variable)

    def _arith_variable(self, name: str) -> int:
        """A name inside ``$((...))``: its value as an integer, 0 when unset or not one."""
        found = self.session.get(name)
        if found is None and self.session.nounset:
            raise self._unbound(name)
        value = found or "0"
        return int(value) if re.fullmatch(r"-?\d+", value.strip()) else 0

    def glob(self, pattern: str) -> list[str]:
        absolute = pattern.startswith("/")
        components = [c for c in pattern.split("/") if c]
        candidates = [("/" if absolute else "", "/" if absolute else self.session.cwd)]
        for component in components:
            matched: list[tuple[str, str]] = []
            for display, path in candidates:
                if not _has_magic(component):
                    target = FileSystem.resolve(component, path)
                    if self.fs.exists(target):
                        matched.append((_join_display(display, component), target))
                    continue
                if not self.fs.is_dir(path):
                    continue
                for name in self.fs.listdir(path):
                    if name.startswith(".") and not component.startswith("."):
                        continue
                    if fnmatch.fnmatchcase(name, component):
                        shown = _join_display(display, name)
                        matched.append((shown, FileSystem.resolve(name, path)))
            candidates = matched
        if pattern.endswith("/"):
            return sorted(d + "/" for d, p in candidates if self.fs.is_dir(p))
        return sorted(display for display, _ in candidates)


def _has_magic(text: str) -> bool:
    return any(c in text for c in "*?[")


def _glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def _join_display(prefix: str, name: str) -> str:
    if not prefix:
        return name
    return prefix + name if prefix.endswith("/") else f"{prefix}/{name}"


def _pattern_regex(pattern: str) -> str:
    """A shell pattern as an unanchored regex, for ``${x/pat/rep}``."""
    regex = fnmatch.translate(pattern)
    match = re.fullmatch(r"\(\?s:(.*)\)\\[Zz]", regex, re.DOTALL)
    return match.group(1) if match else regex


def _strip_pattern(text: str, pattern: str, op: str) -> str:
    """``${x#pat}`` (shortest prefix), ``##`` (longest), ``%`` and ``%%`` (suffixes)."""
    cuts = range(len(text) + 1)
    if op in ("##", "%"):
        cuts = range(len(text), -1, -1)
    for cut in cuts:
        if op.startswith("#") and fnmatch.fnmatchcase(text[:cut], pattern):
            return text[cut:]
        if op.startswith("%") and fnmatch.fnmatchcase(text[cut:], pattern):
            return text[:cut]
    return text


def _brace_expand(word: Word) -> Iterator[Word]:
    """``a{b,c}d`` and ``{1..3}`` within one unquoted stretch of a word."""
    for index, part in enumerate(word.parts):
        if part.kind != "raw":
            continue
        match = re.search(r"\{([^{}]*,[^{}]*)\}", part.text) or re.search(
            r"\{(-?\d+\.\.-?\d+|[a-zA-Z]\.\.[a-zA-Z])\}", part.text
        )
        if match is None:
            continue
        body = match.group(1)
        if ".." in body and "," not in body:
            low, high = body.split("..")
            if low.lstrip("-").isdigit():
                a, b = int(low), int(high)
                step = 1 if b >= a else -1
                alternatives = [str(n) for n in range(a, b + step, step)]
            else:
                step = 1 if ord(high) >= ord(low) else -1
                alternatives = [chr(n) for n in range(ord(low), ord(high) + step, step)]
        else:
            alternatives = body.split(",")
        for alternative in alternatives:
            text = part.text[: match.start()] + alternative + part.text[match.end() :]
            parts = (*word.parts[:index], Part("raw", text), *word.parts[index + 1 :])
            yield from _brace_expand(Word(parts, word.source))
        return
    yield word
