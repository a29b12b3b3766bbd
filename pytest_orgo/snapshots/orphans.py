"""Baselines whose whole test module is gone (issue 12, item 10).

Removing one test leaves its baseline beside baselines its module still asserts, and
:meth:`SnapshotReport.unused` finds it. Removing the whole file leaves a baseline
directory no collected module points at: :mod:`pytest_orgo.deleted_modules` finds it
(the search is shared with the unused-cassette report). A missing file is a fact whatever
the selection, but the report still says nothing about it unless the run was whole (see
``plugin._State.unused_baselines``): a ``-k`` run or one shard is not where a user
expects to hear about other files.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pytest_orgo.deleted_modules import gone_module_folders
from pytest_orgo.snapshots.store import DEFAULT_DIR


def orphaned(test_dirs: Iterable[Path], setting: str, rootpath: Path) -> list[Path]:
    """PNG baselines under ``test_dirs``' baseline folders whose ``<module>.py`` is gone.

    ``setting`` is ``orgo_snapshot_dir``: relative, each directory has its own baseline
    folder (``<dir>/__orgo_snapshots__/<module>/``); absolute, one tree mirrors the
    rootdir (``<tree>/<dir below rootdir>/<module>/``).
    """
    folders = gone_module_folders(test_dirs, Path(setting or DEFAULT_DIR), rootpath)
    return sorted(png for folder in folders for png in folder.glob("*.png"))
