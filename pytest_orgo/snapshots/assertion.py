"""``orgo_snapshot`` and ``assert_screenshot``: compare a screenshot with its baseline.

The fixture object knows which test is running (baseline names), how the run was told
to treat baselines (``--orgo-update-snapshots``), where failure artifacts go, and what to
tell the summary. :func:`assert_screenshot` is the same call for code that has no
handle on the fixture (page objects, helpers): it finds the running test's fixture.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pytest_orgo.snapshots import messages
from pytest_orgo.snapshots.capture import (
    ImageLike,
    Mask,
    ScreenshotSource,
    Shot,
    UnreadableBaseline,
    settle,
    shot_of,
)
from pytest_orgo.snapshots.compare import Comparison, Tolerance, compare, mask_boxes
from pytest_orgo.snapshots.messages import ScreenshotMismatch
from pytest_orgo.snapshots.report import Assertion, SnapshotReport, Status
from pytest_orgo.snapshots.store import (
    UpdateMode,
    baseline_file,
    module_dir,
    safe_name,
    snapshot_key,
    write_atomically,
)

DEFAULT_THRESHOLD = 0.1  # pixelmatch's default: anti-aliased text passes, a changed glyph fails
DEFAULT_STABLE_TIMEOUT = 10.0
DEFAULT_STABLE_INTERVAL = 0.1
__all__ = [
    "ImageLike",
    "OrgoSnapshot",
    "ScreenshotMismatch",
    "ScreenshotSource",
    "SnapshotSettings",
    "activate",
    "assert_screenshot",
]


@dataclass(frozen=True)
class SnapshotSettings:
    """The run's answers to "where" and "may I write", resolved once from flags and ini."""

    mode: UpdateMode
    snapshot_dir: str
    artifacts: Path | None  # None: each test's tmp_path
    rootpath: Path
    invocation_dir: Path


