"""What the three desktop-socket helpers (events, terminal, audio) share.

* Where the URL comes from. A helper takes a string or a callable returning one, and
  asks again before every (re)connection: a restart gives the computer a new VNC
  password (the ``token``), so after ``OrgoComputer.refresh()`` the next connection
  must use it rather than the one captured when the helper was made.
* How long to wait between reconnection attempts (:class:`Backoff`): short at first,
  because a dropped socket usually comes straight back, then doubling to a ceiling,
  and bounded, so a computer that is gone fails the test instead of hanging it.
* How to talk about a closed socket in a failure message: Orgo's close codes spelled
  out, and the token blanked so a failure log never carries the password.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

UrlSource = str | Callable[[], str]
"""A WebSocket URL, or a callable giving the current one (asked before each connection)."""

CLOSE_CODES: dict[int, str] = {
    1000: "normal closure",
    1001: "going away: the server is shutting down or the computer is stopping",
    1006: "connection lost without a close frame",
    1011: "server error",
    1012: "service restart",
    4401: "bad or missing token; a restart changes the VNC password, so refresh the computer",
    4404: "computer not found or not running",
    4500: "the server could not start the shell or the audio capture",
}

_TOKEN = re.compile(r"(token=)[^&#]*")


def resolve_url(source: UrlSource) -> str:
    """The URL to connect to now."""
    return source() if callable(source) else source


def redact(url: str) -> str:
    """The URL with its token blanked, for messages that end up in CI logs."""
    return _TOKEN.sub(r"\1***", url)


def describe_close(code: int | None, reason: str = "") -> str:
    """``"4401 (bad or missing token ...) 'Invalid token'"``: a close code a person can read."""
    if code is None:
        return "closed without a close frame"
    meaning = CLOSE_CODES.get(code)
    text = f"closed with code {code}" + (f" ({meaning})" if meaning else "")
    return text + (f", reason {reason!r}" if reason else "")


def close_of(exc: ConnectionClosed) -> tuple[int | None, str]:
    """The code and reason the server sent when it closed (None if it sent none)."""
    frame = exc.rcvd
    if frame is None:
        return None, ""
    return frame.code, frame.reason


@dataclass(frozen=True)
class Backoff:
    """Delays between reconnection attempts: ``initial``, doubling up to ``maximum``,
    at most ``attempts`` tries in a row before the helper gives up.

    The defaults (0.05 s doubling to 2 s, 8 attempts) ride out a server restart of a
    few seconds and fail in about 7 s when the computer is really gone.
    """

    initial: float = 0.05
    factor: float = 2.0
    maximum: float = 2.0
    attempts: int = 8

    def __post_init__(self) -> None:
        if self.initial < 0 or self.maximum < 0 or self.factor < 1 or self.attempts < 0:
            raise ValueError(f"invalid backoff {self!r}: delays >= 0, factor >= 1, attempts >= 0")

    def delay(self, attempt: int) -> float:
        """The pause before retry number ``attempt`` (1-based)."""
        return float(min(self.maximum, self.initial * self.factor ** max(0, attempt - 1)))

    def delays(self) -> Iterator[float]:
        """Every pause in turn, ``attempts`` of them."""
        for attempt in range(1, self.attempts + 1):
            yield self.delay(attempt)


CLOSE_TIMEOUT = 1.0
"""Seconds to wait for the server's close frame when a helper closes (never a test's bottleneck)."""


def open_sync(url: str, timeout: float) -> ClientConnection:
    """Open a connection with ``websockets``' sync client.

    Entered as a context manager, because websockets 17.1+ deprecates using ``connect()``'s
    result directly (it is to become a reconnecting iterator) while entering it works in
    every version since 13; the caller closes it with ``close()``.
    """
    return connect(url, open_timeout=timeout, close_timeout=CLOSE_TIMEOUT).__enter__()


class Signal:
    """A broadcast wake-up for asyncio waiters: ``notify()`` wakes everyone waiting now.

    The underlying ``asyncio.Event`` is made on first wait and dropped on notify, so a
    helper is not tied to the loop that happened to create it.
    """

    def __init__(self) -> None:
        self._event: asyncio.Event | None = None

    def notify(self) -> None:
        if self._event is not None:
            self._event.set()
            self._event = None

    async def wait(self, timeout: float) -> None:
        """Return on the next ``notify()`` or after ``timeout`` seconds, whichever is first."""
        if self._event is None:
            self._event = asyncio.Event()
        event = self._event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), max(0.0, timeout))


_closing: set[asyncio.Task[None]] = set()


def close_with_loop(aclose: Callable[[], Coroutine[Any, Any, None]]) -> asyncio.Task[None]:
    """A task on the running loop that waits until cancelled, then runs ``aclose()``.

    ``asyncio.Runner`` (hence pytest-asyncio and anyio) cancels every pending task before it
    closes a test's loop, and a fixture's sync teardown often runs only after that. A
    socket helper nobody closed would then leak its transport (a ``ResourceWarning``)
    because nothing can run on a closed loop; this guard closes it while the loop still
    runs. The helper's own ``aclose()`` cancels the guard (which then finds nothing to do).
    """

    async def guard() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            await aclose()

    task = asyncio.get_running_loop().create_task(guard(), name="orgo-socket-guard")
    _closing.add(task)
    task.add_done_callback(_closing.discard)
    return task


def close_from_sync(
    loop: asyncio.AbstractEventLoop | None, aclose: Callable[[], Coroutine[Any, Any, None]]
) -> None:
    """Run an async helper's ``aclose()`` from sync code (a fixture's teardown).

    On the helper's own loop when that loop is idle (the usual case in a teardown), as a
    task when called from inside it, across threads when it runs elsewhere. When the loop
    is already closed there is nothing left to run on, and nothing left to do: closing the
    loop cancelled the helper's worker or guard task, which closed the socket
    (:func:`close_with_loop`).
    """
    if loop is None or loop.is_closed():
        return
    try:
        running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        task = loop.create_task(aclose())
        _closing.add(task)  # a task nobody references may be collected before it runs
        task.add_done_callback(_closing.discard)
    elif loop.is_running():
        future = asyncio.run_coroutine_threadsafe(aclose(), loop)
        with contextlib.suppress(Exception):
            future.result(timeout=CLOSE_TIMEOUT + 1.0)
    elif running is None:
        with contextlib.suppress(Exception):
            loop.run_until_complete(aclose())
