"""The simulated computer's sound output, as the fake's audio WebSocket streams it.

Orgo streams the desktop's audio as PCM s16le, 24 kHz, mono, in 20 ms frames (480 samples,
960 bytes). Nothing here keeps time: a fake has no sound card clock, and tying playback to the
wall clock would make tests slow and flaky. Instead **the listeners are the clock**:

* The playback *position* (in samples) advances only as listeners consume audio; it is the
  furthest cursor any :meth:`AudioPlayer.read` has reached. A test that reads 50 frames has
  "listened" to exactly one second, however long that took in real time.
* ``play_*`` schedules a clip to start at ``max(position, end of the last scheduled clip)``.
  Clips therefore queue back to back (a second ``play_tone`` follows the first rather than
  mixing into it), and audio played before anyone connects is not lost: it waits at the
  position and the first listener hears it from the beginning, as a test expects.
* :meth:`AudioPlayer.read` returns the scheduled samples where the requested range overlaps
  clips and silence (zeros) elsewhere, always exactly ``frames * 960`` bytes, because the real
  stream never stalls: it sends silence when nothing plays.
* Events describe what the *position* does, so they come out once however many listeners
  there are: ``on_start`` fires when the position first enters audio after silence and
  ``on_stop`` when it reaches the end of the last scheduled clip. A 1 s tone read in 20 ms
  frames gives exactly one start and one stop; clips queued while playing extend the same
  playback rather than producing a stop/start pair. The desktop maps these to the
  ``audio_stream_start`` / ``audio_stream_stop`` events. :attr:`AudioPlayer.playing` is true
  between the two, so it always agrees with the events a client has seen.
* Each listener keeps its own cursor (an int from :meth:`AudioPlayer.open_cursor`) and hears
  the same bytes for the same range. A listener that lags behind reads history: it does not
  move the position back and does not fire events again.

Memory: cursors are plain ints the caller owns, so the player cannot know the slowest live
listener and cannot free audio "once everyone has heard it". It keeps clips until they end
more than :data:`HISTORY_SAMPLES` (60 s of audio) behind the position and then drops them; a
listener lagging further than that hears silence for the dropped range. Sixty seconds is far
more than any WebSocket consumer lags in a test, and bounds memory for long sessions.

:meth:`AudioPlayer.stop` cuts the scheduled audio at the position: what lies ahead is dropped,
what was already played stays in the history so lagging listeners still hear what the leader
heard (every listener hears the same audio). :meth:`AudioPlayer.reset` is a power-off and
forgets everything, silently.

Thread safety: the WebSocket server thread reads while a test thread plays, so all state is
guarded by a :class:`threading.Lock`. Callbacks run *after* that lock is released (a callback
may query the player, and a non-reentrant lock would deadlock), under a separate re-entrant
lock that keeps start/stop callbacks in the order the state changed even when two threads read
at once.
"""

from __future__ import annotations

import math
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import Final

import numpy as np
import numpy.typing as npt

SAMPLE_RATE: Final = 24_000
"""Samples per second of the stream, as Orgo sends it."""
FRAME_SAMPLES: Final = 480
"""Samples in one 20 ms frame."""
FRAME_BYTES: Final = 960
"""Bytes in one frame: 16-bit samples, mono."""
HISTORY_SAMPLES: Final = 60 * SAMPLE_RATE
"""How far behind the position a clip may end before it is dropped (see module docstring)."""

MIN_FREQUENCY: Final = 20.0
MAX_FREQUENCY: Final = 12_000.0
"""Nyquist for 24 kHz: a higher tone would alias into a different, wrong frequency."""
MAX_TONE_SECONDS: Final = 600.0
"""Ten minutes, 14.4 M samples (29 MB): a guard against a typo allocating gigabytes."""

_PEAK: Final = 32_767
_WIRE_DTYPE: Final = np.dtype("<i2")  # s16le whatever the host's byte order

Samples = npt.NDArray[np.int16]
Callback = Callable[[], None]


