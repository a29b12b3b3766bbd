"""``printf``: format strings, widths, escapes, ``%%``, and the format repeated for extra
arguments, checked against examples and against GNU bash's own printf."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fake_server.desktop.shell.shell_rig import Sim, needs_bash, quote, real

EXAMPLES = [
    (r"printf '%s\n' hello", "hello\n"),
    (r"printf '\n%s\n' __ORGO_BEGIN_x__", "\n__ORGO_BEGIN_x__\n"),
    (r"printf '%s:%s\n' a 0", "a:0\n"),
    (r"printf '%d%%\n' 42", "42%\n"),
    (r"printf '%5s|%-5s|\n' ab cd", "   ab|cd   |\n"),
    (r"printf '%03d\n' 7", "007\n"),
    (r"printf '%s\n' a b c", "a\nb\nc\n"),
    (r"printf '%s=%s;' k1 v1 k2", "k1=v1;k2=;"),
    (r"printf 'a\tb\\c\r\n'", "a\tb\\c\r\n"),
    (r"printf '%b' 'x\ty\n'", "x\ty\n"),
    (r"printf '%x %o\n' 255 8", "ff 10\n"),
    (r"printf '%.2f\n' 3.14159", "3.14\n"),
    ("printf '%s' 'no newline'", "no newline"),
]


@pytest.mark.parametrize(("command", "expected"), EXAMPLES)
def test_printf_examples(command: str, expected: str) -> None:
    assert Sim().out(command) == expected


def test_printf_without_a_format_is_a_usage_error() -> None:
    result = Sim().run("printf")
    assert result.exit_code == 2
    assert "usage" in result.output


def test_an_invalid_number_is_reported_and_printed_as_zero() -> None:
    result = Sim().run("printf '%d\\n' abc")
    assert result.exit_code == 1
    assert result.output == "printf: abc: invalid number\n0\n"


@given(st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40))
def test_percent_s_prints_any_text_unchanged(text: str) -> None:
    assert Sim().out(f"printf '%s' {quote(text)}") == text


ARG = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=8)
FORMATS = st.sampled_from(
    [r"%s\n", r"[%5s]", r"[%-4s]", r"%s:%s\n", r"%d\n", r"%05d|", r"%%%s\t", r"<%s>\r\n", r"%x"]
)


@needs_bash
@settings(max_examples=40, deadline=None)
@given(FORMATS, st.lists(ARG, max_size=4))
def test_printf_agrees_with_gnu_bash(fmt: str, args: list[str]) -> None:
    if re.search(r"%0?\d*[dx]", fmt):
        args = [str(len(a) * 7 - 3) for a in args]  # keep the numeric conversions valid
    command = "printf " + " ".join(quote(x) for x in [fmt, *args])
    assert Sim().run(command) == real('printf "$@"', fmt, *args)
