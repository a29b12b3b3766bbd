"""``--orgo-report DIR`` / ini ``orgo_report``: the page, the JSON summary (valid against
the packaged schema), failures first with their images inside the directory, passed and
new screenshots listed briefly, and the schema file kept equal to the model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from pytest_orgo.report.model import SCHEMA_FILE, schema
from tests.report.report_support import REPORT, baseline_then_change, run, summary


def test_the_schema_file_is_the_models_schema() -> None:
    assert json.loads(SCHEMA_FILE.read_text()) == schema()


def test_failures_come_first_with_their_images_and_numbers(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    baseline_then_change(pytester, monkeypatch)
    result = run(pytester, f"--orgo-report={REPORT}")
    result.assert_outcomes(passed=1, failed=2)
    directory = pytester.path / REPORT
    result.stdout.fnmatch_lines(["*-- orgo report --*", f"visual review: {directory}/index.html"])
    data = summary(directory)
    assert data["totals"] == {
        "assertions": 3,
        "failed": 2,
        "passed": 1,
        "new": 0,
        "updated": 0,
        "helper_failures": 0,
    }
    assert [s["status"] for s in data["snapshots"]] == ["failed", "failed", "passed"]
    login, wide = data["snapshots"][:2]
    assert login["nodeid"] == "test_app.py::test_login"
    assert login["reason"] == "differs"
    assert login["diff_pixels"] == 16 * 8
    assert login["diff_ratio"] == pytest.approx(128 / (64 * 48))
    assert login["bbox"] == [8, 8, 16, 8]
    assert login["masks"] == [[40, 30, 10, 10]]
    assert isinstance(login["hash_distance"], int)
    assert login["command"] == "pytest test_app.py::test_login --orgo-update-snapshots=changed"
    assert login["baseline"] == "__orgo_snapshots__/test_app/test_login.png"
    for kind in ("expected", "actual", "diff"):
        image = directory / login["images"][kind]
        assert image.is_file() and not Path(login["images"][kind]).is_absolute()
        assert Image.open(image).size == (64, 48)
    assert wide["reason"] == "size"
    assert (wide["expected_size"], wide["size"]) == ([64, 48], [96, 48])
    assert wide["images"]["diff"] is None
    page = (directory / "index.html").read_text()
    assert page.index("test_login") < page.index("Passed (1)") < page.index("test_same")
    assert "http://" not in page and "https://" not in page  # nothing to fetch


def test_new_baselines_are_listed_with_a_copy_of_the_image(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_app="""
        from PIL import Image

        def test_new(orgo_snapshot):
            orgo_snapshot.assert_screenshot(Image.new("RGB", (8, 6), "green"))
    """
    )
    run(pytester, "--orgo-update-snapshots", f"--orgo-report={REPORT}").assert_outcomes(passed=1)
    data = summary(pytester.path / REPORT)
    (new,) = data["snapshots"]
    assert (new["status"], new["command"]) == ("new", None)
    copied = pytester.path / REPORT / new["images"]["actual"]
    assert copied.read_bytes() == (pytester.path / new["baseline"]).read_bytes()


def test_the_ini_option_is_relative_to_the_ini_file_and_artifacts_still_win(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    baseline_then_change(pytester, monkeypatch)
    pytester.makeini(
        "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
        "orgo_report = out/report\norgo_artifacts = out/artifacts\n"
    )
    sub = pytester.mkdir("sub")
    monkeypatch.chdir(sub)
    run(pytester, str(pytester.path)).assert_outcomes(passed=1, failed=2)
    directory = pytester.path / "out" / "report"
    data = summary(directory)
    login = data["snapshots"][0]
    assert (pytester.path / "out" / "artifacts").is_dir()  # written where asked ...
    assert (directory / login["images"]["diff"]).is_file()  # ... and copied beside the page
    assert login["command"] == "pytest ../test_app.py::test_login --orgo-update-snapshots=changed"


def test_without_artifacts_the_images_are_written_once_under_the_report(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    baseline_then_change(pytester, monkeypatch)
    result = run(pytester, f"--orgo-report={REPORT}")
    images = {p.name for p in (pytester.path / REPORT / "images").rglob("*.png")}
    assert images == {
        "test_login-expected.png",
        "test_login-actual.png",
        "test_login-diff.png",
        "test_wide-wide-expected.png",
        "test_wide-wide-actual.png",
    }
    assert f"{REPORT}/images/test_app.py-test_login/test_login-diff.png" in result.stdout.str()


def test_a_file_in_the_way_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_app="def test_x():\n    pass\n")
    (pytester.path / "taken").write_text("")
    result = run(pytester, "--orgo-report=taken")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--orgo-report: */taken exists and is not a directory"])


def test_no_flag_no_report(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    baseline_then_change(pytester, monkeypatch)
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.no_fnmatch_line("*orgo report*")
    assert not list(pytester.path.rglob("summary.json"))
