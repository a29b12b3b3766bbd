# Generated from _async.py by scripts/unasync.py: edit that, then run the script.
"""The terminal helper: :class:`Terminal`.

Written once, in async form (``_sync.py``); ``scripts/unasync.py`` generates the sync
form (``_sync.py``, which reads output on demand inside ``expect`` and needs no thread).
Import both forms from :mod:`pytest_orgo.terminal`, whose docstring describes the behaviour.
"""

from __future__ import annotations

import contextlib
import json
import re

from websockets.exceptions import ConnectionClosed

from pytest_orgo.helpers._synchronization import CloseGuard, Socket
from pytest_orgo.helpers._ws import UrlSource, close_of, describe_close, redact, resolve_url
from pytest_orgo.helpers.terminal._core import Readable, Session, TerminalEOF, TerminalError


class Terminal(Readable):
    """The desktop's terminal socket. ``url`` is the terminal URL (with its token) or a
    callable returning it; ``timeout`` is the default for ``expect``."""

    def __init__(
        self, url: UrlSource, *, timeout: float = 10.0, connect_timeout: float = 10.0
    ) -> None:
        self._session = Session(url, timeout, connect_timeout)
        self._ws: Socket | None = None
        self._guard = CloseGuard()

    def send(self, text: str) -> None:
        """Type ``text`` as is (``\\r`` is Enter)."""
        __tracebackhide__ = True
        (self._socket()).send(self._session.message(text))

    def send_line(self, text: str = "") -> None:
        """Type ``text`` and press Enter."""
        __tracebackhide__ = True
        self.send(text + "\r")

    def send_control(self, key: str) -> None:
        """Ctrl+``key``: ``send_control("c")`` interrupts, ``"d"`` ends input."""
        __tracebackhide__ = True
        self.send(chr(ord(key.lower()) & 0x1F))

    def resize(self, cols: int, rows: int) -> None:
        """Tell the shell the window is now ``cols`` x ``rows``."""
        __tracebackhide__ = True
        message = json.dumps({"type": "resize", "cols": cols, "rows": rows})
        (self._socket()).send(message)

    def expect(self, pattern: str | re.Pattern[str], timeout: float | None = None) -> re.Match[str]:
        """Wait for ``pattern`` (a str matches literally, a compiled regex as a regex) in
        the output after the previous match; returns the match."""
        __tracebackhide__ = True
        wait = self._session.waiting_for(pattern, timeout)
        self._socket()
        while isinstance(step := wait(), float):
            self._receive(step)
        return step

    def expect_exit(self, timeout: float | None = None) -> int:
        """Wait for the shell to exit; returns its exit code."""
        __tracebackhide__ = True
        wait = self._session.waiting_for_exit(timeout)
        self._socket()
        while isinstance(step := wait(), float):
            self._receive(step)
        return step

    def close(self) -> None:
        """Close the socket (the shell ends with it); idempotent."""
        self._guard.disarm()
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
        return f"<{type(self).__name__} {self._session.ending() or 'open'}>"

    def _socket(self) -> Socket:
        __tracebackhide__ = True
        if self._ws is None:
            if self._session.ended is not None:
                raise TerminalEOF(
                    self._session.report(f"the terminal is over: the socket {self._session.ended}")
                )
            url = resolve_url(self._session.url)
            self._session.shown_url = redact(url)
            try:
                self._ws = Socket.open(url, self._session.connect_timeout)
            except Exception as exc:
                raise TerminalError(
                    f"could not open the terminal socket {redact(url)}: {redact(str(exc))}"
                ) from exc
            self._guard.arm(self.close)
        return self._ws

    def _receive(self, timeout: float) -> None:
        ws = self._socket()
        try:
            raw = ws.recv(timeout=timeout)
        except TimeoutError:
            return
        except ConnectionClosed as exc:
            self._session.ended = describe_close(*close_of(exc))
            return
        self._session.handle(raw)
