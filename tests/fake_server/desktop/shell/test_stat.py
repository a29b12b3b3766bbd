# ruff: noqa: E501  (the examples table keeps each case on one line)
"""``stat -c``/``--format``/``--printf`` with GNU's directives, flags, widths and messages;
where GNU stat is installed each example also runs there. What the simulated disk does not
keep (inodes, devices, times) is refused with a message, not answered with a made-up value."""

from __future__ import annotations

from tests.fake_server.desktop.shell.shell_rig import Sim, example_tests

SETUP = "umask 022; printf 'hello\\n' > a.txt; : > empty; mkdir -p d/e d/f; head -c 5000 /dev/zero > big 2>/dev/null || printf '%5000s' '' > big\n"

CASES = [
    ("stat -c '%n|%N|%s|%F|%a|%A|%h|%b|%B|%o' a.txt empty", "a.txt|'a.txt'|6|regular file|644|-rw-r--r--|1|8|512|4096\nempty|'empty'|0|regular empty file|644|-rw-r--r--|1|0|512|4096\n", 0),
    ('stat -c %s a.txt big', '6\n5000\n', 0),
    ('stat --format=%s a.txt', '6\n', 0),
    ('stat --format %n a.txt', 'a.txt\n', 0),
    ('stat -c%s a.txt', '6\n', 0),
    ('stat -c %b big', '16\n', 0),
    ("stat -c '%F %h %a %A' d", 'directory 4 755 drwxr-xr-x\n', 0),
    ("stat --printf='%s\\t%n\\n' a.txt empty", '6\ta.txt\n0\tempty\n', 0),
    ("stat --printf='%s' a.txt; echo", '6\n', 0),
    ("stat -c '%s\\t%n' a.txt", '6\\ta.txt\n', 0),
    ("stat -c '%-8s|%8n|%#a|%f|%05s' a.txt", '6       |   a.txt|0644|81a4|00006\n', 0),
    ("stat -c '%q|%s %' a.txt", '?|6 %\n', 0),
    ("stat -c '[% s|%+s|% h|%+b|% B|% f|%+a|%.n|%.2n|%.5h|%.6o]' a.txt", '[ 6|+6|1|8|512|81a4|644||a.|00001|004096]\n', 0),
    ("stat -c '%9N|%-N|%N|%.3N' a.txt", "  'a.txt'|'a.txt'|'a.txt'|'a.\n", 0),
    ("stat -c '%9N|%-N.' a.txt", '    a.txt|a.txt.\n', 0),
    ("stat -c '%[s' a.txt", '?s\n', 0),
    ("stat -c '100%%' a.txt", '100%\n', 0),
    ("stat -c '%U:%G %u' a.txt | sed 's/[a-z0-9]*:[a-z0-9]* [0-9]*/owner/'", 'owner\n', 0),
    ('stat -L -c %s a.txt', '6\n', 0),
    ('stat -c %s nope a.txt; echo rc=$?', "stat: cannot statx 'nope': No such file or directory\n6\nrc=1\n", 0),
    ('stat -c; echo rc=$?', "stat: option requires an argument -- 'c'\nTry 'stat --help' for more information.\nrc=1\n", 0),
    ('stat; echo rc=$?', "stat: missing operand\nTry 'stat --help' for more information.\nrc=1\n", 0),
    ('stat nope; echo rc=$?', "stat: cannot statx 'nope': No such file or directory\nrc=1\n", 0),
    ('stat --bogus a.txt; echo rc=$?', "stat: unrecognized option '--bogus'\nTry 'stat --help' for more information.\nrc=1\n", 0),
    ('size=$(stat -c %s a.txt); echo "$((size * 2))"', '12\n', 0),
    ('[ "$(stat -c %s empty)" -eq 0 ] && echo empty', 'empty\n', 0),
]  # fmt: skip


test_examples, test_the_examples_agree_with_gnu_stat = example_tests(CASES, setup=SETUP)


def test_what_the_disk_does_not_keep_is_refused_not_invented() -> None:
    sim = Sim()
    sim.run(SETUP)
    for directive in ("%i", "%Y", "%y", "%x", "%d", "%W", "%m"):
        result = sim.run(f"stat -c '{directive}' a.txt")
        assert result.exit_code == 1, directive
        assert "the simulated disk keeps no inodes, devices or times" in result.output
    plain = sim.run("stat a.txt")
    assert plain.exit_code == 1
    assert "stat -c/--format/--printf" in plain.output
    assert sim.run("stat -t a.txt").output.startswith("stat: the simulated shell supports stat")
