# ruff: noqa: E501  (the examples table keeps each case on one line)
"""``awk`` as mawk (the awk of Debian and Ubuntu, and of this machine) runs it: records and
fields, patterns and ranges, every statement, user functions, arrays, ``getline``,
``printf``, the builtins, number formatting, and mawk's messages. Each example's expected
output is mawk's; where the host's awk is mawk, the examples are also run there."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fake_server.desktop.shell.interpreter import INTERNAL_ERROR
from tests.fake_server.desktop.shell.shell_rig import Sim, example_tests, quote


def _host_awk_is_mawk() -> bool:
    if shutil.which("awk") is None or shutil.which("bash") is None:
        return False
    done = subprocess.run(["awk", "-W", "version"], capture_output=True, text=True, check=False)
    return "mawk" in done.stdout + done.stderr


needs_mawk = pytest.mark.skipif(not _host_awk_is_mawk(), reason="the host's awk is not mawk")
DATA = "alice 30 NY\nbob 25 LA\ncarol 35 NY\n  dave   40   SF  \n"

CASES = [
    ('{print $1}', 'alice\nbob\ncarol\ndave\n', 0),
    ('{print $2, $1}', '30 alice\n25 bob\n35 carol\n40 dave\n', 0),
    ('NR==2', 'bob 25 LA\n', 0),
    ('$3=="NY"{print $1}', 'alice\ncarol\n', 0),
    ('{s+=$2} END{print s, NR}', '130 4\n', 0),
    ('{print NF}', '3\n3\n3\n3\n', 0),
    ('BEGIN{OFS="-"}{$1=$1; print}', 'alice-30-NY\nbob-25-LA\ncarol-35-NY\ndave-40-SF\n', 0),
    ('{print $NF}', 'NY\nLA\nNY\nSF\n', 0),
    ('{print $(NF-1)}', '30\n25\n35\n40\n', 0),
    ('/ol/', 'carol 35 NY\n', 0),
    ('$2>28', 'alice 30 NY\ncarol 35 NY\n  dave   40   SF  \n', 0),
    ('{printf "%-6s|%3d\\n", $1, $2}', 'alice | 30\nbob   | 25\ncarol | 35\ndave  | 40\n', 0),
    ('{a[$3]++} END{for (k in a) n++; print n}', '3\n', 0),
    ('{print length($1)}', '5\n3\n5\n4\n', 0),
    ('{print toupper(substr($1,1,1)) substr($1,2)}', 'Alice\nBob\nCarol\nDave\n', 0),
    ('NR==1,NR==2{print NR}', '1\n2\n', 0),
    ('{gsub(/a/,"A"); print}', 'Alice 30 NY\nbob 25 LA\ncArol 35 NY\n  dAve   40   SF  \n', 0),
    ('{ if ($2 > 30) print $1; else print "young" }', 'young\nyoung\ncarol\ndave\n', 0),
    ('BEGIN{while(i<3){i++; print i}}', '1\n2\n3\n', 0),
    ('BEGIN{for(i=0;i<3;i++) printf "%d ", i; print ""}', '0 1 2 \n', 0),
    ('END{print $0}', '  dave   40   SF  \n', 0),
    ('{n=split($0, w, " "); print n, w[n]}', '3 NY\n3 LA\n3 NY\n3 SF\n', 0),
    ('BEGIN{x="3x"; print x+1, x*2}', '4 6\n', 0),
    ('{print ($2 > 9)}', '1\n1\n1\n1\n', 0),
    ('BEGIN{print 1e6, 0.1, 100/3, 2^31, -2^31}', '1000000 0.1 33.3333 2.14748e+09 -2.14748e+09\n', 0),
    ('{$5="E"; print; print NF}', 'alice 30 NY  E\n5\nbob 25 LA  E\n5\ncarol 35 NY  E\n5\ndave 40 SF  E\n5\n', 0),
    ('BEGIN{print substr("hello",2,3), index("hello","ll"), match("hello",/l+/), RSTART, RLENGTH}', 'ell 3 3 3 2\n', 0),
    ('function f(x){return x*2} {print f($2)}', '60\n50\n70\n80\n', 0),
    ('function g(arr){arr["k"]=1} BEGIN{g(a); print length(a)}', '1\n', 0),
    ('BEGIN{printf "%5.2f %e %x %o %c %c\\n", 3.14159, 1234.5, 255, 8, 65, "hi"}', ' 3.14 1.234500e+03 ff 10 A h\n', 0),
    ('{print NR": "$0}', '1: alice 30 NY\n2: bob 25 LA\n3: carol 35 NY\n4:   dave   40   SF  \n', 0),
    ('BEGIN { "echo hi" | getline x; print x }', 'hi\n', 0),
    ('NR%2', 'alice 30 NY\ncarol 35 NY\n', 0),
    ('!/bob/', 'alice 30 NY\ncarol 35 NY\n  dave   40   SF  \n', 0),
    ('BEGIN{print length()}', '0\n', 0),
    ('{ $0 = "x y"; print $2 }', 'y\ny\ny\ny\n', 0),
    ('BEGIN{a="10"; b=9; print (a<b)}', '1\n', 0),
    ('{print ($2<$1)}', '1\n1\n1\n1\n', 0),
    ('BEGIN{print -1 % 3, 7 % -3, int(-3.7)}', '-1 1 -3\n', 0),
    ('{NF=2; print}', 'alice 30\nbob 25\ncarol 35\ndave 40\n', 0),
    ('BEGIN{FS=","} {print $2}', '\n\n\n\n', 0),
    ('BEGIN{print 1/3}', '0.333333\n', 0),
    ('{print}', 'alice 30 NY\nbob 25 LA\ncarol 35 NY\n  dave   40   SF  \n', 0),
    ('BEGIN{x; if (x == 0 && x == "") print "both"}', 'both\n', 0),
    ('BEGIN{CONVFMT="%.2g"; a=3.14159; b=a ""; print b}', '3.1\n', 0),
    ('{print $1; next; print "never"}', 'alice\nbob\ncarol\ndave\n', 0),
    ('{exit 3} END{print "end"}', 'end\n', 3),
    ('BEGIN{s="a,b,,c"; n=split(s, p, ","); print n, p[3] "|" p[4]}', '4 |c\n', 0),
    ('{sub(/[0-9]+/, "<&>"); print}', 'alice <30> NY\nbob <25> LA\ncarol <35> NY\n  dave   <40>   SF  \n', 0),
    ('BEGIN{print 1/0, -1/0, 5%0}', 'inf -inf -nan\n', 0),
    ('BEGIN{printf "%d %d %u\\n", "12abc", 1e20, -1}', '12 2147483647 0\n', 0),
    ('BEGIN{m["a","b"]=1; for (k in m) { split(k, parts, SUBSEP); print parts[1], parts[2] }; if (("a","b") in m) print "in"}', 'a b\nin\n', 0),
    ('{ delete seen; seen[$1]; print length(seen) }', '1\n1\n1\n1\n', 0),
    ('BEGIN{s="hello world"; print gsub(/o/,"[&]",s), s}', '2 hell[o] w[o]rld\n', 0),
    ('BEGIN{t="a.b.c"; gsub(".", "-", t); print t; u="abc"; gsub("", "-", u); print u}', '-----\n-a-b-c-\n', 0),
    ('BEGIN{print substr("hello",0,2), substr("hello",-1,3), substr("hello",1.5,2), substr("hello",2)}', 'he hell he ello\n', 0),
    ('{print $2 * 2; print $2 "" 2}', '60\n302\n50\n252\n70\n352\n80\n402\n', 0),
    ('$1 ~ /^[a-c]/ {print $1}', 'alice\nbob\ncarol\n', 0),
    ('$1 !~ /a/', 'bob 25 LA\n', 0),
    ('{print ($1 ~ "o")}', '0\n1\n1\n0\n', 0),
    ('BEGIN{print toupper("mIxEd"), tolower("MiXeD"), sprintf("%03d|%-4s|%.1f", 7, "ab", 2.25)}', 'MIXED mixed 007|ab  |2.2\n', 0),
    ('function fib(n){return n<2?n:fib(n-1)+fib(n-2)} BEGIN{print fib(15)}', '610\n', 0),
    ('BEGIN{do {i++} while (i<5); print i}', '5\n', 0),
    ('BEGIN{for (;;) {if (++n > 3) break}; print n}', '4\n', 0),
    ('{for (i=NF; i>0; i--) printf "%s%s", $i, (i>1?OFS:ORS)}', 'NY 30 alice\nLA 25 bob\nNY 35 carol\nSF 40 dave\n', 0),
    ('BEGIN{ORS=";"} {print $1} END{ORS="\\n"; print ""}', 'alice;bob;carol;dave;\n', 0),
    ('BEGIN{RS=""} {print NR": "$1}', '1: alice\n', 0),
    ('{print > "/dev/stdout"}', 'alice 30 NY\nbob 25 LA\ncarol 35 NY\n  dave   40   SF  \n', 0),
    ('BEGIN{x[1]=1; delete x[1]; print (1 in x)}', '0\n', 0),
    ('BEGIN{print index("abc", ""), length("")}', '1 0\n', 0),
    ('BEGIN{n = split("a1b22c", p, /[0-9]+/); print n, p[1] p[2] p[3]}', '3 abc\n', 0),
    ('{$2=""; print; print NF}', 'alice  NY\n3\nbob  LA\n3\ncarol  NY\n3\ndave  SF\n3\n', 0),
    ('BEGIN{printf "%s"}', 'awk: run time error: not enough arguments passed to printf("%s")\n\tFILENAME="" FNR=0 NR=0\n', 2),
    ('BEGIN{x=(}', 'awk: line 1: missing ) near }\n', 2),
    ('{print $1', 'awk: line 2: missing } near end of file\n', 2),
    ('BEGIN{print 2**3}', 'awk: line 1: syntax error at or near *\n', 2),
    ('BEGIN{getline; print "got " $0}', 'got alice 30 NY\n', 0),
    ('BEGIN{while ((getline line) > 0) n++; print n}', '4\n', 0),
    ('BEGIN{"printf a\\\\nb" | getline; print $0, NR}', 'anb 0\n', 0),
    ('BEGIN{print 1==1.0, "a"<"b", "abc" < "abd", 2 < 10, "2" < "10"}', '1 1 1 1 0\n', 0),
    ('{print ($1 < $2)}', '0\n0\n0\n0\n', 0),
    ('BEGIN{print int("0x1A"), "0x10"+0, "1e3"+0, " 12 "+0, ".5"+0, "+3"+0}', '26 16 1000 12 0.5 3\n', 0),
]  # fmt: skip


def _command(program: str) -> str:
    return f"printf %s {quote(DATA)} | awk {quote(program)}"


test_examples, test_the_examples_agree_with_mawk = example_tests(
    CASES, build=_command, reference=needs_mawk
)


OPTION_CASES = [
    ("awk -F: '{print $2}'", "a:b\n", "b\n", 0),
    ("awk -F '\\t' '{print $2}'", "a\tb c\n", "b c\n", 0),
    ("awk -Ft '{print $2}'", "atb\n", "b\n", 0),
    ("awk -F'[,;]' '{print $3}'", "a,b;c\n", "c\n", 0),
    ("awk -v n=2 -v s='x\\ty' '{print $n, s}'", "a b\n", "b x\ty\n", 0),
    ("awk '{print $1, v}' v=1 -", "a\n", "a 1\n", 0),
    ("awk 'END{print NR, FILENAME}' notes.txt notes.txt", "", "6 notes.txt\n", 0),
    ("awk 'FNR==1{print FILENAME}' notes.txt -", "x\n", "notes.txt\n-\n", 0),
    ("awk '{print > \"out.txt\"} END{close(\"out.txt\"); while ((getline l < \"out.txt\") > 0) print \"got\", l}'",
     "a\nb\n", "got a\ngot b\n", 0),
    ("awk '{print >> \"notes.txt\"}' && cat notes.txt", "new\n", "b:2\na:10\nc:1\nnew\n", 0),
    ("awk '{print | \"sort\"}'", "b\na\n", "a\nb\n", 0),
    ("awk 'BEGIN{print system(\"echo hi; exit 3\")}'", "", "hi\n3\n", 0),
    ("awk 'BEGIN{while ((\"cat notes.txt\" | getline line) > 0) n++; print n}'", "", "3\n", 0),
    ("awk 'BEGIN{print (getline line < \"missing\")}'", "", "-1\n", 0),
    ("awk '{print}' missing", "", "awk: cannot open missing (No such file or directory)\n", 2),
    ("awk 2>&1 | head -1", "", "Usage: mawk [Options] [Program] [file ...]\n", 0),
    ("awk -f prog.awk notes.txt", "", "b\na\nc\n", 0),
    ("awk -F: -f prog.awk notes.txt", "", "b\na\nc\n", 0),
    ("awk 'BEGIN{print ENVIRON[\"HOME\"]}'", "", "/home/user\n", 0),
    ("mawk 'BEGIN{print 1}'; gawk 'BEGIN{print 2}'", "", "1\n2\n", 0),
]  # fmt: skip


@pytest.mark.parametrize(("command", "stdin", "output", "status"), OPTION_CASES)
def test_options_files_and_pipes(command: str, stdin: str, output: str, status: int) -> None:
    sim = Sim()
    sim.out(
        "printf 'b:2\\na:10\\nc:1\\n' > notes.txt; printf 'BEGIN{FS=\":\"} {print $1}' > prog.awk"
    )
    feed = f"printf %s {quote(stdin)} | " if stdin else ""
    result = sim.run(feed + command)
    assert (result.output, result.exit_code) == (output, status)


@pytest.mark.parametrize(
    ("program", "message"),
    [
        ("BEGIN{$2000000=1}", "maximum number of fields size=1000000"),
        ("BEGIN{NF=5000000}", "maximum number of fields size=1000000"),
        ('BEGIN{s="x"; while (1) s = s s}', "string longer than the simulation allows"),
        ('BEGIN{printf "%99999999d", 1}', "printf width or precision beyond the simulation"),
        ("function f(){f()} BEGIN{f()}", "function call nesting too deep"),
        ("BEGIN{$(-1)=1}", "negative field index $-1"),
    ],
)
def test_what_would_exhaust_the_machine_is_a_run_time_error(program: str, message: str) -> None:
    result = Sim().run(f"awk {quote(program)}", timeout=5)
    assert result.exit_code == 2
    assert result.output.startswith("awk: run time error: ") and message in result.output


def test_an_endless_loop_ends_at_the_shells_timeout() -> None:
    result = Sim().run("awk 'BEGIN{while (1) x++}'", timeout=0.5)
    assert result.exit_code == 124


TOKENS = [
    "{", "}", "(", ")", "[", "]", ";", ",", "+", "-", "*", "/", "%", "^", "!", ">", "<", "|",
    "?", ":", "~", "$", "=", "+=", "==", "++", "--", "&&", "||", "!~", "\n", " ", "x", "a",
    "NF", "NR", "$0", "$1", "1", "0", "2.5", '"s"', "/re/", "BEGIN", "END", "if", "else",
    "while", "for", "in", "do", "break", "continue", "next", "exit", "print", "printf",
    "getline", "delete", "function", "f", "return", "length", "substr", "split", "sub", "gsub",
    "match", "sprintf", "int", "toupper", "system", '"%d"', '"%s %c"', "i", "arr", "FS",
]  # fmt: skip


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(st.lists(st.sampled_from(TOKENS), max_size=20).map("".join))
def test_any_program_text_gets_an_answer_not_an_exception(program: str) -> None:
    result = Sim().run(f"printf 'a b\\nc d\\n' | awk {quote(program)}", timeout=1)
    assert 0 <= result.exit_code <= 255
    assert INTERNAL_ERROR not in result.output
