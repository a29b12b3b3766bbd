"""Optional polling semantics for the event types Orgo detects by polling.

Orgo watches files with inotify (instant) but *polls* windows (100 ms), the clipboard
(250 ms), the screen (1 s), audio (500 ms), processes (2 s) and idleness (1 s). A
poller compares snapshots, so within one interval only the last clipboard value is
seen, and a window or process that appears and disappears between two polls is never
reported. With ``FakeOrgo.coalesce_polled_events = True`` the fake reproduces that:
polled events wait for the next poll boundary on the fake clock, collapsed as a
snapshot diff would collapse them. Off by default, so tests see every change at once.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable

from fake_server.clock import Clock, Timer
from fake_server.desktop.desktop import DesktopEvent
from fake_server.events_catalog import POLL_INTERVALS

PAIRS = {"window_close": "window_open", "process_stop": "process_start"}


def _identity(event: DesktopEvent) -> tuple[str, object]:
    """Events with the same identity replace each other within one poll."""
    if event.type.startswith("window_"):
        return ("window", event.data.get("window_id"))
    if event.type.startswith("process_"):
        return ("process", event.data.get("pid"))
    return (event.type, None)


class Coalescer:
    def __init__(self, clock: Clock, publish: Callable[[DesktopEvent], None]) -> None:
        self.clock = clock
        self.publish = publish
        self._pending: dict[float, dict[tuple[str, object], list[DesktopEvent]]] = {}
        self._timers: dict[float, Timer] = {}
        self._lock = threading.Lock()

    def add(self, event: DesktopEvent) -> None:
        interval = POLL_INTERVALS[event.type]
        boundary = (math.floor(event.timestamp / interval) + 1) * interval
        with self._lock:
            slot = self._pending.get(boundary)
            if slot is None:
                slot = self._pending[boundary] = {}
                self._timers[boundary] = self.clock.call_at(boundary, lambda: self._flush(boundary))
            events = slot.setdefault(_identity(event), [])
            opened = PAIRS.get(event.type)
            if opened is not None and any(e.type == opened for e in events):
                del slot[_identity(event)]  # appeared and vanished between two polls
            elif event.type == "window_focus" or not event.type.startswith("window_"):
                events[:] = [e for e in events if e.type != event.type] + [event]
            else:
                events.append(event)

    def _flush(self, boundary: float) -> None:
        with self._lock:
            slot = self._pending.pop(boundary, {})
            self._timers.pop(boundary, None)
        for events in slot.values():
            for event in events:
                self.publish(DesktopEvent(event.type, event.data, boundary))

    def discard(self) -> None:
        """Forget what waits for a poll (the computer is gone): nothing is published and
        the clock no longer holds this coalescer."""
        with self._lock:
            timers = list(self._timers.values())
            self._timers.clear()
            self._pending.clear()
        for timer in timers:
            timer.cancel()