class OrgoSnapshot:
    """The ``orgo_snapshot`` fixture: one test's screenshot baselines."""

    def __init__(
        self,
        *,
        nodeid: str,
        test_file: Path,
        settings: SnapshotSettings,
        report: SnapshotReport,
        artifacts_dir: Callable[[], Path],
    ) -> None:
        self.nodeid = nodeid
        self.test_file = test_file
        self.settings = settings
        self._report = report
        self._artifacts_dir = artifacts_dir
        self._key = snapshot_key(nodeid)
        self._unnamed = 0

    @property
    def mode(self) -> UpdateMode:
        return self.settings.mode

    @property
    def directory(self) -> Path:
        """This test module's baseline directory."""
        return module_dir(self.test_file, self.settings.snapshot_dir, self.settings.rootpath)

    def path(self, name: str | None = None) -> Path:
        """The baseline file for ``name`` (``None``: the test's first unnamed one)."""
        return baseline_file(self.directory, self._key, name)

    def assert_screenshot(
        self,
        image: ImageLike,
        name: str | None = None,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        max_diff_pixels: int | None = None,
        max_diff_ratio: float | None = None,
        hash_distance: int | None = None,
        mask: Mask = (),
        stable: int = 1,
        stable_timeout: float = DEFAULT_STABLE_TIMEOUT,
        stable_interval: float = DEFAULT_STABLE_INTERVAL,
    ) -> None:
        """Fail unless ``image`` matches its baseline ``<test>[-<name>].png``.

        ``threshold`` (0..1): how far a pixel's colour may move before it counts (YIQ
        distance, as pixelmatch). ``max_diff_pixels`` / ``max_diff_ratio``: how many
        counted pixels pass (default none; with both, the stricter). ``hash_distance``:
        also require the perceptual hashes within this Hamming distance. ``mask``:
        ``(x, y, w, h)`` rectangles to ignore (clocks, cursors). ``stable=N`` (with a
        computer): retake until N screenshots in a row match, for up to ``stable_timeout``
        seconds. Unnamed calls in one test are numbered: ``<test>``, ``<test>-2``, ...
        """
        __tracebackhide__ = True
        tolerance = Tolerance(threshold, max_diff_pixels, max_diff_ratio, hash_distance)
        if not isinstance(stable, int) or isinstance(stable, bool) or stable < 1:
            raise ValueError(f"stable is how many equal screenshots in a row, >= 1, got {stable!r}")
        mask = [tuple(rect) for rect in mask]
        mask_boxes(mask, (1 << 30, 1 << 30))  # a malformed mask fails before the screenshot
        path, label = self._next(name)
        if stable == 1:
            shot = shot_of(image)
        elif not isinstance(image, ScreenshotSource):
            raise TypeError("stable= retakes the screenshot: pass the computer, not an image")
        else:
            try:
                shot = settle(
                    image.screenshot_png,
                    stable=stable,
                    timeout=stable_timeout,
                    interval=stable_interval,
                    mask=mask,
                )
            except ScreenshotMismatch as exc:
                self._report.fail(path, self.nodeid, "unsettled")
                self._record(path, label, "failed", reason="unsettled", message=str(exc))
                raise
        self._check(shot, path, label, tolerance, mask)

    def _next(self, name: str | None) -> tuple[Path, str]:
        if name is not None:
            if not isinstance(name, str) or not name.strip():
                raise ValueError(f"a snapshot name is a non-empty string, got {name!r}")
            return self.path(name), f"{self._key}-{safe_name(name)}"
        self._unnamed += 1
        suffix = None if self._unnamed == 1 else str(self._unnamed)
        return self.path(suffix), self._key if suffix is None else f"{self._key}-{suffix}"

    def _check(self, shot: Shot, path: Path, label: str, tolerance: Tolerance, mask: Mask) -> None:
        __tracebackhide__ = True
        mode = self.settings.mode
        if not path.is_file():
            if mode != "none":
                self._write(path, label, shot, "new")
                return
            artifacts = self._artifacts(label, actual=shot)
            context = self._context(path, label)
            raise self._failure(
                context,
                "missing",
                messages.missing(context, shot, artifacts),
                artifacts,
                size=shot.image.size,
                command=context.command("missing"),
            )
        baseline = path.read_bytes()
        if shot.has_png and shot.png == baseline:
            self._passed(path, label)
            return
        if mode == "all":
            if shot.png == baseline:  # an image, encoded as it was: nothing to rewrite
                self._passed(path, label)
            else:
                self._write(path, label, shot, "updated")
            return
        try:
            expected = shot.decode_beside(baseline)
        except UnreadableBaseline as exc:
            if mode == "changed":
                self._write(path, label, shot, "updated")
                return
            context = self._context(path, label)
            message = messages.unreadable(context, exc.__cause__ or exc)
            raise self._failure(
                context, "unreadable", message, {}, command=context.command("changed")
            ) from None
        if expected.size != shot.image.size:
            if mode == "changed":
                self._write(path, label, shot, "updated")
                return
            artifacts = self._artifacts(label, expected=baseline, actual=shot)
            context = self._context(path, label)
            raise self._failure(
                context,
                "size",
                messages.size(context, expected.size, shot.image.size, artifacts),
                artifacts,
                size=shot.image.size,
                expected_size=expected.size,
                command=context.command("changed"),
            )
        comparison = compare(expected, shot.image, threshold=tolerance.threshold, mask=mask)
        if tolerance.passes(comparison):
            self._passed(path, label)
            return
        if mode == "changed":
            self._write(path, label, shot, "updated")
            return
        artifacts = self._artifacts(label, expected=baseline, actual=shot, comparison=comparison)
        context = self._context(path, label)
        raise self._failure(
            context,
            "differs",
            messages.differs(context, comparison, tolerance, artifacts),
            artifacts,
            comparison=comparison,
            command=context.command("changed"),
        )

    def _passed(self, path: Path, label: str) -> None:
        self._report.use(path)
        self._record(path, label, "passed")

    def _write(self, path: Path, label: str, shot: Shot, why: str) -> None:
        write_atomically(path, shot.png)
        self._report.wrote(path, self.nodeid, why)
        status: Status = "new" if why == "new" else "updated"
        self._record(path, label, status, images={"actual": path}, size=shot.image.size)

    def _failure(
        self,
        context: messages.Context,
        reason: str,
        message: str,
        artifacts: dict[str, Path],
        *,
        comparison: Comparison | None = None,
        size: tuple[int, int] | None = None,
        expected_size: tuple[int, int] | None = None,
        command: str | None = None,
    ) -> ScreenshotMismatch:
        """Tell the summary and the visual report; the exception for the caller to raise."""
        self._report.fail(context.baseline, self.nodeid, reason)
        if comparison is not None:
            size = expected_size = comparison.size
        self._record(
            context.baseline,
            context.label,
            "failed",
            reason=reason,
            images=artifacts,
            size=size,
            expected_size=expected_size,
            comparison=comparison,
            command=command,
            message=message,
        )
        return ScreenshotMismatch(message)

    def _record(
        self,
        path: Path,
        label: str,
        status: Status,
        *,
        reason: str | None = None,
        images: dict[str, Path] | None = None,
        size: tuple[int, int] | None = None,
        expected_size: tuple[int, int] | None = None,
        comparison: Comparison | None = None,
        command: str | None = None,
        message: str | None = None,
    ) -> None:
        c = comparison
        self._report.record(
            Assertion(
                nodeid=self.nodeid,
                label=label,
                baseline=str(path),
                status=status,
                reason=reason,
                size=size,
                expected_size=expected_size,
                diff_pixels=None if c is None else c.diff_pixels,
                diff_ratio=None if c is None else c.ratio,
                hash_distance=None if c is None else c.hash_distance,
                bbox=None if c is None else c.bbox,
                masks=() if c is None else tuple((x, y, r - x, b - y) for x, y, r, b in c.masks),
                images={kind: str(p) for kind, p in (images or {}).items()},
                command=command,
                message=message,
            )
        )

    def _context(self, path: Path, label: str) -> messages.Context:
        s = self.settings
        return messages.Context(
            label, path, self.test_file, self.nodeid, s.rootpath, s.invocation_dir
        )

    def _artifacts(
        self,
        label: str,
        *,
        actual: Shot,
        expected: bytes | None = None,
        comparison: Comparison | None = None,
    ) -> dict[str, Path]:
        """Write what a person needs to judge the failure; their paths, for the message."""
        if self.settings.artifacts is not None:
            directory = self.settings.artifacts / safe_name(self.nodeid.replace("::", "-"))
        else:
            directory = self._artifacts_dir()
        directory.mkdir(parents=True, exist_ok=True)
        written: dict[str, Path] = {}
        if expected is not None:
            written["expected"] = directory / f"{label}-expected.png"
            written["expected"].write_bytes(expected)
        written["actual"] = directory / f"{label}-actual.png"
        written["actual"].write_bytes(actual.png)
        if comparison is not None:
            written["diff"] = directory / f"{label}-diff.png"
            comparison.diff_image().save(written["diff"], format="PNG", compress_level=1)
        return written


