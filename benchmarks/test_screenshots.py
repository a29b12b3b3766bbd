"""Comparing two 1920x1080 screenshots of the fake desktop that differ in a few pixels.

Beside pytest-orgo's comparison, in the same run: Pillow's
``ImageChops.difference(a, b).getbbox()`` (the floor: it only finds *where* something
changed) and the ``pixelmatch`` package (what pytest-orgo's counts agree with, in pure
Python). Two kinds of "a few pixels": five scattered over the whole screen (a clock, a
cursor, ...: the hard case, since their box is the whole screen) and one typed character.
Targets: the comparison <= 5x its floor; a whole ``assert_screenshot`` from PNG bytes
(both PNGs decoded, compared, passed) at most 50 ms (median).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops
from pixelmatch.contrib.PIL import pixelmatch

from fake_server.clock import Clock
from fake_server.desktop.desktop import Desktop
from fake_server.ids import IdFactory
from pytest_orgo.snapshots.assertion import OrgoSnapshot, SnapshotSettings
from pytest_orgo.snapshots.compare import compare
from pytest_orgo.snapshots.report import SnapshotReport

TARGET_RATIO = 5.0
TARGET_ASSERTION_SECONDS = 0.050
SCATTERED = [(3, 4), (1915, 2), (960, 540), (7, 1075), (1900, 1070)]


def _decode(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image.convert("RGB")


@pytest.fixture(scope="module")
def desktop() -> Desktop:
    screen = Desktop(clock=Clock(), ids=IdFactory(7), resolution="1920x1080x24")
    screen.open_window("Terminal", "$ pytest examples\n21 passed in 6.29s\n$ ")
    return screen


@pytest.fixture(scope="module")
def scattered(desktop: Desktop) -> tuple[Image.Image, Image.Image]:
    before = _decode(desktop.screenshot_png())
    after = before.copy()
    for x, y in SCATTERED:
        r, g, b = after.getpixel((x, y))  # type: ignore[misc]
        after.putpixel((x, y), (255 - r, 255 - g, 255 - b))
    return before, after


@pytest.fixture(scope="module")
def typed(desktop: Desktop) -> tuple[Image.Image, Image.Image]:
    before = _decode(desktop.screenshot_png())
    desktop.type_text(".")
    return before, _decode(desktop.screenshot_png())


def _floor(pair: tuple[Image.Image, Image.Image]) -> Any:
    return ImageChops.difference(*pair).getbbox()


@pytest.mark.benchmark(group="screenshots-scattered")
def test_floor_scattered(benchmark: Any, scattered: tuple[Image.Image, Image.Image]) -> None:
    assert benchmark(_floor, scattered) is not None


@pytest.mark.benchmark(group="screenshots-scattered")
def test_compare_scattered(benchmark: Any, scattered: tuple[Image.Image, Image.Image]) -> None:
    benchmark.extra_info.update(baseline="test_floor_scattered", target=TARGET_RATIO)
    result = benchmark(compare, *scattered)
    assert result.diff_pixels == len(SCATTERED)


@pytest.mark.benchmark(group="screenshots-scattered")
def test_compare_scattered_with_hash_gate(
    benchmark: Any, scattered: tuple[Image.Image, Image.Image]
) -> None:
    """With ``hash_distance=`` the perceptual hashes are needed too (informational)."""
    benchmark.extra_info.update(baseline="test_floor_scattered")
    distance = benchmark(lambda: compare(*scattered).hash_distance)
    assert distance == 0


@pytest.mark.benchmark(group="screenshots-scattered")
def test_pixelmatch_scattered(benchmark: Any, scattered: tuple[Image.Image, Image.Image]) -> None:
    benchmark.extra_info.update(baseline="test_floor_scattered")
    count = benchmark.pedantic(pixelmatch, args=scattered, rounds=1, iterations=1)
    assert count == len(SCATTERED) == compare(*scattered).diff_pixels


@pytest.mark.benchmark(group="screenshots-typed")
def test_floor_typed(benchmark: Any, typed: tuple[Image.Image, Image.Image]) -> None:
    assert benchmark(_floor, typed) is not None


@pytest.mark.benchmark(group="screenshots-typed")
def test_compare_typed(benchmark: Any, typed: tuple[Image.Image, Image.Image]) -> None:
    benchmark.extra_info.update(baseline="test_floor_typed", target=TARGET_RATIO)
    result = benchmark(compare, *typed)
    assert 0 < result.diff_pixels < 50


@pytest.mark.benchmark(group="screenshots-assertion")
def test_assert_screenshot_from_png_bytes(
    benchmark: Any, desktop: Desktop, scattered: tuple[Image.Image, Image.Image], tmp_path: Path
) -> None:
    """Read and decode the baseline, decode the new screenshot, compare, pass."""
    snapshot = OrgoSnapshot(
        nodeid="benchmarks/test_screenshots.py::test_bench",
        test_file=tmp_path / "test_screenshots.py",
        settings=SnapshotSettings("none", "__orgo_snapshots__", None, tmp_path, tmp_path),
        report=SnapshotReport(),
        artifacts_dir=lambda: tmp_path,
    )
    pngs = []
    for image in scattered:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", compress_level=1)  # as the fake (and Orgo) send them
        pngs.append(buffer.getvalue())
    snapshot.path("screen").parent.mkdir(parents=True)
    snapshot.path("screen").write_bytes(pngs[0])
    benchmark(snapshot.assert_screenshot, pngs[1], "screen", max_diff_pixels=len(SCATTERED))
    median = benchmark.stats.stats.median
    benchmark.extra_info["median_ms"] = round(median * 1000, 2)
    assert median <= TARGET_ASSERTION_SECONDS, f"{median * 1000:.1f} ms"
