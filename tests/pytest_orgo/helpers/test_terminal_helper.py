"""The terminal helper (``pytest_orgo.terminal``): its screen buffer on its own, and an
async terminal left open when its loop ends. The socket tests are written once in async
form in ``tests/pytest_orgo/helpers/test_terminal_async.py`` and generated for sync."""

from __future__ import annotations

import asyncio
import re
import time

from fake_server import FakeOrgo
from pytest_orgo.computer import OrgoComputer
from pytest_orgo.terminal import (
    Screen,
    strip_ansi,
)


def test_screen_strips_ansi_joins_split_escapes_and_applies_backspaces() -> None:
    screen = Screen()
    screen.feed("\x1b[1;32mgreen\x1b[0m\r\nnext\x1b[")
    screen.feed("2Kline\x1b]0;title\x07 done\r\n")
    screen.feed("typo\b \bs\r\n")
    assert screen.text == "green\nnextline done\ntyps\n"
    assert strip_ansi("\x1b[31mred\x1b[0m \x1b(Bplain") == "red plain"
    assert screen.tail(2) == "typs\n"


def test_an_async_terminal_left_open_is_closed_when_its_loop_ends(
    computer: OrgoComputer, orgo_server: FakeOrgo
) -> None:
    term = computer.async_terminal

    async def use_and_forget() -> None:
        await term.send_line("echo left open")
        await term.expect(re.compile(r"\nleft open\n"), timeout=5)

    asyncio.run(use_and_forget())  # like a test's loop: leftover tasks are cancelled first
    assert repr(term) == "<AsyncTerminal the socket was closed by the test>"
    deadline = time.monotonic() + 5
    while orgo_server.sockets.count(computer.id):
        assert time.monotonic() < deadline, "the server still holds the terminal socket"
        time.sleep(0.01)
    computer.close()  # nothing left to do, and no loop to do it on: a no-op
