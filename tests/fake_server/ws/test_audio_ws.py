"""The audio WebSocket (orgo-api.md section 14), with both client libraries.

A JSON ``started`` frame, then binary PCM s16le in 20 ms frames: 960 bytes at the default
24 kHz mono. ``?pace=fast`` (a fake-only parameter) sends frames as fast as the client
takes them, so a test can listen to seconds of audio in milliseconds.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from fake_server import FakeOrgo
from tests.fake_server.ws.ws_support import (
    PC,
    Client,
    Opener,
    close_code,
    recv_json,
    roundtrip,
    send_json,
)

pytestmark = pytest.mark.timeout(60)


def open_audio(
    pc: PC, open_ws: Opener, sample_rate: int = 24000, channels: int = 1, **query: object
) -> Client:
    if (sample_rate, channels) != (24000, 1):
        query.update(sample_rate=sample_rate, channels=channels)
    client = open_ws(pc.url("audio", **query))
    started = recv_json(client)
    assert started == {"type": "started", "sample_rate": sample_rate, "channels": channels}
    return client


def frames(client: Client, count: int, size: int = 960) -> list[bytes]:
    received = []
    for _ in range(count):
        frame = client.recv()
        assert isinstance(frame, bytes), frame
        assert len(frame) == size
        received.append(frame)
    return received


def samples(chunks: list[bytes]) -> np.ndarray:
    return np.frombuffer(b"".join(chunks), dtype="<i2")


def dominant_frequency(signal: np.ndarray, sample_rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(signal.astype(np.float64) * np.hanning(len(signal))))
    spectrum[0] = 0.0
    return float(np.fft.rfftfreq(len(signal), 1 / sample_rate)[int(np.argmax(spectrum))])


def test_the_first_frame_is_started_with_the_defaults(pc: PC, open_ws: Opener) -> None:
    client = open_audio(pc, open_ws)  # asserts the started frame exactly
    assert len(frames(client, 1)[0]) == 960


def test_silence_is_all_zero_frames_of_960_bytes(pc: PC, open_ws: Opener) -> None:
    client = open_audio(pc, open_ws, pace="fast")
    chunks = frames(client, 50)
    assert all(chunk == bytes(960) for chunk in chunks)


def test_a_440_hz_tone_is_heard_at_440_hz(pc: PC, open_ws: Opener) -> None:
    pc.handle.play_tone(440, 1.0, amplitude=0.5)  # waits for its first listener
    client = open_audio(pc, open_ws, pace="fast")
    chunks = frames(client, 60)  # 1.2 s: the whole tone, then silence
    tone = samples(chunks[:50])
    assert dominant_frequency(tone, 24000) == pytest.approx(440, abs=5)
    assert 0.45 * 32767 <= np.abs(tone).max() <= 0.5 * 32767 + 1
    assert all(chunk == bytes(960) for chunk in chunks[50:])


def test_48_khz_stereo_frames_are_3840_bytes_and_carry_the_same_tone(
    pc: PC, open_ws: Opener
) -> None:
    pc.handle.play_tone(440, 0.5)
    client = open_audio(pc, open_ws, sample_rate=48000, channels=2, pace="fast")
    interleaved = samples(frames(client, 25, size=3840)).reshape(-1, 2)
    left, right = interleaved[:, 0], interleaved[:, 1]
    assert np.array_equal(left, right)
    assert len(left) == 25 * 960  # 20 ms per frame at 48 kHz
    assert dominant_frequency(left, 48000) == pytest.approx(440, abs=5)


@pytest.mark.parametrize(
    "query",
    [
        {"sample_rate": 44100},
        {"sample_rate": "fast"},
        {"channels": 3},
        {"sample_rate": 48000, "channels": 0},
    ],
)
def test_an_invalid_format_gets_an_error(pc: PC, open_ws: Opener, query: dict[str, object]) -> None:
    client = open_ws(pc.url("audio", **query))
    reply = recv_json(client)
    assert reply["type"] == "error" and set(reply) == {"type", "message"}
    assert "sample_rate" in reply["message"]
    assert close_code(client) == 1000


def test_fast_pace_is_much_faster_than_real_time(pc: PC, open_ws: Opener) -> None:
    client = open_audio(pc, open_ws, pace="fast")
    started = time.monotonic()
    frames(client, 250)  # 5 s of audio
    assert time.monotonic() - started < 2.5


def test_real_time_pace_is_paced(pc: PC, open_ws: Opener) -> None:
    client = open_audio(pc, open_ws)
    frames(client, 1)
    started = time.monotonic()
    frames(client, 15)  # 300 ms of audio
    assert time.monotonic() - started >= 0.2


def test_the_fake_wide_pace_setting_applies_without_the_query(
    live_fake: FakeOrgo, pc: PC, open_ws: Opener
) -> None:
    live_fake.audio_pace = "fast"
    try:
        client = open_audio(pc, open_ws)
        started = time.monotonic()
        frames(client, 250)
        assert time.monotonic() - started < 2.5
    finally:
        live_fake.audio_pace = "realtime"


def test_ping_gets_pong_between_audio_frames(pc: PC, open_ws: Opener) -> None:
    client = open_audio(pc, open_ws)
    frames(client, 2)
    roundtrip(client, skip_binary=True)
    frames(client, 2)  # and the stream goes on


def test_an_unknown_message_gets_an_error_and_the_stream_goes_on(pc: PC, open_ws: Opener) -> None:
    client = open_audio(pc, open_ws)
    client.send('{"type": "louder"}')
    for _ in range(1000):
        message = client.recv()
        if isinstance(message, str):
            break
    else:
        raise AssertionError("no reply")
    assert '"error"' in message and "louder" in message
    frames(client, 2)


def test_stop_ends_capture_with_close_1000(pc: PC, open_ws: Opener) -> None:
    client = open_audio(pc, open_ws)
    frames(client, 1)
    send_json(client, {"type": "stop"})
    assert close_code(client) == 1000
    # the server unregisters the socket just after sending its close: give it a moment
    deadline = time.monotonic() + 2
    while pc.fake.sockets.count(pc.id) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert pc.fake.sockets.count(pc.id) == 0
