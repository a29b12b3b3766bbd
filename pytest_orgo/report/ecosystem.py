"""Failed screenshots where reviewers already look: pytest-html's row extras and JUnit
XML (properties, plus the ``[[ATTACHMENT|path]]`` lines GitLab and Jenkins read from
``<system-out>``).

JUnit properties come from ``item.user_properties``, which pytest copies into the
teardown report junitxml reads; the attachment lines are a captured-stdout section of
the item, which junitxml writes only when ``junit_logging`` includes ``system-out``
(pytest's default is ``no``: pass ``-o junit_logging=system-out``).
"""

from __future__ import annotations

import base64
import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from pytest_orgo.snapshots.report import Assertion

KINDS = ("expected", "actual", "diff")


def attach(item: pytest.Item, report: pytest.TestReport, failed: Sequence[Assertion]) -> None:
    """Hang ``failed`` screenshots' images on ``report`` (pytest-html) and ``item`` (JUnit)."""
    images = [
        (shot, kind, Path(shot.images[kind]))
        for shot in failed
        for kind in KINDS
        if kind in shot.images and Path(shot.images[kind]).is_file()
    ]
    if not images:
        return
    html = item.config.pluginmanager.getplugin("html")
    if html is not None:
        from pytest_html import extras

        report.extras = [  # type: ignore[attr-defined]
            *getattr(report, "extras", []),
            *(
                extras.png(base64.b64encode(path.read_bytes()).decode(), f"{shot.label} {kind}")
                for shot, kind, path in images
            ),
        ]
    root = item.config.rootpath
    lines = []
    for shot, kind, path in images:
        shown = _relative(path, root)
        item.user_properties.append((f"orgo_snapshot_{kind}[{shot.label}]", shown))
        lines.append(f"[[ATTACHMENT|{shown}]]")
    item.add_report_section("call", "stdout", "\n".join(lines) + "\n")


def _relative(path: Path, root: Path) -> str:
    """Relative to the rootdir (the CI job's checkout, where GitLab looks) when below it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return os.fspath(path)
