"""Baselines whose whole test module is gone (issue 12, item 10).

Removing one test leaves its baseline beside baselines its module still asserts, and
:meth:`SnapshotReport.unused` finds it. Removing the whole file leaves a baseline
directory no collected module points at, so that search never reaches it: here the
directories the run looked in are searched for baseline folders whose test module no
longer exists on disk. A missing file is a fact whatever the selection, but the report
still says nothing about it unless the run was whole (see ``plugin._whole_run``): a
``-k`` run or one shard is not where a user expects to hear about other files.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pytest_orgo.snapshots.store import DEFAULT_DIR


def orphaned(test_dirs: Iterable[Path], setting: str, rootpath: Path) -> list[Path]:
    """PNG baselines under ``test_dirs``' baseline folders whose ``<module>.py`` is gone.

    ``setting`` is ``orgo_snapshot_dir``: relative, each directory has its own baseline
    folder (``<dir>/__orgo_snapshots__/<module>/``); absolute, one tree mirrors the
    rootdir (``<tree>/<dir below rootdir>/<module>/``), where a folder with no PNG of its
    own, or named like a directory that exists, mirrors a directory, not a module.
    """
    configured = Path(setting or DEFAULT_DIR).expanduser()
    found: set[Path] = set()
    for test_dir in sorted(set(test_dirs)):
        if configured.is_absolute():
            try:
                below = test_dir.resolve().relative_to(rootpath.resolve())
            except ValueError:
                continue
            folder = configured / below
        else:
            folder = test_dir / configured
        if not folder.is_dir():
            continue
        for module in sorted(folder.iterdir()):
            if not module.is_dir() or (test_dir / f"{module.name}.py").exists():
                continue
            if configured.is_absolute() and (test_dir / module.name).is_dir():
                continue
            found.update(module.glob("*.png"))
    return sorted(found)
