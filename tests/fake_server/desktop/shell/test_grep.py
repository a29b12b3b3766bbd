# ruff: noqa: E501  (the examples table keeps each case on one line)
"""``grep`` as GNU grep answers: recursion with include/exclude filters, context lines
and their ``--`` separators, ``-m``, file lists, counts, ``egrep``/``fgrep``, and its
errors. Expected outputs are GNU grep's; where bash is installed each example runs there
too (a recursive listing is piped through ``sort``: GNU reads directories in disk order)."""

from __future__ import annotations

from tests.fake_server.desktop.shell.shell_rig import example_tests

SETUP = (
    "mkdir -p d/e d/skip; printf 'x=1\\ny=2\\n' > d/cfg; printf 'x in e\\n' > d/e/n.txt; "
    "printf 'x skip\\n' > d/skip/s.txt; printf 'a\\nb\\nx1\\nc\\nd\\ne\\nx2\\nf\\nx3\\ng\\n' > f.txt; "
)

CASES = [
    ('grep -rn x d | sort', 'd/cfg:1:x=1\nd/e/n.txt:1:x in e\nd/skip/s.txt:1:x skip\n', 0),
    ('grep -r x | sort', 'd/cfg:x=1\nd/e/n.txt:x in e\nd/skip/s.txt:x skip\nf.txt:x1\nf.txt:x2\nf.txt:x3\n', 0),
    ("grep -R 'x=' d", 'd/cfg:x=1\n', 0),
    ('grep -rl x d | sort', 'd/cfg\nd/e/n.txt\nd/skip/s.txt\n', 0),
    ("grep -r --include='*.txt' x d | sort", 'd/e/n.txt:x in e\nd/skip/s.txt:x skip\n', 0),
    ('grep -r --exclude-dir=skip x d | sort', 'd/cfg:x=1\nd/e/n.txt:x in e\n', 0),
    ('grep -rc x d | sort', 'd/cfg:1\nd/e/n.txt:1\nd/skip/s.txt:1\n', 0),
    ('grep x d; echo $?', 'grep: d: Is a directory\n2\n', 0),
    ('grep -A1 x f.txt', 'x1\nc\n--\nx2\nf\nx3\ng\n', 0),
    ('grep -B1 x f.txt', 'b\nx1\n--\ne\nx2\nf\nx3\n', 0),
    ('grep -C1 x f.txt', 'b\nx1\nc\n--\ne\nx2\nf\nx3\ng\n', 0),
    ('grep -n -C1 x f.txt', '2-b\n3:x1\n4-c\n--\n6-e\n7:x2\n8-f\n9:x3\n10-g\n', 0),
    ('grep -m2 x f.txt', 'x1\nx2\n', 0),
    ('grep -m1 -A2 x f.txt', 'x1\nc\nd\n', 0),
    ('grep -2 x f.txt', 'a\nb\nx1\nc\nd\ne\nx2\nf\nx3\ng\n', 0),
    ('grep -c x f.txt', '3\n', 0),
    ('grep -L x f.txt d/cfg', '', 0),
    ('grep -e x -e b f.txt', 'b\nx1\nx2\nx3\n', 0),
    ('grep --color=never x f.txt', 'x1\nx2\nx3\n', 0),
    ('grep -Hn x1 f.txt', 'f.txt:3:x1\n', 0),
    ('grep -w x1 f.txt', 'x1\n', 0),
    ("egrep 'x[12]' f.txt", 'x1\nx2\n', 0),
    ("fgrep 'x.' f.txt; echo $?", '1\n', 0),
    ('grep -in X1 f.txt', '3:x1\n', 0),
    ('grep -vc x f.txt', '7\n', 0),
    ('grep -rh x d | sort', 'x in e\nx skip\nx=1\n', 0),
    ("grep -E 'a|b' f.txt", 'a\nb\n', 0),
    ('grep -q x f.txt; echo $?', '0\n', 0),
    ('grep x nope; echo $?', 'grep: nope: No such file or directory\n2\n', 0),
    ('grep -s x nope; echo $?', '2\n', 0),
    ('grep -A 1 -B 1 x2 f.txt', 'e\nx2\nf\n', 0),
    ('grep --count x f.txt', '3\n', 0),
    ("grep -ow 'x[0-9]' f.txt", 'x1\nx2\nx3\n', 0),
    ("grep -x 'x1' f.txt", 'x1\n', 0),
    ("grep -P 'x\\d' f.txt", 'x1\nx2\nx3\n', 0),
    ('grep -Z x f.txt; echo $?', 'x1\nx2\nx3\n0\n', 0),
    ('grep -A x f.txt; echo $?', 'grep: x: invalid context length argument\n2\n', 0),
]  # fmt: skip


test_examples, test_the_examples_agree_with_gnu_grep = example_tests(CASES, setup=SETUP)
