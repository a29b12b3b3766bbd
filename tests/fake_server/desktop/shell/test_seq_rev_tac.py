# ruff: noqa: E501  (the examples table keeps each case on one line)
"""``seq`` (exact decimal steps, ``-w``, ``-s``, ``-f``), ``rev`` and ``tac``, with GNU's
output and messages; where bash is installed each example also runs there."""

from __future__ import annotations

from tests.fake_server.desktop.shell.shell_rig import Sim, example_tests

CASES = [
    ('seq 3', '1\n2\n3\n', 0),
    ('seq 2 4', '2\n3\n4\n', 0),
    ('seq -w 8 10', '08\n09\n10\n', 0),
    ('seq 1 0.5 2.5', '1.0\n1.5\n2.0\n2.5\n', 0),
    ('seq -s, 3', '1,2,3\n', 0),
    ('seq 5 -2 1', '5\n3\n1\n', 0),
    ('seq 1.0 3', '1.0\n2.0\n3.0\n', 0),
    ('seq 0.1 0.1 0.3', '0.1\n0.2\n0.3\n', 0),
    ("seq -f '%03g' 3", '001\n002\n003\n', 0),
    ('seq 3 1; echo rc=$?', 'rc=0\n', 0),
    ('seq; echo rc=$?', "seq: missing operand\nTry 'seq --help' for more information.\nrc=1\n", 0),
    ('seq a; echo rc=$?', "seq: invalid floating point argument: 'a'\nTry 'seq --help' for more information.\nrc=1\n", 0),
    ('seq 1 0 3; echo $?', "seq: invalid Zero increment value: '0'\nTry 'seq --help' for more information.\n1\n", 0),
    ("printf 'ab\\ncd' | rev", 'ba\ndc', 0),
    ("printf 'a\\nb\\n' | tac", 'b\na\n', 0),
    ("printf 'a\\nb' | tac", 'ba\n', 0),
    ('seq 1e3 1e3', '1000\n', 0),
    ('seq -w 1 0.5 3', '1.0\n1.5\n2.0\n2.5\n3.0\n', 0),
    ('seq -w -1 1', '-1\n00\n01\n', 0),
    ('for i in $(seq 3); do echo -n $i; done; echo', '123\n', 0),
    ("seq -s ' ' 1 5", '1 2 3 4 5\n', 0),
    ('seq 10 | tail -2', '9\n10\n', 0),
    ("seq -f 'n%g' 2", 'n1\nn2\n', 0),
    ('rev missing; echo $?', 'rev: cannot open missing: No such file or directory\n1\n', 0),
    ('tac missing; echo $?', "tac: failed to open 'missing' for reading: No such file or directory\n1\n", 0),
    ('seq 0.3 0.1 0.55', '0.3\n0.4\n0.5\n', 0),
]  # fmt: skip


test_examples, test_the_examples_agree_with_gnu_coreutils = example_tests(CASES)


def test_a_huge_sequence_is_refused_rather_than_exhausting_the_fake() -> None:
    result = Sim().run("seq 100000000 | tail -1", timeout=30)
    assert "more numbers than the simulation prints" in result.output
