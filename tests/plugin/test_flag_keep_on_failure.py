"""--orgo-keep-on-failure / ini orgo_keep_on_failure: a failed test's computer is left
running, and the run says which and how to delete it; a passing test's is deleted."""

from __future__ import annotations

from pathlib import Path

import pytest
from orgo_helpers import StandaloneFake, live_args, run, run_subprocess, write_ini

PASS_AND_FAIL = """
    from pathlib import Path

    def test_passes(orgo_computer):
        Path("passed.id").write_text(orgo_computer.id)

    def test_fails(orgo_computer):
        Path("failed.id").write_text(orgo_computer.id)
        assert orgo_computer.bash("echo 1") == "2\\n"
"""


def _ids(path: Path) -> tuple[str, str]:
    return (path / "passed.id").read_text(), (path / "failed.id").read_text()


def test_flag_keeps_the_failed_computer_on_the_live_server(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    pytester.makepyfile(PASS_AND_FAIL)
    result = run_subprocess(pytester, *live_args(fake_api, "--orgo-keep-on-failure"))
    result.assert_outcomes(passed=1, failed=1)
    passed_id, failed_id = _ids(pytester.path)
    # the failed test's computer is still there, running; the passing test's is gone
    kept = fake_api.computer(failed_id)
    assert kept.status_code == 200 and kept.json()["status"] == "running"
    assert fake_api.computer(passed_id).status_code == 404
    assert fake_api.state()["computers"] == 1
    curl = 'curl -X DELETE -H "Authorization: Bearer $ORGO_API_KEY"'
    delete = f"{curl} {fake_api.url}/computers/{failed_id}"
    result.stdout.fnmatch_lines(
        [
            "*Captured orgo teardown*",
            f"kept computer {failed_id} running (--orgo-keep-on-failure); delete it with:",
            f"  {delete}",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "orgo: live mode*2 computers provisioned*",
            f"kept running (--orgo-keep-on-failure); delete with: {delete}",
        ]
    )
    result.stdout.no_fnmatch_line(f"*{passed_id}*")
    # and the printed command works
    response = fake_api.http.delete(
        f"/api/computers/{failed_id}", headers={"Authorization": f"Bearer {live_env}"}
    )
    assert response.status_code == 200
    assert fake_api.state()["computers"] == 0


def test_without_the_flag_the_failed_computer_is_deleted_too(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    pytester.makepyfile(PASS_AND_FAIL)
    result = run_subprocess(pytester, *live_args(fake_api))
    result.assert_outcomes(passed=1, failed=1)
    passed_id, failed_id = _ids(pytester.path)
    assert fake_api.computer(failed_id).status_code == 404
    assert fake_api.computer(passed_id).status_code == 404
    assert fake_api.state() | {"time": 0} == {
        "workspaces": 0,
        "computers": 0,
        "time": 0,
        "clock": "virtual",
    }
    result.stdout.no_fnmatch_line("*kept*")


def test_ini_keeps_the_failed_computer(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    write_ini(pytester, orgo_keep_on_failure="true")
    pytester.makepyfile(PASS_AND_FAIL)
    result = run_subprocess(pytester, *live_args(fake_api))
    result.assert_outcomes(passed=1, failed=1)
    passed_id, failed_id = _ids(pytester.path)
    assert fake_api.computer(failed_id).status_code == 200
    assert fake_api.computer(passed_id).status_code == 404
    result.stdout.fnmatch_lines(
        [f"kept running (--orgo-keep-on-failure); delete with: *{failed_id}"]
    )


def test_fake_mode_prints_the_kept_computer_too(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(PASS_AND_FAIL)
    result = run(pytester, "--orgo-keep-on-failure")
    result.assert_outcomes(passed=1, failed=1)
    _, failed_id = _ids(pytester.path)
    result.stdout.fnmatch_lines(
        [
            f"kept computer {failed_id} running (--orgo-keep-on-failure); delete it with:",
            f"*curl -X DELETE*https://www.orgo.ai/api/computers/{failed_id}",
        ]
    )


def test_ini_false_keeps_nothing(pytester: pytest.Pytester) -> None:
    write_ini(pytester, orgo_keep_on_failure="false")
    pytester.makepyfile(PASS_AND_FAIL)
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.no_fnmatch_line("*kept*")


def test_the_workspace_left_for_a_kept_computer_is_listed_too(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    """Issue: at session end, list anything not deleted with the command to delete it."""
    pytester.makepyfile(
        """
        from pathlib import Path

        def test_fails(orgo_computer, orgo_workspace):
            Path("workspace.id").write_text(orgo_workspace)
            assert False
        """
    )
    result = run_subprocess(pytester, *live_args(fake_api, "--orgo-keep-on-failure"))
    result.assert_outcomes(failed=1)
    workspace_id = (pytester.path / "workspace.id").read_text()
    assert fake_api.state()["workspaces"] == 1  # kept, since it holds the kept computer
    result.stdout.fnmatch_lines([f"*curl -X DELETE*{fake_api.url}/workspaces/{workspace_id}*"])
