"""Which cassette files no test used, reported only when that is knowable.

A cassette is *unused* when the run collected its module but no collected test is named
after it (a renamed or deleted test), or when its whole module directory matches no
collected module. That is only a fair verdict after a full run: under ``-k``, ``-m``,
``--lf``, node-id arguments, deselection or sharding (which deselects), or a run stopped
early, tests that would use a cassette were never collected or run, so the report stays
quiet. Under xdist each worker sends what it saw through ``config.workeroutput`` and the
controller merges them in ``pytest_testnodedown`` before judging.

A deleted test module leaves a whole folder behind that no collected test points at: the
cassette folders of every directory the run looked in are searched for module folders
whose ``<module>.py`` is gone (:mod:`pytest_orgo.deleted_modules`, shared with the
snapshot report), whether or not any test there still uses a cassette. The one folder an
ini ``orgo_cassette_dir`` gives every directory is judged by module name, and only by a
run over the whole rootdir: a run of ``b/`` cannot know which of ``a/``'s modules exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pytest_orgo.cassettes.temps import TEMP_MARK
from pytest_orgo.deleted_modules import gone_module_folders, module_folders

DEFAULT_DIR = "cassettes"  # <test dir>/cassettes/<module>/, as the orgo_cassette_dir fixture


@dataclass(frozen=True)
class Scope:
    """Where a run may look for the cassette folders of deleted modules."""

    orphans: bool  # every argument is a directory (a file argument runs part of one)
    argument_dirs: tuple[Path, ...] = ()  # a directory whose every module was deleted
    flat: Path | None = None  # <rootdir>/<ini orgo_cassette_dir>: shared by every directory
    whole_tree: bool = False  # the run covered the rootdir: the flat folder can be judged

    @classmethod
    def of(cls, config: pytest.Config) -> Scope:
        base = config.invocation_params.dir
        paths = [Path(base, str(arg).split("::", 1)[0]).resolve() for arg in config.args]
        root = Path(config.rootpath).resolve()
        ini = config.getini("orgo_cassette_dir")
        return cls(
            orphans=all(path.is_dir() for path in paths),
            argument_dirs=tuple(path for path in paths if path.is_dir()),
            flat=root / str(ini) if ini else None,
            whole_tree=config.args_source is pytest.Config.ArgsSource.TESTPATHS
            or any(path.is_dir() and root.is_relative_to(path) for path in paths),
        )


@dataclass
class Usage:
    """What one process saw: the state to merge across xdist workers."""

    full: bool = True
    dirs: dict[str, str] = field(default_factory=dict)  # cassette directory -> module name
    names: dict[str, set[str]] = field(default_factory=dict)  # module name -> cassette stems
    modules: set[str] = field(default_factory=set)  # every collected test module's name
    test_dirs: set[str] = field(default_factory=set)  # every collected test file's directory
    used: set[str] = field(default_factory=set)  # cassette paths the tests resolved

    def collect(self, module: str, test_file: Path) -> None:
        self.modules.add(module)
        self.test_dirs.add(str(Path(test_file).parent))

    def expect(self, module: str, stem: str) -> None:
        self.names.setdefault(module, set()).add(stem)

    def use(self, path: Path, module: str) -> None:
        self.used.add(str(path))
        self.dirs.setdefault(str(path.parent), module)

    def to_output(self) -> dict[str, Any]:
        return {
            "full": self.full,
            "dirs": self.dirs,
            "names": {k: sorted(v) for k, v in self.names.items()},
            "modules": sorted(self.modules),
            "test_dirs": sorted(self.test_dirs),
            "used": sorted(self.used),
        }

    def merge(self, output: dict[str, Any]) -> None:
        self.full = self.full and bool(output.get("full", False))
        self.dirs.update(output.get("dirs", {}))
        for module, stems in output.get("names", {}).items():
            self.names.setdefault(module, set()).update(stems)
        self.modules.update(output.get("modules", []))
        self.test_dirs.update(output.get("test_dirs", []))
        self.used.update(output.get("used", []))

    def unused(self, scope: Scope) -> list[Path]:
        """Cassettes (and sidecars) nobody used; empty unless this was a full run."""
        if not self.full:
            return []
        found: list[Path] = []
        for directory, module in sorted(self.dirs.items()):
            found += _unused_in(Path(directory), self.names.get(module, set()), self.used)
        if scope.orphans:
            for folder in self._orphaned(scope):
                found += _unused_in(folder, set(), set())
        return found

    def _orphaned(self, scope: Scope) -> set[Path]:
        """Module folders of deleted modules: beside each test directory, by its files; in
        any other folder the run's cassettes were kept in, by collected module names."""
        test_dirs = {Path(d) for d in self.test_dirs} | set(scope.argument_dirs)
        found: set[Path] = set()
        shared = {Path(d).parent for d in self.dirs}
        if scope.flat is None:  # the fixture's default: <test dir>/cassettes/<module>/
            folders = gone_module_folders(test_dirs, Path(DEFAULT_DIR), Path(".").resolve())
            found.update(f for f in folders if str(f) not in self.dirs)
            shared -= {d / DEFAULT_DIR for d in test_dirs}
        else:
            shared.add(scope.flat)
        if scope.whole_tree:
            for store in sorted(shared):
                found.update(
                    folder
                    for folder in module_folders(store)
                    if str(folder) not in self.dirs and folder.name not in self.modules
                )
        return found


def _is_cassette(path: Path) -> bool:
    from pytest_orgo.cassettes.store import EXTENSIONS  # yaml, filelock: only at the report

    return (
        path.suffix in EXTENSIONS and TEMP_MARK not in path.name and not path.name.startswith(".")
    )


def _unused_in(folder: Path, stems: set[str], used: set[str]) -> list[Path]:
    if not folder.is_dir():
        return []
    unused: list[Path] = []
    referenced: set[str] = set()
    files = sorted(p for p in folder.iterdir() if p.is_file())
    for path in files:
        if not _is_cassette(path):
            continue
        if path.stem in stems or str(path) in used:
            from pytest_orgo.cassettes.store import sidecar_of

            sidecar = sidecar_of(path)
            if sidecar:
                referenced.add(sidecar)
        else:
            unused.append(path)
    unused += [p for p in files if p.suffix == ".bin" and p.name not in referenced]
    return unused
