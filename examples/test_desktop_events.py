"""Reacting to the desktop: events, sound and a shell, as a test author uses them.

``orgo_computer.events`` / ``.audio`` / ``.terminal`` are made on first use and closed with
the computer; ``async_events`` / ``async_audio`` / ``async_terminal`` are their asyncio twins.
The tests that drive the desktop directly (open a window, play a tone) use the bundled
fake's control handle; the others work against the live API too (``pytest --orgo``).
"""

from __future__ import annotations

import re

import pytest

from fake_server import FakeOrgo
from pytest_orgo.computer import OrgoComputer


def test_a_file_saved_from_the_shell_shows_up_as_an_event(orgo_computer: OrgoComputer) -> None:
    # Subscribed before the command runs, so the event cannot slip past.
    with orgo_computer.events.expect(
        "file_change", where={"path": "/home/user/Desktop/notes.txt", "action": "created"}
    ) as saved:
        orgo_computer.bash("echo 'buy milk' > ~/Desktop/notes.txt")
    assert saved.value.data["action"] == "created"
    # Nothing else touched the Desktop afterwards.
    orgo_computer.events.assert_no_event("file_change", within=0.2)


def test_a_window_opens_and_takes_focus(orgo_computer: OrgoComputer, orgo_server: FakeOrgo) -> None:
    desktop = orgo_server.desktop(orgo_computer.id)
    with orgo_computer.events.expect_all(
        [("window_open", {"title": "Calculator"}), ("window_focus", {"title": "Calculator"})]
    ) as window:
        desktop.open_window("Calculator")
    opened, focused = window.value
    assert opened.data["window_id"] == focused.data["window_id"]


def test_the_desktop_plays_a_440_hz_beep(
    orgo_computer: OrgoComputer, orgo_server: FakeOrgo
) -> None:
    orgo_server.desktop(orgo_computer.id).play_tone(440, 0.5)
    clip = orgo_computer.audio.assert_tone(440, tolerance_hz=5, seconds=0.5)
    assert clip.rms_dbfs > -20
    orgo_computer.audio.assert_silence(seconds=0.1)  # and then it is quiet


def test_a_shell_session(orgo_computer: OrgoComputer) -> None:
    term = orgo_computer.terminal
    term.send_line("mkdir -p ~/work && cd ~/work && pwd")
    assert term.expect(re.compile(r"\n(/\S+)\n")).group(1) == "/home/user/work"
    term.send_line("echo $((19 + 23))")
    term.expect("42")
    term.send_line("exit 3")
    assert term.expect_exit() == 3


@pytest.mark.asyncio
async def test_the_same_from_async_code(orgo_computer: OrgoComputer, orgo_server: FakeOrgo) -> None:
    desktop = orgo_server.desktop(orgo_computer.id)
    async with orgo_computer.async_events.expect("clipboard", where={"content": "copied"}) as ev:
        desktop.set_clipboard("copied")
    assert ev.value.data == {"content": "copied"}
    desktop.play_tone(880, 0.2)
    await orgo_computer.async_audio.assert_tone(880, seconds=0.2)
    term = orgo_computer.async_terminal
    await term.send_line("echo done-$((1 + 1))")
    await term.expect("done-2")
