"""Join sharded runs' reports into one: ``python -m pytest_orgo.report merge OUT
SHARD_DIR...``. Each shard's images are copied under ``OUT/<shard name>/`` (names made
unique), its entries' paths rewritten to match, and the page rendered again from the
joined summary, so the result is the same kind of directory a single run writes.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from pytest_orgo.errors import OrgoError
from pytest_orgo.report.model import Images, Run, Summary, summarise
from pytest_orgo.report.write import JSON_FILE, write_summary


class ReportMergeError(OrgoError):
    """A shard directory is not a report: which one, and why."""


MergeError = ReportMergeError  # the name the report CLI has always caught


def load(directory: Path) -> Summary:
    path = directory / JSON_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MergeError(
            f"{path}: cannot read it ({exc.strerror or exc}); is {directory} a directory "
            "written by --orgo-report?"
        ) from None
    try:
        return Summary.model_validate_json(text)
    except ValidationError as exc:
        raise MergeError(f"{path} is not a pytest-orgo report summary (format 1): {exc}") from None


def merge(out: Path, shards: Sequence[Path]) -> Path:
    """Write the joined report to ``out``; returns its page."""
    if not shards:
        raise MergeError("name at least one shard directory to merge")
    summaries = [load(shard) for shard in shards]  # all checked before anything is written
    out.mkdir(parents=True, exist_ok=True)
    names = _names(shards)
    runs, snapshots, helpers, unused = [], [], [], []
    for shard, name, summary in zip(shards, names, summaries, strict=True):
        for run in summary.runs:
            runs.append(Run(rootdir=run.rootdir, invocation_dir=run.invocation_dir, name=name))
        for shot in summary.snapshots:
            moved = {
                kind: _copy(shard, path, out, name)
                for kind, path in shot.images.model_dump().items()
                if path is not None
            }
            snapshots.append(shot.model_copy(update={"images": Images(**moved)}))
        helpers.extend(summary.helper_failures)
        unused.extend(summary.unused)
    return write_summary(out, summarise(runs, snapshots, helpers, unused))


def _names(shards: Sequence[Path]) -> list[str]:
    """Each shard's directory name, numbered where two are the same."""
    names: list[str] = []
    for index, shard in enumerate(shards, 1):
        name = shard.resolve().name or f"shard-{index}"
        names.append(name if name not in names else f"{name}-{index}")
    return names


def _copy(shard: Path, relative: str, out: Path, name: str) -> str:
    target = Path(name, relative)
    (out / target).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shard / relative, out / target)
    return target.as_posix()
