"""Whatever a client sends to ``/bash``, ``exec`` or the terminal, the simulated shell
answers with output and an exit status: never an exception (which the REST layer would
turn into a 500). Hypothesis builds command lines from every command the shell knows,
with options, numbers, existing and missing paths, patterns and odd quoting, joined by
pipes and lists, on a disk with files in it."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fake_server.desktop.shell.interpreter import COMMANDS, INTERNAL_ERROR
from tests.fake_server.desktop.shell.shell_rig import Sim

NAMES = [*sorted(COMMANDS), "sleep", "python3", "nosuchcommand"]
ARGS = [
    "-", "--", "-n", "-n2", "-k2", "-k2,2n", "-t:", "-d:", "-f1", "-f2-", "-c", "-c3", "-l", "-w",
    "-r", "-u", "-v", "-i", "-e", "-E", "-F", "-o", "-x", "-s", "-a", "-z", "-0", "-I{}", "-p",
    "-9", "-h", "-f", "-1", "0", "1", "2", "-1", "10", "999999", "1.5", "x", "a-z", "A-Z",
    "[:upper:]", "s/a/b/g", "s/(/x/", "1d", "p", "/a/p", "$", "^", ".*", "(", "[", "\\",
    "notes.txt", "dir", "dir/", "missing", "/", "/tmp", "/etc/passwd", "~", "*", "*.txt", "?",
    "'a b'", '"$HOME"', "$x", "${x:-d}", "$(echo hi)", "%s", "%d", "%5.2f", "%q", "%", "{}",
    "a=b", "--help", "--version", "--bogus", "-name", "*.txt", "-type", "f", "-maxdepth",
    "+%s", "-w0", "archive.tar", "-cf", "-xf", "-tf", "-C", "x=1",
]  # fmt: skip
JOINERS = [" | ", "; ", " && ", " || ", " |& "]

command = st.builds(
    lambda name, args: " ".join([name, *args]),
    st.sampled_from(NAMES),
    st.lists(st.sampled_from(ARGS), max_size=4),
)
SHAPES = [
    "{}", "if {}; then {}; fi", "for i in {}; do {}; done", "{} > out.txt", "{} 2>&1",
    "echo $({})", "echo $(({}))", "({})", "{{ {}; }}", "f() {{ {}; }}; f {}", "{} <<< {}",
    "x=$({}); echo $x", "while {}; do break; done", "case {} in *) {};; esac", "! {}",
    "{} <<EOF\n{}\nEOF", "[[ {} ]]", "test {}", "eval {}", "bash -c {!r}", "set -eu; {}",
]  # fmt: skip
shaped = st.builds(
    lambda shape, parts: shape.format(*parts[: shape.count("{}") + shape.count("{!r}")]),
    st.sampled_from(SHAPES),
    st.lists(command, min_size=3, max_size=3),
)
line = st.builds(
    lambda first, rest: first + "".join(joiner + cmd for joiner, cmd in rest),
    st.one_of(command, shaped),
    st.lists(st.tuples(st.sampled_from(JOINERS), st.one_of(command, shaped)), max_size=2),
)


def _prepared() -> Sim:
    sim = Sim()
    sim.out(
        "mkdir -p dir/sub; printf 'b:2\\na:10\\nc:1\\n' > notes.txt; printf 'x\\n' > dir/a.txt;"
        " tar -cf archive.tar notes.txt dir"
    )
    return sim


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(line=line, stdin=st.sampled_from(["", "a b\nc d\n", "\x00\xff", "1\n2\n3\n"]))
def test_any_command_line_gets_an_answer_not_an_exception(line: str, stdin: str) -> None:
    sim = _prepared()
    feed = f"printf %s {stdin!r} | " if stdin else ""
    result = sim.run(feed + line, timeout=2)
    assert isinstance(result.output, str)
    assert 0 <= result.exit_code <= 255
    assert INTERNAL_ERROR not in result.output  # the last-resort answer to a bug
