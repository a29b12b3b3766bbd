"""Where a cassette's temp files go, so that a killed writer never leaves one to commit.

Temp files are written in ``<cassette dir>/.orgo-tmp/``, a folder holding a
``.gitignore`` of ``*`` (git ignores the folder and everything in it, the ``.gitignore``
included, so ``git add -A`` commits nothing from it), on the cassettes' filesystem so the
final ``os.replace`` is still a rename. Each temp is named after its writer's pid
(``<cassette>.orgo-tmp-<pid>-<random>``); the next write to the folder, and the first
read of a cassette there in a session, sweep the temps whose writer is no longer running
(or that are over a day old: a pid from another machine sharing the folder), and the
hidden ``.<name>.orgo-tmp-*`` siblings older versions left beside the cassettes.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path

TEMP_MARK = ".orgo-tmp-"
TEMP_DIR = ".orgo-tmp"
IGNORE_ALL = "# pytest-orgo's temp files while writing cassettes: never committed\n*\n"
LEGACY_AGE = 60.0  # a sibling temp of an older version, untouched this long, is abandoned
FOREIGN_AGE = 24 * 3600.0  # a temp whose pid means nothing here (another machine)

_swept: set[str] = set()


def temp_dir(directory: Path) -> Path:
    """The folder's temp directory, made (with its ``.gitignore``) if missing."""
    folder = directory / TEMP_DIR
    ignore = folder / ".gitignore"
    try:
        intact = ignore.read_text(encoding="utf-8") == IGNORE_ALL
    except (FileNotFoundError, UnicodeDecodeError):
        intact = False
    if not intact:  # missing, or cut short by a kill: (re)written before any temp goes in
        folder.mkdir(parents=True, exist_ok=True)  # empty, git does not see it yet
        # one write(2) right after the open: a kill leaves an empty ``.gitignore`` only
        # in the gap between two syscalls (write_text buffers until close)
        fd = os.open(ignore, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, IGNORE_ALL.encode("utf-8"))
        finally:
            os.close(fd)
    return folder


def make_temp(path: Path) -> tuple[int, str]:
    """An open temp file for ``path`` (fd, name), in the temp directory."""
    return tempfile.mkstemp(
        prefix=f"{path.name}{TEMP_MARK}{os.getpid()}-", dir=temp_dir(path.parent)
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _stale(path: Path, now: float) -> bool:
    try:
        age = now - path.stat().st_mtime
    except FileNotFoundError:
        return False
    pid_part = path.name.split(TEMP_MARK, 1)[1].split("-", 1)[0]
    if not pid_part.isdigit():
        return age > LEGACY_AGE
    return int(pid_part) != os.getpid() and (not _alive(int(pid_part)) or age > FOREIGN_AGE)


def sweep(directory: Path) -> list[Path]:
    """Remove the temp files killed writers left in ``directory``; the removed ones."""
    now = time.time()
    candidates: list[Path] = []
    folder = directory / TEMP_DIR
    if folder.is_dir():
        candidates += [p for p in folder.iterdir() if TEMP_MARK in p.name]
    if directory.is_dir():  # what older versions left beside the cassettes
        candidates += [
            p for p in directory.iterdir() if p.name.startswith(".") and TEMP_MARK in p.name
        ]
    removed = []
    for path in candidates:
        if _stale(path, now):
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


def sweep_once(directory: Path) -> None:
    """:func:`sweep`, the first time this process meets ``directory``."""
    key = str(directory.resolve())
    if key not in _swept:
        _swept.add(key)
        sweep(directory)
