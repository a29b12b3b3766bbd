"""Writing the visual review report costs little: a run of 200 screenshot assertions,
20 of them failing (their three images written either way), with ``--orgo-report``
against the same run without it. Target: at most 10% more wall time (median)."""

from __future__ import annotations

from typing import Any

import pytest
from PIL import Image

import pytest_orgo.report.write  # noqa: F401  # see below
from pytest_orgo.snapshots.compare import phash

# in-process inner runs unload modules first imported in them, and numpy's C extensions
# refuse a second load: load what the comparison imports lazily out here, once. The
# report's modules too: re-imported by every inner run, their pydantic models would be
# rebuilt each time, which a real run (one process, one import) never does.
phash(Image.new("RGB", (8, 8)))
TARGET = 1.10
SUITE = """
    import os
    import pytest
    from PIL import Image, ImageDraw

    @pytest.mark.parametrize("n", range(200))
    def test_screen(orgo_snapshot, n):
        image = Image.new("RGB", (320, 200), (n % 256, 90, 160))
        if os.environ.get("CHANGED") and n % 10 == 0:
            ImageDraw.Draw(image).rectangle((20, 20, 80, 40), fill="red")
        orgo_snapshot.assert_screenshot(image)
"""
FAST = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:randomly", "-q")


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    for name in ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_XDIST_TESTRUNUID"):
        monkeypatch.delenv(name, raising=False)
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(test_suite=SUITE)
    pytester.runpytest(*FAST, "--orgo-update-snapshots").assert_outcomes(passed=200)
    monkeypatch.setenv("CHANGED", "1")
    return pytester


def _measure(benchmark: Any, suite: pytest.Pytester, *args: str) -> None:
    def once() -> None:
        suite.runpytest(*FAST, "-p", "no:benchmark", *args).assert_outcomes(passed=180, failed=20)

    benchmark.pedantic(once, rounds=5, iterations=1, warmup_rounds=1)


def test_run_without_report(benchmark: Any, suite: pytest.Pytester) -> None:
    benchmark.group = "report"
    _measure(benchmark, suite, "--orgo-artifacts=artifacts")


def test_run_with_report(benchmark: Any, suite: pytest.Pytester) -> None:
    benchmark.group = "report"
    benchmark.extra_info.update(baseline="test_run_without_report", target=TARGET)
    _measure(benchmark, suite, "--orgo-report=report")
