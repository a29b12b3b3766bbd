"""The documented timeouts hold for computation, not only for ``sleep``: exec's ``timeout``
(1-300, default 10) and bash's (default 200) end runaway regexes and loops on time, with the
documented shapes (exec: ``success: false, timeout: true``; bash: exit code 124)."""

from __future__ import annotations

import time

from tests.fake_server.desktop.shell.conftest import Computer
from tests.fake_server.desktop.shell.shell_rig import Sim

#: ``regex`` (like CPython's ``re``) backtracks exponentially on this one.
CATASTROPHIC = "(a|aa)+$"
SUBJECT = "a" * 40 + "b"
#: The regex engine checks its timeout every so often; a match may overrun by about a second,
#: more on a loaded machine (the point is an end on time, not minutes later).
SLACK = 3.0


def test_the_issue_s_exec_regex_ends_quickly(computer: Computer) -> None:
    started = time.monotonic()
    response = computer.rest.post(
        f"/computers/{computer.id}/exec",
        json={"code": "import re\nre.match('(a+)+$', 'a'*34 + 'b')", "timeout": 1},
    )
    assert response.status_code == 200
    assert response.json()["success"] is True
    assert time.monotonic() - started < 1 + SLACK


def test_a_catastrophic_exec_regex_ends_at_the_timeout(computer: Computer) -> None:
    started = time.monotonic()
    response = computer.rest.post(
        f"/computers/{computer.id}/exec",
        json={"code": f"import re\nprint(re.match('{CATASTROPHIC}', '{SUBJECT}'))", "timeout": 1},
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    body = response.json()
    assert body["timeout"] is True
    assert body["success"] is False
    assert body["error_type"] == "TimeoutError"
    assert 1 <= elapsed < 1 + SLACK


def test_a_compiled_pattern_is_bounded_too() -> None:
    code = f"import re\np = re.compile('{CATASTROPHIC}')\np.search('{SUBJECT}')"
    started = time.monotonic()
    result = Sim().shell.run_python(code, timeout=1)
    assert result.timed_out
    assert time.monotonic() - started < 1 + SLACK


def test_a_catastrophic_grep_in_bash_ends_at_the_timeout(computer: Computer) -> None:
    started = time.monotonic()
    response = computer.bash(f"echo {SUBJECT} | grep -E '{CATASTROPHIC}'; echo never", timeout=1)
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert response.json()["exit_code"] == 124
    assert "never" not in response.json()["output"]
    assert 1 <= elapsed < 1 + SLACK


def test_a_catastrophic_sed_ends_at_the_timeout() -> None:
    started = time.monotonic()
    result = Sim().run(f"echo {SUBJECT} | sed -E 's/{CATASTROPHIC}/x/'", timeout=1)
    assert result.exit_code == 124
    assert time.monotonic() - started < 1 + SLACK


def test_a_busy_shell_loop_ends_at_the_timeout(computer: Computer) -> None:
    started = time.monotonic()
    response = computer.bash("while true; do :; done", timeout=1)
    assert response.json()["exit_code"] == 124
    assert 1 <= time.monotonic() - started < 1 + SLACK


def test_a_busy_python_loop_ends_at_the_timeout(computer: Computer) -> None:
    computer.fake.desktop(computer.id)  # the desktop exists
    desktop = computer.fake.state.computers[computer.id].desktop
    desktop.shell.python_max_steps = 10**12  # type: ignore[attr-defined]
    started = time.monotonic()
    response = computer.rest.post(
        f"/computers/{computer.id}/exec", json={"code": "while True:\n    pass", "timeout": 1}
    )
    assert response.json()["timeout"] is True
    assert 1 <= time.monotonic() - started < 1 + SLACK


def test_the_step_budget_still_ends_a_loop_before_a_long_timeout() -> None:
    result = Sim().shell.run_python("while True:\n    pass", timeout=300)
    assert result.timed_out
    assert result.error == "Execution timed out"
