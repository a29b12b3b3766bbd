"""The terminal helper against the bundled fake's shell, written once in async form;
``scripts/unasync.py`` generates ``test_terminal_sync.py``. Every wait is bounded."""

from __future__ import annotations

import re

import pytest

from pytest_orgo.computer import OrgoComputer
from pytest_orgo.terminal import AsyncTerminal, TerminalEOF, TerminalError, TerminalTimeout


@pytest.mark.asyncio
async def test_async_send_line_and_expect_round_trip(computer: OrgoComputer) -> None:
    term = computer.async_terminal
    await term.send_line("echo $((6 * 7))")
    found = await term.expect("42", timeout=5)  # the echo of the command does not contain 42
    assert found.group(0) == "42"
    assert term.before == "user@orgo:~$ echo $((6 * 7))\n"
    prompt = await term.expect(re.compile(r"user@orgo:(\S+)\$ "), timeout=5)
    assert prompt.group(1) == "~"
    await term.send_line("cd /tmp && pwd")
    assert (await term.expect(re.compile(r"\n(/\S+)\n"), timeout=5)).group(1) == "/tmp"
    assert term.exit_code is None
    assert "user@orgo:/tmp$ " in term.screen.splitlines()[-1] + " "


@pytest.mark.asyncio
async def test_async_expect_exit_returns_the_exit_code(computer: OrgoComputer) -> None:
    term = computer.async_terminal
    await term.send_line("exit 3")
    assert await term.expect_exit(timeout=5) == 3
    assert term.exit_code == 3
    with pytest.raises(
        TerminalEOF, match="cannot send 'echo late\\\\r': the shell exited with code 3"
    ):
        await term.send_line("echo late")


@pytest.mark.asyncio
async def test_async_a_timeout_shows_the_screen(computer: OrgoComputer) -> None:
    term = computer.async_terminal
    await term.send_line("echo visible-marker")
    await term.expect("\nvisible-marker\n", timeout=5)  # the output line, not the echo
    with pytest.raises(TerminalTimeout) as info:
        await term.expect("never printed", timeout=0.3)
    message = str(info.value)
    assert isinstance(info.value, AssertionError) and isinstance(info.value, TimeoutError)
    assert message.startswith("'never printed' did not appear within 0.3 s.")
    assert "Screen (last 24 lines, ANSI stripped):" in message
    assert "  | user@orgo:~$ echo visible-marker\n  | visible-marker\n  | user@orgo:~$ " in message
    assert "Unmatched output (where expect looks): 'user@orgo:~$ '" in message
    assert "token=***" in message and computer.password not in message
    with pytest.raises(TerminalTimeout) as regex:
        await term.expect(re.compile(r"never \d+"), timeout=0.2)
    assert str(regex.value).startswith("regex 'never \\\\d+' did not appear within 0.2 s.")


@pytest.mark.asyncio
async def test_async_the_shell_exiting_before_the_pattern_fails_at_once_with_the_screen(
    computer: OrgoComputer,
) -> None:
    term = computer.async_terminal
    await term.send_line("echo bye; exit 2")
    with pytest.raises(TerminalEOF) as info:
        await term.expect("never printed", timeout=5)
    message = str(info.value)
    assert message.startswith("'never printed' never appeared: the shell exited with code 2.")
    assert "  | bye" in message


@pytest.mark.asyncio
async def test_async_a_bad_token_is_reported_with_the_close_code(computer: OrgoComputer) -> None:
    url = computer.terminal_url.replace(computer.password, "wrong")
    term = AsyncTerminal(url)
    with pytest.raises(TerminalEOF) as info:
        await term.expect("$ ", timeout=5)
    await term.aclose()
    assert "closed with code 4401" in str(info.value)
    unreachable = AsyncTerminal(
        "ws://127.0.0.1:9/desktops/x/ws/terminal?token=t", connect_timeout=2
    )
    with pytest.raises(TerminalError, match="could not open the terminal socket"):
        await unreachable.send("x")


@pytest.mark.asyncio
async def test_async_closing_ends_the_session(computer: OrgoComputer) -> None:
    async with AsyncTerminal(computer.terminal_url) as term:
        await term.send_line("echo open")
        await term.expect("\nopen\n", timeout=5)
    assert repr(term).endswith(" the socket was closed by the test>")
    with pytest.raises(TerminalEOF, match="the socket was closed by the test"):
        await term.send_line("echo closed")
