"""Recursion in any form (``source`` of itself, a function calling itself, ``eval`` loops,
nested ``bash -c``) ends with bash's nesting error and a non-zero status, never a 500
(issue 12 item 4); and no shell text at all gets a 5xx from ``/bash`` (fuzzed)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fake_server.desktop.shell.conftest import Computer
from tests.fake_server.desktop.shell.shell_rig import Sim

RECURSIONS = [
    "echo 'source ~/r.sh' > ~/r.sh; source ~/r.sh",
    "echo '. ~/r.sh' > ~/r.sh; . ~/r.sh; echo unreachable",
    "f() { f; }; f",
    "f() { echo x >/dev/null; f; f; }; f",
    "function g { g; }; g",
    'e=\'eval "$e"\'; eval "$e"',
    "echo 'bash ~/b.sh' > ~/b.sh; bash ~/b.sh",
    "f() { echo $(f); }; f",
]


@pytest.mark.parametrize("command", RECURSIONS)
def test_recursion_is_a_bash_like_error(computer: Computer, command: str) -> None:
    response = computer.bash(command)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["exit_code"] != 0
    assert "maximum nesting level exceeded" in body["output"]
    assert "unreachable" not in body["output"]


def test_the_issue_s_example_exactly() -> None:
    result = Sim().run("echo 'source ~/r.sh' > ~/r.sh; source ~/r.sh")
    assert result.exit_code == 1
    assert result.output.startswith("bash: /home/user/r.sh: maximum nesting level exceeded")


def test_deep_but_bounded_recursion_still_works() -> None:
    script = "f() { if [ $1 -gt 0 ]; then f $(($1 - 1)); else echo bottom; fi; }; f 20"
    assert Sim().out(script) == "bottom\n"


def test_the_terminal_survives_a_recursion_and_goes_on(computer: Computer) -> None:
    assert computer.bash("f() { f; }; f; echo never").json()["exit_code"] == 1
    assert computer.bash("echo fine").json()["output"] == "fine\n"


KEYWORDS = [
    "if ",
    "then ",
    "fi",
    "for ",
    "do ",
    "done",
    "while ",
    "case ",
    "esac",
    " in ",
    ";;",
    "$(",
    "${",
    "$((",
    "<<",
    "<<<",
    "EOF",
    "eval ",
    "source ",
    "printf ",
    "echo ",
    "f()",
    "[[ ",
    " ]]",
    "base64 -d",
    "sed ",
    "tar ",
    "cut ",
    "xargs ",
    "find ",
    "function ",
]
SHELL_ALPHABET = st.sampled_from([*"abcx01 \t\n;|&<>()[]{}$`'\"\\*?!#=~-+/.,%^:@", *KEYWORDS])


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(SHELL_ALPHABET, max_size=30).map("".join))
def test_no_shell_text_gets_a_5xx(computer: Computer, text: str) -> None:
    response = computer.bash(text, timeout=2)
    assert response.status_code < 500, (text, response.text)
    if response.status_code == 200:
        assert isinstance(response.json()["exit_code"], int)
