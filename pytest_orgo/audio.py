"""Listening to the desktop in a test: ``computer.audio`` (sync), ``computer.async_audio``
(asyncio), and the analysis functions for raw PCM.

::

    computer.desktop.play_tone(440, 1.0)          # against the fake; live, trigger a sound
    computer.audio.assert_tone(440, tolerance_hz=5)
    computer.audio.assert_silence(seconds=0.5)

    from pytest_orgo.audio import dominant_frequency, rms_dbfs, validate_frames
    dominant_frequency(pcm)                       # on any s16le bytes

How the stream helper behaves, and why:

* It connects on the first read (or :meth:`AudioStream.start`), takes the format from the
  server's ``started`` message (24 kHz mono unless the URL asks otherwise) and checks
  every binary message as it arrives: a message that is not a whole number of 20 ms
  frames fails the read at once with :class:`AudioFormatError`, naming the frame.
* Reads are **contiguous**: each returns the next N seconds of the stream from where the
  previous read stopped, so nothing between two reads is skipped. The stream is live:
  a sound triggered before :meth:`~AudioStream.start` (or the first read) is missed by the
  real service, so start first, act, then read. (The bundled fake keeps sound played
  before anyone listens and plays it to the first listener.) To listen afresh after a
  pause, ``close()``: the next read reconnects at the live position.
* Against the real service a read of N seconds takes N seconds. The fake's
  ``?pace=fast`` URL parameter (or ``FakeOrgo.audio_pace = "fast"``) streams as fast as
  the reader takes it.
* It does not reconnect in the middle of a read (a gap would corrupt the analysis); a
  dropped socket fails the read with :class:`AudioStreamError` and the next read opens
  a new connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time

from websockets.asyncio.client import ClientConnection as AsyncConnection
from websockets.asyncio.client import connect as async_connect
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection

from pytest_orgo._audio_analysis import (
    CHANNELS,
    FRAME_BYTES,
    FRAME_SECONDS,
    SAMPLE_RATE,
    SILENCE_DBFS,
    AudioClip,
    AudioFormatError,
    assert_silence,
    assert_tone,
    dominant_frequency,
    duration,
    frame_bytes,
    is_silent,
    peak_dbfs,
    rms_dbfs,
    samples,
    validate_frames,
)
from pytest_orgo._audio_capture import AudioStreamError, AudioTimeout, Capture, frame_count
from pytest_orgo._ws import (
    CLOSE_TIMEOUT,
    UrlSource,
    close_from_sync,
    close_with_loop,
    open_sync,
    redact,
    resolve_url,
)

__all__ = [
    "CHANNELS",
    "FRAME_BYTES",
    "FRAME_SECONDS",
    "SAMPLE_RATE",
    "SILENCE_DBFS",
    "AsyncAudioStream",
    "AudioClip",
    "AudioFormatError",
    "AudioStream",
    "AudioStreamError",
    "AudioTimeout",
    "assert_silence",
    "assert_tone",
    "dominant_frequency",
    "duration",
    "frame_bytes",
    "is_silent",
    "peak_dbfs",
    "rms_dbfs",
    "samples",
    "validate_frames",
]


class AudioStream:
    """The audio socket for a plain (sync) test. ``url`` is the audio URL (with its token)
    or a callable returning it; ``timeout`` is added to a read's own length."""

    def __init__(
        self, url: UrlSource, *, timeout: float = 10.0, connect_timeout: float = 10.0
    ) -> None:
        self._capture = Capture(url, timeout, connect_timeout)
        self._ws: ClientConnection | None = None

    @property
    def sample_rate(self) -> int:
        return self._capture.sample_rate

    @property
    def channels(self) -> int:
        return self._capture.channels

    def start(self) -> None:
        """Connect now (reads connect lazily): audio from here on is captured."""
        self._socket()

    def read(
        self,
        seconds: float | None = None,
        *,
        frames: int | None = None,
        timeout: float | None = None,
    ) -> AudioClip:
        """The next ``seconds`` (or ``frames`` 20 ms frames) of audio."""
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
        clip = self.read(seconds)
        clip.assert_tone(frequency, tolerance_hz)
        return clip

    def assert_silence(
        self, *, seconds: float = 0.5, threshold_dbfs: float = SILENCE_DBFS
    ) -> AudioClip:
        """Read ``seconds`` and fail unless it is quieter than ``threshold_dbfs``."""
        clip = self.read(seconds)
        clip.assert_silence(threshold_dbfs)
        return clip

    def close(self) -> None:
        """Ask the server to stop capturing, and close; idempotent.

        The frames already on their way are read and dropped until the server's close: a
        fast stream would otherwise fill the client's queue and hide the close frame,
        making every close wait out its timeout."""
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

    def _socket(self) -> ClientConnection:
        if self._ws is not None:
            return self._ws
        capture = self._capture
        url = resolve_url(capture.url)
        capture.reset()
        capture.shown_url = redact(url)
        try:
            ws = open_sync(url, capture.connect_timeout)
        except Exception as exc:
            raise AudioStreamError(
                f"could not open the audio socket {redact(url)}: {redact(str(exc))}"
            ) from exc
        deadline = time.monotonic() + capture.connect_timeout
        try:
            while not capture.started:
                capture.handle(ws.recv(timeout=max(0.0, deadline - time.monotonic())))
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
        return ws


