"""--orgo-max-computer-minutes / ini orgo_max_computer_minutes: the spending guard.

Computer-minutes run on the fake's clock in fake mode, so a test moves time on and the
guard stops provisioning exactly at the limit; under xdist the workers share the
account through files in the run's shared directory."""

from __future__ import annotations

import pytest
from orgo_helpers import run, run_subprocess, write_ini

SPEND = """
    import pytest

    def test_1_spends_90_s(orgo_computer, orgo_server):
        orgo_server.advance(90)

    def test_2_spends_60_s(orgo_computer, orgo_server):
        orgo_server.advance(60)

    def test_3_gets_none(orgo_computer):
        pass

    def test_4_needs_none():
        pass
"""


def test_guard_stops_provisioning_at_the_limit_on_the_virtual_clock(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_spend=SPEND)
    result = run(pytester, "-p", "no:randomly", "--orgo-max-computer-minutes", "2")
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*orgo_computer for test_spend.py::test_3_gets_none: spending limit reached: "
            "2.50 of 2 computer-minutes used or committed by this run, so no computer was "
            "provisioned for test_spend.py (test-3-gets-none-*) "
            "(raise --orgo-max-computer-minutes / orgo_max_computer_minutes to allow more)",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "orgo: fake mode (bundled fake): 2 computers provisioned",
            "*2.50 computer-minutes  test_spend.py",
            "*2.50 of 2 computer-minutes allowed (--orgo-max-computer-minutes); "
            "1 tests got no computer",
        ]
    )


def test_under_the_limit_nothing_is_refused_and_ini_twin(pytester: pytest.Pytester) -> None:
    write_ini(pytester, orgo_max_computer_minutes="3")
    pytester.makepyfile(test_spend=SPEND)
    result = run(pytester, "-p", "no:randomly")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*2.50 of 3 computer-minutes allowed*"])
    result.stdout.no_fnmatch_line("*got no computer*")


def test_minutes_per_file_without_a_guard_are_not_shown_in_fake_mode(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_spend=SPEND)
    result = run(pytester, "-p", "no:randomly")
    result.assert_outcomes(passed=4)
    result.stdout.no_fnmatch_line("*computer-minutes*")


def test_workers_share_the_account(pytester: pytest.Pytester) -> None:
    """-n 2: what one worker spent stops the other."""
    pytester.makepyfile(
        """
        import time
        from pathlib import Path
        import pytest

        @pytest.fixture
        def then_say_done():
            yield
            Path("spent").write_text("")  # after orgo_computer's teardown: deleted, counted

        def test_spender(then_say_done, orgo_computer, orgo_server):
            orgo_server.advance(120)

        def test_latecomer(request):
            deadline = time.monotonic() + 30
            while not Path("spent").exists():
                assert time.monotonic() < deadline
                time.sleep(0.05)
            request.getfixturevalue("orgo_computer")
        """
    )
    result = run_subprocess(pytester, "-n", "2", "--orgo-max-computer-minutes", "1")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*test_latecomer*spending limit reached: 2.00 of 1 computer-minutes*"]
    )
    result.stdout.fnmatch_lines(["*2.00 of 1 computer-minutes allowed*; 1 tests got no computer"])


@pytest.mark.parametrize("value", ["-1", "lots"])
def test_bad_value_is_a_usage_error(pytester: pytest.Pytester, value: str) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = run(pytester, "--orgo-max-computer-minutes", value)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--orgo-max-computer-minutes*"])
