"""Screenshot visual regression for Orgo desktops: ``orgo_snapshot.assert_screenshot(...)``
compares a screenshot with a PNG baseline beside the test (pixelmatch-style colour
threshold and anti-aliasing tolerance, masks, a perceptual-hash gate).

The names below load on first use, so that merely installing the plugin does not
import numpy and imagehash into every pytest run.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_orgo.snapshots.assertion import (
        OrgoSnapshot,
        ScreenshotMismatch,
        ScreenshotSource,
        assert_screenshot,
    )
    from pytest_orgo.snapshots.compare import Comparison, SizeMismatch, compare

_HOMES = {
    "OrgoSnapshot": "pytest_orgo.snapshots.assertion",
    "ScreenshotMismatch": "pytest_orgo.snapshots.assertion",
    "ScreenshotSource": "pytest_orgo.snapshots.assertion",
    "assert_screenshot": "pytest_orgo.snapshots.assertion",
    "Comparison": "pytest_orgo.snapshots.compare",
    "SizeMismatch": "pytest_orgo.snapshots.compare",
    "compare": "pytest_orgo.snapshots.compare",
}
__all__ = [
    "Comparison",
    "OrgoSnapshot",
    "ScreenshotMismatch",
    "ScreenshotSource",
    "SizeMismatch",
    "assert_screenshot",
    "compare",
]


def __getattr__(name: str) -> object:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
