"""Turn a run's records into the report directory: ``summary.json``, ``index.html`` and
the images both point at, every path relative so the directory works wherever a CI
artifact is unpacked.

Failure artifacts already sit under ``DIR/images`` when ``--orgo-artifacts`` is not given
(the report directory is then where they are written); otherwise, and for new
baselines, the files are copied in, so the page never points outside its directory.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from pytest_orgo.report.html import render
from pytest_orgo.report.model import HelperFailure, Images, Run, Snapshot, Summary, summarise
from pytest_orgo.snapshots.report import Assertion
from pytest_orgo.snapshots.store import display, safe_name, write_atomically

IMAGES = "images"
HTML_FILE = "index.html"
JSON_FILE = "summary.json"


def write_run(
    directory: Path,
    assertions: Iterable[Assertion],
    helper_failures: Iterable[HelperFailure],
    unused: Iterable[Path],
    *,
    rootdir: Path,
    invocation_dir: Path,
) -> Path:
    """Write one run's report; returns the page's path."""
    directory.mkdir(parents=True, exist_ok=True)
    snapshots = [_snapshot(a, directory, rootdir) for a in assertions]
    run = Run(rootdir=str(rootdir), invocation_dir=str(invocation_dir), name="")
    unused_paths = [display(path, rootdir) for path in unused]
    return write_summary(directory, summarise([run], snapshots, helper_failures, unused_paths))


def write_summary(directory: Path, summary: Summary) -> Path:
    """``summary.json`` and the page rendered from it (nothing else)."""
    write_atomically(directory / JSON_FILE, summary.model_dump_json(indent=1).encode())
    page = directory / HTML_FILE
    write_atomically(page, render(summary).encode())
    return page


def _snapshot(assertion: Assertion, directory: Path, rootdir: Path) -> Snapshot:
    images: dict[str, str] = {}
    for kind, source in assertion.images.items():
        copied = _inside(Path(source), directory, assertion, kind)
        if copied is not None:
            images[kind] = copied
    fields = assertion.to_wire()
    fields.update(baseline=display(Path(assertion.baseline), rootdir), images=Images(**images))
    return Snapshot.model_validate(fields)


def _inside(source: Path, directory: Path, assertion: Assertion, kind: str) -> str | None:
    """``source`` as a path relative to ``directory``, copied in first if outside it."""
    if not source.is_file():
        return None
    try:
        relative = source.resolve().relative_to(directory.resolve())
    except ValueError:
        target = directory / IMAGES / safe_name(assertion.nodeid.replace("::", "-"))
        name = (
            f"{assertion.label}-baseline.png" if kind == "actual" and not assertion.reason else ""
        )
        target.mkdir(parents=True, exist_ok=True)
        destination = target / (name or source.name)
        shutil.copyfile(source, destination)
        relative = destination.relative_to(directory)
    return relative.as_posix()
