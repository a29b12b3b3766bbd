"""``set -e``/``-u``/``-o pipefail`` (alone and combined, as ``set -euo pipefail`` starts
most scripts an agent writes), ``$-``, ``set -o``/``+o``, and the expansions bash does not
survive (``${x:?}``, a bad substitution, ``$((1/0))``, an unset variable under ``-u``):
``bash -c`` exits, an interactive shell drops the rest of the line. Each example is
checked against GNU bash where it is installed (its messages say ``<name>: line 1:``
where the simulation says ``bash:``)."""

from __future__ import annotations

from fake_server.desktop.shell import ShellSession
from tests.fake_server.desktop.shell.shell_rig import Sim, example_tests

CASES = [
    # combined flags and option names
    ('set -euo pipefail; echo "$#|$-"; false | true; echo unreached', "0|ehuBc\n", 1),
    ("set -e -- a b; echo \"$@ $-\"", "a b ehBc\n", 0),
    ("set -o pipefail +e; echo $-", "hBc\n", 0),
    ("set -eu; set +eu; echo $-; false; echo on", "hBc\non\n", 0),
    ("set -o errexit; false; echo unreached", "", 1),
    ("set -o nounset; echo $NOPE; echo unreached", "bash: NOPE: unbound variable\n", 127),
    ("set -o nope; echo rc=$?", "bash: set: nope: invalid option name\nrc=2\n", 0),
    (
        "set -Z; echo rc=$?",
        "bash: set: -Z: invalid option\n"
        "set: usage: set [-abefhkmnptuvxBCEHPT] [-o option-name] [--] [-] [arg ...]\nrc=2\n",
        0,
    ),
    (
        'set -euo pipefail; set -o | grep -E "^(errexit|nounset|pipefail|xtrace) "',
        "errexit        \ton\nnounset        \ton\npipefail       \ton\nxtrace         \toff\n",
        0,
    ),
    ("set -o pipefail; set +o | grep -E 'pipefail|errexit'", "set +o errexit\nset -o pipefail\n",
     0),
    # pipefail
    ("false | true; echo $?", "0\n", 0),
    ("set -o pipefail; false | true; echo $?", "1\n", 0),
    ("set -o pipefail; (exit 3) | (exit 4) | true; echo $?", "4\n", 0),
    ("set -o pipefail; true | true; echo $?", "0\n", 0),
    ("set -eo pipefail; false | true; echo unreached", "", 1),
    ("set -e; false | true; echo reached", "reached\n", 0),
    # nounset
    ('set -u; echo "${NOPE}x"; echo after', "bash: NOPE: unbound variable\n", 127),
    ('set -eu; echo "$1"; echo after', "bash: $1: unbound variable\n", 1),
    ('set -u; echo "$@" "$*" "${@}" $#; echo after', " 0\nafter\n", 0),
    ('set -u; a=1; unset a; echo ${a+set}; echo "${a-x}"', "\nx\n", 0),
    ('set -u; echo ${X:-ok} ${X-ok} ${X:+no} ${X+no}', "ok ok\n", 0),
    ('set -u; (echo $NOPE); echo "after $?"', "bash: NOPE: unbound variable\nafter 1\n", 0),
    ("set -u; for i in 1; do echo $NOPE; done; echo after", "bash: NOPE: unbound variable\n", 127),
    ("set -u; x=$NOPE; echo after", "bash: NOPE: unbound variable\n", 127),
    ("set -u; echo $((NOPE+1))", "bash: NOPE: unbound variable\n", 127),
    ("set -u; echo ${NOPE#x}", "bash: NOPE: unbound variable\n", 127),
    ("set -u; echo ${#NOPE}", "bash: NOPE: unbound variable\n", 127),
    ("set -u; echo $!", "bash: $!: unbound variable\n", 127),
    ("set -u; set -- a; echo ${1} ${1:-x} ${2:-y}; echo $2", "a a y\nbash: $2: unbound variable\n",
     127),
    # fatal expansions without -u
    ("echo ${X:?oops}; echo after", "bash: X: oops\n", 127),
    ("set -e; echo ${X:?oops}; echo after", "bash: X: oops\n", 1),
    ("x=${X:?oops}; echo after", "bash: X: oops\n", 127),
    ("echo ${X:?oops} && echo b || echo c; echo after", "bash: X: oops\n", 127),
    ("for i in ${X:?oops}; do :; done; echo after", "bash: X: oops\n", 127),
    ("if [[ -n ${X:?oops} ]]; then :; fi; echo after", "bash: X: oops\n", 127),
    ("f(){ echo ${X:?oops}; }; f; echo after", "bash: X: oops\n", 127),
    ('echo ${X:?oops} | cat; echo "after"', "bash: X: oops\nafter\n", 0),
    ('x=$(echo ${X:?oops}); echo "after $?"', "bash: X: oops\nafter 1\n", 0),
    ("echo ${a b}; echo after", "bash: ${a b}: bad substitution\n", 1),
    # positional parameters with an operator
    ("set -- a b; echo ${1:-d} ${3:-d} ${2#a}", "a d b\n", 0),
]  # fmt: skip


test_examples, test_the_examples_agree_with_gnu_bash = example_tests(CASES)


def test_an_arithmetic_error_ends_the_script_with_status_1() -> None:
    """bash's message adds ``(error token is "0 ")``, which the simulation leaves out."""
    result = Sim().run("echo $(( 1/0 )); echo after")
    assert result.exit_code == 1
    assert "division by 0" in result.output and "after" not in result.output


def test_an_interactive_shell_drops_the_rest_of_the_line_and_stays_open() -> None:
    sim = Sim()
    sim.session = ShellSession(interactive=True)
    dropped = sim.run("echo ${X:?oops}; echo next")
    assert (dropped.output, dropped.exit_code) == ("bash: X: oops\n", 1)
    assert sim.session.exited is None
    again = sim.run("set -u; echo $NOPE; echo next")
    assert (again.output, again.exit_code) == ("bash: NOPE: unbound variable\n", 1)
    assert sim.run("echo $?; echo still here").output == "1\nstill here\n"


def test_the_options_last_across_calls_in_one_session() -> None:
    """The terminal and a computer's successive ``/bash`` calls keep one session."""
    sim = Sim()
    sim.out("set -o pipefail")
    assert sim.run("false | true").exit_code == 1
    sim.out("set +o pipefail")
    assert sim.run("false | true").exit_code == 0


def test_a_subshell_inherits_the_options() -> None:
    assert Sim().run("set -o pipefail; echo $(false | true; echo $?)").output == "1\n"
