"""The ``@pytest.mark.orgo`` values of a test, merged once for every reader.

A test can carry the marker on itself, its class and its module (``pytestmark``); the
closest one wins, key by key. Validation at collection, the fixtures' settings, the
pool's warm-up and the scope planner all read the same merge, so they cannot disagree
about which value a test has. Kept free of pydantic: it runs for every collected test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

MARKER = "orgo"
PER_TEST_SETTINGS = ("keep_on_failure", "provision_timeout", "scope")
"""Marker keys that shape the test's run rather than its computer's spec."""


@dataclass(frozen=True)
class OrgoMarker:
    """One test's merged ``@pytest.mark.orgo`` values."""

    spec: dict[str, Any] = field(default_factory=dict)
    """Computer spec values (``ram``, ``cpu``, ``os``...), for ``settings.parse_spec``."""
    per_test: dict[str, Any] = field(default_factory=dict)
    """The values named in :data:`PER_TEST_SETTINGS` that the test's marks set."""
    positional: tuple[Any, ...] = ()
    """Positional arguments of any mark: the marker takes keywords only."""
    present: bool = False


def orgo_marker(node: pytest.Item | pytest.Collector) -> OrgoMarker:
    """The merged marker values of ``node`` (closest mark wins)."""
    marks = list(node.iter_markers(MARKER))  # closest first
    if not marks:
        return OrgoMarker()
    values: dict[str, Any] = {}
    positional: tuple[Any, ...] = ()
    for mark in reversed(marks):  # closest applied last: it wins
        positional = positional or tuple(mark.args)
        values.update(mark.kwargs)
    per_test = {name: values.pop(name) for name in PER_TEST_SETTINGS if name in values}
    return OrgoMarker(spec=values, per_test=per_test, positional=positional, present=True)
