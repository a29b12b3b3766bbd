"""The terminal helper (``pytest_orgo.terminal``) against the bundled fake's shell, and its
screen buffer on its own. Every wait is bounded."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator

import pytest

from fake_server import FakeOrgo
from pytest_orgo.computer import OrgoComputer
from pytest_orgo.terminal import (
    AsyncTerminal,
    Screen,
    Terminal,
    TerminalEOF,
    TerminalError,
    TerminalTimeout,
    strip_ansi,
)


@pytest.fixture
def computer(orgo_computer: OrgoComputer) -> Iterator[OrgoComputer]:
    yield orgo_computer
    orgo_computer.close()


def test_send_line_and_expect_round_trip(computer: OrgoComputer) -> None:
    term = computer.terminal
    term.send_line("echo $((6 * 7))")
    found = term.expect("42", timeout=5)  # the echo of the command does not contain 42
    assert found.group(0) == "42"
    assert term.before == "user@orgo:~$ echo $((6 * 7))\n"
    prompt = term.expect(re.compile(r"user@orgo:(\S+)\$ "), timeout=5)
    assert prompt.group(1) == "~"
    term.send_line("cd /tmp && pwd")
    assert term.expect(re.compile(r"\n(/\S+)\n"), timeout=5).group(1) == "/tmp"
    assert term.exit_code is None
    assert "user@orgo:/tmp$ " in term.screen.splitlines()[-1] + " "


def test_expect_exit_returns_the_exit_code(computer: OrgoComputer) -> None:
    term = computer.terminal
    term.send_line("exit 3")
    assert term.expect_exit(timeout=5) == 3
    assert term.exit_code == 3
    with pytest.raises(
        TerminalEOF, match="cannot send 'echo late\\\\r': the shell exited with code 3"
    ):
        term.send_line("echo late")


def test_a_timeout_shows_the_screen(computer: OrgoComputer) -> None:
    term = computer.terminal
    term.send_line("echo visible-marker")
    term.expect("\nvisible-marker\n", timeout=5)  # the output line, not the echoed command
    with pytest.raises(TerminalTimeout) as info:
        term.expect("never printed", timeout=0.3)
    message = str(info.value)
    assert isinstance(info.value, AssertionError) and isinstance(info.value, TimeoutError)
    assert message.startswith("'never printed' did not appear within 0.3 s.")
    assert "Screen (last 24 lines, ANSI stripped):" in message
    assert "  | user@orgo:~$ echo visible-marker\n  | visible-marker\n  | user@orgo:~$ " in message
    assert "Unmatched output (where expect looks): 'user@orgo:~$ '" in message
    assert "token=***" in message and computer.password not in message


def test_the_shell_exiting_before_the_pattern_fails_at_once_with_the_screen(
    computer: OrgoComputer,
) -> None:
    term = computer.terminal
    term.send_line("echo bye; exit 2")
    with pytest.raises(TerminalEOF) as info:
        term.expect("never printed", timeout=5)
    message = str(info.value)
    assert message.startswith("'never printed' never appeared: the shell exited with code 2.")
    assert "  | bye" in message


def test_a_bad_token_is_reported_with_the_close_code(computer: OrgoComputer) -> None:
    url = computer.terminal_url.replace(computer.password, "wrong")
    with Terminal(url) as term, pytest.raises(TerminalEOF) as info:
        term.expect("$ ", timeout=5)
    assert "closed with code 4401" in str(info.value)
    with pytest.raises(TerminalError, match="could not open the terminal socket"):
        Terminal("ws://127.0.0.1:9/desktops/x/ws/terminal?token=t", connect_timeout=2).send("x")


def test_screen_strips_ansi_joins_split_escapes_and_applies_backspaces() -> None:
    screen = Screen()
    screen.feed("\x1b[1;32mgreen\x1b[0m\r\nnext\x1b[")
    screen.feed("2Kline\x1b]0;title\x07 done\r\n")
    screen.feed("typo\b \bs\r\n")
    assert screen.text == "green\nnextline done\ntyps\n"
    assert strip_ansi("\x1b[31mred\x1b[0m \x1b(Bplain") == "red plain"
    assert screen.tail(2) == "typs\n"


@pytest.mark.asyncio
async def test_async_round_trip_and_exit_code(computer: OrgoComputer) -> None:
    term = computer.async_terminal
    await term.send_line("echo $((40 + 2))")
    assert (await term.expect("42", timeout=5)).group(0) == "42"
    await term.send_line("exit 3")
    assert await term.expect_exit(timeout=5) == 3
    assert term.exit_code == 3
    await term.aclose()


@pytest.mark.asyncio
async def test_async_timeout_shows_the_screen(computer: OrgoComputer) -> None:
    async with AsyncTerminal(computer.terminal_url) as term:
        await term.send_line("echo async-marker")
        await term.expect(re.compile(r"\nasync-marker\n"), timeout=5)
        with pytest.raises(TerminalTimeout) as info:
            await term.expect(re.compile(r"never \d+"), timeout=0.2)
    message = str(info.value)
    assert message.startswith("regex 'never \\\\d+' did not appear within 0.2 s.")
    assert "  | async-marker" in message


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
