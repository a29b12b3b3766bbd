"""Where baselines live, what they are called, and when a run may write them.

A baseline sits beside its test, ``__orgo_snapshots__/<test module>/<test>[-<name>].png``,
so it is reviewed and moved with the test; the ``orgo_snapshot_dir`` ini option renames
that directory (relative: beside each test file) or moves every baseline under one
tree (absolute: the test file's path below the rootdir, without ``.py``, keeps modules
with the same name apart).
"""

from __future__ import annotations

import os
import re
import shlex
import uuid
from pathlib import Path
from typing import Literal

from pytest_orgo._paths import display as display  # re-exported: the report uses it

DEFAULT_DIR = "__orgo_snapshots__"
UpdateMode = Literal["none", "missing", "changed", "all"]
UPDATE_MODES: tuple[UpdateMode, ...] = ("none", "missing", "changed", "all")
BARE_FLAG_MODE: UpdateMode = "changed"  # a bare --orgo-update-snapshots, as Playwright's -u
UPDATE_FLAG = "--orgo-update-snapshots"
MODE_HELP = (
    "missing: write baselines that do not exist yet; changed: also rewrite those that "
    "differ beyond the tolerance; all: also rewrite those within it (every baseline whose "
    "bytes differ; an identical one is left as is); none: write nothing"
)

_UNSAFE = re.compile(r"[^\w.\-\[\]]+")


def parse_mode(value: str, *, where: str = UPDATE_FLAG) -> UpdateMode:
    """An update mode from a flag or ini value; anything else is a usage error naming the
    choices (a path swallowed by the bare flag lands here too, hence the hint)."""
    mode = value.strip().lower() or "none"
    if mode in ("false", "no", "off", "0"):
        mode = "none"
    if mode in ("true", "yes", "on", "1"):
        mode = BARE_FLAG_MODE
    if mode not in UPDATE_MODES:
        hint = f" (to give a test path after the flag, write {UPDATE_FLAG}=MODE)"
        raise ValueError(
            f"{where} takes one of {', '.join(UPDATE_MODES)}, got {value!r}"
            + (hint if where == UPDATE_FLAG else "")
        )
    return mode


def safe_name(text: str) -> str:
    """A file-name-safe version of a test name or snapshot name: ``[`` and ``]`` of
    parametrized ids stay (they are legal everywhere); separators and spaces do not."""
    return _UNSAFE.sub("_", text).strip("._") or "_"


def snapshot_key(nodeid: str) -> str:
    """The test's part of its node id, classes joined by dots: ``TestA.test_b[1]``."""
    parts = nodeid.split("::")
    return safe_name(".".join(parts[1:]) if len(parts) > 1 else parts[0])


def module_dir(test_file: Path, setting: str, rootpath: Path) -> Path:
    """The directory holding one test module's baselines."""
    configured = Path(setting or DEFAULT_DIR).expanduser()
    if configured.is_absolute():
        try:
            relative = test_file.resolve().relative_to(rootpath.resolve())
        except ValueError:
            relative = Path(test_file.name)
        return Path(os.path.normpath(configured / relative.with_suffix("")))
    return Path(os.path.normpath(test_file.parent / configured / test_file.stem))


def baseline_file(directory: Path, key: str, name: str | None) -> Path:
    return directory / (f"{key}-{safe_name(name)}.png" if name else f"{key}.png")


def write_atomically(path: Path, data: bytes) -> None:
    """A reader (a parallel worker, a crashed run's leftovers) never sees half a PNG; the
    file gets the usual permissions (umask), as a baseline to commit should."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with temporary.open("xb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def rerun_command(test_file: Path, nodeid: str, invocation_dir: Path, mode: UpdateMode) -> str:
    """The command that re-runs one test with baselines updated, runnable from where
    pytest was started (a node id is relative to the rootdir, which may differ)."""
    try:
        where = os.path.relpath(test_file, invocation_dir)
    except ValueError:  # another drive on Windows
        where = str(test_file)
    selector = "::".join([where.replace(os.sep, "/"), *nodeid.split("::")[1:]])
    return f"pytest {shlex.quote(selector)} {UPDATE_FLAG}={mode}"
