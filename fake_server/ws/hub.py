"""Per-connection event subscriptions and their 256-event buffers.

Each events-WebSocket connection is an :class:`EventConnection`. A desktop event is
*offered* to every connection of its computer; a connection takes it if subscribed,
and only while fewer than 256 of its events are outstanding: queued here, or sent but
not yet acknowledged by the client. Past that the event is dropped and counted.

"Acknowledged" means the client processed the frames: the sender pings once 192
events are outstanding and the pong releases everything sent before the ping. A client
that does not read never answers, so it receives exactly the first 256 events; a
client that reads gets everything as long as it keeps up. Without the ping extension
(a server other than the fake's own), sent events count as consumed.

This module is plain Python (a lock, a deque); the WebSocket endpoint pumps it.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from fake_server.desktop.desktop import DesktopEvent

CAPACITY = 256
ACK_THRESHOLD = 192
_ids = itertools.count(1)


@dataclass(frozen=True)
class ConnectionStats:
    """What the control surface reports for one events connection."""

    id: int
    computer_id: str
    subscriptions: tuple[str, ...]
    sent: int
    dropped: int
    queued: int
    unacknowledged: int
    open: bool


class EventConnection:
    def __init__(self, computer_id: str, wake: Callable[[], None] = lambda: None) -> None:
        self.id = next(_ids)
        self.computer_id = computer_id
        self.subscriptions: set[str] = set()
        self.queued: deque[DesktopEvent] = deque()
        self.unacknowledged = 0
        self.sent = 0
        self.dropped = 0
        self.open = True
        self.close_code: int | None = None
        self._wake = wake
        self._lock = threading.Lock()

    def offer(self, event: DesktopEvent) -> bool:
        """Take the event if subscribed and there is room; count a drop otherwise."""
        if event.type not in self.subscriptions or not self.open:
            return False
        with self._lock:
            if len(self.queued) + self.unacknowledged >= CAPACITY:
                self.dropped += 1
                return False
            self.queued.append(event)
        self._wake()
        return True

    def take(self, limit: int = 64) -> list[DesktopEvent]:
        """Events to send now; they stay outstanding until acknowledged."""
        with self._lock:
            count = min(limit, len(self.queued))
            batch = [self.queued.popleft() for _ in range(count)]
            self.unacknowledged += count
            self.sent += count
        return batch

    def acknowledge(self, count: int) -> None:
        with self._lock:
            self.unacknowledged = max(0, self.unacknowledged - count)

    def close(self, code: int) -> None:
        self.open = False
        self.close_code = code
        self._wake()

    def stats(self) -> ConnectionStats:
        with self._lock:
            return ConnectionStats(
                self.id,
                self.computer_id,
                tuple(sorted(self.subscriptions)),
                self.sent,
                self.dropped,
                len(self.queued),
                self.unacknowledged,
                self.open,
            )


class EventHub:
    """Every open events connection, by computer; desktops publish into it."""

    def __init__(self) -> None:
        self._connections: dict[str, list[EventConnection]] = {}
        self._history: list[EventConnection] = []
        self._lock = threading.Lock()

    def add(self, connection: EventConnection) -> None:
        with self._lock:
            self._connections.setdefault(connection.computer_id, []).append(connection)
            self._history.append(connection)

    def remove(self, connection: EventConnection) -> None:
        connection.open = False
        with self._lock:
            live = self._connections.get(connection.computer_id, [])
            if connection in live:
                live.remove(connection)

    def publish(self, computer_id: str, event: DesktopEvent) -> None:
        with self._lock:
            targets = list(self._connections.get(computer_id, ()))
        for connection in targets:
            connection.offer(event)

    def close_computer(self, computer_id: str, code: int) -> None:
        with self._lock:
            targets = self._connections.pop(computer_id, [])
        for connection in targets:
            connection.close(code)

    def stats(self, computer_id: str | None = None) -> list[ConnectionStats]:
        """Every connection ever opened (closed ones too: their counts stay readable)."""
        with self._lock:
            history = list(self._history)
        return [c.stats() for c in history if computer_id in (None, c.computer_id)]

    def clear(self) -> None:
        with self._lock:
            computers = list(self._connections)
        for computer_id in computers:
            self.close_computer(computer_id, 1001)
        with self._lock:
            self._history.clear()


def loop_waker(loop: asyncio.AbstractEventLoop, event: asyncio.Event) -> Callable[[], None]:
    """A wake-up that is safe from any thread and cheap from the loop's own thread."""
    loop_thread = threading.get_ident()

    def wake() -> None:
        if event.is_set():  # the sender clears before draining, so a set event covers us
            return
        if threading.get_ident() == loop_thread:
            event.set()
        else:
            loop.call_soon_threadsafe(event.set)

    return wake
