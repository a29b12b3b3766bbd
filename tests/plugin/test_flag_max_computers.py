"""--orgo-max-computers / ini orgo_max_computers: the live concurrency cap, across xdist workers."""

from __future__ import annotations

import json

import pytest
from orgo_helpers import StandaloneFake, live_args, run, run_subprocess, write_ini

# Each test, once it holds its computer, watches the (standalone) fake for a while and
# writes down the most computers it saw alive at once, and which xdist worker it ran on.
SAMPLING_TESTS = """
    import json, os, time
    import httpx
    import pytest

    STATE_URL = {state_url!r}

    @pytest.mark.parametrize("n", [1, 2])
    def test_sample(orgo_computer, n):
        seen = []
        deadline = time.monotonic() + 1.2
        while time.monotonic() < deadline:
            seen.append(httpx.get(STATE_URL, timeout=5).json()["computers"])
            time.sleep(0.05)
        record = {{"worker": os.environ.get("PYTEST_XDIST_WORKER"), "max": max(seen), "min": min(seen)}}
        with open(f"seen-{{n}}.json", "w") as f:
            json.dump(record, f)
"""


def _records(pytester: pytest.Pytester) -> list[dict[str, object]]:
    return [json.loads((pytester.path / f"seen-{n}.json").read_text()) for n in (1, 2)]


def test_cap_of_one_holds_across_two_workers(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    pytester.makepyfile(SAMPLING_TESTS.format(state_url=fake_api.state_url))
    result = run_subprocess(pytester, "-n", "2", *live_args(fake_api, "--orgo-max-computers", "1"))
    result.assert_outcomes(passed=2)
    records = _records(pytester)
    assert {r["worker"] for r in records} == {"gw0", "gw1"}  # really two processes
    assert [r["max"] for r in records] == [1, 1]  # never two computers at once
    assert fake_api.state()["computers"] == 0
    result.stdout.fnmatch_lines(["orgo: live mode*2 computers provisioned*"])


def test_cap_of_two_lets_both_run_at_once(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    pytester.makepyfile(SAMPLING_TESTS.format(state_url=fake_api.state_url))
    result = run_subprocess(pytester, "-n", "2", *live_args(fake_api, "--orgo-max-computers", "2"))
    result.assert_outcomes(passed=2)
    records = _records(pytester)
    assert {r["worker"] for r in records} == {"gw0", "gw1"}
    assert max(int(r["max"]) for r in records) == 2  # they overlapped
    assert fake_api.state()["computers"] == 0


def test_ini_cap_holds_too(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    write_ini(pytester, orgo_max_computers="1")
    pytester.makepyfile(SAMPLING_TESTS.format(state_url=fake_api.state_url))
    result = run_subprocess(pytester, "-n", "2", *live_args(fake_api))
    result.assert_outcomes(passed=2)
    assert [r["max"] for r in _records(pytester)] == [1, 1]


def test_flag_beats_ini(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    write_ini(pytester, orgo_max_computers="1")
    pytester.makepyfile(SAMPLING_TESTS.format(state_url=fake_api.state_url))
    result = run_subprocess(pytester, "-n", "2", *live_args(fake_api, "--orgo-max-computers", "2"))
    result.assert_outcomes(passed=2)
    assert max(int(r["max"]) for r in _records(pytester)) == 2


@pytest.mark.parametrize("value", ["0", "-3"])
def test_flag_below_one_is_a_usage_error(pytester: pytest.Pytester, value: str) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = run(pytester, f"--orgo-max-computers={value}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--orgo-max-computers must be at least 1*"])


def test_ini_zero_is_a_usage_error(pytester: pytest.Pytester) -> None:
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
