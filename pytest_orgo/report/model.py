"""The JSON summary (``summary.json``): what the HTML page shows, as data for bots.

The page is rendered from this model alone, so a merged report (several shards'
summaries joined) renders exactly as a single run's. ``summary.schema.json`` beside this
module is :class:`Summary`'s JSON Schema, kept equal to it by the tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FORMAT: Literal["pytest-orgo-report"] = "pytest-orgo-report"
VERSION: Literal[1] = 1
SCHEMA_FILE = Path(__file__).with_name("summary.schema.json")

Box = tuple[int, int, int, int]
Size = tuple[int, int]
Helper = Literal["events", "terminal", "audio"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Images(_Strict):
    """Paths relative to the report directory (``/``-separated), or absent."""

    expected: str | None = None
    actual: str | None = None  # for a new or updated baseline: the baseline written
    diff: str | None = None


class Snapshot(_Strict):
    """One ``assert_screenshot`` call."""

    nodeid: str
    label: str = Field(description="the baseline's file stem: <test>[-<name>]")
    baseline: str = Field(description="the baseline's path, relative to the rootdir if below")
    status: Literal["passed", "failed", "new", "updated"]
    reason: Literal["missing", "differs", "size", "unreadable", "unsettled"] | None = None
    size: Size | None = Field(None, description="the screenshot's width and height")
    expected_size: Size | None = None
    diff_pixels: int | None = None
    diff_ratio: float | None = None
    hash_distance: int | None = None
    bbox: Box | None = Field(None, description="(x, y, w, h) around the differing pixels")
    masks: list[Box] = Field(default_factory=list, description="(x, y, w, h) ignored")
    images: Images = Field(default_factory=Images)
    command: str | None = Field(
        None, description="run from invocation_dir, it accepts this change as the baseline"
    )
    message: str | None = None


class HelperFailure(_Strict):
    """A test failed on an events, terminal or audio assertion."""

    nodeid: str
    helper: Helper
    error: str = Field(description="the exception's class name")
    message: str = Field(description="the failure message: what was awaited, what arrived")


class Totals(_Strict):
    assertions: int
    failed: int
    passed: int
    new: int
    updated: int
    helper_failures: int


class Run(_Strict):
    """Where one run (one shard) happened; a merged report lists each."""

    rootdir: str
    invocation_dir: str
    name: str = Field(description="the shard's directory name in a merged report, else ''")


class Summary(_Strict):
    format: Literal["pytest-orgo-report"] = FORMAT
    version: Literal[1] = VERSION
    runs: list[Run]
    totals: Totals
    snapshots: list[Snapshot] = Field(description="failures first, then new, updated, passed")
    helper_failures: list[HelperFailure]
    unused: list[str] = Field(description="baselines no test asserted (a whole run only)")


ORDER = {"failed": 0, "new": 1, "updated": 2, "passed": 3}


def summarise(
    runs: list[Run],
    snapshots: Iterable[Snapshot],
    helper_failures: Iterable[HelperFailure],
    unused: Iterable[str],
) -> Summary:
    """A :class:`Summary` with its totals counted and its entries in review order."""
    shots = sorted(snapshots, key=lambda s: (ORDER[s.status], s.nodeid, s.label))
    helpers = sorted(helper_failures, key=lambda h: h.nodeid)
    count = {status: sum(1 for s in shots if s.status == status) for status in ORDER}
    return Summary(
        runs=runs,
        totals=Totals(
            assertions=len(shots),
            failed=count["failed"],
            passed=count["passed"],
            new=count["new"],
            updated=count["updated"],
            helper_failures=len(helpers),
        ),
        snapshots=shots,
        helper_failures=helpers,
        unused=sorted(set(unused)),
    )


def schema() -> dict[str, object]:
    """The JSON Schema ``summary.schema.json`` holds."""
    return Summary.model_json_schema()
