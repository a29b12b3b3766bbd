"""Under xdist one report comes from all workers: the controller writes it from the
screenshot assertions and helper failures each worker sent home."""

from __future__ import annotations

import pytest

from tests.report.report_support import REPORT, baseline_then_change, run, summary


def test_one_report_from_every_worker(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    baseline_then_change(pytester, monkeypatch)
    pytester.makepyfile(
        test_events="""
        def test_no_clipboard(orgo_computer):
            orgo_computer.events.wait_for("clipboard", timeout=0.2)
        """
    )
    result = run(pytester, "-n", "2", f"--orgo-report={REPORT}")
    result.assert_outcomes(passed=1, failed=3)
    data = summary(pytester.path / REPORT)
    assert [(s["nodeid"], s["status"]) for s in data["snapshots"]] == [
        ("test_app.py::test_login", "failed"),
        ("test_app.py::test_wide", "failed"),
        ("test_app.py::test_same", "passed"),
    ]
    assert [f["nodeid"] for f in data["helper_failures"]] == ["test_events.py::test_no_clipboard"]
    for shot in data["snapshots"][:2]:
        for path in shot["images"].values():
            assert path is None or (pytester.path / REPORT / path).is_file()
