# Generated from _async.py by scripts/unasync.py: edit that, then run the script.
"""The audio stream helper: :class:`AudioStream`.

Written once, in async form (``_sync.py``); ``scripts/unasync.py`` generates the sync
form (``_sync.py``). Import both forms from :mod:`pytest_orgo.audio`, whose docstring
describes the behaviour.
"""

from __future__ import annotations

import contextlib
import json
import time

from websockets.exceptions import ConnectionClosed

from pytest_orgo.helpers._synchronization import CloseGuard, Socket
from pytest_orgo.helpers._ws import CLOSE_TIMEOUT, UrlSource, redact, resolve_url
from pytest_orgo.helpers.audio._analysis import FRAME_SECONDS, SILENCE_DBFS, AudioClip
from pytest_orgo.helpers.audio._capture import AudioStreamError, AudioTimeout, Capture, frame_count


class AudioStream:
    """The desktop's audio socket. ``url`` is the audio URL (with its token) or a callable
    returning it; ``timeout`` is added to a read's own length."""

    def __init__(
        self, url: UrlSource, *, timeout: float = 10.0, connect_timeout: float = 10.0
    ) -> None:
        self._capture = Capture(url, timeout, connect_timeout)
        self._ws: Socket | None = None
        self._guard = CloseGuard()

    @property
    def sample_rate(self) -> int:
        """The stream's rate, from the server's ``started`` message (24000 by default)."""
        return self._capture.sample_rate

    @property
    def channels(self) -> int:
        """The stream's channel count, from the server's ``started`` message."""
        return self._capture.channels

    def start(self) -> None:
        """Connect now (reads connect lazily): audio from here on is captured."""
        __tracebackhide__ = True
        self._socket()

    def read(
        self,
        seconds: float | None = None,
        *,
        frames: int | None = None,
        timeout: float | None = None,
    ) -> AudioClip:
        """The next ``seconds`` (or ``frames`` 20 ms frames) of audio, contiguous with
        the previous read."""
        __tracebackhide__ = True
        count = frame_count(seconds, frames)
        capture = self._capture
        ws = self._socket()
        limit = count * FRAME_SECONDS + (capture.timeout if timeout is None else timeout)
        deadline = time.monotonic() + limit
        while len(capture.buffer) < count * capture.frame_size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AudioTimeout(capture.shortfall(count, limit))
            try:
                raw = ws.recv(timeout=remaining)
            except TimeoutError:
                continue
            except ConnectionClosed as exc:
                self._ws = None
                raise capture.closed(exc, count) from None
            capture.handle(raw)
        return capture.take(count)

    def assert_tone(
        self, frequency: float, tolerance_hz: float = 5.0, *, seconds: float = 1.0
    ) -> AudioClip:
        """Read ``seconds`` and fail unless its dominant frequency is ``frequency`` ± tolerance."""
        __tracebackhide__ = True
        clip = self.read(seconds)
        clip.assert_tone(frequency, tolerance_hz)
        return clip

    def assert_silence(
        self, *, seconds: float = 0.5, threshold_dbfs: float = SILENCE_DBFS
    ) -> AudioClip:
        """Read ``seconds`` and fail unless it is quieter than ``threshold_dbfs``."""
        __tracebackhide__ = True
        clip = self.read(seconds)
        clip.assert_silence(threshold_dbfs)
        return clip

    def close(self) -> None:
        """Ask the server to stop capturing, and close; idempotent.

        The frames already on their way are read and dropped until the server's close: a
        fast stream would otherwise fill the client's queue and hide the close frame,
        making every close wait out its timeout."""
        self._guard.disarm()
        ws, self._ws = self._ws, None
        if ws is None:
            return
        with contextlib.suppress(Exception):  # ends with the server's close (or the deadline)
            ws.send(json.dumps({"type": "stop"}))
            deadline = time.monotonic() + CLOSE_TIMEOUT
            while (remaining := deadline - time.monotonic()) > 0:
                ws.recv(timeout=remaining)
        with contextlib.suppress(Exception):  # a broken socket: nothing left to close
            ws.close()

    def __enter__(self) -> AudioStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _socket(self) -> Socket:
        __tracebackhide__ = True
        if self._ws is not None:
            return self._ws
        capture = self._capture
        url = resolve_url(capture.url)
        capture.reset()
        capture.shown_url = redact(url)
        try:
            ws = Socket.open(url, capture.connect_timeout)
        except Exception as exc:
            raise AudioStreamError(
                f"could not open the audio socket {redact(url)}: {redact(str(exc))}"
            ) from exc
        deadline = time.monotonic() + capture.connect_timeout
        try:
            while not capture.started:
                capture.handle(ws.recv(timeout=deadline - time.monotonic()))
        except TimeoutError:
            ws.close()
            raise AudioStreamError(
                f"no 'started' message from {capture.shown_url} "
                f"within {capture.connect_timeout:g} s"
            ) from None
        except ConnectionClosed as exc:
            raise capture.closed(exc, None) from None
        except BaseException:
            ws.close()
            raise
        self._ws = ws
        self._guard.arm(self.close)
        return ws
