"""Driving the desktop's terminal socket like pexpect: ``computer.terminal`` (sync) and
``computer.async_terminal`` (asyncio).

::

    term = computer.terminal
    term.send_line("echo $((6 * 7))")
    term.expect("42")                      # a str is literal; pass re.compile(...) for a regex
    term.send_line("exit 3")
    assert term.expect_exit() == 3

Why it reads this way:

* The socket sends output in arbitrary chunks with ANSI colours and CRLF line ends, and
  echoes what was typed. Matching runs on a **screen buffer**: the output with escape
  sequences removed, ``\\r\\n`` as ``\\n`` (lone ``\\r`` dropped) and backspaces applied,
  so patterns stay plain.
* ``expect`` searches from the end of the previous match (pexpect's consumption), so
  output that arrived early is not lost and an old match is not found twice. Note that
  the echo of the typed command is output too: expect something the command *prints*
  that its own text does not contain (``$((6 * 7))`` prints 42; its echo does not).
* Every failure (:class:`TerminalTimeout`, :class:`TerminalEOF`) carries the last lines of
  the screen and the unmatched output, because "timed out" alone never explains a
  terminal test. The URL in messages has its token blanked.
* A terminal session is a shell: it cannot be resumed after a drop, so unlike the events
  helper this one does not reconnect; a closed socket ends it (:class:`TerminalEOF`).
  ``computer.terminal`` is one session per computer; for another, open
  ``Terminal(computer.terminal_url)``.
* A str pattern is literal (prompts are full of ``$`` and ``.``); a compiled regex is
  searched from the end of the previous match, so ``^`` needs ``re.MULTILINE``.

Output is read on demand (inside ``expect``), so the sync form needs no thread of its own.
The async form's socket is closed when its event loop ends, if the test did not close it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re

from websockets.asyncio.client import ClientConnection as AsyncConnection
from websockets.asyncio.client import connect as async_connect
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection

from pytest_orgo._terminal_core import (
    Readable,
    Screen,
    Session,
    TerminalEOF,
    TerminalError,
    TerminalTimeout,
    strip_ansi,
)
from pytest_orgo._ws import (
    CLOSE_TIMEOUT,
    UrlSource,
    close_from_sync,
    close_of,
    close_with_loop,
    describe_close,
    open_sync,
    redact,
    resolve_url,
)

__all__ = [
    "AsyncTerminal",
    "Screen",
    "Terminal",
    "TerminalEOF",
    "TerminalError",
    "TerminalTimeout",
    "strip_ansi",
]


class Terminal(Readable):
    """The terminal socket for a plain (sync) test. ``url`` is the terminal URL (with its
    token) or a callable returning it; ``timeout`` is the default for ``expect``."""

    def __init__(
        self, url: UrlSource, *, timeout: float = 10.0, connect_timeout: float = 10.0
    ) -> None:
        self._session = Session(url, timeout, connect_timeout)
        self._ws: ClientConnection | None = None

    def send(self, text: str) -> None:
        """Type ``text`` as is (``\\r`` is Enter)."""
        self._socket().send(self._session.message(text))

    def send_line(self, text: str = "") -> None:
        """Type ``text`` and press Enter."""
        self.send(text + "\r")

    def send_control(self, key: str) -> None:
        """Ctrl+``key``: ``send_control("c")`` interrupts, ``"d"`` ends input."""
        self.send(chr(ord(key.lower()) & 0x1F))

    def resize(self, cols: int, rows: int) -> None:
        self._socket().send(json.dumps({"type": "resize", "cols": cols, "rows": rows}))

    def expect(self, pattern: str | re.Pattern[str], timeout: float | None = None) -> re.Match[str]:
        """Wait for ``pattern`` (a str matches literally, a compiled regex as a regex) in
        the output after the previous match; returns the match."""
        wait = self._session.waiting_for(pattern, timeout)
        self._socket()
        while isinstance(step := wait(), float):
            self._receive(step)
        return step

    def expect_exit(self, timeout: float | None = None) -> int:
        """Wait for the shell to exit; returns its exit code."""
        wait = self._session.waiting_for_exit(timeout)
        self._socket()
        while isinstance(step := wait(), float):
            self._receive(step)
        return step

    def close(self) -> None:
        """Close the socket (the shell ends with it); idempotent."""
        ws, self._ws = self._ws, None
        if ws is not None:
            with contextlib.suppress(Exception):  # a broken socket: nothing left to close
                ws.close()
            if self._session.ended is None:
                self._session.ended = "was closed by the test"

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Terminal {self._session.ending() or 'open'}>"

    def _socket(self) -> ClientConnection:
        if self._ws is None:
            if self._session.ended is not None:
                raise TerminalEOF(
                    self._session.report(f"the terminal is over: the socket {self._session.ended}")
                )
            url = resolve_url(self._session.url)
            self._session.shown_url = redact(url)
            try:
                self._ws = open_sync(url, self._session.connect_timeout)
            except Exception as exc:
                raise TerminalError(
                    f"could not open the terminal socket {redact(url)}: {redact(str(exc))}"
                ) from exc
        return self._ws

    def _receive(self, timeout: float) -> None:
        try:
            raw = self._socket().recv(timeout=timeout)
        except TimeoutError:
            return
        except ConnectionClosed as exc:
            self._session.ended = describe_close(*close_of(exc))
            return
        self._session.handle(raw)


class AsyncTerminal(Readable):
    """The asyncio twin of :class:`Terminal`: the same API, with ``await``."""

    def __init__(
        self, url: UrlSource, *, timeout: float = 10.0, connect_timeout: float = 10.0
    ) -> None:
        self._session = Session(url, timeout, connect_timeout)
        self._ws: AsyncConnection | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._guard: asyncio.Task[None] | None = None

    async def send(self, text: str) -> None:
        await (await self._socket()).send(self._session.message(text))

    async def send_line(self, text: str = "") -> None:
        await self.send(text + "\r")

    async def send_control(self, key: str) -> None:
        await self.send(chr(ord(key.lower()) & 0x1F))

    async def resize(self, cols: int, rows: int) -> None:
        await (await self._socket()).send(
            json.dumps({"type": "resize", "cols": cols, "rows": rows})
        )

    async def expect(
        self, pattern: str | re.Pattern[str], timeout: float | None = None
    ) -> re.Match[str]:
        wait = self._session.waiting_for(pattern, timeout)
        await self._socket()
        while isinstance(step := wait(), float):
            await self._receive(step)
        return step

    async def expect_exit(self, timeout: float | None = None) -> int:
        wait = self._session.waiting_for_exit(timeout)
        await self._socket()
        while isinstance(step := wait(), float):
            await self._receive(step)
        return step

    async def aclose(self) -> None:
        """Close the socket (the shell ends with it); idempotent."""
        guard, self._guard = self._guard, None
        if guard is not None and guard is not asyncio.current_task():
            guard.cancel()
        ws, self._ws = self._ws, None
        if ws is not None:
            with contextlib.suppress(Exception):  # a broken socket: nothing left to close
                await ws.close()
            if self._session.ended is None:
                self._session.ended = "was closed by the test"

    def close(self) -> None:
        """Close from sync code (a fixture's teardown); see ``_ws.close_from_sync``."""
        if self._ws is not None:
            close_from_sync(self._loop, self.aclose)

    async def __aenter__(self) -> AsyncTerminal:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"<AsyncTerminal {self._session.ending() or 'open'}>"

    async def _socket(self) -> AsyncConnection:
        if self._ws is None:
            if self._session.ended is not None:
                raise TerminalEOF(
                    self._session.report(f"the terminal is over: the socket {self._session.ended}")
                )
            url = resolve_url(self._session.url)
            self._session.shown_url = redact(url)
            try:
                self._ws = await async_connect(
                    url, open_timeout=self._session.connect_timeout, close_timeout=CLOSE_TIMEOUT
                )
            except Exception as exc:
                raise TerminalError(
                    f"could not open the terminal socket {redact(url)}: {redact(str(exc))}"
                ) from exc
            self._loop = asyncio.get_running_loop()
            self._guard = close_with_loop(self.aclose)
        return self._ws

    async def _receive(self, timeout: float) -> None:
        ws = await self._socket()
        try:
            raw = await asyncio.wait_for(ws.recv(), timeout)
        except TimeoutError:
            return
        except ConnectionClosed as exc:
            self._session.ended = describe_close(*close_of(exc))
            return
        self._session.handle(raw)