class AsyncAudioStream:
    """The asyncio twin of :class:`AudioStream`: the same API, with ``await``."""

    def __init__(
        self, url: UrlSource, *, timeout: float = 10.0, connect_timeout: float = 10.0
    ) -> None:
        self._capture = Capture(url, timeout, connect_timeout)
        self._ws: AsyncConnection | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._guard: asyncio.Task[None] | None = None

    @property
    def sample_rate(self) -> int:
        return self._capture.sample_rate

    @property
    def channels(self) -> int:
        return self._capture.channels

    async def start(self) -> None:
        await self._socket()

    async def read(
        self,
        seconds: float | None = None,
        *,
        frames: int | None = None,
        timeout: float | None = None,
    ) -> AudioClip:
        count = frame_count(seconds, frames)
        capture = self._capture
        ws = await self._socket()
        limit = count * FRAME_SECONDS + (capture.timeout if timeout is None else timeout)
        deadline = time.monotonic() + limit
        while len(capture.buffer) < count * capture.frame_size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AudioTimeout(capture.shortfall(count, limit))
            try:
                raw = await asyncio.wait_for(ws.recv(), remaining)
            except TimeoutError:
                continue
            except ConnectionClosed as exc:
                self._ws = None
                raise capture.closed(exc, count) from None
            capture.handle(raw)
        return capture.take(count)

    async def assert_tone(
        self, frequency: float, tolerance_hz: float = 5.0, *, seconds: float = 1.0
    ) -> AudioClip:
        clip = await self.read(seconds)
        clip.assert_tone(frequency, tolerance_hz)
        return clip

    async def assert_silence(
        self, *, seconds: float = 0.5, threshold_dbfs: float = SILENCE_DBFS
    ) -> AudioClip:
        clip = await self.read(seconds)
        clip.assert_silence(threshold_dbfs)
        return clip

    async def aclose(self) -> None:
        """Ask the server to stop capturing, and close (see :meth:`AudioStream.close`)."""
        guard, self._guard = self._guard, None
        if guard is not None and guard is not asyncio.current_task():
            guard.cancel()
        ws, self._ws = self._ws, None
        if ws is None:
            return
        with contextlib.suppress(Exception):  # ends with the server's close (or the deadline)
            await ws.send(json.dumps({"type": "stop"}))
            async with asyncio.timeout(CLOSE_TIMEOUT):
                while True:
                    await ws.recv()
        with contextlib.suppress(Exception):  # a broken socket: nothing left to close
            await ws.close()

    def close(self) -> None:
        """Close from sync code (a fixture's teardown); see ``_ws.close_from_sync``."""
        if self._ws is not None:
            close_from_sync(self._loop, self.aclose)

    async def __aenter__(self) -> AsyncAudioStream:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def _socket(self) -> AsyncConnection:
        if self._ws is not None:
            return self._ws
        capture = self._capture
        url = resolve_url(capture.url)
        capture.reset()
        capture.shown_url = redact(url)
        try:
            ws = await async_connect(
                url, open_timeout=capture.connect_timeout, close_timeout=CLOSE_TIMEOUT
            )
        except Exception as exc:
            raise AudioStreamError(
                f"could not open the audio socket {redact(url)}: {redact(str(exc))}"
            ) from exc
        try:
            async with asyncio.timeout(capture.connect_timeout):
                while not capture.started:
                    capture.handle(await ws.recv())
        except TimeoutError:
            await ws.close()
            raise AudioStreamError(
                f"no 'started' message from {capture.shown_url} "
                f"within {capture.connect_timeout:g} s"
            ) from None
        except ConnectionClosed as exc:
            raise capture.closed(exc, None) from None
        except BaseException:
            await ws.close()
            raise
        self._ws = ws
        self._loop = asyncio.get_running_loop()
        self._guard = close_with_loop(self.aclose)
        return ws
