"""Sharded runs write one report each; ``python -m pytest_orgo.report merge OUT A B``
joins them into one directory (images copied, paths rewritten, the page rendered again),
valid against the schema; a directory that is not a report is a clear error."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.report.report_support import SUITE, baseline_then_change, run, summary


def merge(*args: str, cwd: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest_orgo.report", "merge", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_two_shards_merge_into_one_report(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    baseline_then_change(
        pytester, monkeypatch, test_other=SUITE.replace("test_login", "test_logout")
    )
    # two shards by path group, as a CI matrix runs them
    run(pytester, "test_app.py", "--orgo-report=shard-1").assert_outcomes(passed=1, failed=2)
    run(pytester, "test_other.py", "--orgo-report=shard-2").assert_outcomes(passed=1, failed=2)

    done = merge("merged", "shard-1", "shard-2", cwd=pytester.path)
    assert done.returncode == 0, done.stderr
    assert "merged 2 reports" in done.stdout
    data = summary(pytester.path / "merged")
    assert data["totals"]["failed"] == 4 and data["totals"]["passed"] == 2
    assert [r["name"] for r in data["runs"]] == ["shard-1", "shard-2"]
    failed = [s for s in data["snapshots"] if s["status"] == "failed"]
    assert [s["nodeid"] for s in failed] == [
        "test_app.py::test_login",
        "test_app.py::test_wide",
        "test_other.py::test_logout",
        "test_other.py::test_wide",
    ]
    for shot in failed:
        for path in filter(None, shot["images"].values()):
            assert path.startswith(("shard-1/", "shard-2/"))
            assert (pytester.path / "merged" / path).is_file()
    page = (pytester.path / "merged" / "index.html").read_text()
    assert page.count('class="entry failed"') == 4


def test_a_directory_that_is_not_a_report_is_named(pytester: pytest.Pytester) -> None:
    pytester.mkdir("empty")
    (pytester.path / "bad").mkdir()
    (pytester.path / "bad" / "summary.json").write_text('{"format": "something else"}')
    for shard, expected in (("empty", "cannot read it"), ("bad", "is not a pytest-orgo report")):
        done = merge("out", shard, cwd=pytester.path)
        assert done.returncode == 1
        assert f"{shard}/summary.json" in done.stderr and expected in done.stderr
        assert "Traceback" not in done.stderr
    assert not (pytester.path / "out").exists()
