"""Testing agent code that only knows ``orgo.Computer()``: no arguments, no base URL."""

from __future__ import annotations

import sys

import pytest

if sys.version_info < (3, 12):
    pytest.skip("the official orgo SDK imports only on Python >= 3.12", allow_module_level=True)

import orgo

from examples.agent.desktop_agent import watch_for_file, write_note


@pytest.fixture
def agent_computer() -> orgo.Computer:
    computer = orgo.Computer(verbose=False)  # ORGO_API_KEY and the URL come from the plugin
    yield computer
    computer.destroy()


def test_agent_writes_a_note(agent_computer: orgo.Computer) -> None:
    assert write_note(agent_computer, "buy milk") == "buy milk"


def test_agent_sees_its_file_appear(agent_computer: orgo.Computer) -> None:
    event = watch_for_file(agent_computer.status(), agent_computer, "~/Desktop/todo.txt")
    assert event["type"] == "file_change"
    assert event["data"] == {"path": "/home/user/Desktop/todo.txt", "action": "created"}
    assert event["timestamp"].endswith("Z")


def test_agent_code_against_the_fake_desktop(orgo_server, agent_computer: orgo.Computer) -> None:  # type: ignore[no-untyped-def]
    desktop = orgo_server.desktop(agent_computer.computer_id)
    write_note(agent_computer, "seen on screen")
    assert desktop.clipboard == "seen on screen"
    assert desktop.focused.text == "seen on screen"
