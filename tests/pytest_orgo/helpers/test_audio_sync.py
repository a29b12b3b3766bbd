# Generated from test_audio_async.py by scripts/unasync.py: edit that, then run the script.
"""The audio stream helper against the bundled fake and a deliberately broken server,
written once in async form; ``scripts/unasync.py`` generates ``test_audio_sync.py``.

The fake streams in real time unless asked for ``pace=fast``; these tests ask for it, so
a second of audio takes milliseconds. Every read is bounded by a timeout."""

from __future__ import annotations

import math

import pytest
from helper_pairs import desktop, fast

from pytest_orgo.audio import AudioFormatError, AudioStream, AudioStreamError, frame_bytes
from pytest_orgo.computer import OrgoComputer


def test_a_440_hz_tone_played_on_the_desktop_is_found_within_5_hz(
    computer: OrgoComputer,
) -> None:
    desktop(computer).play_tone(440, 1.0)
    with AudioStream(fast(computer.audio_url)) as audio:
        clip = audio.assert_tone(440, tolerance_hz=5, seconds=1.0)
        assert (audio.sample_rate, audio.channels) == (24_000, 1)  # from the started message
    assert abs(clip.dominant_frequency() - 440) < 5
    assert (clip.duration, clip.frames, len(clip.pcm)) == (1.0, 50, 48_000)
    assert clip.rms_dbfs == pytest.approx(-9.03, abs=0.05)  # a half-scale sine


def test_silence_is_detected(computer: OrgoComputer) -> None:
    with AudioStream(fast(computer.audio_url)) as audio:
        clip = audio.assert_silence(seconds=0.5)
        assert clip.is_silent() and clip.rms_dbfs == -math.inf
        with pytest.raises(AssertionError) as info:
            audio.assert_tone(880, seconds=0.2)
        assert "the audio is silent" in str(info.value)
    desktop(computer).play_tone(880, 0.4)  # a listener that joins now hears it at once
    with AudioStream(fast(computer.audio_url)) as audio, pytest.raises(AssertionError):
        audio.assert_silence(seconds=0.2)


def test_reads_are_contiguous_and_count_frames(computer: OrgoComputer) -> None:
    desktop(computer).play_tone(300, 0.2)
    desktop(computer).play_tone(600, 0.2)  # queued after the first
    with AudioStream(fast(computer.audio_url)) as audio:
        low, high = audio.read(0.2), audio.read(frames=10)
        assert low.dominant_frequency() == pytest.approx(300, abs=1)
        assert high.dominant_frequency() == pytest.approx(600, abs=1)
        assert (audio.read(frames=1)).is_silent()
        with pytest.raises(TypeError, match="either seconds or frames"):
            audio.read(0.1, frames=5)


def test_the_default_realtime_stream_of_the_computer(computer: OrgoComputer) -> None:
    desktop(computer).play_tone(1000, 0.2)
    assert computer.audio is computer.audio  # one helper per computer
    clip = computer.audio.read(0.2)  # real time: takes about 0.2 s
    assert clip.dominant_frequency() == pytest.approx(1000, abs=2)


def test_48_khz_stereo_follows_the_started_message(computer: OrgoComputer) -> None:
    desktop(computer).play_tone(440, 0.5)
    with AudioStream(fast(computer.audio_url) + "&sample_rate=48000&channels=2") as audio:
        clip = audio.read(0.5)
        assert (audio.sample_rate, audio.channels) == (48_000, 2)
    assert len(clip.pcm) == 25 * frame_bytes(48_000, 2) == 25 * 3840
    assert clip.dominant_frequency() == pytest.approx(440, abs=1)


def test_a_malformed_frame_from_the_stream_fails_the_read(broken_server: str) -> None:
    audio = AudioStream(broken_server, timeout=5)
    with pytest.raises(AudioFormatError) as info:
        audio.read(frames=3)
    audio.close()
    assert str(info.value).startswith("frame 2 is 959 bytes; expected 960 bytes")


def test_a_bad_token_fails_with_the_close_code(computer: OrgoComputer) -> None:
    url = computer.audio_url.replace(computer.password, "wrong")
    with pytest.raises(AudioStreamError) as info:
        AudioStream(url).read(0.1)
    assert "closed with code 4401" in str(info.value)
    assert "token=***" in str(info.value) and "wrong" not in str(info.value)
