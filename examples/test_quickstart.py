"""The fixtures as a user would use them: a computer per test, against the bundled fake
by default and the live API with ``pytest --orgo``."""

from __future__ import annotations

import pytest

from pytest_orgo.computer import OrgoComputer


def test_type_into_the_focused_window(orgo_computer: OrgoComputer) -> None:
    orgo_computer.client.type_text(orgo_computer.id, "hello from pytest-orgo")
    assert orgo_computer.bash("echo ready") == "ready\n"
    png = orgo_computer.screenshot_png()
    assert png.startswith(b"\x89PNG")


@pytest.mark.orgo(resolution="1024x768x24", ram=8)
def test_the_marker_configures_the_computer(orgo_computer: OrgoComputer) -> None:
    info = orgo_computer.refresh()
    assert (info.resolution, info.ram) == ("1024x768x24", 8)
