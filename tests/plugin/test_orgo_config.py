"""The overridable ``orgo_config`` fixture, and the precedence it sits in:
flag > marker > orgo_config > ini > default -- shown for ``keep_on_failure`` (which has
all five) and for a computer field (``ram``: marker > orgo_config > default)."""

from __future__ import annotations

import re

import pytest
from orgo_helpers import run, write_ini

CONFIGURED_CONFTEST = """
    import pytest

    @pytest.fixture(scope="session")
    def orgo_config():
        return {"keep_on_failure": False, "ram": 16, "cpu": 2}
"""

# Failing tests write their computer's id to <test name>.id, so which were kept can be read
# off the "kept computer <id> running" lines.
CONFIGURED_TESTS = """
    from pathlib import Path
    import pytest

    def _fail(request, computer):
        Path(f"{request.node.name}.id").write_text(computer.id)
        assert False, "failing on purpose"

    def test_config_says_do_not_keep(request, orgo_computer):
        _fail(request, orgo_computer)

    @pytest.mark.orgo(keep_on_failure=True)
    def test_marker_says_keep(request, orgo_computer):
        _fail(request, orgo_computer)

    @pytest.mark.orgo(keep_on_failure=False)
    def test_marker_says_do_not_keep(request, orgo_computer):
        _fail(request, orgo_computer)

    def test_ram_from_config(orgo_computer):
        info = orgo_computer.refresh()
        assert (info.ram, info.cpu) == (16, 2)

    @pytest.mark.orgo(ram=32)
    def test_ram_marker_beats_config(orgo_computer):
        info = orgo_computer.refresh()
        assert (info.ram, info.cpu) == (32, 2)  # the config's cpu still applies
"""

PLAIN_TESTS = """
    from pathlib import Path

    def test_plain_fails(request, orgo_computer):
        Path(f"{request.node.name}.id").write_text(orgo_computer.id)
        assert False, "failing on purpose"

    def test_ram_default(orgo_computer):
        info = orgo_computer.refresh()
        assert (info.ram, info.cpu) == (4, 1)
"""


@pytest.fixture
def layout(pytester: pytest.Pytester) -> pytest.Pytester:
    """configured/ overrides orgo_config in its conftest; plain/ does not."""
    configured = pytester.mkpydir("configured")
    (configured / "conftest.py").write_text(_dedent(CONFIGURED_CONFTEST))
    (configured / "test_configured.py").write_text(_dedent(CONFIGURED_TESTS))
    plain = pytester.mkpydir("plain")
    (plain / "test_plain.py").write_text(_dedent(PLAIN_TESTS))
    return pytester


def _dedent(text: str) -> str:
    import textwrap

    return textwrap.dedent(text).lstrip()


def _kept(result: pytest.RunResult, pytester: pytest.Pytester) -> set[str]:
    """The names of the failing tests whose computers were kept."""
    kept_ids = set(re.findall(r"kept computer (\S+) running", result.stdout.str()))
    names = {p.stem: p.read_text() for p in pytester.path.glob("*.id")}
    assert names, "no failing test recorded its computer"
    return {name for name, computer_id in names.items() if computer_id in kept_ids}


def test_ini_then_orgo_config_then_marker(layout: pytest.Pytester) -> None:
    write_ini(layout, orgo_keep_on_failure="true")
    result = run(layout)
    result.assert_outcomes(passed=3, failed=4)
    assert _kept(result, layout) == {
        "test_plain_fails",  # ini (true) > default (false)
        "test_marker_says_keep",  # marker (true) > orgo_config (false)
    }
    # not kept: test_config_says_do_not_keep (orgo_config false > ini true) and
    # test_marker_says_do_not_keep (marker false > ini true)


def test_flag_beats_marker_and_orgo_config(layout: pytest.Pytester) -> None:
    result = run(layout, "--orgo-keep-on-failure")
    result.assert_outcomes(passed=3, failed=4)
    assert _kept(result, layout) == {
        "test_plain_fails",
        "test_config_says_do_not_keep",  # flag > orgo_config
        "test_marker_says_keep",
        "test_marker_says_do_not_keep",  # flag > marker
    }


def test_default_keeps_nothing(layout: pytest.Pytester) -> None:
    result = run(layout, "plain")
    result.assert_outcomes(passed=1, failed=1)
    assert _kept(result, layout) == set()
    result.stdout.no_fnmatch_line("*kept*")


def test_computer_field_precedence_marker_over_config_over_default(layout: pytest.Pytester) -> None:
    """(The ram checks are inside the tests: 4 by default, 16 from orgo_config, 32 from a
    marker over orgo_config, with orgo_config's cpu merged in.)"""
    result = run(layout, "-k", "ram", "-v")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        [
            "*test_ram_from_config PASSED*",
            "*test_ram_marker_beats_config PASSED*",
            "*test_ram_default PASSED*",
        ]
    )


def test_invalid_orgo_config_is_an_error_naming_the_fixture_and_value(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture(scope="session")
        def orgo_config():
            return {"ram": 3}
        """
    )
    pytester.makepyfile(
        """
        def test_uses_it(orgo_computer):
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*orgo_config fixture (used by test_invalid_orgo_config*.py::test_uses_it): "
            "invalid orgo settings: ram=3*"
        ]
    )


def test_default_orgo_config_is_empty(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_it(orgo_config):
            assert orgo_config == {}
        """
    )
    run(pytester).assert_outcomes(passed=1)
