"""--orgo-max-computers / ini orgo_max_computers: the live concurrency cap, across xdist workers."""

from __future__ import annotations

import json

import pytest
from orgo_helpers import StandaloneFake, live_args, run, run_subprocess, write_ini

# Each test, once it holds its computer, watches the (standalone) fake and writes down
# the most computers it saw alive at once, and which xdist worker it ran on. It watches
# for ``window`` seconds, or until it sees two, and then holds on a little longer so
# that the other test sees two as well.
SAMPLING_TESTS = """
    import json, os, time
    import httpx
    import pytest

    STATE_URL = {state_url!r}
    WINDOW = {window!r}

    @pytest.mark.parametrize("n", [1, 2])
    def test_sample(orgo_computer, n):
        seen = []
        deadline = time.monotonic() + WINDOW
        while time.monotonic() < deadline:
            seen.append(httpx.get(STATE_URL, timeout=5).json()["computers"])
            if seen[-1] >= 2:
                deadline = min(deadline, time.monotonic() + 0.5)
            time.sleep(0.05)
        record = {{"worker": os.environ.get("PYTEST_XDIST_WORKER"), "max": max(seen)}}
        with open(f"seen-{{n}}.json", "w") as f:
            json.dump(record, f)
"""


def _tests(fake: StandaloneFake, window: float) -> str:
    return SAMPLING_TESTS.format(state_url=fake.state_url, window=window)


def _records(pytester: pytest.Pytester) -> list[dict[str, object]]:
    return [json.loads((pytester.path / f"seen-{n}.json").read_text()) for n in (1, 2)]


def test_cap_of_one_holds_across_two_workers(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    """The flag (here beating an ini of 2): never two computers at once, though two
    workers each want one."""
    write_ini(pytester, orgo_max_computers="2")
    pytester.makepyfile(_tests(fake_api, window=0.8))
    result = run_subprocess(pytester, "-n", "2", *live_args(fake_api, "--orgo-max-computers", "1"))
    result.assert_outcomes(passed=2)
    records = _records(pytester)
    assert {r["worker"] for r in records} == {"gw0", "gw1"}  # really two processes
    assert [r["max"] for r in records] == [1, 1]  # never two computers at once
    assert fake_api.state()["computers"] == 0
    assert len(fake_api.requests("POST", "/computers")) == 2
    result.stdout.fnmatch_lines(["orgo: live mode*2 computers provisioned*"])


def test_cap_of_two_lets_both_run_at_once(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    pytester.makepyfile(_tests(fake_api, window=8))
    result = run_subprocess(pytester, "-n", "2", *live_args(fake_api, "--orgo-max-computers", "2"))
    result.assert_outcomes(passed=2)
    records = _records(pytester)
    assert {r["worker"] for r in records} == {"gw0", "gw1"}
    assert [r["max"] for r in records] == [2, 2]  # they overlapped
    assert fake_api.state()["computers"] == 0


@pytest.mark.parametrize("value", ["0", "-3"])
def test_flag_below_one_is_a_usage_error(pytester: pytest.Pytester, value: str) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = run(pytester, f"--orgo-max-computers={value}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--orgo-max-computers must be at least 1*"])


def test_ini_zero_is_a_usage_error(pytester: pytest.Pytester) -> None:
    """(The ini value is the cap's source: a cap of 0 from it is refused like the flag's.)"""
    write_ini(pytester, orgo_max_computers="0")
    pytester.makepyfile("def test_nothing(): pass")
    result = run(pytester)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*must be at least 1*"])


def test_ini_not_a_number_is_a_usage_error(pytester: pytest.Pytester) -> None:
    write_ini(pytester, orgo_max_computers="two")
    pytester.makepyfile("def test_nothing(): pass")
    result = run(pytester)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*orgo_max_computers = 'two' is not a valid int*"])


def test_flag_not_a_number_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = run(pytester, "--orgo-max-computers", "many")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--orgo-max-computers*invalid int value*"])


def test_default_is_two(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--help")
    result.stdout.fnmatch_lines(["*--orgo-max-computers*", "*(default: 2)*"])


def test_cap_holds_within_one_process(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    """One test asking for two computers under a cap of one must not get both: it is
    told at once, and nothing is created."""
    pytester.makepyfile(
        f"""
        import httpx

        def test_two(orgo_computer, orgo_async_computer):
            assert httpx.get({fake_api.state_url!r}).json()["computers"] <= 1
        """
    )
    result = run_subprocess(
        pytester,
        *live_args(fake_api, "--orgo-max-computers", "1", "--orgo-provision-timeout", "0.5"),
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*test_two*uses 2 computers at once but this run may hold 1 (--orgo-max-computers)*"]
    )
    assert fake_api.requests("POST", "/computers") == []
    assert fake_api.state()["computers"] == 0
