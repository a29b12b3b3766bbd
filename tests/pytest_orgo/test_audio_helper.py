"""The audio helper (``pytest_orgo.audio``): the stream against the bundled fake, the
analysis on synthesised PCM, and framing failures from a deliberately broken server.

The fake streams in real time unless asked for ``pace=fast``; these tests ask for it, so
a second of audio takes milliseconds. Every read is bounded by a timeout."""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterator

import numpy as np
import pytest
from websockets.sync.server import ServerConnection, serve

from fake_server.handle import DesktopHandle
from pytest_orgo.audio import (
    AsyncAudioStream,
    AudioClip,
    AudioFormatError,
    AudioStream,
    AudioStreamError,
    dominant_frequency,
    frame_bytes,
    is_silent,
    rms_dbfs,
    validate_frames,
)
from pytest_orgo.computer import OrgoComputer


@pytest.fixture
def computer(orgo_computer: OrgoComputer) -> Iterator[OrgoComputer]:
    yield orgo_computer
    orgo_computer.close()


def desktop(computer: OrgoComputer) -> DesktopHandle:
    assert computer.desktop is not None, "these tests drive the fake's desktop"
    return computer.desktop


def fast(url: str) -> str:
    return url + "&pace=fast"


def sine(frequency: float, seconds: float, rate: int = 24_000, amplitude: float = 0.5) -> bytes:
    t = np.arange(round(seconds * rate)) / rate
    return (np.sin(2 * np.pi * frequency * t) * amplitude * 32767).astype("<i2").tobytes()


# -- the stream ------------------------------------------------------------------------------


def test_a_440_hz_tone_played_on_the_desktop_is_found_within_5_hz(computer: OrgoComputer) -> None:
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
        assert audio.read(frames=1).is_silent()
        with pytest.raises(TypeError, match="either seconds or frames"):
            audio.read(0.1, frames=5)


def test_the_default_realtime_stream_of_the_computer(computer: OrgoComputer) -> None:
    desktop(computer).play_tone(1000, 0.2)
    assert computer.audio is computer.audio  # one helper per computer, made on first use
    clip = computer.audio.read(0.2)  # real time: takes about 0.2 s
    assert clip.dominant_frequency() == pytest.approx(1000, abs=2)


def test_48_khz_stereo_follows_the_started_message(computer: OrgoComputer) -> None:
    desktop(computer).play_tone(440, 0.5)
    with AudioStream(fast(computer.audio_url) + "&sample_rate=48000&channels=2") as audio:
        clip = audio.read(0.5)
        assert (audio.sample_rate, audio.channels) == (48_000, 2)
    assert len(clip.pcm) == 25 * frame_bytes(48_000, 2) == 25 * 3840
    assert clip.dominant_frequency() == pytest.approx(440, abs=1)


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


@pytest.fixture
def broken_server() -> Iterator[str]:
    """A socket that speaks the audio protocol but sends a 959-byte frame third."""

    def handler(ws: ServerConnection) -> None:
        ws.send(json.dumps({"type": "started", "sample_rate": 24000, "channels": 1}))
        ws.send(sine(440, 0.02))
        ws.send(sine(440, 0.02))
        ws.send(sine(440, 0.02)[:959])
        for message in ws:  # until the client asks to stop, as the protocol says
            if json.loads(message).get("type") == "stop":
                ws.close()

    with serve(handler, "127.0.0.1", 0) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        host, port = server.socket.getsockname()[:2]
        yield f"ws://{host}:{port}/audio?token=t"
        server.shutdown()
        thread.join(timeout=5)


def test_a_malformed_frame_from_the_stream_fails_the_read(broken_server: str) -> None:
    with AudioStream(broken_server, timeout=5) as audio, pytest.raises(AudioFormatError) as info:
        audio.read(frames=3)
    assert str(info.value).startswith("frame 2 is 959 bytes; expected 960 bytes")


def test_a_bad_token_fails_with_the_close_code(computer: OrgoComputer) -> None:
    url = computer.audio_url.replace(computer.password, "wrong")
    with pytest.raises(AudioStreamError) as info:
        AudioStream(url).read(0.1)
    assert "closed with code 4401" in str(info.value)
    assert "token=***" in str(info.value) and "wrong" not in str(info.value)


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


# -- the async twin ---------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_async_tone_and_silence(computer: OrgoComputer) -> None:
    desktop(computer).play_tone(440, 1.0)
    async with AsyncAudioStream(fast(computer.audio_url)) as audio:
        clip = await audio.assert_tone(440, tolerance_hz=5)
        assert abs(clip.dominant_frequency() - 440) < 5
        silent = await audio.assert_silence(seconds=0.2)
        assert silent.rms_dbfs == -math.inf


@pytest.mark.asyncio
async def test_async_malformed_frame(broken_server: str) -> None:
    async with AsyncAudioStream(broken_server, timeout=5) as audio:
        with pytest.raises(AudioFormatError, match="frame 2 is 959 bytes"):
            await audio.read(frames=3)


@pytest.mark.asyncio
async def test_async_helper_of_the_computer(computer: OrgoComputer) -> None:
    desktop(computer).play_tone(700, 0.2)
    clip = await computer.async_audio.read(0.2)  # real time
    assert clip.dominant_frequency() == pytest.approx(700, abs=2)