_active: list[OrgoSnapshot] = []


def activate(snapshot: OrgoSnapshot) -> Callable[[], None]:
    """Make ``snapshot`` the one :func:`assert_screenshot` uses; returns the undo.
    A plain module-level stack, not a ContextVar: a test's threads see it too."""
    _active.append(snapshot)
    return lambda: _active.remove(snapshot)


def assert_screenshot(
    image: ImageLike,
    name: str | None = None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    max_diff_pixels: int | None = None,
    max_diff_ratio: float | None = None,
    hash_distance: int | None = None,
    mask: Mask = (),
    stable: int = 1,
    stable_timeout: float = DEFAULT_STABLE_TIMEOUT,
    stable_interval: float = DEFAULT_STABLE_INTERVAL,
) -> None:
    """:meth:`OrgoSnapshot.assert_screenshot` of the running test's ``orgo_snapshot``."""
    __tracebackhide__ = True
    if not _active:
        raise RuntimeError(
            "assert_screenshot needs the orgo_snapshot fixture: add orgo_snapshot to the test's "
            "arguments or @pytest.mark.usefixtures('orgo_snapshot')"
        )
    _active[-1].assert_screenshot(
        image,
        name,
        threshold=threshold,
        max_diff_pixels=max_diff_pixels,
        max_diff_ratio=max_diff_ratio,
        hash_distance=hash_distance,
        mask=mask,
        stable=stable,
        stable_timeout=stable_timeout,
        stable_interval=stable_interval,
    )
