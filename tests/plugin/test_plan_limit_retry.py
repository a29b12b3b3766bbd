"""Live mode: the plan's limit on running computers (403) is waited out within the
provision timeout, so runs on several machines can share one account (issue 12.12).

Two runs against the standalone fake, each with its own base temp directory, hence its
own computer-slot locks (two "machines"), one key, a plan allowing 2 computers; each
run's tests want two computers at once, so together they want four."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from orgo_helpers import FAST, StandaloneFake, live_args, most_at_once

TWO_AT_ONCE = """
    import time
    import pytest

    @pytest.mark.parametrize("n", range(3))
    def test_two_computers(orgo_computer, orgo_async_computer, n):
        assert orgo_computer.id != orgo_async_computer.id
        time.sleep(0.3)
"""


def _machine(pytester: pytest.Pytester, fake: StandaloneFake, name: str) -> subprocess.Popen[str]:
    directory = pytester.mkdir(name)
    (directory / "test_shard.py").write_text(textwrap.dedent(TWO_AT_ONCE), encoding="utf-8")
    (directory / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest",
            *FAST,
            f"--basetemp={directory / 'basetemp'}",
            *live_args(fake),
        ],
        cwd=directory,
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_two_machines_share_one_account(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    assert fake_api.http.put("/_fake/plan", json={"max_running_computers": 2}).status_code == 200
    machines = [_machine(pytester, fake_api, name) for name in ("machine-a", "machine-b")]
    outputs = []
    try:
        for process in machines:
            outputs.append(process.communicate(timeout=180)[0])
    finally:
        for process in machines:
            if process.poll() is None:
                process.kill()
                process.communicate()
    for process, output in zip(machines, outputs, strict=True):
        assert process.returncode == 0, output
        assert "3 passed" in output, output
    creates = fake_api.requests("POST", "/computers")
    assert [r["status"] for r in creates].count(201) == 12
    assert 403 in [r["status"] for r in creates]  # they did meet the limit, and waited
    assert most_at_once(fake_api) <= 2  # counted on the fake's side, over both runs
    state = fake_api.state()
    assert (state["workspaces"], state["computers"]) == (0, 0)


def test_plan_limit_past_the_provision_timeout_is_a_clear_error(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    assert fake_api.http.put("/_fake/plan", json={"max_running_computers": 0}).status_code == 200
    pytester.makepyfile("def test_x(orgo_computer): pass")
    result = pytester.runpytest_subprocess(
        *FAST, *live_args(fake_api, "--orgo-provision-timeout", "1"), timeout=60
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*could not create computer*403*Plan limit reached*"
            "(waited for the plan limit until the provision timeout)*"
        ]
    )
    assert len(fake_api.requests("POST", "/computers")) >= 3  # it kept asking
