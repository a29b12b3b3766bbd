"""Record modes mean what vcrpy's mean; flag > marker > fixture > ini > default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cassette_helpers import BASE_INI, run

INNER = """
import os, socket
import pytest
from pytest_orgo.cassettes import NetworkBlockedError

@pytest.mark.orgo_cassette{marker}
def test_bash(orgo_computer, orgo_server, orgo_cassette):
    commands = os.environ.get("INNER_COMMANDS", "echo hi").split(";")
    outputs = [orgo_computer.bash(c) for c in commands]
    assert outputs == [c.split(" ", 1)[1] + "\\n" for c in commands]
    live = len(orgo_server.requests("POST", "/computers/*/bash"))
    print(f"LIVE={{live}} REPLAYING={{orgo_cassette.replaying}}")
    if not orgo_cassette.recording:
        with pytest.raises(NetworkBlockedError):
            socket.create_connection(("127.0.0.1", 9), timeout=1)
"""

CASSETTE = Path("cassettes/test_inner/test_bash.yaml")


def inner(pytester: pytest.Pytester, marker: str = "") -> None:
    pytester.makepyfile(test_inner=INNER.format(marker=marker))


def recorded(pytester: pytest.Pytester) -> list[str]:
    document = json.loads((pytester.path / CASSETTE).read_text())
    return [json.loads(i["request"]["body"])["command"] for i in document["interactions"]]


def test_none_is_the_default_and_replays_only(pytester: pytest.Pytester) -> None:
    inner(pytester)
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*does not exist: record it with --orgo-record-mode=once*"])
    assert not (pytester.path / CASSETTE).exists()


def test_once_records_when_missing_then_replays_and_refuses_new_requests(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    inner(pytester)
    run(pytester, "--orgo-record-mode=once", "-s").assert_outcomes(passed=1)
    assert recorded(pytester) == ["echo hi"]
    first = (pytester.path / CASSETTE).read_bytes()
    result = run(pytester, "--orgo-record-mode=once", "-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*LIVE=0 REPLAYING=True*"])
    monkeypatch.setenv("INNER_COMMANDS", "echo hi;echo more")
    run(pytester, "--orgo-record-mode=once").assert_outcomes(failed=1)
    assert (pytester.path / CASSETTE).read_bytes() == first


def test_new_episodes_replays_what_matches_and_records_the_rest(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    inner(pytester)
    run(pytester, "--orgo-record-mode=once").assert_outcomes(passed=1)
    monkeypatch.setenv("INNER_COMMANDS", "echo hi;echo more")
    result = run(pytester, "--orgo-record-mode=new_episodes", "-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*LIVE=1 REPLAYING=True*"])  # "echo hi" came from the cassette
    assert recorded(pytester) == ["echo hi", "echo more"]
    document = json.loads((pytester.path / CASSETTE).read_text())
    assert [i["seq"] for i in document["interactions"]] == [1, 2]  # the clock continues
    run(pytester).assert_outcomes(passed=1)  # and the merged cassette replays


def test_all_records_everything_again(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    inner(pytester)
    run(pytester, "--orgo-record-mode=once").assert_outcomes(passed=1)
    monkeypatch.setenv("INNER_COMMANDS", "echo again")
    result = run(pytester, "--orgo-record-mode=all", "-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*LIVE=1 REPLAYING=False*"])
    assert recorded(pytester) == ["echo again"]


def test_the_flag_beats_the_marker_which_beats_the_ini(pytester: pytest.Pytester) -> None:
    inner(pytester, marker='(record_mode="once")')
    run(pytester, "--orgo-record-mode=none").assert_outcomes(failed=1)  # flag: none wins
    assert not (pytester.path / CASSETTE).exists()
    pytester.makeini(BASE_INI + "orgo_record_mode = none\n")
    run(pytester).assert_outcomes(passed=1)  # the marker's once beats the ini's none
    assert recorded(pytester) == ["echo hi"]
    inner(pytester)
    pytester.makeini(BASE_INI + "orgo_record_mode = all\n")
    result = run(pytester, "-s")
    result.stdout.fnmatch_lines(
        ["*LIVE=1 REPLAYING=False*"]
    )  # the ini's all, without a marker mode


def test_a_bad_option_is_an_error_naming_it(pytester: pytest.Pytester) -> None:
    inner(pytester, marker='(record_mode="sometimes", colour="red")')
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*unknown orgo_cassette option(s) colour*"])
    inner(pytester, marker='(record_mode="sometimes")')
    run(pytester).stdout.fnmatch_lines(
        ["*record_mode='sometimes' (one of none, once, new_episodes, all)*"]
    )


def test_the_cassette_dir_follows_the_ini(pytester: pytest.Pytester) -> None:
    inner(pytester)
    pytester.makeini(BASE_INI + "orgo_cassette_dir = recorded\n")
    run(pytester, "--orgo-record-mode=once").assert_outcomes(passed=1)
    assert (pytester.path / "recorded/test_inner/test_bash.yaml").exists()
