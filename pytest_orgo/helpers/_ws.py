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

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from websockets.exceptions import ConnectionClosed

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
