"""``eval``, command substitution (``$(...)`` and backticks, nested, quoted), ``$?`` and
positional parameters, as the MCP wrapper and setup scripts use them."""

from __future__ import annotations

import pytest

from tests.fake_server.desktop.shell.shell_rig import Sim, needs_bash, real

CASES = [
    ('eval "echo hi"', "hi\n"),
    ("cmd='echo a; echo b'; eval \"$cmd\"", "a\nb\n"),
    ("eval \"$(printf '%s' 'ZWNobyBoaQ==' | base64 -d)\"", "hi\n"),
    ('x=$(echo outer $(echo inner)); echo "$x"', "outer inner\n"),
    ("echo `echo back`ticks", "backticks\n"),
    ('echo "$(printf "a\\nb\\n\\n")"', "a\nb\n"),
    ("false; echo $?; true; echo $?", "1\n0\n"),
    ("(exit 7); echo $?", "7\n"),
    ('eval "false"; echo $?', "1\n"),
    ("v=$(exit 3); echo $?", "3\n"),
    ('set -- a \'b c\'; echo $# $1; for x in "$@"; do echo "[$x]"; done', "2 a\n[a]\n[b c]\n"),
    ('f() { echo "$#:$*"; shift; echo "$1"; }; f x y z', "3:x y z\ny\n"),
    ("eval 'n=5'; echo $((n * 2))", "10\n"),
    ("echo ${undefined:-default} ${#HOME}", "default 10\n"),
]


@pytest.mark.parametrize(("command", "expected"), CASES)
def test_examples(command: str, expected: str) -> None:
    assert Sim().out(command) == expected


@needs_bash
@pytest.mark.parametrize(("command", "expected"), CASES[:11])
def test_the_examples_agree_with_gnu_bash(command: str, expected: str) -> None:
    assert real(command).output == expected


def test_substitution_runs_in_a_subshell() -> None:
    sim = Sim()
    assert sim.out("x=1; y=$(x=2; cd /tmp; echo $x); echo $x $y; pwd") == "1 2\n/home/user\n"


def test_eval_changes_the_current_shell() -> None:
    sim = Sim()
    sim.out("eval 'cd /tmp; export Z=9'")
    assert sim.out("pwd; echo $Z") == "/tmp\n9\n"


def test_a_syntax_error_inside_eval_fails_only_that_command() -> None:
    result = Sim().run("eval 'if then'; echo after $?")
    assert "syntax error" in result.output
    assert result.output.endswith("after 2\n")
