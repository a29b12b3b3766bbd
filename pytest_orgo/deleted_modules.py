"""Per-module folders (snapshot baselines, cassettes) whose test module is gone.

Removing one test leaves its file beside files its module still uses, and each report
finds it from the module it collected. Removing the whole test file leaves a folder no
collected module points at, so that search never reaches it: here the folders kept for
the directories a run looked in are searched for module folders whose ``<module>.py`` no
longer exists on disk. Whether to say so is the caller's decision (only after a whole
run): a ``-k`` run or one shard is not where a user expects to hear about other files.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

#: A folder holding these is a test package, not a store of per-module files (a test
#: directory named ``cassettes/`` beside test modules, as in this repository's own tests).
PACKAGE_MARKS = ("__init__.py", "conftest.py")


def gone_module_folders(test_dirs: Iterable[Path], setting: Path, rootpath: Path) -> list[Path]:
    """Module folders kept for ``test_dirs`` whose test module ``<dir>/<name>.py`` is gone.

    ``setting`` relative: each test directory has its own store (``<dir>/<setting>/``,
    one folder per module); absolute: one tree mirrors the rootdir
    (``<setting>/<dir below rootdir>/<module>/``), where a folder named like a directory
    that exists mirrors that directory, not a module.
    """
    setting = setting.expanduser()
    found: set[Path] = set()
    for test_dir in sorted(set(test_dirs)):
        if setting.is_absolute():
            try:
                below = test_dir.resolve().relative_to(rootpath.resolve())
            except ValueError:
                continue
            store = setting / below
        else:
            store = test_dir / setting
        for folder in module_folders(store):
            if (test_dir / f"{folder.name}.py").exists():
                continue
            if setting.is_absolute() and (test_dir / folder.name).is_dir():
                continue
            found.add(folder)
    return sorted(found)


def module_folders(store: Path) -> Iterator[Path]:
    """The folders in ``store`` that can stand for a test module: not hidden (``.orgo-tmp``),
    not ``__pycache__``, and neither they nor ``store`` a Python package."""
    if not store.is_dir() or any((store / mark).exists() for mark in PACKAGE_MARKS):
        return
    for folder in sorted(store.iterdir()):
        if not folder.is_dir() or folder.name.startswith((".", "__")):
            continue
        if any(p.suffix == ".py" for p in folder.iterdir()):
            continue
        yield folder
