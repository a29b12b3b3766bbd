"""Live-mode safety, end to end against the standalone fake (``--orgo --orgo-base-url``):
everything a run creates is deleted -- whether its tests passed, failed, errored in
setup, timed out, or the run was interrupted with Ctrl-C -- and 429s are waited out."""

from __future__ import annotations

import time

import pytest
from orgo_helpers import StandaloneFake, interrupt_while_holding, live_args, run_subprocess


def _assert_empty(fake: StandaloneFake) -> None:
    state = fake.state()
    assert (state["workspaces"], state["computers"]) == (0, 0), state


def test_pass_fail_setup_error_and_timeout_leave_nothing(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    pytester.makepyfile(
        """
        import time
        from pathlib import Path
        import pytest

        def _record(computer):
            with open("ids.txt", "a") as f:
                f.write(computer.id + "\\n")

        def test_passes(orgo_computer):
            _record(orgo_computer)

        def test_fails(orgo_computer):
            _record(orgo_computer)
            assert False, "on purpose"

        @pytest.fixture
        def broken(orgo_computer):
            _record(orgo_computer)
            raise RuntimeError("setup went wrong after the computer was made")

        def test_setup_error(broken):
            pass

        @pytest.fixture
        def broken_teardown(orgo_computer):
            _record(orgo_computer)
            yield
            raise RuntimeError("teardown went wrong")

        def test_teardown_error(broken_teardown):
            pass

        @pytest.mark.timeout(0.5)
        def test_times_out(orgo_computer):
            _record(orgo_computer)
            time.sleep(30)

        def test_workspace_only(orgo_workspace):
            pass
        """
    )
    result = run_subprocess(pytester, *live_args(fake_api))
    result.assert_outcomes(passed=3, failed=2, errors=2)
    result.stdout.fnmatch_lines(["*Timeout*", "orgo: live mode*5 computers provisioned*"])
    result.stdout.no_fnmatch_line("*could not delete*")
    ids = set((pytester.path / "ids.txt").read_text().split())
    assert len(ids) == 5
    deleted = {r["path"].rsplit("/", 1)[1] for r in fake_api.requests("DELETE", "/computers/*")}
    assert ids <= deleted  # each deleted by its own teardown (or at the latest at session end)
    assert len(fake_api.requests("DELETE", "/workspaces/*")) == 1
    _assert_empty(fake_api)


def test_ctrl_c_while_a_test_holds_a_computer_leaves_nothing(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    pytester.makepyfile(
        """
        import time
        from pathlib import Path

        def test_holds(orgo_computer):
            Path("has-computer").write_text(orgo_computer.id)
            time.sleep(60)

        def test_never_reached(orgo_computer):
            pass
        """
    )

    def holds_one() -> None:
        state = fake_api.state()
        assert (state["workspaces"], state["computers"]) == (1, 1)  # it really holds one

    output, computer_id = interrupt_while_holding(
        pytester, fake_api, live_env, while_held=holds_one
    )
    assert "KeyboardInterrupt" in output
    # the interrupted run still reports, and the second test never got a computer
    assert "orgo: live mode against " in output and ": 1 computers provisioned" in output
    assert fake_api.requests("DELETE", f"/computers/{computer_id}")
    assert fake_api.computer(computer_id).status_code == 404
    _assert_empty(fake_api)


def test_rate_limited_create_is_retried_after_retry_after(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    fake_api.fault(status=429, method="POST", path="/computers", times=1, retry_after=1)
    pytester.makepyfile(
        """
        def test_gets_one(orgo_computer):
            assert orgo_computer.info.status == "running"
        """
    )
    started = time.monotonic()
    result = run_subprocess(pytester, *live_args(fake_api))
    result.assert_outcomes(passed=1)
    assert time.monotonic() - started >= 1  # it waited out Retry-After: 1
    assert [r["status"] for r in fake_api.requests("POST", "/computers")] == [429, 201]
    _assert_empty(fake_api)
