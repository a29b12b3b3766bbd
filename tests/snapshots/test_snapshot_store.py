"""Baseline naming and placement, update-mode parsing, the rerun command, and the
report's round trip through xdist's wire format."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_orgo.snapshots.report import SnapshotReport, summary_lines
from pytest_orgo.snapshots.store import (
    module_dir,
    parse_mode,
    rerun_command,
    safe_name,
    snapshot_key,
    write_atomically,
)


@pytest.mark.parametrize(
    ("value", "mode"),
    [("", "none"), ("none", "none"), ("false", "none"), ("MISSING", "missing"),
     ("changed", "changed"), ("true", "changed"), (" all ", "all")],
)  # fmt: skip
def test_modes_parse_with_ini_friendly_aliases(value: str, mode: str) -> None:
    assert parse_mode(value) == mode


def test_an_unknown_mode_names_the_choices() -> None:
    with pytest.raises(ValueError, match="takes one of none, missing, changed, all, got 'sure'"):
        parse_mode("sure")


@pytest.mark.parametrize(
    ("nodeid", "key"),
    [
        ("tests/test_a.py::test_b", "test_b"),
        ("tests/test_a.py::TestB::test_c", "TestB.test_c"),
        ("tests/test_a.py::test_b[1920x1080-dark]", "test_b[1920x1080-dark]"),
        ("tests/test_a.py::test_b[a/b: c]", "test_b[a_b_c]"),
    ],
)
def test_snapshot_keys_are_file_safe(nodeid: str, key: str) -> None:
    assert snapshot_key(nodeid) == key


def test_safe_names_never_come_out_empty_or_hidden() -> None:
    assert (safe_name("///"), safe_name(".hidden"), safe_name("ok-name_1.2")) == (
        "_",
        "hidden",
        "ok-name_1.2",
    )


def test_a_relative_dir_sits_beside_each_test_file(tmp_path: Path) -> None:
    test_file = tmp_path / "tests/ui/test_login.py"
    assert module_dir(test_file, "__orgo_snapshots__", tmp_path) == (
        tmp_path / "tests/ui/__orgo_snapshots__/test_login"
    )
    assert module_dir(test_file, "../screens", tmp_path) == tmp_path / "tests/screens/test_login"


def test_an_absolute_dir_keeps_the_path_below_the_rootdir(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    inside = tmp_path / "repo/tests/ui/test_login.py"
    outside = tmp_path / "elsewhere/test_login.py"
    assert module_dir(inside, str(shared), tmp_path / "repo") == shared / "tests/ui/test_login"
    assert module_dir(outside, str(shared), tmp_path / "repo") == shared / "test_login"


def test_the_rerun_command_is_relative_to_where_pytest_started_and_quoted(tmp_path: Path) -> None:
    test_file = tmp_path / "tests/test_login.py"
    command = rerun_command(test_file, "tests/test_login.py::test_b[a b]", tmp_path, "missing")
    assert command == "pytest 'tests/test_login.py::test_b[a b]' --orgo-update-snapshots=missing"
    from_tests = rerun_command(test_file, "tests/test_login.py::test_b", tmp_path / "tests", "all")
    assert from_tests == "pytest test_login.py::test_b --orgo-update-snapshots=all"


def test_writes_are_atomic_and_leave_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "a/b/shot.png"
    write_atomically(target, b"one")
    write_atomically(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["shot.png"]
    assert target.stat().st_mode & 0o077 != 0  # the umask's permissions, not mkstemp's 0600


def test_a_report_survives_the_trip_from_a_worker(tmp_path: Path) -> None:
    worker = SnapshotReport()
    worker.wrote(tmp_path / "a.png", "t.py::a", "new")
    worker.fail(tmp_path / "b.png", "t.py::b", "differs")
    worker.collect([(tmp_path / "t.py", "t.py::a"), (tmp_path / "t.py", "t.py::b")])
    worker.deselect([tmp_path / "u.py"])
    worker.passed.add("t.py::a")
    controller = SnapshotReport()
    controller.merge(worker.to_wire())
    assert controller.to_wire() == worker.to_wire()
    assert summary_lines(controller, [], tmp_path) == [
        "1 baseline written:",
        "  a.png (new)",
        "1 baseline failed:",
        "  b.png (differs; t.py::b)",
    ]
