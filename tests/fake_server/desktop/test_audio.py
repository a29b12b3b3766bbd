"""The simulated speaker: frame sizes, queueing, the start/stop events and several listeners.

The audio WebSocket only ever calls ``read`` and forwards ``on_start``/``on_stop`` as events, so
these tests pin down exactly what a client would receive.
"""

from __future__ import annotations

import threading

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_server.desktop.audio import (
    FRAME_BYTES,
    FRAME_SAMPLES,
    HISTORY_SAMPLES,
    SAMPLE_RATE,
    AudioPlayer,
)

ONE_SECOND_FRAMES = SAMPLE_RATE // FRAME_SAMPLES  # 50


class Recorder:
    """A player whose events are logged, so tests can assert on their count and order."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.player = AudioPlayer(
            on_start=lambda: self.events.append("start"),
            on_stop=lambda: self.events.append("stop"),
        )


@pytest.fixture
def rec() -> Recorder:
    return Recorder()


def samples(data: bytes) -> npt.NDArray[np.int16]:
    return np.frombuffer(data, dtype="<i2").astype(np.int16)


def read_frames(player: AudioPlayer, cursor: int, count: int) -> tuple[list[bytes], int]:
    """Read ``count`` single frames the way the WebSocket does: 20 ms at a time."""
    frames = []
    for _ in range(count):
        data, cursor = player.read(cursor)
        frames.append(data)
    return frames, cursor


def test_the_constants_describe_20_ms_of_s16le_mono_at_24_khz() -> None:
    assert SAMPLE_RATE == 24_000
    assert FRAME_SAMPLES == SAMPLE_RATE * 20 // 1000 == 480
    assert FRAME_BYTES == FRAME_SAMPLES * 2 == 960


def test_reads_are_whole_frames_and_advance_the_cursor() -> None:
    player = AudioPlayer()
    cursor = player.open_cursor()
    assert cursor == 0
    data, cursor = player.read(cursor)
    assert (len(data), cursor) == (FRAME_BYTES, FRAME_SAMPLES)
    data, cursor = player.read(cursor, frames=7)
    assert (len(data), cursor) == (7 * FRAME_BYTES, 8 * FRAME_SAMPLES)
    assert player.position == 8 * FRAME_SAMPLES


def test_silence_when_nothing_plays(rec: Recorder) -> None:
    data, _ = rec.player.read(0, frames=ONE_SECOND_FRAMES)
    assert data == bytes(ONE_SECOND_FRAMES * FRAME_BYTES)
    assert not rec.player.playing
    assert rec.events == []


def test_a_440_hz_tone_has_its_dominant_frequency_within_1_hz(rec: Recorder) -> None:
    rec.player.play_tone(440, 1.0)
    frames, _ = read_frames(rec.player, rec.player.open_cursor(), ONE_SECOND_FRAMES)
    audio = samples(b"".join(frames)).astype(np.float64)
    assert audio.size == SAMPLE_RATE
    spectrum = np.abs(np.fft.rfft(audio))
    freqs = np.fft.rfftfreq(audio.size, d=1 / SAMPLE_RATE)
    assert abs(freqs[int(np.argmax(spectrum))] - 440) <= 1
    # Amplitude 0.5 of full scale, and the sine reaches it.
    assert 16_000 <= int(np.max(np.abs(audio))) <= 16_384


def test_tones_are_deterministic_and_phase_continuous() -> None:
    first, second = AudioPlayer(), AudioPlayer()
    first.play_tone(1000, 0.5, amplitude=0.8)
    second.play_tone(1000, 0.5, amplitude=0.8)
    a, _ = first.read(0, frames=25)
    b, _ = second.read(0, frames=25)
    assert a == b
    # Frame-by-frame reading gives the very same bytes as one big read: no per-frame phase reset.
    third = AudioPlayer()
    third.play_tone(1000, 0.5, amplitude=0.8)
    frames, _ = read_frames(third, 0, 25)
    assert b"".join(frames) == a
    # A sine at 1 kHz moves at most 2*pi*1000/24000 * peak per sample; a phase jump would not.
    audio = samples(a).astype(np.int64)
    peak = 0.8 * 32_767
    assert int(np.max(np.abs(np.diff(audio)))) <= 2 * np.pi * 1000 / SAMPLE_RATE * peak + 1


def test_audio_played_before_anyone_listens_is_heard_from_its_beginning() -> None:
    player = AudioPlayer()
    clip = np.arange(1, 1 + FRAME_SAMPLES, dtype=np.int16)
    player.play_pcm(clip)
    assert player.position == 0
    data, _ = player.read(player.open_cursor())
    assert np.array_equal(samples(data), clip)


def test_queued_clips_play_back_to_back() -> None:
    player = AudioPlayer()
    first = np.full(700, 111, dtype=np.int16)
    second = np.full(500, -222, dtype=np.int16)
    player.play_pcm(first)
    player.play_pcm(second.astype("<i2").tobytes())
    data, _ = player.read(0, frames=3)
    expected = np.concatenate([first, second, np.zeros(3 * FRAME_SAMPLES - 1200, np.int16)])
    assert np.array_equal(samples(data), expected)


def test_a_clip_played_mid_stream_starts_at_the_position_not_at_zero() -> None:
    player = AudioPlayer()
    _, cursor = player.read(0, frames=2)
    player.play_pcm(np.full(FRAME_SAMPLES, 5, dtype=np.int16))
    data, _ = player.read(cursor)
    assert np.all(samples(data) == 5)
    # The silence already streamed stays silent for anyone replaying it.
    history, _ = player.read(0, frames=2)
    assert history == bytes(2 * FRAME_BYTES)


def test_a_one_second_tone_read_in_frames_gives_one_start_and_one_stop(rec: Recorder) -> None:
    rec.player.play_tone(440, 1.0)
    assert not rec.player.playing  # pending until a listener reaches it
    cursor = rec.player.open_cursor()
    seen: list[tuple[int, list[str], bool]] = []
    for index in range(ONE_SECOND_FRAMES + 10):
        _, cursor = rec.player.read(cursor)
        seen.append((index, list(rec.events), rec.player.playing))
    assert rec.events == ["start", "stop"]
    assert seen[0][1:] == (["start"], True)
    assert seen[ONE_SECOND_FRAMES - 2][1:] == (["start"], True)
    # The stop comes with the frame that reaches the tone's end, not a frame later.
    assert seen[ONE_SECOND_FRAMES - 1][1:] == (["start", "stop"], False)


def test_clips_queued_while_playing_extend_the_same_playback(rec: Recorder) -> None:
    rec.player.play_tone(440, 0.1)
    _, cursor = rec.player.read(0, frames=2)
    rec.player.play_tone(880, 0.1)
    rec.player.play_pcm(np.full(100, 7, dtype=np.int16))
    _, cursor = read_frames(rec.player, cursor, 20)
    assert rec.events == ["start", "stop"]
    # After the silence, a new clip is a new playback with its own start/stop pair.
    rec.player.play_tone(440, 0.02)
    read_frames(rec.player, cursor, 3)
    assert rec.events == ["start", "stop", "start", "stop"]


def test_a_short_clip_inside_one_large_read_fires_start_then_stop(rec: Recorder) -> None:
    rec.player.play_pcm(np.full(10, 1, dtype=np.int16))
    data, _ = rec.player.read(0, frames=4)
    assert rec.events == ["start", "stop"]
    assert np.count_nonzero(samples(data)) == 10


def test_two_listeners_hear_identical_bytes_and_events_fire_once(rec: Recorder) -> None:
    rec.player.play_tone(440, 0.5)
    a = b = rec.player.open_cursor()
    heard_a: list[bytes] = []
    heard_b: list[bytes] = []
    for _ in range(30):
        chunk, a = rec.player.read(a)
        heard_a.append(chunk)
        chunk, b = rec.player.read(b)
        heard_b.append(chunk)
    assert heard_a == heard_b
    assert any(chunk != bytes(FRAME_BYTES) for chunk in heard_a)
    assert rec.events == ["start", "stop"]


def test_a_lagging_listener_replays_without_moving_the_position_or_firing(
    rec: Recorder,
) -> None:
    rec.player.play_tone(440, 0.2)
    leader_audio, leader = rec.player.read(rec.player.open_cursor(), frames=15)
    assert rec.events == ["start", "stop"]
    lagging_audio, _ = rec.player.read(0, frames=15)
    assert lagging_audio == leader_audio
    assert rec.player.position == leader
    assert rec.events == ["start", "stop"]


def test_a_late_listener_joins_at_the_position() -> None:
    player = AudioPlayer()
    player.play_pcm(np.arange(1, 2 * FRAME_SAMPLES + 1, dtype=np.int16))
    _, leader = player.read(0)
    late = player.open_cursor()
    assert late == leader == FRAME_SAMPLES
    data, _ = player.read(late)
    assert np.array_equal(samples(data), np.arange(481, 961, dtype=np.int16))


def test_stop_clears_what_is_scheduled_and_fires_on_stop(rec: Recorder) -> None:
    rec.player.play_tone(440, 1.0)
    rec.player.play_tone(660, 1.0)
    before, cursor = rec.player.read(0, frames=5)
    assert rec.player.playing
    rec.player.stop()
    assert rec.events == ["start", "stop"]
    assert not rec.player.playing
    after, cursor = rec.player.read(cursor, frames=ONE_SECOND_FRAMES * 3)
    assert after == bytes(len(after))
    assert rec.events == ["start", "stop"]  # the cut-off tail does not stop it a second time
    # What was already heard stays heard: a lagging listener gets the same bytes as the leader.
    assert rec.player.read(0, frames=5)[0] == before
    # The next clip starts right at the position.
    rec.player.play_pcm(np.full(FRAME_SAMPLES, 9, dtype=np.int16))
    data, _ = rec.player.read(cursor)
    assert np.all(samples(data) == 9)
    assert rec.events == ["start", "stop", "start", "stop"]


def test_stop_before_anyone_listens_drops_the_clip_silently(rec: Recorder) -> None:
    rec.player.play_tone(440, 1.0)
    rec.player.stop()
    data, _ = rec.player.read(0, frames=ONE_SECOND_FRAMES)
    assert data == bytes(len(data))
    assert rec.events == []


def test_stop_while_silent_fires_nothing(rec: Recorder) -> None:
    rec.player.read(0, frames=3)
    rec.player.stop()
    assert rec.events == []


def test_reset_forgets_everything_without_events(rec: Recorder) -> None:
    rec.player.play_tone(440, 1.0)
    rec.player.read(0, frames=10)
    assert rec.player.playing
    rec.player.reset()
    assert rec.events == ["start"]
    assert (rec.player.position, rec.player.playing, rec.player.open_cursor()) == (0, False, 0)
    data, _ = rec.player.read(0, frames=ONE_SECOND_FRAMES)
    assert data == bytes(len(data))
    assert rec.events == ["start"]


def test_audio_older_than_the_history_window_is_dropped() -> None:
    player = AudioPlayer()
    player.play_pcm(np.full(FRAME_SAMPLES, 3, dtype=np.int16))
    history_frames = HISTORY_SAMPLES // FRAME_SAMPLES
    _, cursor = player.read(0, frames=history_frames)
    # Still within 60 s of the position: a lagging listener hears it.
    assert np.all(samples(player.read(0)[0]) == 3)
    player.read(cursor, frames=2)
    # Now the clip ended more than 60 s ago and has been freed.
    assert player.read(0)[0] == bytes(FRAME_BYTES)


def test_callbacks_may_query_the_player_without_deadlocking() -> None:
    seen: list[tuple[bool, int]] = []
    player = AudioPlayer()
    player.on_start = lambda: seen.append((player.playing, player.position))
    player.on_stop = lambda: seen.append((player.playing, player.position))
    player.play_pcm(np.ones(FRAME_SAMPLES, dtype=np.int16))
    player.read(0, frames=2)
    assert seen == [(False, 2 * FRAME_SAMPLES), (False, 2 * FRAME_SAMPLES)]


def test_callbacks_can_be_set_after_construction() -> None:
    player = AudioPlayer()
    events: list[str] = []
    player.on_start = lambda: events.append("start")
    player.on_stop = lambda: events.append("stop")
    player.play_tone(440, 0.02)
    player.read(0, frames=2)
    assert events == ["start", "stop"]


@pytest.mark.parametrize(
    ("frequency", "seconds", "amplitude"),
    [
        (19.9, 1.0, 0.5),
        (12_000.1, 1.0, 0.5),
        (float("nan"), 1.0, 0.5),
        (440, 0.0, 0.5),
        (440, -1.0, 0.5),
        (440, 600.01, 0.5),
        (440, float("inf"), 0.5),
        (440, 1.0, 0.0),
        (440, 1.0, 1.01),
        (440, 1.0, float("nan")),
    ],
)
def test_play_tone_rejects_out_of_range_arguments(
    frequency: float, seconds: float, amplitude: float
) -> None:
    player = AudioPlayer()
    with pytest.raises(ValueError):
        player.play_tone(frequency, seconds, amplitude)
    assert player.read(0)[0] == bytes(FRAME_BYTES)  # nothing was scheduled


def test_play_tone_accepts_the_edges_of_its_ranges() -> None:
    player = AudioPlayer()
    player.play_tone(20, 0.01, amplitude=1.0)
    player.play_tone(12_000, 0.01, amplitude=1e-3)
    data, _ = player.read(0, frames=1)
    assert np.count_nonzero(samples(data)) > 0


def test_odd_length_bytes_are_rejected() -> None:
    player = AudioPlayer()
    with pytest.raises(ValueError, match="even"):
        player.play_pcm(b"\x00\x01\x02")
    assert player.read(0)[0] == bytes(FRAME_BYTES)


def test_bytes_are_little_endian_signed_16_bit() -> None:
    player = AudioPlayer()
    player.play_pcm(b"\x01\x00\xff\xff\x00\x80\xff\x7f")
    data, _ = player.read(0)
    assert samples(data)[:4].tolist() == [1, -1, -32_768, 32_767]
    assert data[:8] == b"\x01\x00\xff\xff\x00\x80\xff\x7f"


def test_float_arrays_are_scaled_to_int16() -> None:
    player = AudioPlayer()
    player.play_pcm(np.array([0.0, 1.0, -1.0, 0.5, -0.25], dtype=np.float32))
    data, _ = player.read(0)
    assert samples(data)[:5].tolist() == [0, 32_767, -32_767, 16_384, -8_192]


@pytest.mark.parametrize(
    "bad",
    [
        np.array([0.5, 1.5]),
        np.array([0.0, float("nan")]),
        np.array([float("-inf")]),
        np.zeros((2, 480), dtype=np.int16),
        np.zeros(480, dtype=np.int32),
    ],
    ids=["float-over-range", "nan", "inf", "stereo-2d", "int32"],
)
def test_invalid_arrays_are_rejected(bad: npt.NDArray[np.generic]) -> None:
    with pytest.raises(ValueError):
        AudioPlayer().play_pcm(bad)


def test_non_audio_types_are_rejected() -> None:
    with pytest.raises(TypeError):
        AudioPlayer().play_pcm([1, 2, 3])  # type: ignore[arg-type]


def test_the_player_keeps_its_own_copy_of_the_samples() -> None:
    player = AudioPlayer()
    clip = np.full(FRAME_SAMPLES, 4, dtype=np.int16)
    player.play_pcm(clip)
    clip[:] = 0
    assert np.all(samples(player.read(0)[0]) == 4)


def test_empty_clips_are_a_no_op(rec: Recorder) -> None:
    rec.player.play_pcm(b"")
    rec.player.play_pcm(np.zeros(0, dtype=np.int16))
    rec.player.read(0, frames=2)
    assert rec.events == []


@pytest.mark.parametrize(("cursor", "frames"), [(-1, 1), (0, 0), (0, -3)])
def test_read_rejects_negative_cursors_and_empty_reads(cursor: int, frames: int) -> None:
    player = AudioPlayer()
    with pytest.raises(ValueError):
        player.read(cursor, frames)
    assert player.position == 0


def test_a_reader_thread_and_a_player_thread_agree() -> None:
    """The WebSocket thread reads while the test thread plays: nothing is lost, torn or mixed."""
    events: list[str] = []
    player = AudioPlayer(lambda: events.append("start"), lambda: events.append("stop"))
    clips, clip_samples = 200, 300
    done = threading.Event()
    chunks: list[bytes] = []

    def listen() -> None:
        cursor = player.open_cursor()
        while True:
            # Every play happened before ``done`` was set, so once a read that began after it
            # leaves the player idle, all of the audio has been consumed.
            finished = done.is_set()
            chunk, cursor = player.read(cursor)
            chunks.append(chunk)
            if finished and not player.playing:
                return

    reader = threading.Thread(target=listen)
    reader.start()
    for index in range(clips):
        player.play_pcm(np.full(clip_samples, index + 1, dtype=np.int16))
    done.set()
    reader.join(timeout=30)
    assert not reader.is_alive()
    assert all(len(chunk) == FRAME_BYTES for chunk in chunks)
    heard = samples(b"".join(chunks))
    # Clips never mix or reorder: the non-silent samples are the clips in play order.
    assert np.array_equal(heard[heard != 0], np.repeat(np.arange(1, clips + 1), clip_samples))
    assert len(events) >= 2
    assert events == ["start", "stop"] * (len(events) // 2)


# -- property: the stream is the clips laid end to end, padded with silence ----------------

_clip = st.binary(min_size=0, max_size=3_000).map(lambda b: b[: len(b) // 2 * 2])
_step = st.one_of(
    st.tuples(st.just("play"), _clip),
    st.tuples(st.just("read"), st.integers(min_value=1, max_value=6)),
    st.tuples(st.just("stop"), st.just(0)),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_step, max_size=40))
def test_any_plays_and_reads_give_whole_frames_of_the_expected_timeline(
    steps: list[tuple[str, bytes | int]],
) -> None:
    """A naive reference model (a growing byte string) predicts every byte and every event."""
    events: list[str] = []
    player = AudioPlayer(lambda: events.append("start"), lambda: events.append("stop"))
    timeline = bytearray()  # what the single listener should hear, byte for byte
    scheduled_end = 0  # in bytes, like every offset below
    session_start: int | None = None  # where the current, not yet finished, playback begins
    playbacks = 0  # finished playbacks that a listener actually entered

    cursor = player.open_cursor()
    heard = bytearray()

    def read(frames: int) -> None:
        nonlocal cursor, session_start, playbacks
        data, cursor = player.read(cursor, frames)
        assert len(data) == frames * FRAME_BYTES
        heard.extend(data)
        if session_start is not None and len(heard) >= scheduled_end:
            playbacks += 1
            session_start = None
        assert player.playing == (session_start is not None and len(heard) > session_start)

    for kind, arg in steps:
        position = len(heard)
        if kind == "play":
            assert isinstance(arg, bytes)
            player.play_pcm(arg)
            if arg:
                start = max(position, scheduled_end)
                if session_start is None:
                    session_start = start
                timeline.extend(bytes(max(0, start - len(timeline))))
                timeline[start : start + len(arg)] = arg
                scheduled_end = start + len(arg)
        elif kind == "read":
            assert isinstance(arg, int)
            read(arg)
        else:
            player.stop()
            if session_start is not None and position > session_start:
                playbacks += 1  # it had started, so stop() ends it with an on_stop
            session_start = None
            del timeline[position:]
            scheduled_end = min(scheduled_end, position)
    while len(heard) < scheduled_end:
        read(1)

    expected = bytes(timeline) + bytes(max(0, len(heard) - len(timeline)))
    assert bytes(heard) == expected
    assert player.position * 2 == len(heard)
    assert not player.playing
    assert events == ["start", "stop"] * playbacks
    # Replaying from the start (a lagging listener) gives the same bytes and fires nothing.
    if heard:
        replay, _ = player.read(0, len(heard) // FRAME_BYTES)
        assert replay == bytes(heard)
        assert events == ["start", "stop"] * playbacks
