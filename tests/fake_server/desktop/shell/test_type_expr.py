"""``type`` (keywords, functions, builtins and files, ``-t -p -P -a``) and ``expr`` (GNU's
operators, ``:`` and its keywords, exit statuses and messages). Expected answers are
bash's and coreutils'; where bash is installed each example also runs there."""

from __future__ import annotations

from tests.fake_server.desktop.shell.shell_rig import example_tests

CASES = [
    ('type cd', 'cd is a shell builtin\n', 0),
    ('type ls', 'ls is /usr/bin/ls\n', 0),
    ('type -t cd', 'builtin\n', 0),
    ('type -t ls', 'file\n', 0),
    ('type nope; echo $?', 'bash: type: nope: not found\n1\n', 0),
    ('f(){ :; }; type -t f', 'function\n', 0),
    ('type echo', 'echo is a shell builtin\n', 0),
    ('type -a echo', 'echo is a shell builtin\necho is /usr/bin/echo\necho is /bin/echo\n', 0),
    ('type -P ls', '/usr/bin/ls\n', 0),
    ('type -t if', 'keyword\n', 0),
    ('type if', 'if is a shell keyword\n', 0),
    ('type -p cd; echo $?', '0\n', 0),
    ('type -t nope; echo $?', '1\n', 0),
    ('type -a ls', 'ls is /usr/bin/ls\nls is /bin/ls\n', 0),
    ('which set; echo $?', '1\n', 0),
    ('type -P echo', '/usr/bin/echo\n', 0),
    ('type -p echo; echo $?', '0\n', 0),
    ('expr 2 + 3', '5\n', 0),
    ('expr 7 / 2', '3\n', 0),
    ('expr -7 / 2', '-3\n', 0),
    ('expr -7 % 2', '-1\n', 0),
    ('expr 3 \\* 4', '12\n', 0),
    ('expr 5 % 3', '2\n', 0),
    ('expr 2 \\< 3', '1\n', 0),
    ("expr abc : 'a\\(.\\)'", 'b\n', 0),
    ("expr abc : 'a.'", '2\n', 0),
    ('expr length hello', '5\n', 0),
    ('expr substr hello 2 3', 'ell\n', 0),
    ('expr index hello l', '3\n', 0),
    ('expr 0 + 0; echo $?', '0\n1\n', 0),
    ('expr a + 1; echo $?', 'expr: non-integer argument\n2\n', 0),
    ('expr; echo $?', "expr: missing operand\nTry 'expr --help' for more information.\n2\n", 0),
    ('expr 5 = 5', '1\n', 0),
    ('expr abc = abd; echo $?', '0\n1\n', 0),
    ('expr 1 / 0; echo $?', 'expr: division by zero\n2\n', 0),
    ('expr \\( 1 + 2 \\) \\* 3', '9\n', 0),
    ('expr 0 \\| 5', '5\n', 0),
    ("expr '' \\| 0; echo $?", '0\n1\n', 0),
    ('expr 3 \\& 0; echo $?', '0\n1\n', 0),
    ('expr 10 \\> 9', '1\n', 0),
    ('expr 10 \\> 9a', '0\n', 1),
    ("expr match abc 'ab'", '2\n', 0),
    ('expr + length', 'length\n', 0),
    ('expr 1 +; echo $?', "expr: syntax error: missing argument after '+'\n2\n", 0),
    ('expr 1 2; echo $?', "expr: syntax error: unexpected argument '2'\n2\n", 0),
    ('expr substr hello 0 2; echo $?', '\n1\n', 0),
    ('i=1; i=$(expr $i + 1); echo $i', '2\n', 0),
    ('expr \\( 1 + 2; echo $?', "expr: syntax error: expecting ')' after '2'\n2\n", 0),
    ("expr abc : 'x'; echo $?", '0\n1\n', 0),
    ('expr 99999999999999999999 + 1', '100000000000000000000\n', 0),
]  # fmt: skip

test_examples, test_the_examples_agree_with_bash_and_coreutils = example_tests(CASES)
