"""The report tests run whole pytest sessions (pytester) as the snapshot tests do, with
the same clean environment for inner runs."""

from __future__ import annotations

from tests.snapshots.conftest import _clean_inner_runs

__all__ = ["_clean_inner_runs"]
