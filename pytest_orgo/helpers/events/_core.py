"""The part of the events helper that does no I/O: the journal of what arrived, the
subscription bookkeeping and the failure messages.

The sync :class:`~pytest_orgo.events.EventStream` (a background thread) and the async
:class:`~pytest_orgo.events.AsyncEventStream` (an asyncio task) wrap :class:`StreamState`
with their own transport and locking, so the two behave identically: same matching, same
cursor, same messages. Everything here is called with the owner's lock held (sync) or on
the owner's event loop (async).
"""

from __future__ import annotations

import itertools
import json
from collections import deque
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Final

from pytest_orgo.helpers._ws import Backoff, UrlSource, redact
from pytest_orgo.helpers.events._model import Event, EventSpec, parse_timestamp

REPLIES: Final = frozenset({"subscribed", "unsubscribed", "pong", "error"})
"""Server messages that answer a request (any of them proves the connection works)."""
MAX_SHOWN: Final = 25
"""Events listed in a failure message (the most recent ones)."""


class Journal:
    """Every event received, numbered; the oldest are forgotten past ``limit``."""

    def __init__(self, limit: int) -> None:
        self._events: deque[Event] = deque(maxlen=limit)
        self.next_seq = 0

    def add(self, kind: str, timestamp: datetime, data: dict[str, Any], received: float) -> Event:
        event = Event(kind, timestamp, data, self.next_seq, received)
        self._events.append(event)
        self.next_seq += 1
        return event

    def since(self, seq: int) -> list[Event]:
        first = self.next_seq - len(self._events)
        return list(itertools.islice(self._events, max(0, seq - first), None))


