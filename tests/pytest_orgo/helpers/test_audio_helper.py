"""The audio helper (``pytest_orgo.audio``) without a socket: the analysis and the frame
check on synthesised PCM. The stream's tests are written once in async form in
``tests/pytest_orgo/helpers/test_audio_async.py`` and generated for the sync form."""

from __future__ import annotations

import math

import pytest
from helper_pairs import sine

from pytest_orgo.audio import (
    AudioClip,
    AudioFormatError,
    dominant_frequency,
    is_silent,
    rms_dbfs,
    validate_frames,
)

# -- framing failures ------------------------------------------------------------------------


def test_validate_frames_names_the_bad_frame() -> None:
    good = b"\0" * 960
    assert validate_frames([good, good, good * 2]) == 4  # a message may hold several frames
    with pytest.raises(AudioFormatError) as info:
        validate_frames([good, good, b"\0" * 959])
    assert str(info.value) == (
        "frame 2 is 959 bytes; expected 960 bytes or a multiple of it "
        "(20 ms of s16le PCM at 24000 Hz, 1 channel) (1 byte short)"
    )
    assert isinstance(info.value, AssertionError)
    with pytest.raises(AudioFormatError, match=r"frame 1 is 1920 bytes; expected 960 bytes \("):
        validate_frames([good, good * 2], allow_multiple=False)
    with pytest.raises(AudioFormatError, match=r"frame 0 is 0 bytes.*\(empty\)"):
        validate_frames([b""])


# -- analysis of raw PCM ------------------------------------------------------------------------


def test_analysis_functions_work_on_raw_pcm() -> None:
    tone = sine(440, 1.0)
    assert dominant_frequency(tone) == pytest.approx(440, abs=0.1)
    assert dominant_frequency(sine(1234.5, 0.1)) == pytest.approx(1234.5, abs=1)
    assert rms_dbfs(sine(100, 1.0, amplitude=1.0)) == pytest.approx(-3.01, abs=0.01)
    assert rms_dbfs(b"\0\0" * 480) == -math.inf
    assert is_silent(b"\0\0" * 480) and not is_silent(tone)
    with pytest.raises(ValueError, match="silence has no dominant frequency"):
        dominant_frequency(b"\0\0" * 4800)


def test_clip_assertions_explain_themselves() -> None:
    clip = AudioClip(sine(500, 0.5))
    assert clip.assert_tone(500, tolerance_hz=1) == pytest.approx(500, abs=1)
    with pytest.raises(AssertionError) as wrong:
        clip.assert_tone(440, tolerance_hz=5)
    assert str(wrong.value).startswith(
        "expected a tone at 440 Hz ± 5 Hz, but the dominant frequency is 500.0 Hz (RMS -9.0 dBFS"
    )
    with pytest.raises(AssertionError) as loud:
        clip.assert_silence()
    assert str(loud.value).startswith(
        "expected silence (RMS below -60 dBFS), but the RMS level is -9.0 dBFS, peak -6.0 dBFS, "
        "mostly around 500 Hz"
    )