class AudioPlayer:
    """The desktop's speaker: a queue of clips laid on a timeline that listeners consume.

    ``on_start`` and ``on_stop`` are plain attributes so the desktop can wire them after
    construction; each is called with no arguments, never while the player's lock is held.
    """

    def __init__(self, on_start: Callback | None = None, on_stop: Callback | None = None) -> None:
        self.on_start: Callback | None = on_start
        self.on_stop: Callback | None = on_stop
        self._lock = threading.Lock()
        # Re-entrant so a callback may itself call read() or stop() on the same thread.
        self._emit_lock = threading.RLock()
        # Clips sorted by start and never overlapping (each starts at or after the last end),
        # so the ends are sorted too and both lists can be bisected.
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._clips: list[Samples] = []
        self._end = 0  # end of the last scheduled clip; the next clip starts no earlier
        self._position = 0
        self._playing = False

    # -- scheduling -----------------------------------------------------------------------

    def play_pcm(self, pcm: bytes | bytearray | memoryview | npt.NDArray[np.generic]) -> None:
        """Queue raw samples: s16le mono bytes, a 1-D int16 array, or floats in [-1, 1].

        Floats are accepted because that is what numpy synthesis naturally produces; they are
        scaled by 32767 and rounded. An empty clip is a no-op: it would start and stop a
        playback nobody could hear.
        """
        samples = _to_samples(pcm)
        if samples.size:
            self._schedule(samples)

    def play_tone(self, frequency: float, seconds: float, amplitude: float = 0.5) -> None:
        """Queue a sine of ``frequency`` Hz lasting ``seconds`` at ``amplitude`` of full scale.

        The phase runs continuously across the whole clip (no click at frame boundaries) and
        starts at zero, so the same arguments always give the same bytes.
        """
        # Written as "not (in range)" so NaN, which fails every comparison, is rejected too.
        if not MIN_FREQUENCY <= frequency <= MAX_FREQUENCY:
            raise ValueError(
                f"frequency must be between {MIN_FREQUENCY:g} and {MAX_FREQUENCY:g} Hz, "
                f"got {frequency!r}"
            )
        if not 0 < seconds <= MAX_TONE_SECONDS:
            raise ValueError(f"seconds must be in (0, {MAX_TONE_SECONDS:g}], got {seconds!r}")
        if not 0 < amplitude <= 1:
            raise ValueError(f"amplitude must be in (0, 1], got {amplitude!r}")
        count = max(1, round(seconds * SAMPLE_RATE))
        n = np.arange(count, dtype=np.float64)
        # Reduce the phase to cycles in [0, 1) before scaling by 2*pi so precision does not
        # degrade over a long tone.
        cycles = np.mod(n * (frequency / SAMPLE_RATE), 1.0)
        wave = np.rint(np.sin(2 * math.pi * cycles) * (amplitude * _PEAK))
        self._schedule(wave.astype(np.int16))

    def stop(self) -> None:
        """Drop everything scheduled from the position on; fire ``on_stop`` if it was playing.

        Audio before the position stays in the history (lagging listeners still hear what the
        leader heard); the next clip starts at the position.
        """
        with self._emit_lock:
            with self._lock:
                self._cut_at(self._position)
                was_playing = self._playing
                self._playing = False
            if was_playing:
                self._emit(self.on_stop)

    def reset(self) -> None:
        """Power off: forget every clip, rewind to 0 and fire nothing (the machine is gone)."""
        with self._lock:
            self._starts.clear()
            self._ends.clear()
            self._clips.clear()
            self._end = 0
            self._position = 0
            self._playing = False

    # -- listening ------------------------------------------------------------------------

    def open_cursor(self) -> int:
        """A cursor for a new listener: it joins at the current position, as a late listener
        of a live stream does (it does not replay the history)."""
        with self._lock:
            return self._position

    def read(self, cursor: int, frames: int = 1) -> tuple[bytes, int]:
        """Return ``frames * 960`` bytes of audio at ``[cursor, cursor + frames * 480)`` and the
        cursor to pass next time.

        Reading past the position advances it (and may fire events); reading behind it replays
        history without side effects.
        """
        if cursor < 0:
            raise ValueError(f"cursor must be >= 0, got {cursor!r}")
        if frames < 1:
            raise ValueError(f"frames must be >= 1, got {frames!r}")
        end = cursor + frames * FRAME_SAMPLES
        events: list[Callback | None] = []
        with self._emit_lock:
            with self._lock:
                data = self._mix(cursor, end)
                if end > self._position:
                    events = self._advance(end)
            for callback in events:
                self._emit(callback)
        return data, end

    # -- state ----------------------------------------------------------------------------

    @property
    def playing(self) -> bool:
        """True between ``on_start`` and ``on_stop``: the position is inside scheduled audio.

        Audio queued before anyone listens is *pending*, not playing, until a read reaches it,
        so this never disagrees with the events a client has received.
        """
        with self._lock:
            return self._playing

    @property
    def position(self) -> int:
        """The furthest sample any listener has reached."""
        with self._lock:
            return self._position

    # -- internals (call with self._lock held) --------------------------------------------

    def _schedule(self, samples: Samples) -> None:
        with self._lock:
            start = max(self._position, self._end)
            self._starts.append(start)
            self._ends.append(start + samples.size)
            self._clips.append(samples)
            self._end = start + samples.size

    def _mix(self, start: int, end: int) -> bytes:
        """The bytes for ``[start, end)``: clip samples where they overlap, zeros elsewhere."""
        out = np.zeros(end - start, dtype=_WIRE_DTYPE)
        index = bisect_right(self._ends, start)  # first clip still sounding at ``start``
        while index < len(self._clips) and self._starts[index] < end:
            clip_start = self._starts[index]
            lo = max(clip_start, start)
            hi = min(self._ends[index], end)
            out[lo - start : hi - start] = self._clips[index][lo - clip_start : hi - clip_start]
            index += 1
        return out.tobytes()

    def _advance(self, new_position: int) -> list[Callback | None]:
        """Move the position forward and return the callbacks that crossing fires, in order."""
        old_position = self._position
        self._position = new_position
        events: list[Callback | None] = []
        if not self._playing and self._overlaps(old_position, new_position):
            self._playing = True
            events.append(self.on_start)
        if self._playing and new_position >= self._end:
            self._playing = False
            events.append(self.on_stop)
        self._forget_before(new_position - HISTORY_SAMPLES)
        return events

    def _overlaps(self, start: int, end: int) -> bool:
        index = bisect_right(self._ends, start)
        return index < len(self._clips) and self._starts[index] < end

    def _forget_before(self, horizon: int) -> None:
        """Drop clips that end before ``horizon``, oldest first."""
        count = bisect_left(self._ends, horizon)
        if count:
            del self._starts[:count], self._ends[:count], self._clips[:count]

    def _cut_at(self, position: int) -> None:
        """Remove all audio at or after ``position``, keeping what came before it."""
        keep = bisect_right(self._starts, position - 1)  # clips starting before ``position``
        del self._starts[keep:], self._ends[keep:], self._clips[keep:]
        if self._clips and self._ends[-1] > position:
            # Copy so the dropped tail's memory is freed, not pinned by a view.
            self._clips[-1] = self._clips[-1][: position - self._starts[-1]].copy()
            self._ends[-1] = position
        self._end = min(self._end, position)

    @staticmethod
    def _emit(callback: Callback | None) -> None:
        if callback is not None:
            callback()


