"""The fake's clock: virtual by default, so tests control time instead of sleeping.

Everything in the fake that depends on time (lifecycle transitions settling, idle
detection, ``wait``, event timestamps, signed-URL expiry) reads this clock. In
``virtual`` mode time moves only when something advances it (a test, the ``wait``
endpoint, a simulated ``sleep``), which makes runs deterministic and makes "idle after
30 s" cost no real 30 s. ``real`` mode follows the wall clock, still advanceable.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

ClockMode = Literal["virtual", "real"]
PRUNE_FLOOR = 64  # below this many timers, cancelled ones are left for next_due to pop


def _nothing() -> None:
    return None


@dataclass(order=True)
class Timer:
    """A callback due at a clock time; cancel() keeps it from firing.

    Cancelling also lets go of the callback: a cancelled timer waits in the heap until
    it is pruned, and must not keep what it would have called (a deleted computer's
    desktop) alive meanwhile."""

    when: float
    seq: int
    callback: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True
        self.callback = _nothing


class Clock:
    """Seconds since the Unix epoch, as the fake sees them."""

    def __init__(self, *, mode: ClockMode = "virtual", start: float | None = None) -> None:
        if mode not in ("virtual", "real"):
            raise ValueError(f"clock mode must be 'virtual' or 'real', not {mode!r}")
        self.mode: ClockMode = mode
        self._start = time.time() if start is None else float(start)
        self._offset = 0.0
        self._t0 = time.monotonic()
        self._timers: list[Timer] = []
        self._seq = itertools.count()
        self._lock = threading.RLock()
        self._firing = False
        self._prune_at = PRUNE_FLOOR

    def now(self) -> float:
        base = self._start + self._offset
        if self.mode == "real":
            base += time.monotonic() - self._t0
        return base

    def isoformat(self, when: float | None = None) -> str:
        """ISO 8601 UTC with milliseconds and a ``Z``, the form Orgo uses in events."""
        moment = datetime.fromtimestamp(self.now() if when is None else when, tz=UTC)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def advance(self, seconds: float) -> None:
        """Move time forward, stopping at each timer that falls due on the way, so a timer
        sees the time it was due at (idle is stamped at +30 s, not at the end of a jump)."""
        if seconds < 0:
            raise ValueError("the clock cannot go backwards")
        target = self.now() + seconds
        while True:
            due = self.next_due()
            if due is None or due > target:
                break
            with self._lock:
                self._offset += max(0.0, due - self.now())
            self.fire_due()
        with self._lock:
            self._offset += max(0.0, target - self.now())
        self.fire_due()

    def call_at(self, when: float, callback: Callable[[], None]) -> Timer:
        with self._lock:
            timer = Timer(when, next(self._seq), callback)
            heapq.heappush(self._timers, timer)
            if len(self._timers) >= self._prune_at:
                self._prune()
        return timer

    def _prune(self) -> None:
        """Drop cancelled timers, so a clock nobody advances (virtual time, a long run
        of create/delete) does not pile them up. Amortized O(1) per timer: the next
        prune waits until the heap has doubled again."""
        self._timers = [t for t in self._timers if not t.cancelled]
        heapq.heapify(self._timers)
        self._prune_at = max(PRUNE_FLOOR, 2 * len(self._timers))

    def pending(self) -> int:
        """Timers still due to fire (not cancelled)."""
        with self._lock:
            return sum(1 for t in self._timers if not t.cancelled)

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        return self.call_at(self.now() + delay, callback)

    def next_due(self) -> float | None:
        with self._lock:
            while self._timers and self._timers[0].cancelled:
                heapq.heappop(self._timers)
            return self._timers[0].when if self._timers else None

    def fire_due(self) -> int:
        """Run due timers; a timer may schedule more, which run too if already due."""
        fired = 0
        with self._lock:
            if self._firing:
                return 0
            self._firing = True
        try:
            while True:
                with self._lock:
                    if not self._timers or self._timers[0].when > self.now():
                        break
                    timer = heapq.heappop(self._timers)
                if not timer.cancelled:
                    timer.callback()
                    fired += 1
        finally:
            with self._lock:
                self._firing = False
        return fired

    def reset(self) -> None:
        with self._lock:
            self._timers.clear()
