"""Which cassette files no test used, reported only when that is knowable.

A cassette is *unused* when the run collected its module but no collected test is named
after it (a renamed or deleted test), or when its whole module directory matches no
collected module. That is only a fair verdict after a full run: under ``-k``, ``-m``,
``--lf``, node-id arguments, deselection or sharding (which deselects), or a run stopped
early, tests that would use a cassette were never collected or run, so the report stays
quiet. Under xdist each worker sends what it saw through ``config.workeroutput`` and the
controller merges them in ``pytest_testnodedown`` before judging.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_orgo.cassettes.temps import TEMP_MARK


@dataclass
class Usage:
    """What one process saw: the state to merge across xdist workers."""

    full: bool = True
    dirs: dict[str, str] = field(default_factory=dict)  # cassette directory -> module name
    names: dict[str, set[str]] = field(default_factory=dict)  # module name -> cassette stems
    modules: set[str] = field(default_factory=set)  # every collected test module's name
    used: set[str] = field(default_factory=set)  # cassette paths the tests resolved

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
            "used": sorted(self.used),
        }

    def merge(self, output: dict[str, Any]) -> None:
        self.full = self.full and bool(output.get("full", False))
        self.dirs.update(output.get("dirs", {}))
        for module, stems in output.get("names", {}).items():
            self.names.setdefault(module, set()).update(stems)
        self.modules.update(output.get("modules", []))
        self.used.update(output.get("used", []))

    def unused(self, *, scan_orphans: bool) -> list[Path]:
        """Cassettes (and sidecars) nobody used; empty unless this was a full run."""
        if not self.full:
            return []
        found: list[Path] = []
        roots: set[Path] = set()
        for directory, module in sorted(self.dirs.items()):
            folder = Path(directory)
            roots.add(folder.parent)
            found += _unused_in(folder, self.names.get(module, set()), self.used)
        if scan_orphans:
            for root in sorted(r for r in roots if r.is_dir()):
                for folder in sorted(
                    p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
                ):
                    if str(folder) not in self.dirs and folder.name not in self.modules:
                        found += _unused_in(folder, set(), set())
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
