"""@pytest.mark.orgo(...): the computer a test gets; module- and class-level marks; the
closest mark wins; an invalid value errors only the test carrying it, naming test and value."""

from __future__ import annotations

import pytest
from orgo_helpers import StandaloneFake, live_args, run, run_subprocess


def test_marker_values_reach_the_computer(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.orgo(ram=8, cpu=2, resolution="1280x720x24", disk_size_gb=16,
                          template="system/claude-code@1.0.0", os="linux", auto_stop_minutes=5)
        def test_sized(orgo_computer, orgo_server):
            # what the API says about it (REST) ...
            info = orgo_computer.refresh()
            assert (info.ram, info.cpu, info.resolution, info.disk_size_gb, info.os) == (
                8, 2, "1280x720x24", 16, "linux")
            assert info.auto_stop_minutes == 5
            # ... and what the fake made
            made = orgo_server.computer(orgo_computer.id)
            assert made.template_ref == "system/claude-code@1.0.0"
            assert orgo_computer.desktop.resolution == (1280, 720)

        def test_unmarked_gets_the_defaults(orgo_computer):
            info = orgo_computer.refresh()
            assert (info.ram, info.cpu, info.disk_size_gb) == (4, 1, 8)

        @pytest.mark.orgo(name="my-box")
        def test_named(orgo_computer):
            assert orgo_computer.name == "my-box"
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=3)


def test_module_and_class_marks_with_the_closest_winning(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.orgo(ram=16, cpu=4, resolution="1024x768x24")

        def test_module_mark(orgo_computer):
            info = orgo_computer.refresh()
            assert (info.ram, info.cpu, info.resolution) == (16, 4, "1024x768x24")

        @pytest.mark.orgo(cpu=8)
        class TestClass:
            def test_class_mark_over_module_mark(self, orgo_computer):
                info = orgo_computer.refresh()
                assert (info.ram, info.cpu, info.resolution) == (16, 8, "1024x768x24")

            @pytest.mark.orgo(ram=32, cpu=2)
            def test_function_mark_over_both(self, orgo_computer):
                info = orgo_computer.refresh()
                assert (info.ram, info.cpu, info.resolution) == (32, 2, "1024x768x24")

        @pytest.mark.orgo(ram=4)
        @pytest.mark.orgo(ram=8)
        def test_two_marks_on_one_function(orgo_computer, request):
            # stacked on one function: the decorator nearest the function wins, as
            # pytest's own get_closest_marker says
            assert request.node.get_closest_marker("orgo").kwargs == {"ram": 8}
            assert orgo_computer.refresh().ram == 8
        """
    )
    result = run(pytester, "-v")
    result.assert_outcomes(passed=4)


@pytest.mark.parametrize(
    ("kwargs", "shown"),
    [
        ("ram=3", "ram=3"),
        ("cpu=3", "cpu=3"),
        ("resolution='huge'", "resolution='huge'"),
        ("os='macos'", "os='macos'"),
        ("disk_size_gb=2", "disk_size_gb=2"),
        ("template='no-version'", "template='no-version'"),
        ("ram='8'", "ram='8'"),
    ],
)
def test_invalid_value_errors_that_test_alone_naming_test_and_value(
    pytester: pytest.Pytester, kwargs: str, shown: str
) -> None:
    pytester.makepyfile(
        test_bad=f"""
        import pytest

        @pytest.mark.orgo({kwargs})
        def test_bad_value(orgo_computer):
            pass

        def test_innocent():
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(errors=1, passed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_bad_value*",
            f"*test_bad.py::test_bad_value: invalid orgo settings: {shown}*",
        ]
    )
    assert "Value error" not in result.stdout.str()


def test_an_invalid_marker_fails_only_its_test_and_the_session_carries_on(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_mixed="""
        import pytest

        @pytest.mark.orgo(ram=8)
        def test_valid_marker():
            pass

        @pytest.mark.orgo(ram=3)
        def test_bad_ram(orgo_computer):
            pass

        def test_no_marker():
            pass
        """,
        test_later="""
        def test_other_module():
            pass
        """,
    )
    result = run(pytester)
    result.assert_outcomes(errors=1, passed=3)
    output = result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*test_mixed.py::test_bad_ram: invalid orgo settings: "
            "ram=3: must be one of 4, 8, 16, 32, 64",
        ]
    )
    assert "Value error" not in output
    assert "pydantic" not in output and "def pytest_runtest_setup" not in output


def test_error_message_says_what_is_allowed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_bad="""
        import pytest

        @pytest.mark.orgo(ram=3)
        def test_ram(orgo_computer):
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*test_bad.py::test_ram: invalid orgo settings: ram=3*must be one of 4, 8, 16, 32, 64*"]
    )


def test_invalid_class_mark_names_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_bad="""
        import pytest

        @pytest.mark.orgo(cpu=0.25)
        class TestTiny:
            def test_method(self, orgo_computer):
                pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*test_bad.py::TestTiny::test_method: invalid orgo settings: cpu=0.25*"]
    )


def test_invalid_module_mark_is_caught_even_for_tests_without_a_computer(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_bad="""
        import pytest

        pytestmark = pytest.mark.orgo(ram=5)

        def test_plain():
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*test_bad.py::test_plain: invalid orgo settings: ram=5*"])


def test_invalid_mark_on_parametrized_test_names_the_instance(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_bad="""
        import pytest

        @pytest.mark.orgo(disk_size_gb=1)
        @pytest.mark.parametrize("n", [7])
        def test_param(orgo_computer, n):
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*test_bad.py::test_param[[]7[]]: invalid orgo settings: disk_size_gb=1*"]
    )


def test_positional_arguments_are_rejected(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_bad="""
        import pytest

        @pytest.mark.orgo(8)
        def test_positional(orgo_computer):
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*test_bad.py::test_positional: @pytest.mark.orgo takes keyword arguments only, got (8,)*"]
    )


def test_unknown_keyword_is_rejected(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_bad="""
        import pytest

        @pytest.mark.orgo(memory=8)
        def test_unknown(orgo_computer):
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*test_bad.py::test_unknown: invalid orgo settings: "
            "unknown argument memory=8 (allowed: ram, cpu, *)*"
        ]
    )


def test_valid_marks_collect_cleanly(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.orgo(ram=64, cpu=16, gpu="a10", resolution="1920x1080x24",
                          keep_on_failure=True, provision_timeout=30)
        def test_big(orgo_computer):
            pass
        """
    )
    result = run(pytester, "--collect-only", "-q")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        ["test_valid_marks_collect_cleanly.py::test_big", "1 test collected*"]
    )


def test_marker_reaches_the_live_api(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    """Live mode: the marker's values are what the create request asks for."""
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.orgo(ram=8, cpu=2, resolution="1280x720x24", template="system/openclaw@1.0.0")
        def test_sized(orgo_computer):
            assert orgo_computer.info.ram == 8
        """
    )
    result = run_subprocess(pytester, *live_args(fake_api))
    result.assert_outcomes(passed=1)
    (created,) = fake_api.requests("POST", "/computers")
    body = created["body"]
    assert {k: body[k] for k in ("ram", "cpu", "resolution", "template_ref")} == {
        "ram": 8,
        "cpu": 2,
        "resolution": "1280x720x24",
        "template_ref": "system/openclaw@1.0.0",
    }
    assert body["name"].startswith("test-sized-")
