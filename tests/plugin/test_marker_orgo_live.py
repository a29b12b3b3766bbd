"""@pytest.mark.orgo_live: skipped without --orgo (saying how to run it), run with it."""

from __future__ import annotations

import pytest
from orgo_helpers import StandaloneFake, live_args, run, run_subprocess

LIVE_ONLY = """
    import pytest

    @pytest.mark.orgo_live
    def test_live_only(orgo_computer):
        assert orgo_computer.bash("echo live") == "live\\n"

    def test_everywhere(orgo_computer):
        assert orgo_computer.id
"""


def test_skipped_without_orgo_with_a_reason_saying_how_to_run_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(LIVE_ONLY)
    result = run(pytester, "-rs")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(
        ["SKIPPED [[]1[]] *: needs the live Orgo API: run with --orgo (and ORGO_API_KEY)"]
    )
    # the skipped test never got a computer: only the other one was provisioned
    result.stdout.fnmatch_lines(["orgo: fake mode (bundled fake): 1 computers provisioned"])


def test_runs_with_orgo(pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str) -> None:
    pytester.makepyfile(LIVE_ONLY)
    result = run_subprocess(pytester, "-rs", *live_args(fake_api))
    result.assert_outcomes(passed=2)
    result.stdout.no_fnmatch_line("*SKIPPED*")
    result.stdout.fnmatch_lines(["orgo: live mode*2 computers provisioned*"])
    assert len(fake_api.requests("POST", "/computers")) == 2


def test_ini_orgo_live_runs_it_too(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    pytester.makeini(
        f"[pytest]\nasyncio_default_fixture_loop_scope = function\n"
        f"orgo_live = true\norgo_base_url = {fake_api.url}\n"
    )
    pytester.makepyfile(LIVE_ONLY)
    result = run_subprocess(pytester)
    result.assert_outcomes(passed=2)


def test_module_and_class_level_marks_skip_everything_under_them(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_module_mark="""
        import pytest

        pytestmark = pytest.mark.orgo_live

        def test_a():
            pass

        def test_b():
            pass
        """,
        test_class_mark="""
        import pytest

        @pytest.mark.orgo_live
        class TestLive:
            def test_c(self):
                pass

        def test_d():
            pass
        """,
    )
    result = run(pytester, "-v")
    result.assert_outcomes(passed=1, skipped=3)
    result.stdout.fnmatch_lines(
        [
            "*test_class_mark.py::TestLive::test_c SKIPPED*",
            "*test_class_mark.py::test_d PASSED*",
            "*test_module_mark.py::test_a SKIPPED*",
            "*test_module_mark.py::test_b SKIPPED*",
        ]
    )


def test_marker_is_registered(pytester: pytest.Pytester) -> None:
    """--strict-markers accepts it (and lists it under --markers)."""
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.orgo_live
        def test_x():
            pass
        """
    )
    result = run(pytester, "--strict-markers")
    result.assert_outcomes(skipped=1)
    markers = run(pytester, "--markers")
    markers.stdout.fnmatch_lines(["@pytest.mark.orgo(ram=*", "@pytest.mark.orgo_live: *--orgo*"])
