"""Shared by the report tests: a suite with passing, new and failing screenshots, and
the report's files read back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from pytest_orgo.report.model import SCHEMA_FILE
from tests.snapshots.conftest import FAST

# three tests: one passes, one fails on a changed pixel block (masked elsewhere), one
# fails on a changed size; COLOUR/WIDE flip them from their baseline run
SUITE = """
    import os
    from PIL import Image, ImageDraw

    CHANGED = bool(os.environ.get("CHANGED"))

    def screen(width=64):
        image = Image.new("RGB", (width, 48), "white")
        if CHANGED:
            ImageDraw.Draw(image).rectangle((8, 8, 23, 15), fill="red")
        return image

    def test_same(orgo_snapshot):
        orgo_snapshot.assert_screenshot(Image.new("RGB", (32, 24), "navy"))

    def test_login(orgo_snapshot):
        orgo_snapshot.assert_screenshot(screen(), mask=[(40, 30, 10, 10)])

    def test_wide(orgo_snapshot):
        orgo_snapshot.assert_screenshot(screen(96 if CHANGED else 64), "wide")
"""
REPORT = "visual-report"


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*FAST, *args)


def baseline_then_change(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, **more: str
) -> None:
    """Write the suite (and ``more`` modules like it) and their baselines, then make two
    of each module's three tests fail."""
    monkeypatch.delenv("CHANGED", raising=False)
    pytester.makepyfile(test_app=SUITE, **more)
    run(pytester, "--orgo-update-snapshots").assert_outcomes(passed=3 * (1 + len(more)))
    monkeypatch.setenv("CHANGED", "1")


def summary(directory: Path) -> dict[str, Any]:
    """``summary.json``, validated against the schema shipped in the package."""
    data: dict[str, Any] = json.loads((directory / "summary.json").read_text())
    jsonschema.validate(data, json.loads(SCHEMA_FILE.read_text()))
    return data