class StreamState:
    """Subscriptions, the journal, the cursor and the connection's story, without I/O.

    Requests and their replies pair up in order (the server answers each message once,
    in turn), so ``pending`` is a FIFO of what was asked.
    """

    def __init__(self, url: UrlSource, backoff: Backoff, history: int) -> None:
        self.url = url
        self.backoff = backoff
        self.journal = Journal(history)
        self.cursor = 0  # the next wait looks at events from here (see the events module)
        self.wanted: set[str] = set()  # what the test asked for, kept across reconnections
        self.confirmed: set[str] = set()  # what this connection's server acknowledged
        self.rejected: dict[str, str] = {}  # type -> the server's error
        self.pending: deque[tuple[str, frozenset[str]]] = deque()
        self.connections = 0
        self.connected = False
        self.failure: str | None = None  # why reconnection gave up
        self.last_close: str | None = None
        self.last_url = ""
        self.closed = False
        self.server_errors: list[str] = []

    # -- the protocol -----------------------------------------------------------------

    def request(self, kind: str, types: Iterable[str] = ()) -> str:
        """The text of a request, remembered so its reply can be paired with it."""
        names = frozenset(types)
        self.pending.append((kind, names))
        if kind == "ping":
            return json.dumps({"type": "ping"})
        return json.dumps({"type": kind, "event_types": sorted(names)})

    def on_connect(self, url: str) -> str:
        """A new connection: forget the old one's state; the first message to send
        (subscribe to everything wanted, or a ping that proves the socket works)."""
        self.connections += 1
        self.connected = True
        self.failure = None
        self.last_url = redact(url)
        self.pending.clear()
        self.confirmed.clear()
        return self.request("subscribe", self.wanted) if self.wanted else self.request("ping")

    def on_disconnect(self, description: str) -> None:
        self.connected = False
        self.confirmed.clear()
        self.pending.clear()
        self.last_close = description

    def handle(self, raw: str | bytes, received: float) -> str:
        """Take in one server message; returns its type ("event", "subscribed", ...)."""
        try:
            body = json.loads(raw)
        except ValueError:
            return "invalid"
        if not isinstance(body, dict):
            return "invalid"
        kind = body.get("type")
        if kind == "event":
            event = body.get("event")
            if isinstance(event, dict) and isinstance(event.get("type"), str):
                data = event.get("data")
                self.journal.add(
                    event["type"],
                    parse_timestamp(event.get("timestamp"), _wall_clock()),
                    data if isinstance(data, dict) else {},
                    received,
                )
            return "event"
        if kind not in ("subscribed", "unsubscribed", "pong", "error"):
            return "unknown"
        asked = self.pending.popleft() if self.pending else None
        if kind == "error":
            message = str(body.get("message", "error"))
            if asked is not None and asked[0] == "subscribe":
                for name in asked[1]:
                    self.rejected[name] = message
                self.wanted -= asked[1]
            else:
                self.server_errors.append(message)
        elif kind == "subscribed" and asked is not None and asked[0] == "subscribe":
            self.confirmed |= asked[1] & self.wanted
        return str(kind)

    # -- messages ---------------------------------------------------------------------

    def refusal(self, types: Iterable[str]) -> str | None:
        """The server's reason for refusing any of ``types``, if it did."""
        refused = sorted(name for name in types if name in self.rejected)
        if not refused:
            return None
        return f"the events socket refused {', '.join(refused)}: {self.rejected[refused[0]]}"

    def not_subscribed(self, types: Iterable[str], timeout: float, origin: float) -> str:
        headline = f"not subscribed to {', '.join(sorted(types))} within {timeout:g} s"
        return self.report(headline, [], origin)

    def unexpected(
        self, spec: EventSpec, within: float, events: Sequence[Event], origin: float
    ) -> str:
        seen = next(event for event in events if spec.matches(event))
        headline = (
            f"expected no {spec} within {within:g} s (counting those since the last match), "
            f"but got: {seen.describe(origin)}"
        )
        others = [event for event in events if event is not seen]
        return self.report(headline, others, origin, label="Other events received")

    def dropped_while_watching(
        self, spec: EventSpec, events: Sequence[Event], origin: float
    ) -> str:
        return self.report(
            f"the events socket dropped while watching for no {spec}", events, origin
        )

    def gone(self, doing: str, events: Sequence[Event], origin: float) -> str:
        return self.report(f"the events socket is gone while {doing}", events, origin)

    def describe(self, kind: str) -> str:
        return f"<{kind} {self.connection_text()}; {self.subscriptions_text()}>"

    def subscriptions_text(self) -> str:
        text = "subscribed to " + (", ".join(sorted(self.confirmed)) or "nothing")
        unconfirmed = sorted(self.wanted - self.confirmed)
        if unconfirmed:
            text += "; not (yet) confirmed: " + ", ".join(unconfirmed)
        return text

    def connection_text(self) -> str:
        count = f"{self.connections} connection{'' if self.connections == 1 else 's'} so far"
        where = f" to {self.last_url}" if self.last_url else ""
        if self.closed:
            state = "closed by the test"
        elif self.failure:
            state = f"gave up reconnecting: {self.failure}"
        elif self.connected:
            state = "connected"
        elif self.connections:
            state = "reconnecting"
        else:
            state = "connecting"
        text = f"{state}{where} ({count}"
        if self.last_close and not self.failure:
            text += f"; last drop: {self.last_close}"
        return text + ")"

    def report(
        self,
        headline: str,
        events: Sequence[Event],
        origin: float,
        *,
        label: str = "Events received while waiting",
    ) -> str:
        """A failure message: what happened, what arrived, what was subscribed."""
        lines = [headline + "."]
        if events:
            lines.append(f"{label} ({len(events)}; offsets from the wait's start):")
            if len(events) > MAX_SHOWN:
                lines.append(f"  ... {len(events) - MAX_SHOWN} earlier events not shown")
            lines += ["  " + event.describe(origin) for event in events[-MAX_SHOWN:]]
        else:
            lines.append(f"{label}: none.")
        lines.append(f"Subscriptions: {self.subscriptions_text()}.")
        lines.append(f"Connection: {self.connection_text()}.")
        if self.server_errors:
            lines.append(f"Server errors: {'; '.join(self.server_errors[-5:])}")
        if self.connections > 1 or self.failure:
            lines.append(
                "Events produced while the socket was down are lost (as with Orgo itself)."
            )
        return "\n".join(lines)


def _wall_clock() -> float:
    return datetime.now(tz=UTC).timestamp()
