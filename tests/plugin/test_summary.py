"""The terminal summary: mode, computers provisioned, and in live mode computer-seconds;
what could not be deleted is listed with the command to delete it."""

from __future__ import annotations

import re

import pytest
from orgo_helpers import StandaloneFake, live_args, run, run_subprocess

THREE_COMPUTERS = """
    import time
    import pytest

    @pytest.mark.parametrize("n", [1, 2])
    def test_param(orgo_computer, n):
        time.sleep(0.3)

    def test_async_one(orgo_async_computer):
        time.sleep(0.3)

    def test_no_computer():
        pass
"""


def test_fake_mode_line(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(THREE_COMPUTERS)
    result = run(pytester)
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(
        ["*- orgo -*", "orgo: fake mode (bundled fake): 3 computers provisioned", "*4 passed*"]
    )
    result.stdout.no_fnmatch_line("*computer-seconds*")


def test_no_summary_when_no_computer_was_provisioned(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_plain(orgo_config): pass")
    result = run(pytester)
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line("*orgo:*")
    result.stdout.no_fnmatch_line("*- orgo -*")


def test_live_mode_line_counts_computer_seconds(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    pytester.makepyfile(THREE_COMPUTERS)
    result = run_subprocess(pytester, *live_args(fake_api))
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(
        [f"orgo: live mode against {fake_api.url}: 3 computers provisioned, * computer-seconds"]
    )
    found = re.search(r"3 computers provisioned, ([0-9.]+) computer-seconds", result.stdout.str())
    assert found is not None
    seconds = float(found.group(1))
    assert 0.9 <= seconds < 30  # three computers held ~0.3 s each (rounded to 0.1)
    result.stdout.no_fnmatch_line("*could not delete*")


def test_leftovers_are_listed_with_the_command_to_delete_them(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    """When the API refuses every delete, the run says what is left and how to delete it."""
    fault = {
        "status": 500,
        "method": "DELETE",
        "path": "re:^/(computers|workspaces)/",
        "times": None,
    }
    fake_api.fault(**fault)
    pytester.makepyfile(
        """
        from pathlib import Path

        def test_one(orgo_computer, orgo_workspace):
            Path("ids.txt").write_text(f"{orgo_computer.id} {orgo_workspace}")
        """
    )
    result = run_subprocess(pytester, *live_args(fake_api))
    result.assert_outcomes(passed=1)
    computer_id, workspace_id = (pytester.path / "ids.txt").read_text().split()
    curl = 'curl -X DELETE -H "Authorization: Bearer $ORGO_API_KEY"'
    result.stdout.fnmatch_lines(
        [
            "orgo: live mode*1 computers provisioned*",
            "orgo: could not delete these; delete them with:",
            f"  {curl} {fake_api.url}/computers/{computer_id}",
            f"  {curl} {fake_api.url}/workspaces/{workspace_id}",
        ]
    )
    assert fake_api.state()["computers"] == 1
    # the printed commands work once the API behaves again
    fake_api.http.delete("/_fake/faults").raise_for_status()
    headers = {"Authorization": f"Bearer {live_env}"}
    for path in (f"/api/computers/{computer_id}", f"/api/workspaces/{workspace_id}"):
        assert fake_api.http.delete(path, headers=headers).status_code == 200
    state = fake_api.state()
    assert (state["workspaces"], state["computers"]) == (0, 0)
