"""The protocol state the sync and async audio helpers share: the ``started`` message, the
frame check of every binary message, the buffer, and the messages. Import the public names
from :mod:`pytest_orgo.audio`."""

from __future__ import annotations

import json
import math

from websockets.exceptions import ConnectionClosed

from pytest_orgo.errors import OrgoError
from pytest_orgo.helpers._ws import UrlSource, close_of, describe_close
from pytest_orgo.helpers.audio._analysis import (
    CHANNELS,
    FRAME_SECONDS,
    SAMPLE_RATE,
    AudioClip,
    AudioFormatError,
    frame_bytes,
    validate_frames,
)


class AudioStreamError(ConnectionError, OrgoError):
    """The audio socket could not be opened, refused to start, or closed mid-read."""

    __module__ = "pytest_orgo.audio"  # its public path, as failures and pickles name it


class AudioTimeout(AssertionError, TimeoutError, OrgoError):
    """Fewer frames arrived than asked for within the timeout."""

    __module__ = "pytest_orgo.audio"  # its public path, as failures and pickles name it


def frame_count(seconds: float | None, frames: int | None) -> int:
    if frames is not None:
        if seconds is not None:
            raise TypeError("give either seconds or frames, not both")
        count = frames
    elif seconds is not None:
        count = math.ceil(round(seconds / FRAME_SECONDS, 6))  # 1.0 s is 50 frames, not 51
    else:
        raise TypeError("give either seconds or frames")
    if count < 1:
        raise ValueError(
            f"read at least one 20 ms frame, not {seconds if frames is None else frames!r}"
        )
    return count


class Capture:
    """The protocol state both forms share: the format, the buffer, the frame count."""

    def __init__(self, url: UrlSource, timeout: float, connect_timeout: float) -> None:
        self.url = url
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.reset()
        self.shown_url = ""

    def reset(self) -> None:
        self.sample_rate = SAMPLE_RATE
        self.channels = CHANNELS
        self.started = False
        self.buffer = bytearray()
        self.frames = 0  # binary messages received on this connection

    @property
    def frame_size(self) -> int:
        return frame_bytes(self.sample_rate, self.channels)

    def handle(self, raw: str | bytes) -> None:
        __tracebackhide__ = True
        if isinstance(raw, bytes):
            validate_frames(
                [raw], sample_rate=self.sample_rate, channels=self.channels, first_index=self.frames
            )
            self.frames += 1
            self.buffer += raw
            return
        try:
            body = json.loads(raw)
        except ValueError:
            return
        kind = body.get("type") if isinstance(body, dict) else None
        if kind == "started":
            rate, channels = body.get("sample_rate", SAMPLE_RATE), body.get("channels", CHANNELS)
            if not (
                isinstance(rate, int) and rate > 0 and isinstance(channels, int) and channels > 0
            ):
                raise AudioFormatError(
                    f"the 'started' message from {self.shown_url} is unusable: {body}"
                )
            self.started, self.sample_rate, self.channels = True, rate, channels
        elif kind == "error":
            raise AudioStreamError(
                f"the audio socket {self.shown_url} reported: {body.get('message')}"
            )

    def take(self, count: int) -> AudioClip:
        size = count * self.frame_size
        pcm, self.buffer = bytes(self.buffer[:size]), self.buffer[size:]
        return AudioClip(pcm, self.sample_rate, self.channels)

    def shortfall(self, count: int, limit: float) -> str:
        got = len(self.buffer) // self.frame_size
        return (
            f"{got} of {count} audio frames (20 ms each) arrived within {limit:g} s "
            f"from {self.shown_url}"
        )

    def closed(self, exc: ConnectionClosed, count: int | None) -> AudioStreamError:
        how = describe_close(*close_of(exc))
        during = f" after {len(self.buffer) // self.frame_size} of {count} frames" if count else ""
        return AudioStreamError(f"the audio socket {self.shown_url} {how}{during}")