def _to_samples(pcm: bytes | bytearray | memoryview | npt.NDArray[np.generic]) -> Samples:
    """Validate ``pcm`` and return a private native-order int16 copy (callers may mutate
    theirs afterwards without changing what plays)."""
    if isinstance(pcm, bytes | bytearray | memoryview):
        raw = bytes(pcm)
        if len(raw) % 2:
            raise ValueError(f"s16le PCM needs an even number of bytes, got {len(raw)}")
        return np.frombuffer(raw, dtype=_WIRE_DTYPE).astype(np.int16)
    if not isinstance(pcm, np.ndarray):
        raise TypeError(f"pcm must be bytes or a numpy array, not {type(pcm).__name__}")
    if pcm.ndim != 1:
        raise ValueError(f"pcm must be a 1-D (mono) array, got shape {pcm.shape}")
    if pcm.dtype == np.int16:
        return pcm.astype(np.int16, copy=True)
    if np.issubdtype(pcm.dtype, np.floating):
        values = pcm.astype(np.float64)
        if not np.all(np.isfinite(values)) or np.any(np.abs(values) > 1.0):
            raise ValueError("float pcm must be finite and within [-1, 1]")
        return np.rint(values * _PEAK).astype(np.int16)
    raise ValueError(f"pcm array must be int16 or float, got dtype {pcm.dtype}")
