"""With pytest-html installed, a failed screenshot's expected, actual and diff images
sit in that test's row of ``report.html`` (as pytest-html extras)."""

from __future__ import annotations

import base64
import html
import json
import re

import pytest

from tests.report.report_support import baseline_then_change, run

pytest.importorskip("pytest_html", reason="pytest-html is in the test extra")


@pytest.mark.parametrize("self_contained", [False, True], ids=["assets", "self-contained"])
def test_the_failed_row_holds_the_three_images(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, self_contained: bool
) -> None:
    baseline_then_change(pytester, monkeypatch)
    args = ["--html=report.html", "-p", "metadata", "-p", "html"]
    if self_contained:
        args.append("--self-contained-html")
    run(pytester, *args).assert_outcomes(passed=1, failed=2)
    page = (pytester.path / "report.html").read_text()
    # pytest-html keeps each row's data as escaped JSON in data-jsonblob
    blob = re.search(r'data-jsonblob="([^"]*)"', page)
    assert blob is not None
    rows = json.loads(html.unescape(blob.group(1)))["tests"]
    (login,) = rows["test_app.py::test_login"]
    names = [extra["name"] for extra in login["extras"]]
    assert names == ["test_login expected", "test_login actual", "test_login diff"]
    expected = (pytester.path / "__orgo_snapshots__/test_app/test_login.png").read_bytes()
    first = login["extras"][0]["content"]
    if self_contained:
        assert base64.b64decode(first.split(",", 1)[1]) == expected
    else:
        assert (pytester.path / first).read_bytes() == expected
    (same,) = rows["test_app.py::test_same"]
    assert same["extras"] == []  # passing rows stay as they were
