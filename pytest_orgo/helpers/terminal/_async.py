"""The terminal helper: :class:`AsyncTerminal`.

Written once, in async form (``_async.py``); ``scripts/unasync.py`` generates the sync
form (``_sync.py``, which reads output on demand inside ``expect`` and needs no thread).
Import both forms from :mod:`pytest_orgo.terminal`, whose docstring describes the behaviour.
"""

from __future__ import annotations

import contextlib
import json
import re

from websockets.exceptions import ConnectionClosed

from pytest_orgo.helpers._synchronization import AsyncCloseGuard, AsyncSocket
from pytest_orgo.helpers._ws import UrlSource, close_of, describe_close, redact, resolve_url
from pytest_orgo.helpers.terminal._core import Readable, Session, TerminalEOF, TerminalError


class AsyncTerminal(Readable):
    """The desktop's terminal socket. ``url`` is the terminal URL (with its token) or a
    callable returning it; ``timeout`` is the default for ``expect``."""

    def __init__(
        self, url: UrlSource, *, timeout: float = 10.0, connect_timeout: float = 10.0
    ) -> None:
        self._session = Session(url, timeout, connect_timeout)
        self._ws: AsyncSocket | None = None
        self._guard = AsyncCloseGuard()

    async def send(self, text: str) -> None:
        """Type ``text`` as is (``\\r`` is Enter)."""
        __tracebackhide__ = True
        await (await self._socket()).send(self._session.message(text))

    async def send_line(self, text: str = "") -> None:
        """Type ``text`` and press Enter."""
        __tracebackhide__ = True
        await self.send(text + "\r")

    async def send_control(self, key: str) -> None:
        """Ctrl+``key``: ``send_control("c")`` interrupts, ``"d"`` ends input."""
        __tracebackhide__ = True
        await self.send(chr(ord(key.lower()) & 0x1F))

    async def resize(self, cols: int, rows: int) -> None:
        """Tell the shell the window is now ``cols`` x ``rows``."""
        __tracebackhide__ = True
        message = json.dumps({"type": "resize", "cols": cols, "rows": rows})
        await (await self._socket()).send(message)

    async def expect(
        self, pattern: str | re.Pattern[str], timeout: float | None = None
    ) -> re.Match[str]:
        """Wait for ``pattern`` (a str matches literally, a compiled regex as a regex) in
        the output after the previous match; returns the match."""
        __tracebackhide__ = True
        wait = self._session.waiting_for(pattern, timeout)
        await self._socket()
        while isinstance(step := wait(), float):
            await self._receive(step)
        return step

    async def expect_exit(self, timeout: float | None = None) -> int:
        """Wait for the shell to exit; returns its exit code."""
        __tracebackhide__ = True
        wait = self._session.waiting_for_exit(timeout)
        await self._socket()
        while isinstance(step := wait(), float):
            await self._receive(step)
        return step

    async def aclose(self) -> None:
        """Close the socket (the shell ends with it); idempotent."""
        self._guard.disarm()
        ws, self._ws = self._ws, None
        if ws is not None:
            with contextlib.suppress(Exception):  # a broken socket: nothing left to close
                await ws.close()
            if self._session.ended is None:
                self._session.ended = "was closed by the test"

    # unasync: async-only
    def close(self) -> None:
        """Close from sync code (a fixture's teardown), on the loop that used the terminal."""
        if self._ws is not None:
            self._guard.close_from_sync(self.aclose)

    # unasync: end
    async def __aenter__(self) -> AsyncTerminal:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._session.ending() or 'open'}>"

    async def _socket(self) -> AsyncSocket:
        __tracebackhide__ = True
        if self._ws is None:
            if self._session.ended is not None:
                raise TerminalEOF(
                    self._session.report(f"the terminal is over: the socket {self._session.ended}")
                )
            url = resolve_url(self._session.url)
            self._session.shown_url = redact(url)
            try:
                self._ws = await AsyncSocket.open(url, self._session.connect_timeout)
            except Exception as exc:
                raise TerminalError(
                    f"could not open the terminal socket {redact(url)}: {redact(str(exc))}"
                ) from exc
            self._guard.arm(self.aclose)
        return self._ws

    async def _receive(self, timeout: float) -> None:
        ws = await self._socket()
        try:
            raw = await ws.recv(timeout=timeout)
        except TimeoutError:
            return
        except ConnectionClosed as exc:
            self._session.ended = describe_close(*close_of(exc))
            return
        self._session.handle(raw)
