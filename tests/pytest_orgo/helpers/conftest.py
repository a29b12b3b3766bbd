from __future__ import annotations

from collections.abc import Iterator

import pytest

from pytest_orgo.computer import OrgoComputer


@pytest.fixture
def computer(orgo_computer: OrgoComputer) -> Iterator[OrgoComputer]:
    """The test's computer; its socket helpers are closed when the test ends."""
    yield orgo_computer
    orgo_computer.close()
