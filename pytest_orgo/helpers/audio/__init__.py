"""Listening to the desktop in a test: ``computer.audio`` (sync), ``computer.async_audio``
(asyncio), and the analysis functions for raw PCM.

The async form (``_async.py``) is the one source; the sync form (``_sync.py``) is generated
from it by ``scripts/unasync.py``.

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

from pytest_orgo.helpers.audio._analysis import (
    CHANNELS,
    FRAME_BYTES,
    FRAME_SECONDS,
    SAMPLE_RATE,
    SILENCE_DBFS,
    AudioClip,
    AudioFormatError,
    AudioMismatch,
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
from pytest_orgo.helpers.audio._async import AsyncAudioStream
from pytest_orgo.helpers.audio._capture import AudioStreamError, AudioTimeout
from pytest_orgo.helpers.audio._sync import AudioStream

__all__ = [
    "CHANNELS",
    "FRAME_BYTES",
    "FRAME_SECONDS",
    "SAMPLE_RATE",
    "SILENCE_DBFS",
    "AsyncAudioStream",
    "AudioClip",
    "AudioFormatError",
    "AudioMismatch",
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
