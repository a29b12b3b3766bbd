#!/usr/bin/env python
"""Generate the sync socket helpers (and their tests) from the async ones.

The async code is the one source: ``pytest_orgo/helpers/*/_async.py`` and
``tests/pytest_orgo/helpers/test_*_async.py``. This script rewrites each into its sync twin
line by line, as httpcore's ``scripts/unasync.py`` does: ``async def`` -> ``def``,
``await x`` -> ``x``, ``async with`` -> ``with``, ``AsyncX`` -> ``X`` (the paired
primitives of ``pytest_orgo/helpers/_synchronization.py`` and the public classes), and so
on (see ``SUBS``). A line ending in ``# unasync: async-only``, and the lines between
that comment alone on a line and ``# unasync: end``, are left out of the sync form (what
only asyncio has: cancellation, the loop-bound close).

    python scripts/unasync.py           # write the sync files
    python scripts/unasync.py --check   # fail, with a diff, if one is missing or stale
"""

from __future__ import annotations

import difflib
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SUBS: list[tuple[str, str]] = [
    (r"\bAsyncIterator\b", "Iterator"),
    (r"\bAsyncGenerator\b", "Generator"),
    (r"\basync def\b", "def"),
    (r"\basync with\b", "with"),
    (r"\basync for\b", "for"),
    (r"\bawait ", ""),
    (r"\b__aenter__\b", "__enter__"),
    (r"\b__aexit__\b", "__exit__"),
    (r"\baclose\b", "close"),
    (r"\bAsync([A-Z]\w*)\b", r"\1"),
    (r"\basync_(\w+)\b", r"\1"),
    (r"\b_async\b", "_sync"),
    (r"\btest_async_", "test_"),
]
COMPILED = [(re.compile(pattern), replacement) for pattern, replacement in SUBS]

ASYNC_ONLY = "# unasync: async-only"
END = "# unasync: end"
HEADER = "# Generated from {source} by scripts/unasync.py: edit that, then run the script.\n"

# (async source, sync target), relative to the repository root
FILES: list[tuple[str, str]] = [
    ("pytest_orgo/helpers/events/_async.py", "pytest_orgo/helpers/events/_sync.py"),
    ("pytest_orgo/helpers/audio/_async.py", "pytest_orgo/helpers/audio/_sync.py"),
    ("pytest_orgo/helpers/terminal/_async.py", "pytest_orgo/helpers/terminal/_sync.py"),
    (
        "tests/pytest_orgo/helpers/test_events_async.py",
        "tests/pytest_orgo/helpers/test_events_sync.py",
    ),
    (
        "tests/pytest_orgo/helpers/test_audio_async.py",
        "tests/pytest_orgo/helpers/test_audio_sync.py",
    ),
    (
        "tests/pytest_orgo/helpers/test_terminal_async.py",
        "tests/pytest_orgo/helpers/test_terminal_sync.py",
    ),
]


def unasync_line(line: str) -> str:
    for pattern, replacement in COMPILED:
        line = pattern.sub(replacement, line)
    return line


def unasync_text(text: str, source: str) -> str:
    """The sync form of one async module's text."""
    out: list[str] = []
    skipping = False
    for line in text.splitlines(keepends=True):
        marker = line.strip()
        if marker == ASYNC_ONLY:
            skipping = True
            continue
        if marker == END and skipping:
            skipping = False
            continue
        if skipping or marker == "@pytest.mark.asyncio" or marker.endswith(ASYNC_ONLY):
            continue
        out.append(unasync_line(line))
    if skipping:
        raise SystemExit(f"{source}: '{ASYNC_ONLY}' without '{END}'")
    return HEADER.format(source=Path(source).name) + "".join(out)


def formatted(text: str, target: str) -> str:
    """``text`` as ``ruff`` leaves it: renaming ``AsyncX`` to ``X`` can unsort imports and
    dropping ``await`` shortens lines that the formatter then joins, while the checked-in
    file must pass ``ruff check`` and ``ruff format --check`` like any other."""
    for command in (["check", "--fix", "--select", "I,SIM117", "--exit-zero", "-q"], ["format"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--stdin-filename", target, "-"],
            input=text,
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        if result.returncode != 0:
            raise SystemExit(f"ruff failed on the sync form of {target}:\n{result.stderr}")
        text = result.stdout
    return text


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale: list[str] = []
    for source, target in FILES:
        expected = formatted(unasync_text((ROOT / source).read_text(), source), target)
        path = ROOT / target
        current = path.read_text() if path.exists() else ""
        if current == expected:
            continue
        if check:
            stale.append(target)
            sys.stdout.writelines(
                difflib.unified_diff(
                    current.splitlines(keepends=True),
                    expected.splitlines(keepends=True),
                    f"{target} (checked in)",
                    f"{target} (generated from {source})",
                )
            )
        else:
            path.write_text(expected)
            print(f"wrote {target}")
    if stale:
        print(
            f"\n{len(stale)} generated file(s) are stale: {', '.join(stale)}\n"
            "run `python scripts/unasync.py` and commit the result",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
