"""JUnit XML carries a failed screenshot's artifact paths: as testcase properties
always, and as ``[[ATTACHMENT|path]]`` lines in ``<system-out>`` (which GitLab and
Jenkins read) when ``junit_logging`` writes system-out."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.report.report_support import REPORT, baseline_then_change, run


def case_named(pytester: pytest.Pytester, name: str) -> ET.Element:
    root = ET.parse(pytester.path / "junit.xml").getroot()
    (case,) = [c for c in root.iter("testcase") if c.get("name") == name]
    return case


def test_properties_and_attachment_lines(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    baseline_then_change(pytester, monkeypatch)
    run(
        pytester,
        "--junitxml=junit.xml",
        "-o",
        "junit_logging=system-out",
        f"--orgo-report={REPORT}",
    ).assert_outcomes(passed=1, failed=2)
    login = case_named(pytester, "test_login")
    properties = {p.get("name"): p.get("value") for p in login.iter("property")}
    folder = f"{REPORT}/images/test_app.py-test_login"
    assert properties == {
        f"orgo_snapshot_{kind}[test_login]": f"{folder}/test_login-{kind}.png"
        for kind in ("expected", "actual", "diff")
    }
    for path in properties.values():
        assert path is not None and (pytester.path / path).is_file()  # relative to the rootdir
    out = login.findtext("system-out") or ""
    assert [line for line in out.splitlines() if line.startswith("[[ATTACHMENT|")] == [
        f"[[ATTACHMENT|{folder}/test_login-{kind}.png]]" for kind in ("expected", "actual", "diff")
    ]
    same = case_named(pytester, "test_same")
    assert list(same.iter("property")) == []
    assert "ATTACHMENT" not in (same.findtext("system-out") or "")


def test_properties_without_system_out(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    baseline_then_change(pytester, monkeypatch)
    run(pytester, "--junitxml=junit.xml").assert_outcomes(passed=1, failed=2)
    wide = case_named(pytester, "test_wide")
    names = sorted(p.get("name") or "" for p in wide.iter("property"))
    assert names == [
        "orgo_snapshot_actual[test_wide-wide]",
        "orgo_snapshot_expected[test_wide-wide]",
    ]
    assert wide.find("system-out") is None  # pytest's default junit_logging=no
