"""Per-connection event subscriptions and their 256-event buffers.

Each events-WebSocket connection is an :class:`EventConnection`. A desktop event is
*offered* to every connection of its computer; a connection takes it if subscribed,
and only while fewer than 256 of its events are outstanding: queued here, or sent but
not yet acknowledged by the client. Past that the event is dropped and counted.

"Acknowledged" means the client processed the frames: the sender pings once 128
events are outstanding and the pong releases everything sent before the ping. A client
that does not read never answers, so it receives exactly the first 256 events; a
client that reads gets everything as long as it keeps up. Without the ping extension
(a server other than the fake's own), sent events count as consumed.

A reader that has read every event may not have read the ping behind the last one yet
(websocket-client answers pings only inside ``recv()``), so an event that finds the
buffer full while a ping is out is *held* for a short grace period rather than dropped
at once: if the pong comes (the reader's next ``recv()``), it is queued in order; if
not, it is dropped and counted. A consumer that is really slow loses exactly what did
not fit, a quick one loses nothing.

This module is plain Python (a lock, a deque); the WebSocket endpoint pumps it.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from fake_server.desktop.desktop import DesktopEvent

CAPACITY = 256
ACK_THRESHOLD = 128  # ping once this many are outstanding, to keep room in the buffer
IDLE_ACK_THRESHOLD = 64  # ping when idle with this many out: above a client library's
# read-ahead (websockets queues 16 to 32 messages before it stops reading), so a client
# that does not read still never answers
GRACE_SECONDS = 0.1
MAX_CLOSED_HISTORY = 1024  # closed connections whose counts stay readable, newest kept
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
    held: int  # waiting (at most GRACE_SECONDS) to learn whether the client is keeping up
    open: bool


class EventConnection:
    def __init__(self, computer_id: str, wake: Callable[[], None] = lambda: None) -> None:
        self.id = next(_ids)
        self.computer_id = computer_id
        self.subscriptions: set[str] = set()
        self.queued: deque[DesktopEvent] = deque()
        self.held: deque[tuple[DesktopEvent, float]] = deque()  # (event, drop deadline)
        self.awaiting_ack = False  # a ping is out; set and cleared by the sender
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
            if not self.held and len(self.queued) + self.unacknowledged < CAPACITY:
                self.queued.append(event)
            elif self.awaiting_ack:
                self.held.append((event, time.monotonic() + GRACE_SECONDS))
            else:
                self.dropped += 1
                return False
        self._wake()
        return True

    def settle_held(self, now: float | None = None) -> float | None:
        """Queue held events that now fit, drop those past their grace; returns the next
        deadline still pending (for the sender to wake at)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            while self.held:
                event, deadline = self.held[0]
                if len(self.queued) + self.unacknowledged < CAPACITY:
                    self.queued.append(event)
                elif deadline <= now or not self.awaiting_ack:
                    self.dropped += 1
                else:
                    return deadline
                self.held.popleft()
        return None

    def take(self, limit: int = 64) -> list[DesktopEvent]:
        """Events to send now; they stay outstanding until acknowledged."""
        with self._lock:
            count = min(limit, len(self.queued))
            batch = [self.queued.popleft() for _ in range(count)]
            self.unacknowledged += count
            self.sent += count
        return batch

    def held_until(self) -> float | None:
        """When the last held event's grace runs out (monotonic time), if any is held."""
        with self._lock:
            return self.held[-1][1] if self.held else None

    def change_subscriptions(self, types: list[str], *, add: bool) -> None:
        """Under the lock, so a stats() read never sees the set mid-change."""
        with self._lock:
            if add:
                self.subscriptions.update(types)
            else:
                self.subscriptions.difference_update(types)

    def pinged(self) -> int:
        """A ping went out behind everything sent so far; returns how many it covers."""
        with self._lock:
            self.awaiting_ack = True
            return self.unacknowledged

    def acknowledge(self, count: int) -> None:
        """The pong for a ping that covered ``count`` events (or events counted as
        consumed at once, with no ping to wait for)."""
        with self._lock:
            self.unacknowledged = max(0, self.unacknowledged - count)
            self.awaiting_ack = False
        self.settle_held()

    def close(self, code: int) -> None:
        self.open = False
        self.close_code = code
        self._wake()

    def stats(self) -> ConnectionStats:
        self.settle_held()
        with self._lock:
            return ConnectionStats(
                self.id,
                self.computer_id,
                tuple(sorted(self.subscriptions)),
                self.sent,
                self.dropped,
                len(self.queued),
                self.unacknowledged,
                len(self.held),
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
            live = self._connections.get(connection.computer_id)
            if live is not None and connection in live:
                live.remove(connection)
                if not live:
                    del self._connections[connection.computer_id]
            self._trim_history()

    def _trim_history(self) -> None:
        """Keep the counts of at most MAX_CLOSED_HISTORY closed connections (the oldest
        go first), so a long run of connect/disconnect does not grow without end."""
        closed = sum(1 for c in self._history if not c.open)
        if closed <= MAX_CLOSED_HISTORY:
            return
        excess = closed - MAX_CLOSED_HISTORY
        kept: list[EventConnection] = []
        for connection in self._history:
            if excess and not connection.open:
                excess -= 1
                continue
            kept.append(connection)
        self._history = kept

    def forget_computer(self, computer_id: str) -> None:
        """A deleted computer: close its connections and drop their counts too."""
        self.close_computer(computer_id, 1001)
        with self._lock:
            self._history = [c for c in self._history if c.computer_id != computer_id]

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

    def stats(
        self, computer_id: str | None = None, *, settle: bool = True
    ) -> list[ConnectionStats]:
        """Every connection ever opened (closed ones too: their counts stay readable).

        With ``settle``, first wait out any held event's grace period (at most
        GRACE_SECONDS), so ``dropped`` is final rather than a moment's snapshot."""
        with self._lock:
            history = [c for c in self._history if computer_id in (None, c.computer_id)]
        if settle:
            deadlines = [d for c in history if (d := c.held_until()) is not None]
            if deadlines:
                time.sleep(max(0.0, max(deadlines) - time.monotonic()) + 0.002)
        return [c.stats() for c in history]

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
