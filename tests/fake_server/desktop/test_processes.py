"""The process table: pids, lookups and the start/stop callbacks the desktop relies on."""

from __future__ import annotations

import pytest

from fake_server.desktop.processes import Process, ProcessError, ProcessTable


@pytest.fixture
def log() -> list[tuple[str, Process]]:
    return []


@pytest.fixture
def table(log: list[tuple[str, Process]]) -> ProcessTable:
    return ProcessTable(
        on_start=lambda p: log.append(("start", p)),
        on_stop=lambda p: log.append(("stop", p)),
    )


def test_pids_increase_from_first_pid_and_callbacks_fire(
    table: ProcessTable, log: list[tuple[str, Process]]
) -> None:
    firefox = table.start("firefox")
    editor = table.start("gedit")
    assert (firefox, editor) == (Process(1000, "firefox"), Process(1001, "gedit"))
    assert table.list() == [firefox, editor]
    assert table.get(1001) == editor
    assert table.get(5) is None
    assert table.stop(1000) == firefox
    assert log == [("start", firefox), ("start", editor), ("stop", firefox)]
    assert table.start("again").pid == 1002  # pids are never reused


def test_stop_unknown_pid_raises_a_key_error(table: ProcessTable) -> None:
    with pytest.raises(ProcessError) as info:
        table.stop(4242)
    assert isinstance(info.value, KeyError)
    assert info.value.pid == 4242
    assert str(info.value) == "(4242) - No such process"


def test_stop_by_name_stops_only_exact_matches_oldest_first(
    table: ProcessTable, log: list[tuple[str, Process]]
) -> None:
    a = table.start("sleep")
    table.start("sleeper")
    b = table.start("sleep")
    assert table.stop_by_name("sleep") == [a, b]
    assert [p.name for p in table.list()] == ["sleeper"]
    assert table.stop_by_name("nothing") == []
    assert [entry for entry in log if entry[0] == "stop"] == [("stop", a), ("stop", b)]


def test_clear_stops_everything_announcing_each(
    table: ProcessTable, log: list[tuple[str, Process]]
) -> None:
    started = [table.start(name) for name in ("a", "b", "c")]
    log.clear()
    table.clear()
    assert table.list() == []
    assert log == [("stop", p) for p in started]


def test_callbacks_are_optional_and_settable() -> None:
    table = ProcessTable(first_pid=7)
    seen: list[int] = []
    process = table.start("x")
    table.on_stop = lambda p: seen.append(p.pid)
    table.stop(process.pid)
    assert process.pid == 7
    assert seen == [7]
