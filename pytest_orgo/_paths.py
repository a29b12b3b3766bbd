"""Paths as messages show them: short and clickable, relative where that reads better."""

from __future__ import annotations

from pathlib import Path


def display(path: Path, base: Path | None = None) -> str:
    """``path`` relative to ``base`` (the working directory by default) when below it,
    else as given: the form a failure message or a summary line names a file by."""
    base = Path.cwd() if base is None else base
    try:
        return str(path.absolute().relative_to(base.absolute()))
    except ValueError:
        return str(path)
