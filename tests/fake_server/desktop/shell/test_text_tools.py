"""``sed``, ``sort``, ``uniq``, ``tr``, ``cut``, ``tee`` and ``grep`` on the simulated disk:
examples, properties (sort agrees with ``sorted``), and differential checks against GNU
coreutils/sed on generated input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fake_server.desktop.shell.shell_rig import Sim, needs_bash, quote, real

CASES = [
    ("echo hello world | sed 's/o/0/'", "hell0 world\n"),
    ("echo hello world | sed 's/o/0/g'", "hell0 w0rld\n"),
    ("echo /usr/local/bin | sed 's|/usr|/opt|'", "/opt/local/bin\n"),
    ("echo 'a=1' | sed -E 's/([a-z])=([0-9])/\\2:\\1/'", "1:a\n"),
    ("echo 'a=1' | sed 's/\\([a-z]\\)=/\\1 is /'", "a is 1\n"),
    ("echo abc | sed 's/b/[&]/'", "a[b]c\n"),
    ("printf 'a\\nb\\nc\\n' | sed -n '/b/p'", "b\n"),
    ("printf 'a\\nb\\nc\\n' | sed '/b/d'", "a\nc\n"),
    ("printf 'x\\ny\\n' | sed -e 's/x/X/' -e 's/y/Y/'", "X\nY\n"),
    ("echo aaa | sed 's/a/b/2'", "aba\n"),
    ("printf '3\\n10\\n2\\n' | sort", "10\n2\n3\n"),
    ("printf '3\\n10\\n2\\n' | sort -n", "2\n3\n10\n"),
    ("printf '3\\n10\\n2\\n' | sort -rn", "10\n3\n2\n"),
    ("printf 'b\\na\\nb\\n' | sort -u", "a\nb\n"),
    ("printf 'a\\na\\nb\\na\\n' | uniq -c", "      2 a\n      1 b\n      1 a\n"),
    ("printf 'a\\na\\nb\\n' | uniq", "a\nb\n"),
    ("echo Hello | tr a-z A-Z", "HELLO\n"),
    ("echo 'a-b_c' | tr -d '_-'", "abc\n"),
    ("echo 'aaabbb   c' | tr -s 'ab '", "ab c\n"),
    ("echo 'hello' | tr '[:lower:]' '[:upper:]'", "HELLO\n"),
    ("echo 'a,b,c' | tr , '\\n'", "a\nb\nc\n"),
    ("echo 'a1b2' | tr -cd '0-9'", "12"),
    ("printf 'a:b:c\\n1:2:3\\n' | cut -d: -f2", "b\n2\n"),
    ("printf 'a:b:c\\n' | cut -d: -f1,3", "a:c\n"),
    ("printf 'a:b:c\\n' | cut -d: -f2-", "b:c\n"),
    ("echo abcdef | cut -c2-4", "bcd\n"),
    ("echo nodelim | cut -d, -f2", "nodelim\n"),
    ("echo hi | tee t.txt; cat t.txt", "hi\nhi\n"),
    ("echo a | tee -a t.txt >/dev/null; echo b | tee -a t.txt >/dev/null; cat t.txt", "a\nb\n"),
    ("printf 'ab\\ncd\\n' | grep -c .", "2\n"),
    ("echo 'ab1 C' | grep -o '[[:alpha:]]*'", "ab\nC\n"),  # no empty matches
    ("echo 'ababx ab' | grep -oE '(ab)+'", "abab\nab\n"),  # the whole match, not a group
]


@pytest.mark.parametrize(("command", "expected"), CASES)
def test_examples(command: str, expected: str) -> None:
    assert Sim().out(command) == expected


@needs_bash
@pytest.mark.parametrize(("command", "expected"), CASES)
def test_the_examples_agree_with_gnu_tools(command: str, expected: str) -> None:
    assert real(command).output == expected


def test_sed_in_place_edits_the_file() -> None:
    sim = Sim()
    sim.out("printf 'port=80\\nhost=x\\n' > app.conf")
    sim.out("sed -i 's/port=80/port=8080/' app.conf")
    assert sim.out("cat app.conf") == "port=8080\nhost=x\n"


def test_errors_in_the_tools_words() -> None:
    sim = Sim()
    assert (
        sim.run("sed 's/a/b/' missing").output
        == "sed: can't read missing: No such file or directory\n"
    )
    assert sim.run("sed 'k'").output == "sed: -e expression #1, char 1: unknown command: `k'\n"
    assert sim.run("sed 'k'").exit_code == 1
    assert sim.run("cut -f1 -d ab").exit_code == 1
    assert sim.run("tr").exit_code == 1


LINE = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=12)
LINES = st.lists(LINE, max_size=12)


def _feed(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


@given(LINES, st.booleans())
def test_sort_agrees_with_sorted(lines: list[str], reverse: bool) -> None:
    text = _feed(lines)
    flag = " -r" if reverse else ""
    got = Sim().out(f"printf '%s' {quote(text)} | sort{flag}")
    assert got == _feed(sorted(lines, reverse=reverse))


@needs_bash
@settings(max_examples=30, deadline=None)
@given(LINES, st.sampled_from(["sort", "sort -u", "sort -r", "uniq", "uniq -c", "sort | uniq -c"]))
def test_sort_and_uniq_agree_with_coreutils(lines: list[str], pipeline: str) -> None:
    text = _feed(lines)
    assert (
        Sim().out(f"printf '%s' {quote(text)} | {pipeline}")
        == real(f'printf "%s" "$1" | {pipeline}', text).output
    )


@needs_bash
@settings(max_examples=30, deadline=None)
@given(
    LINES,
    st.sampled_from(["tr a-m n-z", "tr -d aeiou", "tr -s ' '", "cut -d, -f1", "cut -c1-3",
                     "cut -d' ' -f2-", "sed 's/a/A/g'", "sed -n '/e/p'", "sed '/x/d'"]),
)  # fmt: skip
def test_tr_cut_and_sed_agree_with_gnu_tools(lines: list[str], tool: str) -> None:
    text = _feed(lines)
    assert (
        Sim().out(f"printf '%s' {quote(text)} | {tool}")
        == real(f'printf "%s" "$1" | {tool}', text).output
    )
