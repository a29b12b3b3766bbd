"""Unused cassettes are reported after a full run, and only then (xdist included)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cassette_helpers import frame, interaction, run, run_subprocess, write

from pytest_orgo.cassettes.format import Connection

INNER = """
import pytest
pytestmark = pytest.mark.orgo_cassette

def test_a():
    assert True

def test_b():
    assert True

@pytest.mark.skip(reason="its cassette is still its own")
def test_skipped():
    assert False
"""

STALE = [
    "cassettes/test_inner/test_old.yaml",
    "cassettes/test_inner/test_gone.0123456789abcdef.bin",
]
ORPHAN = "cassettes/test_removed/test_x.yaml"


def layout(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_inner=INNER)
    folder = pytester.path / "cassettes" / "test_inner"
    for name in ("test_a", "test_b", "test_skipped", "test_old"):
        write(folder / f"{name}.yaml", [interaction()])
    audio = Connection("wss://www.orgo.ai/a", 1, 0, [frame("recv", data=b"\x00" * 960, seq=2)])
    write(folder / "test_b.yaml", [], [audio])  # test_b's sidecar is in use
    (folder / "test_gone.0123456789abcdef.bin").write_bytes(b"left behind")
    write(pytester.path / ORPHAN, [interaction()])


def reported(result: pytest.RunResult) -> list[str]:
    lines = result.outlines
    if not any("unused cassette file(s)" in line for line in lines):
        return []
    start = next(i for i, line in enumerate(lines) if "unused cassette file(s)" in line)
    return [line.strip() for line in lines[start + 1 :] if line.startswith("  ")]


def test_a_full_run_reports_stale_cassettes_sidecars_and_module_folders(
    pytester: pytest.Pytester,
) -> None:
    layout(pytester)
    result = run(pytester)
    result.assert_outcomes(passed=2, skipped=1)
    assert sorted(reported(result)) == sorted([*STALE, ORPHAN])
    assert any(
        p.suffix == ".bin" for p in (pytester.path / "cassettes/test_inner").iterdir()
    )  # reported, kept


@pytest.mark.parametrize(
    "args",
    [
        ("-k", "test_a"),
        ("--deselect", "test_inner.py::test_b"),
        ("test_inner.py::test_a",),
        ("-m", "orgo_cassette"),
    ],
)
def test_a_partial_run_stays_quiet(pytester: pytest.Pytester, args: tuple[str, ...]) -> None:
    layout(pytester)
    result = run(pytester, *args)
    assert result.ret == 0
    assert reported(result) == []
    assert "unused cassette" not in result.stdout.str()


def test_xdist_workers_report_through_the_controller(pytester: pytest.Pytester) -> None:
    layout(pytester)
    result = run_subprocess(pytester, "-n", "2")
    result.assert_outcomes(passed=2, skipped=1)
    assert sorted(reported(result)) == sorted([*STALE, ORPHAN])
    quiet = run_subprocess(pytester, "-n", "2", "--deselect", "test_inner.py::test_b")
    assert quiet.ret == 0 and reported(quiet) == []


def test_nothing_to_report_prints_nothing(pytester: pytest.Pytester) -> None:
    layout(pytester)
    for stale in [*STALE, ORPHAN]:
        Path(pytester.path / stale).unlink()
    result = run(pytester)
    result.assert_outcomes(passed=2, skipped=1)
    assert "orgo cassettes" not in result.stdout.str()
