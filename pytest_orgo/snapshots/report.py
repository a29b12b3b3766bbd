"""What the run did to baselines, for the terminal summary: written, failed, unused.

Under xdist every worker keeps its own :class:`SnapshotReport` and ships it home as plain
data in ``config.workeroutput``; the controller merges them in ``pytest_testnodedown``
and prints one summary, as :mod:`pytest_orgo.plugin` does for computers.

"Unused" is only ever said when it is certain: a baseline file under the snapshot
directory of a test module whose every test was selected, ran and passed, and that no
assertion of this run touched. A ``-k``, ``-m``, ``--lf``, ``--deselect`` or
``path::test`` run, a skip, a failure or a crashed worker leaves its modules out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pytest_orgo.snapshots.store import display

WIRE_KEY = "orgo_snapshots"


@dataclass(frozen=True)
class Entry:
    path: str  # absolute path of the baseline
    nodeid: str
    why: str  # written: "new" / "updated"; failed: "missing" / "differs" / "size" / ...


Status = Literal["passed", "failed", "new", "updated"]


@dataclass(frozen=True)
class Assertion:
    """One ``assert_screenshot`` call as the visual review report shows it: plain values
    only, so that it crosses from an xdist worker to the controller as it is."""

    nodeid: str
    label: str  # the baseline's file stem: <test>[-<name>]
    baseline: str  # absolute path
    status: Status
    reason: str | None = None  # failed: missing / differs / size / unreadable / unsettled
    size: tuple[int, int] | None = None  # the screenshot's
    expected_size: tuple[int, int] | None = None
    diff_pixels: int | None = None
    diff_ratio: float | None = None
    hash_distance: int | None = None
    bbox: tuple[int, int, int, int] | None = None  # (x, y, w, h) around the counted pixels
    masks: tuple[tuple[int, int, int, int], ...] = ()  # (x, y, w, h), clipped to the image
    images: dict[str, str] = field(default_factory=dict)  # expected/actual/diff -> path
    command: str | None = None  # the command that accepts this change
    message: str | None = None

    def to_wire(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_wire(cls, wire: dict[str, Any]) -> Assertion:
        values = dict(wire)
        for key in ("size", "expected_size", "bbox"):
            if values.get(key) is not None:
                values[key] = tuple(values[key])
        values["masks"] = tuple(tuple(box) for box in values.get("masks", ()))
        return cls(**values)


@dataclass
class SnapshotReport:
    written: list[Entry] = field(default_factory=list)
    failed: list[Entry] = field(default_factory=list)
    used: set[str] = field(default_factory=set)  # baselines compared or written
    collected: dict[str, set[str]] = field(default_factory=dict)  # test file -> node ids
    incomplete: set[str] = field(default_factory=set)  # test files with deselected tests
    passed: set[str] = field(default_factory=set)  # node ids whose call phase passed
    assertions: list[Assertion] = field(default_factory=list)  # every assert_screenshot

    # -- recording ---------------------------------------------------------------------

    def use(self, path: Path) -> None:
        self.used.add(str(path))

    def wrote(self, path: Path, nodeid: str, why: str) -> None:
        self.use(path)
        self.written.append(Entry(str(path), nodeid, why))

    def fail(self, path: Path, nodeid: str, why: str) -> None:
        self.use(path)
        self.failed.append(Entry(str(path), nodeid, why))

    def record(self, assertion: Assertion) -> None:
        self.assertions.append(assertion)

    def collect(self, items: Iterable[tuple[Path, str]]) -> None:
        for path, nodeid in items:
            self.collected.setdefault(str(path), set()).add(nodeid)

    def deselect(self, paths: Iterable[Path]) -> None:
        self.incomplete.update(str(path) for path in paths)

    # -- across processes ----------------------------------------------------------------

    def to_wire(self) -> dict[str, Any]:
        """Plain lists and dicts: what execnet carries from a worker to the controller."""
        return {
            "written": [[e.path, e.nodeid, e.why] for e in self.written],
            "failed": [[e.path, e.nodeid, e.why] for e in self.failed],
            "used": sorted(self.used),
            "collected": {path: sorted(ids) for path, ids in self.collected.items()},
            "incomplete": sorted(self.incomplete),
            "passed": sorted(self.passed),
            "assertions": [a.to_wire() for a in self.assertions],
        }

    def merge(self, wire: dict[str, Any]) -> None:
        self.written.extend(Entry(*entry) for entry in wire["written"])
        self.failed.extend(Entry(*entry) for entry in wire["failed"])
        self.used.update(wire["used"])
        for path, ids in wire["collected"].items():
            self.collected.setdefault(path, set()).update(ids)
        self.incomplete.update(wire["incomplete"])
        self.passed.update(wire["passed"])
        self.assertions.extend(Assertion.from_wire(a) for a in wire.get("assertions", ()))

    # -- the verdict ---------------------------------------------------------------------

    def unused(self, directory_of: Callable[[Path], Path], partial: set[str]) -> list[Path]:
        """Baselines under fully run, fully passed modules that nothing asserted.
        ``partial``: test files named with ``::`` on the command line."""
        found: list[Path] = []
        for test_file, nodeids in sorted(self.collected.items()):
            if test_file in self.incomplete or test_file in partial or not nodeids <= self.passed:
                continue
            directory = directory_of(Path(test_file))
            if directory.is_dir():
                found.extend(p for p in sorted(directory.glob("*.png")) if str(p) not in self.used)
        return found


def summary_lines(report: SnapshotReport, unused: list[Path], base: Path) -> list[str]:
    """The ``orgo snapshots`` section of the terminal summary; empty when there is nothing
    to say (no baseline written, failed or left over)."""
    lines: list[str] = []
    if report.written:
        lines.append(f"{_count(len(report.written))} written:")
        lines.extend(
            f"  {display(Path(e.path), base)} ({e.why})"
            for e in sorted(report.written, key=lambda e: e.path)
        )
    if report.failed:
        lines.append(f"{_count(len(report.failed))} failed:")
        lines.extend(
            f"  {display(Path(e.path), base)} ({e.why}; {e.nodeid})"
            for e in sorted(report.failed, key=lambda e: e.path)
        )
    if unused:
        lines.append(
            f"{_count(len(unused))} unused (no test asserted it in this run; "
            "delete it if its test is gone):"
        )
        lines.extend(f"  {display(path, base)}" for path in unused)
    return lines


def _count(n: int) -> str:
    return f"{n} baseline" + ("" if n == 1 else "s")
