"""Failure messages, in pytest-httpx's manner: what was expected, what came instead,
and the exact command or argument that changes the outcome, so a failure is one
copy-paste away from its fix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pytest_orgo.errors import OrgoError
from pytest_orgo.snapshots.compare import Comparison, Rect, Tolerance
from pytest_orgo.snapshots.store import UpdateMode, display, rerun_command

if TYPE_CHECKING:
    from pytest_orgo.snapshots.capture import Shot

PREFIX = "orgo_snapshot: "


class ScreenshotMismatch(AssertionError, OrgoError):
    """A screenshot did not match its baseline (or has none): a test failure, not an error."""


ScreenshotMismatch.__module__ = "pytest_orgo.snapshots"  # where users import it from


@dataclass(frozen=True)
class Context:
    """Which screenshot of which test, and where the run started (for relative paths)."""

    label: str  # the baseline's file stem: <test>[-<name>]
    baseline: Path
    test_file: Path
    nodeid: str
    rootpath: Path
    invocation_dir: Path

    def where(self) -> str:
        return display(self.baseline, self.invocation_dir)

    def command(self, mode: UpdateMode) -> str:
        return rerun_command(self.test_file, self.nodeid, self.invocation_dir, mode)


def _size(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


def _files(artifacts: dict[str, Path]) -> list[str]:
    notes = {"diff": " (differing pixels in red)"}
    width = max(len(kind) for kind in artifacts)
    return [
        f"  {kind + ' image:':<{width + 7}} {path}{notes.get(kind, '')}"
        for kind, path in artifacts.items()
    ]


def missing(context: Context, shot: Shot, artifacts: dict[str, Path]) -> str:
    return "\n".join(
        [
            f"{PREFIX}no baseline for screenshot {context.label}",
            f"  expected: a baseline PNG at {context.where()}",
            f"  got:      a {_size(shot.image.size)} screenshot, not saved as a baseline",
            *_files(artifacts),
            "To make it the baseline, run:",
            f"  {context.command('missing')}",
        ]
    )


def unreadable(context: Context, error: BaseException) -> str:
    return "\n".join(
        [
            f"{PREFIX}the baseline of screenshot {context.label} is not a readable image",
            f"  expected: a PNG at {context.where()}",
            f"  got:      {type(error).__name__}: {error}",
            "To replace it with the current screenshot, run:",
            f"  {context.command('changed')}",
        ]
    )


def size(
    context: Context,
    expected: tuple[int, int],
    actual: tuple[int, int],
    artifacts: dict[str, Path],
) -> str:
    return "\n".join(
        [
            f"{PREFIX}screenshot {context.label} is {_size(actual)}, "
            f"its baseline is {_size(expected)}",
            f"  baseline: {context.where()}",
            f"  expected: a {_size(expected)} screenshot",
            f"  got:      a {_size(actual)} screenshot",
            *_files(artifacts),
            "If the new size is right (a changed resolution), update the baseline:",
            f"  {context.command('changed')}",
        ]
    )


def differs(
    context: Context, comparison: Comparison, limits: Tolerance, artifacts: dict[str, Path]
) -> str:
    total = comparison.total_pixels
    where = comparison.bbox
    got = (
        f"{comparison.diff_pixels} differing pixel{'' if comparison.diff_pixels == 1 else 's'} "
        f"({comparison.ratio:.4%} of {_size(comparison.size)})"
    )
    if where is not None:
        got += f" in (x, y, w, h) = {where}"
    got += f"; perceptual hash distance {comparison.hash_distance}"
    lines = [
        f"{PREFIX}screenshot {context.label} does not match its baseline",
        f"  baseline: {context.where()}",
        f"  expected: {limits.describe(total)}",
        f"  got:      {got}",
        *_files(artifacts),
        "If the new screenshot is right, update the baseline:",
        f"  {context.command('changed')}",
    ]
    allow = []
    if comparison.diff_pixels > limits.allowed_pixels(total):
        allow.append(f"max_diff_pixels={comparison.diff_pixels}")
    if limits.hash_distance is not None and comparison.hash_distance > limits.hash_distance:
        allow.append(f"hash_distance={comparison.hash_distance}")
    if where is not None:
        lines.append(f"If that region does not matter, mask it: mask=[{where}]")
    if allow:
        lines.append(f"To tolerate this much change, pass {', '.join(allow)}")
    return "\n".join(lines)


def unsettled(
    stable: int, timeout: float, longest: int, taken: int, last_change: Rect | None
) -> str:
    where = f"; the last change was in (x, y, w, h) = {last_change}" if last_change else ""
    hint = f"mask=[{last_change}]" if last_change else "mask=[(x, y, w, h)]"
    return "\n".join(
        [
            f"{PREFIX}the screen did not settle",
            f"  expected: {stable} identical screenshots in a row within {timeout:g} s",
            f"  got:      at most {longest} in a row ({taken} taken){where}",
            f"Mask what keeps moving ({hint}), raise stable_timeout=, or lower stable=.",
        ]
    )
