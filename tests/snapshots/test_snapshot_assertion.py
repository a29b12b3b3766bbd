"""``OrgoSnapshot.assert_screenshot`` without a pytest run around it: inputs, names,
update modes, tolerances, failure messages and artifacts, the stability wait."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageOps

from pytest_orgo.snapshots import OrgoSnapshot, ScreenshotMismatch, assert_screenshot
from pytest_orgo.snapshots.assertion import SnapshotSettings, activate
from pytest_orgo.snapshots.report import SnapshotReport
from pytest_orgo.snapshots.store import UpdateMode
from tests.snapshots.conftest import pixels, png

NODEID = "tests/test_login.py::test_form"


def screen(colour: tuple[int, int, int] = (240, 240, 240), spot: int = 0) -> Image.Image:
    """A 64x48 'screen'; ``spot`` paints that many pixels of a red square."""
    image = Image.new("RGB", (64, 48), colour)
    ImageDraw.Draw(image).rectangle((4, 4, 40, 30), fill=(30, 60, 200))
    for k in range(spot):
        image.putpixel((50 + k % 10, 5 + k // 10), (255, 0, 0))
    return image


class Screen:
    """A computer whose screenshots come from a list (the last repeats)."""

    def __init__(self, *frames: Image.Image) -> None:
        self.frames = [png(frame) for frame in frames]
        self.calls = 0

    def screenshot_png(self) -> bytes:
        frame = self.frames[min(self.calls, len(self.frames) - 1)]
        self.calls += 1
        return frame


MakeSnapshot = Callable[..., OrgoSnapshot]


@pytest.fixture
def make(tmp_path: Path) -> MakeSnapshot:
    def build(
        mode: UpdateMode = "none", nodeid: str = NODEID, artifacts: Path | None = None
    ) -> OrgoSnapshot:
        return OrgoSnapshot(
            nodeid=nodeid,
            test_file=tmp_path / nodeid.split("::")[0],
            settings=SnapshotSettings(mode, "__orgo_snapshots__", artifacts, tmp_path, tmp_path),
            report=SnapshotReport(),
            artifacts_dir=lambda: tmp_path / "tmp_path",
        )

    return build


@pytest.fixture
def snap(make: MakeSnapshot) -> OrgoSnapshot:
    return make()


def baseline(snapshot: OrgoSnapshot, image: Image.Image, name: str | None = None) -> Path:
    path = snapshot.path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png(image))
    return path


# -- what it accepts and what it names ----------------------------------------------------


def test_a_baseline_lives_beside_the_test(snap: OrgoSnapshot, tmp_path: Path) -> None:
    assert snap.path() == tmp_path / "tests/__orgo_snapshots__/test_login/test_form.png"
    assert snap.path("after login").name == "test_form-after_login.png"


def test_names_are_file_safe_for_classes_and_parameters(make: MakeSnapshot) -> None:
    snapshot = make(nodeid="tests/test_login.py::TestForm::test_it[a/b c]")
    assert snapshot.path().name == "TestForm.test_it[a_b_c].png"


@pytest.mark.parametrize(
    "source",
    [screen(), png(screen()), bytearray(png(screen())), Screen(screen())],
    ids=["image", "png", "bytearray", "computer"],
)
def test_images_png_bytes_and_computers_are_accepted(snap: OrgoSnapshot, source: object) -> None:
    baseline(snap, screen())
    snap.assert_screenshot(source)  # type: ignore[arg-type]
    assert snap._report.used == {str(snap.path())}


def test_other_image_formats_are_decoded(snap: OrgoSnapshot) -> None:
    baseline(snap, screen())
    buffer = io.BytesIO()
    screen().save(buffer, format="BMP")
    snap.assert_screenshot(buffer.getvalue())
    assert snap.path().read_bytes() == png(screen())


def test_anything_else_is_a_type_error(snap: OrgoSnapshot) -> None:
    with pytest.raises(TypeError, match="PIL image, PNG bytes or a computer"):
        snap.assert_screenshot("screen.png")  # type: ignore[arg-type]


def test_unnamed_calls_are_numbered(make: MakeSnapshot) -> None:
    snapshot = make("missing")
    for colour in ((1, 1, 1), (2, 2, 2), (3, 3, 3)):
        snapshot.assert_screenshot(screen(colour))
    names = sorted(path.name for path in snapshot.directory.iterdir())
    assert names == ["test_form-2.png", "test_form-3.png", "test_form.png"]


def test_identical_png_bytes_pass_without_decoding(snap: OrgoSnapshot) -> None:
    not_really_a_png = b"\x89PNG\r\n\x1a\nthe same bytes"
    snap.path().parent.mkdir(parents=True)
    snap.path().write_bytes(not_really_a_png)
    snap.assert_screenshot(not_really_a_png)
    assert snap._report.failed == []


# -- missing baselines and update modes ---------------------------------------------------


def test_a_missing_baseline_fails_with_the_command_that_creates_it(
    snap: OrgoSnapshot, tmp_path: Path
) -> None:
    with pytest.raises(ScreenshotMismatch) as caught:
        snap.assert_screenshot(screen())
    message = str(caught.value)
    assert "no baseline for screenshot test_form" in message
    assert (
        "expected: a baseline PNG at tests/__orgo_snapshots__/test_login/test_form.png" in message
    )
    assert "got:      a 64x48 screenshot, not saved as a baseline" in message
    assert "  pytest tests/test_login.py::test_form --orgo-update-snapshots=missing" in message
    actual = tmp_path / "tmp_path/test_form-actual.png"
    assert f"actual image: {actual}" in message
    assert np.array_equal(pixels(actual), pixels(screen()))
    assert not snap.path().exists()
    assert [(e.nodeid, e.why) for e in snap._report.failed] == [(NODEID, "missing")]


@pytest.mark.parametrize("mode", ["missing", "changed", "all"])
def test_every_update_mode_writes_a_missing_baseline(make: MakeSnapshot, mode: UpdateMode) -> None:
    snapshot = make(mode)
    snapshot.assert_screenshot(Screen(screen()))
    assert snapshot.path().read_bytes() == png(screen())
    assert [e.why for e in snapshot._report.written] == ["new"]


def test_missing_mode_leaves_a_differing_baseline_and_fails(make: MakeSnapshot) -> None:
    snapshot = make("missing")
    old = baseline(snapshot, screen())
    with pytest.raises(ScreenshotMismatch, match="does not match"):
        snapshot.assert_screenshot(screen(spot=5))
    assert old.read_bytes() == png(screen())


def test_changed_mode_rewrites_only_what_fails(make: MakeSnapshot) -> None:
    snapshot = make("changed")
    old = baseline(snapshot, screen(), "form")
    snapshot.assert_screenshot(screen(spot=3), "form", max_diff_pixels=5)  # tolerated: kept
    assert old.read_bytes() == png(screen())
    snapshot.assert_screenshot(screen(spot=8), "new")
    snapshot.assert_screenshot(screen(spot=8), "form", max_diff_pixels=5)
    assert old.read_bytes() == png(screen(spot=8))
    assert [(Path(e.path).name, e.why) for e in snapshot._report.written] == [
        ("test_form-new.png", "new"),
        ("test_form-form.png", "updated"),
    ]


def test_all_mode_rewrites_whatever_differs_even_within_tolerance(make: MakeSnapshot) -> None:
    snapshot = make("all")
    old = baseline(snapshot, screen(), "form")
    snapshot.assert_screenshot(png(screen()), "form")
    snapshot.assert_screenshot(screen(), "form")  # an image that encodes to the same bytes
    assert snapshot._report.written == []  # byte-identical: nothing to write
    snapshot.assert_screenshot(screen(spot=1), "form", max_diff_pixels=5)
    assert old.read_bytes() == png(screen(spot=1))
    assert [e.why for e in snapshot._report.written] == ["updated"]


def test_changed_mode_replaces_a_baseline_of_another_size(make: MakeSnapshot) -> None:
    snapshot = make("changed")
    baseline(snapshot, screen().resize((32, 24)))
    snapshot.assert_screenshot(screen())
    assert Image.open(snapshot.path()).size == (64, 48)


# -- tolerances and failures --------------------------------------------------------------


def test_a_difference_fails_with_counts_artifacts_and_the_fixes(
    snap: OrgoSnapshot, tmp_path: Path
) -> None:
    baseline(snap, screen())
    with pytest.raises(ScreenshotMismatch) as caught:
        snap.assert_screenshot(screen(spot=12))
    message = str(caught.value)
    assert "screenshot test_form does not match its baseline" in message
    assert "expected: at most 0 differing pixels (threshold=0.1)" in message
    assert (
        "got:      12 differing pixels (0.3906% of 64x48) in (x, y, w, h) = (50, 5, 10, 2)"
        in message
    )
    assert "pytest tests/test_login.py::test_form --orgo-update-snapshots=changed" in message
    assert "mask it: mask=[(50, 5, 10, 2)]" in message
    assert "pass max_diff_pixels=12" in message
    for kind in ("expected", "actual", "diff"):
        assert (tmp_path / f"tmp_path/test_form-{kind}.png").is_file()
    assert [e.why for e in snap._report.failed] == ["differs"]


def test_max_diff_pixels_and_ratio_allow_that_many_and_the_stricter_wins(
    snap: OrgoSnapshot,
) -> None:
    baseline(snap, screen(), "form")
    changed = screen(spot=12)  # 12 of 3072 pixels: 0.39 %
    snap.assert_screenshot(changed, "form", max_diff_pixels=12)
    snap.assert_screenshot(changed, "form", max_diff_ratio=0.004)
    with pytest.raises(ScreenshotMismatch, match="at most 11 differing pixels"):
        snap.assert_screenshot(changed, "form", max_diff_pixels=11)
    with pytest.raises(ScreenshotMismatch, match="at most 9 differing pixels"):
        snap.assert_screenshot(changed, "form", max_diff_ratio=0.003)
    with pytest.raises(ScreenshotMismatch, match="at most 9 differing pixels"):
        snap.assert_screenshot(changed, "form", max_diff_pixels=100, max_diff_ratio=0.003)


def test_the_hash_gate_fails_what_the_pixel_tolerance_lets_through(snap: OrgoSnapshot) -> None:
    baseline(snap, screen(), "form")
    inverted = ImageOps.invert(screen())
    snap.assert_screenshot(inverted, "form", max_diff_ratio=1.0)
    with pytest.raises(ScreenshotMismatch) as caught:
        snap.assert_screenshot(inverted, "form", max_diff_ratio=1.0, hash_distance=4)
    message = str(caught.value)
    assert "perceptual hash distance at most 4" in message
    assert "pass hash_distance=" in message
    assert "max_diff_pixels=" not in message


def test_a_size_mismatch_names_both_sizes(snap: OrgoSnapshot, tmp_path: Path) -> None:
    baseline(snap, screen().resize((32, 24)))
    with pytest.raises(ScreenshotMismatch) as caught:
        snap.assert_screenshot(screen())
    message = str(caught.value)
    assert "screenshot test_form is 64x48, its baseline is 32x24" in message
    assert "expected: a 32x24 screenshot" in message and "got:      a 64x48 screenshot" in message
    assert "--orgo-update-snapshots=changed" in message
    assert sorted(p.name for p in (tmp_path / "tmp_path").iterdir()) == [
        "test_form-actual.png",
        "test_form-expected.png",
    ]
    assert [e.why for e in snap._report.failed] == ["size"]


def test_an_unreadable_baseline_fails_clearly_and_changed_mode_replaces_it(
    make: MakeSnapshot,
) -> None:
    snapshot = make()
    snapshot.path().parent.mkdir(parents=True)
    snapshot.path().write_bytes(b"not an image")
    with pytest.raises(ScreenshotMismatch, match="is not a readable image"):
        snapshot.assert_screenshot(screen())
    make("changed").assert_screenshot(screen())
    assert snapshot.path().read_bytes() == png(screen())


def test_artifacts_go_under_the_artifacts_dir_by_test(make: MakeSnapshot, tmp_path: Path) -> None:
    snapshot = make(artifacts=tmp_path / "artifacts")
    baseline(snapshot, screen(), "after")
    with pytest.raises(ScreenshotMismatch):
        snapshot.assert_screenshot(screen(spot=2), "after")
    folder = tmp_path / "artifacts/tests_test_login.py-test_form"
    assert sorted(p.name for p in folder.iterdir()) == [
        "test_form-after-actual.png",
        "test_form-after-diff.png",
        "test_form-after-expected.png",
    ]
    assert (folder / "test_form-after-expected.png").read_bytes() == png(screen())


@pytest.mark.parametrize(
    ("options", "complaint"),
    [
        ({"threshold": 2}, "threshold"),
        ({"max_diff_pixels": -1}, "max_diff_pixels"),
        ({"max_diff_ratio": 1.5}, "max_diff_ratio"),
        ({"hash_distance": 2.5}, "hash_distance"),
        ({"stable": 0}, "stable"),
        ({"mask": [(1, 2, 3)]}, "mask"),
    ],
)
def test_nonsense_options_fail_before_a_screenshot(
    snap: OrgoSnapshot, options: dict[str, object], complaint: str
) -> None:
    computer = Screen(screen())
    with pytest.raises(ValueError, match=complaint):
        snap.assert_screenshot(computer, **options)  # type: ignore[arg-type]
    assert computer.calls == 0


# -- the stability wait -------------------------------------------------------------------


def test_stable_retakes_until_the_screen_settles(snap: OrgoSnapshot) -> None:
    baseline(snap, screen())
    computer = Screen(screen(spot=20), screen(spot=10), screen(spot=3), screen())
    snap.assert_screenshot(computer, stable=3, stable_interval=0)
    assert computer.calls == 6  # three changing shots, then three equal ones


def test_a_masked_clock_does_not_keep_the_screen_unsettled(snap: OrgoSnapshot) -> None:
    baseline(snap, screen())
    ticking = [screen(colour=(240, 240, 240), spot=k) for k in range(1, 30)]
    clock = (50, 5, 10, 3)
    snap.assert_screenshot(Screen(*ticking), stable=3, stable_interval=0, mask=[clock])


def test_a_screen_that_never_settles_fails_with_where_it_moves(snap: OrgoSnapshot) -> None:
    frames = [screen(spot=k % 2) for k in range(1000)]
    with pytest.raises(ScreenshotMismatch) as caught:
        snap.assert_screenshot(Screen(*frames), stable=2, stable_timeout=0.2, stable_interval=0.01)
    message = str(caught.value)
    assert "the screen did not settle" in message
    assert "expected: 2 identical screenshots in a row within 0.2 s" in message
    assert "got:      at most 1 in a row" in message
    assert "mask=[(50, 5, 1, 1)]" in message
    assert [e.why for e in snap._report.failed] == ["unsettled"]


def test_stable_needs_a_computer(snap: OrgoSnapshot) -> None:
    with pytest.raises(TypeError, match="pass the computer"):
        snap.assert_screenshot(screen(), stable=2)


# -- the module-level function ------------------------------------------------------------


def test_assert_screenshot_uses_the_running_tests_fixture(make: MakeSnapshot) -> None:
    snapshot = make("missing")
    deactivate = activate(snapshot)
    try:
        assert_screenshot(screen(), "helper")
    finally:
        deactivate()
    assert snapshot.path("helper").is_file()
    with pytest.raises(RuntimeError, match="needs the orgo_snapshot fixture"):
        assert_screenshot(screen(), "helper")
