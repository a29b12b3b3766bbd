"""``if``/``elif``/``else``, ``for``, ``while``/``until`` (with ``break``/``continue`` and
``read``), ``case``, functions, ``{ }``/``( )`` groups, ``!``, ``test``/``[ ]``/``[[ ]]``
and ``set -e``; examples checked against GNU bash where it is installed."""

from __future__ import annotations

import pytest

from tests.fake_server.desktop.shell.shell_rig import Sim, needs_bash, real

CASES = [
    ("if true; then echo y; else echo n; fi", "y\n"),
    ("if false; then echo 1; elif [ 2 -gt 1 ]; then echo 2; else echo 3; fi", "2\n"),
    ("if ! test -d /nope; then echo missing; fi", "missing\n"),
    ("for i in 1 2 3; do echo $i; done", "1\n2\n3\n"),
    ("for i in {1..5}; do [ $i -eq 2 ] && continue; [ $i -eq 4 ] && break; echo $i; done",
     "1\n3\n"),
    ("for w in $(echo a b); do for x in 1 2; do echo $w$x; done; done", "a1\na2\nb1\nb2\n"),
    ("i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo $i; done", "1\n2\n3\n"),
    ("i=3; until [ $i -eq 0 ]; do echo $i; i=$((i-1)); done", "3\n2\n1\n"),
    ("printf 'a 1\\nb 2\\n' | while read k v; do echo \"$v=$k\"; done", "1=a\n2=b\n"),
    ("case foo.txt in *.md) echo md;; *.txt|*.log) echo text;; *) echo other;; esac", "text\n"),
    ("case x in y) echo no;; esac; echo done", "done\n"),
    ("greet() { echo \"hi $1\"; return 3; }; greet bob; echo $?", "hi bob\n3\n"),
    ("function twice { echo $1$1; }; twice ab", "abab\n"),
    ("{ echo a; echo b; } | wc -l", "2\n"),
    ("x=1; (x=2; echo $x); echo $x", "2\n1\n"),
    ("[[ abc == a* ]] && echo glob", "glob\n"),
    ("[[ abc =~ ^a(b)c$ ]] && echo re", "re\n"),
    ("[[ -n x && ( 1 -lt 2 || -z '' ) ]] && echo and", "and\n"),
    ("[[ b > a ]] && echo gt", "gt\n"),
    ("[ -f /etc/nothing ] || echo nofile", "nofile\n"),
    ("[ a = a -a 1 -ne 2 ] && echo both", "both\n"),
    ("if [ -z \"$EMPTY\" ]; then echo empty; fi", "empty\n"),
    ("for f in; do echo never; done; echo ok", "ok\n"),
    ("echo done; echo fi", "done\nfi\n"),
    ("n=0; while true; do n=$((n+1)); if [ $n -ge 3 ]; then break; fi; done; echo $n", "3\n"),
    # each element of a pipeline runs in a subshell: nothing it sets reaches this shell
    ("echo 'x y' | read a b; echo \"[$a]\"", "[]\n"),
    ("n=0; printf 'a\\nb\\n' | while read l; do n=$((n+1)); done; echo $n", "0\n"),
    ("x=1; echo | x=2; echo $x", "1\n"),
    # break and continue in a loop's condition act on that loop
    ("while break; do echo body; done; echo end", "end\n"),
    ("n=0; while [ $n -lt 3 ] && n=$((n+1)) && continue; do echo body; done; echo end $n",
     "end 3\n"),
    ("n=0; while read l; do n=$((n+1)); done <<< $'a\\nb'; echo $n", "2\n"),
]  # fmt: skip


@pytest.mark.parametrize(("command", "expected"), CASES)
def test_examples(command: str, expected: str) -> None:
    assert Sim().out(command) == expected


@needs_bash
@pytest.mark.parametrize(("command", "expected"), CASES)
def test_the_examples_agree_with_gnu_bash(command: str, expected: str) -> None:
    assert real(command).output == expected


def test_set_e_stops_at_the_first_failure_outside_conditions() -> None:
    result = Sim().run("set -e; if false; then :; fi; false || true; echo one; false; echo two")
    assert result.output == "one\n"
    assert result.exit_code == 1


def test_a_loop_writes_through_its_redirection_once() -> None:
    sim = Sim()
    sim.out("for i in 1 2; do echo $i; done > out.txt")
    assert sim.out("cat out.txt") == "1\n2\n"


def test_a_loop_reads_a_file_line_by_line() -> None:
    sim = Sim()
    sim.out("printf 'x\\ny\\n' > in.txt")
    assert sim.out('while read -r line; do echo "<$line>"; done < in.txt') == "<x>\n<y>\n"


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("if true; then echo; ", "syntax error: unexpected end of file"),
        ("for i in 1; echo; done", "syntax error near unexpected token `echo'"),
        ("then echo", "syntax error near unexpected token `then'"),
        ("while; do :; done", "syntax error near unexpected token `;'"),
        ("case x in a) echo", "syntax error: unexpected end of file"),
    ],
)
def test_syntax_errors_are_reported_before_anything_runs(command: str, message: str) -> None:
    sim = Sim()
    result = sim.run("touch marker; " + command)
    assert result.exit_code == 2
    assert message in result.output
    assert not sim.fs.exists("/home/user/marker")


def test_functions_persist_in_a_terminal_session() -> None:
    sim = Sim()
    sim.out("hello() { echo hello $1; }")
    assert sim.out("hello world") == "hello world\n"
