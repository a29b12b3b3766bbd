"""Checking audio in a test: framing, level, silence and pitch of raw PCM (import these from
:mod:`pytest_orgo.audio`).

Orgo streams the desktop's sound as PCM s16le (24 kHz mono by default) in 20 ms frames:
960 bytes each. Everything here works on plain ``bytes``, so it serves a recording made
by :class:`~pytest_orgo.audio.AudioStream`, a fixture file or a synthesised buffer alike.

Conventions, chosen so numbers match what audio tools print:

* Levels are dBFS relative to a full-scale *square* wave: silence is ``-inf``, a
  full-scale sine is -3.01 dBFS, a half-scale sine about -9.03 dBFS.
* "Silent" means an RMS level below -60 dBFS (well under any audible content, well
  above dither); every function takes the threshold as a parameter.
* :func:`dominant_frequency` uses a Hann window (so a strong tone does not leak over the
  spectrum), zero-pads to four times the length (finer bins) and refines the peak by
  fitting a parabola to the log magnitudes around it (a Gaussian fit, exact for a
  Gaussian window and within a small fraction of a bin for Hann). From ~1 s of a clean
  tone the error is far below 0.1 Hz; from 100 ms, well under 1 Hz.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from pytest_orgo.errors import OrgoError

SAMPLE_RATE: Final = 24_000
"""Orgo's default sample rate (48000 can be asked for)."""
CHANNELS: Final = 1
FRAME_SECONDS: Final = 0.02
"""Each frame is 20 ms of audio."""
FRAME_BYTES: Final = 960
"""A frame at the defaults: 480 samples of 2 bytes."""
SILENCE_DBFS: Final = -60.0

Samples = npt.NDArray[np.float64]


class AudioMismatch(AssertionError, OrgoError):
    """``assert_tone`` / ``assert_silence`` found other audio than expected (silence
    where a tone was due, another pitch, sound where silence was): a test failure."""

    __module__ = "pytest_orgo.audio"


class AudioFormatError(AssertionError, OrgoError):
    """The bytes are not the PCM the stream promised (a frame of the wrong size, an odd
    byte count). A test failure: the server broke the protocol."""

    __module__ = "pytest_orgo.audio"  # its public path, as failures and pickles name it


def frame_bytes(sample_rate: int = SAMPLE_RATE, channels: int = CHANNELS) -> int:
    """Bytes in one 20 ms frame of s16le at this rate and channel count (960 at 24 kHz mono)."""
    return round(sample_rate * FRAME_SECONDS) * channels * 2


def validate_frames(
    frames: Iterable[bytes],
    *,
    sample_rate: int = SAMPLE_RATE,
    channels: int = CHANNELS,
    allow_multiple: bool = True,
    first_index: int = 0,
) -> int:
    """Check each message's size; returns how many 20 ms frames they hold.

    Orgo says one binary message "may hold one or more frames", so a size that is a
    whole multiple of the frame passes unless ``allow_multiple=False``. A failure names
    the frame (its index, counted from ``first_index``), its size and what was expected.
    """
    __tracebackhide__ = True
    size = frame_bytes(sample_rate, channels)
    expected = f"{size} bytes" + (" or a multiple of it" if allow_multiple else "")
    what = (
        f"20 ms of s16le PCM at {sample_rate} Hz, {channels} channel{'s' if channels > 1 else ''}"
    )
    total = 0
    for index, frame in enumerate(frames, start=first_index):
        length = len(frame)
        whole = length > 0 and length % size == 0 and (allow_multiple or length == size)
        if not whole:
            off = length - size * max(1, round(length / size))
            detail = (
                f" ({abs(off)} byte{'s' if abs(off) != 1 else ''} {'short' if off < 0 else 'over'})"
            )
            raise AudioFormatError(
                f"frame {index} is {length} bytes; expected {expected} ({what})"
                + (detail if length else " (empty)")
            )
        total += length // size
    return total


def samples(pcm: bytes, channels: int = CHANNELS) -> Samples:
    """The PCM as floats in [-1, 1), channels averaged to mono."""
    if len(pcm) % (2 * channels):
        raise AudioFormatError(
            f"{len(pcm)} bytes is not a whole number of s16le samples for {channels} channel(s)"
        )
    values = np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768.0
    return values.reshape(-1, channels).mean(axis=1) if channels > 1 else values


def duration(pcm: bytes, sample_rate: int = SAMPLE_RATE, channels: int = CHANNELS) -> float:
    """Seconds of audio in ``pcm``."""
    return len(pcm) / (2 * channels * sample_rate)


def rms_dbfs(pcm: bytes, channels: int = CHANNELS) -> float:
    """The RMS level in dBFS (``-inf`` for digital silence)."""
    values = _nonempty(pcm, channels)
    rms = math.sqrt(float(np.mean(values * values)))
    return 20 * math.log10(rms) if rms > 0 else -math.inf


def peak_dbfs(pcm: bytes, channels: int = CHANNELS) -> float:
    """The highest absolute sample in dBFS (``-inf`` for digital silence)."""
    peak = float(np.max(np.abs(_nonempty(pcm, channels))))
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def is_silent(pcm: bytes, threshold_dbfs: float = SILENCE_DBFS, channels: int = CHANNELS) -> bool:
    """True when the RMS level is below ``threshold_dbfs``."""
    return rms_dbfs(pcm, channels) < threshold_dbfs


