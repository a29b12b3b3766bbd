"""Shared computers in fake mode: ``@pytest.mark.orgo(scope=...)`` and ini ``orgo_scope``.

Each test writes down the computer it got; the run's summary says how many were
provisioned. Between tests on a shared computer the simulated desktop is restored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from orgo_helpers import run, write_ini

RECORD = """
    import json, os
    import pytest

    def record(name, computer):
        with open(f"got-{name}.json", "w") as f:
            json.dump({"id": computer.id, "worker": os.environ.get("PYTEST_XDIST_WORKER")}, f)
"""


def _got(path: Path) -> dict[str, str]:
    return {p.stem[4:]: json.loads(p.read_text())["id"] for p in path.glob("got-*.json")}


def test_default_is_still_one_computer_per_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        RECORD
        + """
    def test_a(orgo_computer): record("a", orgo_computer)
    def test_b(orgo_computer): record("b", orgo_computer)
    """
    )
    result = run(pytester)
    result.assert_outcomes(passed=2)
    got = _got(pytester.path)
    assert got["a"] != got["b"]
    result.stdout.fnmatch_lines(["orgo: fake mode (bundled fake): 2 computers provisioned"])


def test_module_scope_shares_one_per_module_and_per_spec(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_one=RECORD
        + """
    pytestmark = pytest.mark.orgo(scope="module")

    def test_a(orgo_computer): record("one-a", orgo_computer)
    def test_b(orgo_computer): record("one-b", orgo_computer)

    @pytest.mark.orgo(ram=8)
    def test_big(orgo_computer): record("one-big", orgo_computer)

    @pytest.mark.orgo(scope="function")
    def test_own(orgo_computer): record("one-own", orgo_computer)
    """,
        test_two=RECORD
        + """
    pytestmark = pytest.mark.orgo(scope="module")

    def test_a(orgo_computer): record("two-a", orgo_computer)
    def test_b(orgo_computer): record("two-b", orgo_computer)
    """,
    )
    result = run(pytester, "-p", "no:randomly")
    result.assert_outcomes(passed=6)
    got = _got(pytester.path)
    assert got["one-a"] == got["one-b"]
    assert got["two-a"] == got["two-b"]
    assert len({got["one-a"], got["one-big"], got["one-own"], got["two-a"]}) == 4
    result.stdout.fnmatch_lines(["orgo: fake mode (bundled fake): 4 computers provisioned"])


def test_class_scope_and_session_scope(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_classes=RECORD
        + """
    @pytest.mark.orgo(scope="class")
    class TestOne:
        def test_a(self, orgo_computer): record("c1-a", orgo_computer)
        def test_b(self, orgo_computer): record("c1-b", orgo_computer)

    @pytest.mark.orgo(scope="class")
    class TestTwo:
        def test_a(self, orgo_computer): record("c2-a", orgo_computer)

    @pytest.mark.orgo(scope="session")
    def test_s1(orgo_computer): record("s1", orgo_computer)
    """,
        test_session=RECORD
        + """
    @pytest.mark.orgo(scope="session")
    def test_s2(orgo_computer): record("s2", orgo_computer)
    """,
    )
    result = run(pytester, "-p", "no:randomly")
    result.assert_outcomes(passed=5)
    got = _got(pytester.path)
    assert got["c1-a"] == got["c1-b"] != got["c2-a"]
    assert got["s1"] == got["s2"] not in (got["c1-a"], got["c2-a"])
    result.stdout.fnmatch_lines(["orgo: fake mode (bundled fake): 3 computers provisioned"])


def test_ini_default_scope_and_marker_override(pytester: pytest.Pytester) -> None:
    write_ini(pytester, orgo_scope="module")
    pytester.makepyfile(
        RECORD
        + """
    def test_a(orgo_computer): record("a", orgo_computer)
    def test_b(orgo_computer): record("b", orgo_computer)

    @pytest.mark.orgo(scope="function")
    def test_c(orgo_computer): record("c", orgo_computer)
    """
    )
    result = run(pytester, "-p", "no:randomly")
    result.assert_outcomes(passed=3)
    got = _got(pytester.path)
    assert got["a"] == got["b"] != got["c"]


def test_the_desktop_is_restored_between_tests(pytester: pytest.Pytester) -> None:
    """Whatever one test does to the simulated desktop, the next sees it as new: files,
    windows, clipboard, processes, resolution, and the computer running again."""
    pytester.makepyfile(
        RECORD
        + """
    pytestmark = pytest.mark.orgo(scope="module", resolution="1024x768x24")
    BASE = "/home/user/Desktop/base.txt"

    @pytest.fixture(scope="module")
    def fresh():
        return {}

    def test_1_messes_up(orgo_computer, fresh):
        record("1", orgo_computer)
        desktop = orgo_computer.desktop
        fresh["windows"] = [w.title for w in desktop.windows]
        orgo_computer.bash("echo kept > /home/user/Desktop/mess.txt")
        desktop.open_window("Firefox", "mess")
        desktop.set_clipboard("secret")
        desktop.start_process("firefox")
        desktop.set_resolution("800x600x24")
        orgo_computer.client.stop_computer(orgo_computer.id)

    def test_2_sees_it_new(orgo_computer, fresh):
        record("2", orgo_computer)
        desktop = orgo_computer.desktop
        assert orgo_computer.refresh().status == "running"
        assert orgo_computer.bash("ls /home/user/Desktop") == ""
        assert [w.title for w in desktop.windows] == fresh["windows"]
        assert desktop.clipboard == ""
        assert [p.name for p in desktop.processes] == []
        assert orgo_computer.refresh().resolution == "1024x768x24"
        assert desktop.screenshot()[:4] == b"\\x89PNG"
    """
    )
    result = run(pytester, "-p", "no:randomly")
    result.assert_outcomes(passed=2)
    got = _got(pytester.path)
    assert got["1"] == got["2"]


def test_a_failing_test_does_not_keep_a_shared_computer_alive(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        RECORD
        + """
    pytestmark = pytest.mark.orgo(scope="module")

    def test_fails(orgo_computer, orgo_server):
        record("fails", orgo_computer)
        assert False, "on purpose"

    def test_after(orgo_computer, orgo_server):
        record("after", orgo_computer)
        assert orgo_server.counts()["computers"] == 1
    """,
        test_zzz_next="""
    def test_next_module(orgo_server):
        assert orgo_server.counts()["computers"] == 0  # the module's computer is gone
    """,
    )
    result = run(pytester, "-p", "no:randomly")
    result.assert_outcomes(passed=2, failed=1)
    got = _got(pytester.path)
    assert got["fails"] == got["after"]
    result.stdout.no_fnmatch_line("*kept running*")


def test_keep_on_failure_keeps_the_shared_computer(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_mod=RECORD
        + """
    pytestmark = pytest.mark.orgo(scope="module")

    def test_fails(orgo_computer):
        record("fails", orgo_computer)
        assert False, "on purpose"

    def test_passes(orgo_computer):
        record("passes", orgo_computer)
    """,
        test_zzz_next="""
    def test_next_module(orgo_server):
        assert orgo_server.counts()["computers"] == 1  # kept at the end of its module
    """,
    )
    result = run(pytester, "-p", "no:randomly", "--orgo-keep-on-failure")
    result.assert_outcomes(passed=2, failed=1)
    computer_id = _got(pytester.path)["fails"]
    result.stdout.fnmatch_lines(
        [
            f"computer {computer_id} (shared by this module) will be kept running when the "
            "module ends (--orgo-keep-on-failure); delete it with:",
            f"kept running (--orgo-keep-on-failure); delete with: *computers/{computer_id}",
        ]
    )


def test_invalid_scope_in_a_marker_fails_collection(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.orgo(scope="package")
        def test_x(orgo_computer): pass
        """
    )
    result = run(pytester)
    assert result.ret != 0
    result.stdout.fnmatch_lines(
        ["*test_x: invalid orgo settings: scope='package' must be one of function, class*"]
    )


@pytest.mark.parametrize("args", [("--orgo-scope", "package"), ("--orgo-scope=",)])
def test_invalid_scope_flag_is_a_usage_error(pytester: pytest.Pytester, args: tuple[str]) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = run(pytester, *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--orgo-scope must be one of function, class, module, session*"])
