"""``sed`` programs as GNU sed runs them: addresses (numbers, ``$``, regexes, ``first~step``,
ranges closed by a number, ``$``, a regex or ``+N``, ``0,/re/``, ``!``), blocks, labels and
branches, the pattern and hold spaces, and every command the simulation knows. Expected
outputs are GNU sed's; where it is installed, each example also runs there."""

from __future__ import annotations

import pytest

from tests.fake_server.desktop.shell.shell_rig import Sim, example_tests, quote

DATA = "one\ntwo\nthree\nfour\nfive\n"

CASES = [
    ("-n '2,3p'", 'two\nthree\n', 0),
    ("'1d'", 'two\nthree\nfour\nfive\n', 0),
    ("'$d'", 'one\ntwo\nthree\nfour\n', 0),
    ("-n '$p'", 'five\n', 0),
    ("'2q'", 'one\ntwo\n', 0),
    ("'3Q'", 'one\ntwo\n', 0),
    ("'2q5'; echo $?", 'one\ntwo\n5\n', 0),
    ("-n '/t/p'", 'two\nthree\n', 0),
    ("'/two/,/four/d'", 'one\nfive\n', 0),
    ("'2,+1d'", 'one\nfour\nfive\n', 0),
    ("'/three/,$d'", 'one\ntwo\n', 0),
    ("'2!d'", 'two\n', 0),
    ("'1,3!d'", 'one\ntwo\nthree\n', 0),
    ("-n '='", '1\n2\n3\n4\n5\n', 0),
    ("'2a APP'", 'one\ntwo\nAPP\nthree\nfour\nfive\n', 0),
    ("'$a END'", 'one\ntwo\nthree\nfour\nfive\nEND\n', 0),
    ("'1i TOP'", 'TOP\none\ntwo\nthree\nfour\nfive\n', 0),
    ("'2c CHG'", 'one\nCHG\nthree\nfour\nfive\n', 0),
    ("'2,3c CHG'", 'one\nCHG\nfour\nfive\n', 0),
    ("'s/o/0/2'", 'one\ntwo\nthree\nfour\nfive\n', 0),
    ("'s/o/0/g;s/e/E/'", '0nE\ntw0\nthrEe\nf0ur\nfivE\n', 0),
    ("-n 's/o/0/p'", '0ne\ntw0\nf0ur\n', 0),
    ("'/two/s/w/W/'", 'one\ntWo\nthree\nfour\nfive\n', 0),
    ("'2,4s/^/> /'", 'one\n> two\n> three\n> four\nfive\n', 0),
    ("-e '1d' -e '$d'", 'two\nthree\nfour\n', 0),
    ("'/^t/!s/$/!/'", 'one!\ntwo\nthree\nfour!\nfive!\n', 0),
    ("'3,1d'", 'one\ntwo\nfour\nfive\n', 0),
    ("'/one/,/one/d'", '', 0),
    ("-n '2{p}'", 'two\n', 0),
    ("'y/abc/xyz/'", 'one\ntwo\nthree\nfour\nfive\n', 0),
    ("'s/\\(o\\)/[\\1]/g'", '[o]ne\ntw[o]\nthree\nf[o]ur\nfive\n', 0),
    ("-E 's/(o+)/<\\1>/'", '<o>ne\ntw<o>\nthree\nf<o>ur\nfive\n', 0),
    ("'s/x/y/;s/a/b/'", 'one\ntwo\nthree\nfour\nfive\n', 0),
    ("-n '/f/='", '4\n5\n', 0),
    ("'0,/t/d'", 'three\nfour\nfive\n', 0),
    ("'1~2d'", 'two\nfour\n', 0),
    ("'/two/{n;d}'", 'one\ntwo\nfour\nfive\n', 0),
    ("'s|/|:|'", 'one\ntwo\nthree\nfour\nfive\n', 0),
    ("'2 d'", 'one\nthree\nfour\nfive\n', 0),
    ("' 2,3 p'", 'one\ntwo\ntwo\nthree\nthree\nfour\nfive\n', 0),
    ("-n '$!{h;d};x;G;p'", 'four\nfive\n', 0),
    ("'N;s/\\n/+/'", 'one+two\nthree+four\nfive\n', 0),
    ("'$!N;s/\\n/+/'", 'one+two\nthree+four\nfive\n', 0),
    ("'n;d'", 'one\nthree\nfive\n', 0),
    ("-n 'n;p'", 'two\nfour\n', 0),
    ("':x;s/o/_/;tx'", '_ne\ntw_\nthree\nf_ur\nfive\n', 0),
    ("'1!G;h;$!d'", 'five\nfour\nthree\ntwo\none\n', 0),
    ('=', '1\none\n2\ntwo\n3\nthree\n4\nfour\n5\nfive\n', 0),
    ("'/two/,/four/{/three/d}'", 'one\ntwo\nfour\nfive\n', 0),
    ("'2{s/t/T/;s/w/W/}'", 'one\nTWo\nthree\nfour\nfive\n', 0),
    ("-n '2{p;p}'", 'two\ntwo\n', 0),
    ("'$!d'", 'five\n', 0),
    ("'N;P;D'", 'one\ntwo\nthree\nfour\nfive\n', 0),
    ("'2~2s/^/#/'", 'one\n#two\nthree\n#four\nfive\n', 0),
    ("'0~3d'", 'one\ntwo\nfour\nfive\n', 0),
    ("-n 'x;p'", '\none\ntwo\nthree\nfour\n', 0),
    ("'G'", 'one\n\ntwo\n\nthree\n\nfour\n\nfive\n\n', 0),
    ("'s/o/\\n/'", '\nne\ntw\n\nthree\nf\nur\nfive\n', 0),
    ("'/o/b skip; s/^/-/; :skip'", 'one\ntwo\n-three\nfour\n-five\n', 0),
    ("'s/o/O/;T; s/$/!/'", 'One!\ntwO!\nthree\nfOur!\nfive\n', 0),
    ("-n 'H;${x;s/\\n/,/g;p}'", ',one,two,three,four,five\n', 0),
    ("'/one/,+2 s/^/*/'", '*one\n*two\n*three\nfour\nfive\n', 0),
    ("-s 'p'", 'one\none\ntwo\ntwo\nthree\nthree\nfour\nfour\nfive\nfive\n', 0),
    ("'b nolabel'; echo $?", "sed: can't find label for jump to `nolabel'\n4\n", 0),
    ("'}'; echo $?", "sed: -e expression #1, char 1: unexpected `}'\n1\n", 0),
    ("'k'; echo $?", "sed: -e expression #1, char 1: unknown command: `k'\n1\n", 0),
]  # fmt: skip


def _command(arguments: str) -> str:
    return f"printf %s {quote(DATA)} | sed {arguments}"


test_examples, test_the_examples_agree_with_gnu_sed = example_tests(CASES, build=_command)


def test_in_place_with_addresses_and_insertions() -> None:
    sim = Sim()
    sim.out("printf 'a\\nb\\nc\\n' > f.txt; sed -i '1i # header' f.txt; sed -i '$d' f.txt")
    assert sim.out("cat f.txt") == "# header\na\nb\n"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ("'{p'", "unmatched `{'"),
        ("'y/ab/x/'", "strings for `y' command are different lengths"),
        ("'0,5d'", "invalid usage of line address 0"),
        ("': '", '":" lacks a label'),
        ("'1,d'", "unexpected `,'"),
        ("'s/a/b/z'", "unknown option to `s'"),
    ],
)
def test_refused_programs_say_why_with_status_1(arguments: str, message: str) -> None:
    result = Sim().run(_command(arguments))
    assert result.exit_code == 1
    assert result.output.startswith("sed: -e expression #1") and message in result.output