def dominant_frequency(
    pcm: bytes,
    sample_rate: int = SAMPLE_RATE,
    channels: int = CHANNELS,
    *,
    min_hz: float = 20.0,
    max_hz: float | None = None,
) -> float:
    """The strongest frequency in ``pcm``, in Hz, searched between ``min_hz`` and
    ``max_hz`` (default: Nyquist). Raises ``ValueError`` for silence or < 64 samples."""
    values = _nonempty(pcm, channels)
    if values.size < 64:
        raise ValueError(f"{values.size} samples are too few to find a frequency (need 64)")
    values = values - float(np.mean(values))
    if not np.any(values):
        raise ValueError("silence has no dominant frequency")
    size = 1 << math.ceil(math.log2(values.size * 4))
    spectrum = np.abs(np.fft.rfft(values * np.hanning(values.size), size))
    bin_hz = sample_rate / size
    top = sample_rate / 2 if max_hz is None else min(max_hz, sample_rate / 2)
    low, high = max(1, math.ceil(min_hz / bin_hz)), min(spectrum.size - 2, math.floor(top / bin_hz))
    if low > high:
        raise ValueError(f"no frequencies between {min_hz:g} and {top:g} Hz at {sample_rate} Hz")
    peak = low + int(np.argmax(spectrum[low : high + 1]))
    left, centre, right = np.log(spectrum[peak - 1 : peak + 2] + 1e-300)
    curvature = left - 2 * centre + right
    shift = 0.5 * (left - right) / curvature if curvature < 0 else 0.0
    return float((peak + shift) * bin_hz)


def assert_tone(
    pcm: bytes,
    frequency: float,
    tolerance_hz: float = 5.0,
    *,
    sample_rate: int = SAMPLE_RATE,
    channels: int = CHANNELS,
    threshold_dbfs: float = SILENCE_DBFS,
) -> float:
    """Fail unless ``pcm`` is audible and its dominant frequency is within
    ``tolerance_hz`` of ``frequency``; returns the frequency found."""
    __tracebackhide__ = True
    seconds = duration(pcm, sample_rate, channels)
    level = rms_dbfs(pcm, channels)
    if level < threshold_dbfs:
        raise AudioMismatch(
            f"expected a {frequency:g} Hz tone, but the audio is silent: RMS {level:.1f} dBFS "
            f"(threshold {threshold_dbfs:g}) over {seconds:.2f} s"
        )
    found = dominant_frequency(pcm, sample_rate, channels)
    if abs(found - frequency) > tolerance_hz:
        raise AudioMismatch(
            f"expected a tone at {frequency:g} Hz ± {tolerance_hz:g} Hz, but the dominant "
            f"frequency is {found:.1f} Hz (RMS {level:.1f} dBFS over {seconds:.2f} s)"
        )
    return found


def assert_silence(
    pcm: bytes,
    threshold_dbfs: float = SILENCE_DBFS,
    *,
    sample_rate: int = SAMPLE_RATE,
    channels: int = CHANNELS,
) -> float:
    """Fail unless the RMS level is below ``threshold_dbfs``; returns the level."""
    __tracebackhide__ = True
    level = rms_dbfs(pcm, channels)
    if level >= threshold_dbfs:
        try:
            pitch = f", mostly around {dominant_frequency(pcm, sample_rate, channels):.0f} Hz"
        except ValueError:
            pitch = ""
        raise AudioMismatch(
            f"expected silence (RMS below {threshold_dbfs:g} dBFS), but the RMS level is "
            f"{level:.1f} dBFS, peak {peak_dbfs(pcm, channels):.1f} dBFS{pitch}, over "
            f"{duration(pcm, sample_rate, channels):.2f} s"
        )
    return level


def _nonempty(pcm: bytes, channels: int) -> Samples:
    values = samples(pcm, channels)
    if not values.size:
        raise ValueError("no audio: the PCM is empty")
    return values


@dataclass(frozen=True)
class AudioClip:
    """Recorded PCM with its format, and the checks above as methods."""

    pcm: bytes
    sample_rate: int = SAMPLE_RATE
    channels: int = CHANNELS

    @property
    def duration(self) -> float:
        return duration(self.pcm, self.sample_rate, self.channels)

    @property
    def frames(self) -> int:
        """Whole 20 ms frames in the clip."""
        return len(self.pcm) // frame_bytes(self.sample_rate, self.channels)

    @property
    def samples(self) -> Samples:
        return samples(self.pcm, self.channels)

    @property
    def rms_dbfs(self) -> float:
        return rms_dbfs(self.pcm, self.channels)

    @property
    def peak_dbfs(self) -> float:
        return peak_dbfs(self.pcm, self.channels)

    def is_silent(self, threshold_dbfs: float = SILENCE_DBFS) -> bool:
        return is_silent(self.pcm, threshold_dbfs, self.channels)

    def dominant_frequency(self, *, min_hz: float = 20.0, max_hz: float | None = None) -> float:
        return dominant_frequency(
            self.pcm, self.sample_rate, self.channels, min_hz=min_hz, max_hz=max_hz
        )

    def assert_tone(self, frequency: float, tolerance_hz: float = 5.0) -> float:
        __tracebackhide__ = True
        return assert_tone(
            self.pcm, frequency, tolerance_hz, sample_rate=self.sample_rate, channels=self.channels
        )

    def assert_silence(self, threshold_dbfs: float = SILENCE_DBFS) -> float:
        __tracebackhide__ = True
        return assert_silence(
            self.pcm, threshold_dbfs, sample_rate=self.sample_rate, channels=self.channels
        )

    def __repr__(self) -> str:
        return f"AudioClip({self.duration:.2f} s, {self.sample_rate} Hz, {self.channels} ch)"
