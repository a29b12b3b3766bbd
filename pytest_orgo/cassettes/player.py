"""Replay: an index over the recorded HTTP interactions and WebSocket scripts, and the
ordering gate that keeps events behind the calls that caused them.

* HTTP: key -> FIFO of interactions (:mod:`.matching`), so a lookup is O(1) whatever the
  cassette's size; the same request recorded twice is answered in recorded order.
* WebSockets: canonical URL -> FIFO of recorded connections. A connection's script checks
  each frame the client sends against the next recorded send, and hands out the recorded
  receives (messages, timeouts, the close) in order.
* Order: a received frame with sequence number ``s`` is handed out only once every
  client action recorded before it (HTTP request, connect, sent frame) has happened in
  this run - the ``file_change`` event is not delivered before the ``bash`` call that
  caused it. Waiting is bounded (another thread may be about to make that call); past the
  bound the mismatch names the missing action.
* Pace: ``fast`` (default) hands everything out at once; ``recorded`` holds each response
  and received frame until its recorded offset on the replay's clock.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from pytest_orgo.cassettes import matching
from pytest_orgo.cassettes.format import CassetteData, Connection, Frame, Interaction
from pytest_orgo.cassettes.scrub import Bindings
from pytest_orgo.errors import OrgoError

ORDER_TIMEOUT = 2.0


class CassetteMismatch(OrgoError):
    """A request, connection or frame the cassette has no recording for."""


class Player:
    def __init__(
        self,
        data: CassetteData,
        bindings: Bindings,
        *,
        match_on: tuple[str, ...],
        label: str,
        pace: str = "fast",
        start_ns: int | None = None,
        learn: Callable[[str], None] | None = None,
    ) -> None:
        self.data = data
        self.bindings = bindings
        self.match_on = match_on
        self.label = label
        self.pace = pace
        self.learn = learn or (lambda text: None)  # secrets in a text frame the client sends
        self.start_ns = time.monotonic_ns() if start_ns is None else start_ns
        self.errors: list[str] = []
        self.index: dict[matching.Key, deque[Interaction]] = {}
        for item in data.interactions:
            headers = ((k, v) for k, values in item.request_headers.items() for v in values)
            key = matching.request_key(
                item.method, item.uri, item.request_body, matching.content_type(headers), match_on
            )
            self.index.setdefault(key, deque()).append(item)
        self.ws_index: dict[str, deque[Connection]] = {}
        for connection in data.connections:
            self.ws_index.setdefault(matching.ws_key(connection.url), deque()).append(connection)
        self.scripts: list[Script] = []
        self.used: set[int] = set()  # seq of every recorded item this run consumed
        client = [i.seq for i in data.interactions] + [c.seq for c in data.connections]
        client += [f.seq for c in data.connections for f in c.frames if f.direction == "send"]
        self._client_seqs = sorted(client)
        self._client_items: dict[int, str] = {}
        self._low = 0
        self._cond = threading.Condition()

    # -- bookkeeping ------------------------------------------------------------------

    def fail(self, message: str) -> CassetteMismatch:
        """The error to raise; kept so the test fails even if the client swallows it."""
        self.errors.append(message)
        return CassetteMismatch(message)

    def consume(self, seq: int) -> None:
        with self._cond:
            self.used.add(seq)
            self._cond.notify_all()

    def _ready(self, seq: int) -> bool:
        while self._low < len(self._client_seqs) and self._client_seqs[self._low] in self.used:
            self._low += 1
        return self._low >= len(self._client_seqs) or self._client_seqs[self._low] > seq

    def _missing(self, seq: int) -> str:
        missing = self._client_seqs[self._low]
        for item in self.data.interactions:
            if item.seq == missing:
                return f"HTTP {item.method} {item.uri}"
        for connection in self.data.connections:
            if connection.seq == missing:
                return f"a WebSocket connect to {connection.url}"
            for frame in connection.frames:
                if frame.seq == missing:
                    return f"sending {frame.text[:120]!r} on {connection.url}"
        return f"recorded step #{missing}"

    def _order_error(self, seq: int, what: str) -> CassetteMismatch:
        return self.fail(
            f"{self.label}: {what} was received after {self._missing(seq)} in the recording, "
            "and this run has not done that (yet)"
        )

    def wait_turn(self, seq: int, t_us: int, what: str) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: self._ready(seq), timeout=ORDER_TIMEOUT):
                raise self._order_error(seq, what)
        self.pace_until(t_us)

    async def await_turn(self, seq: int, t_us: int, what: str) -> None:
        deadline = time.monotonic() + ORDER_TIMEOUT
        while True:
            with self._cond:
                if self._ready(seq):
                    break
            if time.monotonic() > deadline:
                raise self._order_error(seq, what)
            await asyncio.sleep(0.001)
        delay = self.delay(t_us)
        if delay > 0:
            await asyncio.sleep(delay)

    def delay(self, t_us: int) -> float:
        if self.pace != "recorded":
            return 0.0
        return (self.start_ns + t_us * 1000 - time.monotonic_ns()) / 1e9

    def pace_until(self, t_us: int) -> None:
        delay = self.delay(t_us)
        if delay > 0:
            time.sleep(delay)

    # -- HTTP -------------------------------------------------------------------------

    def match(self, method: str, url: str, body: bytes, content_type: str) -> Interaction | None:
        """The recorded interaction for this request (consumed), or None."""
        url = self.bindings.to_placeholders(url)
        body = self.bindings.bytes_to_placeholders(body)
        key = matching.request_key(method, url, body, content_type, self.match_on)
        with self._cond:
            queue = self.index.get(key)
            if not queue:
                return None
            item = queue.popleft()
        self.consume(item.seq)
        return item

    def http_mismatch(self, method: str, url: str, body: bytes) -> CassetteMismatch:
        wanted = matching.describe(
            method, self.bindings.to_placeholders(url), self.bindings.bytes_to_placeholders(body)
        )
        recorded = {
            matching.describe(i.method, i.uri, i.request_body): i for i in self.data.interactions
        }
        best = matching.closest(wanted, recorded)
        if best is None:
            hint = "the cassette has no HTTP interactions"
        else:
            used = "already replayed" if recorded[best].seq in self.used else "not replayed yet"
            hint = f"the closest recorded request is\n    {best}\n  ({used})"
        return self.fail(f"{self.label}: no recorded response for\n    {wanted}\n  {hint}")

    # -- WebSockets -------------------------------------------------------------------

    def open(self, url: str) -> Script | None:
        key = matching.ws_key(self.bindings.to_placeholders(url))
        with self._cond:
            queue = self.ws_index.get(key)
            if not queue:
                return None
            connection = queue.popleft()
        self.consume(connection.seq)
        script = Script(self, connection)
        self.scripts.append(script)
        return script

    def release(self) -> None:
        """Free what replayed connections hold (the session is over)."""
        for script in self.scripts:
            while script.cleanups:
                script.cleanups.pop()()

    def ws_mismatch(self, url: str) -> CassetteMismatch:
        wanted = matching.canonical_url(self.bindings.to_placeholders(url))
        best = matching.closest(
            wanted, [matching.canonical_url(c.url) for c in self.data.connections]
        )
        hint = (
            f"the closest recorded one is\n    {best}"
            if best
            else "the cassette has no WebSocket connections"
        )
        return self.fail(
            f"{self.label}: no recorded WebSocket connection for\n    {wanted}\n  {hint}"
        )


def _same_message(sent: Any, frame: Frame) -> bool:
    if isinstance(sent, str):
        if frame.kind != "text":
            return False
        if sent == frame.text:
            return True
        canonical: Callable[[bytes, str], bytes] = matching.canonical_body
        return canonical(sent.encode(), "json") == canonical(frame.text.encode(), "json")
    return frame.kind == "binary" and bytes(sent) == frame.data


class Script:
    """One recorded connection, played back to a fake connection object."""

    def __init__(self, player: Player, connection: Connection) -> None:
        self.player = player
        self.connection = connection
        self.sends = [f for f in connection.frames if f.direction == "send"]
        self.recvs = [f for f in connection.frames if f.direction == "recv"]
        self._send_at = 0
        self._recv_at = 0
        self.closed: Frame | None = None
        self.cleanups: list[Callable[[], None]] = []  # run when the session stops
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return self.player.bindings.from_placeholders(self.connection.url)

    def send(self, message: Any) -> None:
        if isinstance(message, bytes | bytearray | memoryview):
            sent: Any = self.player.bindings.bytes_to_placeholders(bytes(message))
        else:
            self.player.learn(str(message))
            sent = self.player.bindings.to_placeholders(str(message))
        with self._lock:
            expected = self.sends[self._send_at] if self._send_at < len(self.sends) else None
            if expected is not None and _same_message(sent, expected):
                self._send_at += 1
                self.player.consume(expected.seq)
                return
        shown = sent if isinstance(sent, str) else f"<{len(sent)} bytes>"
        if expected is None:
            raise self.player.fail(
                f"{self.player.label}: sent {shown[:200]!r} on {self.connection.url}, "
                f"but the recording sent nothing more there"
            )
        texts = [f.text for f in self.sends[self._send_at :] if f.kind == "text"]
        best = matching.closest(shown, texts) or expected.text
        raise self.player.fail(
            f"{self.player.label}: sent {shown[:200]!r} on {self.connection.url}; the recording "
            f"sent {expected.text[:200]!r} next (closest recorded: {best[:200]!r})"
        )

    def next_received(self) -> Frame:
        """The next recorded receive (not yet gated or paced)."""
        with self._lock:
            if self.closed is not None:
                return self.closed
            if self._recv_at >= len(self.recvs):
                raise self.player.fail(
                    f"{self.player.label}: the client waited for a message on "
                    f"{self.connection.url} beyond the {len(self.recvs)} received in the recording"
                )
            frame = self.recvs[self._recv_at]
            self._recv_at += 1
            if frame.kind == "close":
                self.closed = frame
            return frame

    def receive(self) -> Frame:
        frame = self.next_received()
        self.player.wait_turn(frame.seq, frame.t_us, self._what(frame))
        return frame

    async def areceive(self) -> Frame:
        frame = self.next_received()
        await self.player.await_turn(frame.seq, frame.t_us, self._what(frame))
        return frame

    def _what(self, frame: Frame) -> str:
        shown = frame.text[:120] if frame.kind == "text" else frame.kind
        return f"{shown!r} on {self.connection.url}"

    def closing(self) -> Frame | None:
        """The client closes: the server's recorded close reply (frames before it were
        never read, as live), or None when the recording has none."""
        with self._lock:
            for n in range(self._recv_at, len(self.recvs)):
                if self.recvs[n].kind == "close":
                    self._recv_at = n + 1
                    self.closed = self.recvs[n]
                    return self.closed
            if self.closed is None:
                self.closed = Frame(direction="recv", kind="close", code=1000, ok=True)
            return None

    def payload(self, frame: Frame) -> str | bytes:
        if frame.kind == "text":
            return self.player.bindings.from_placeholders(frame.text)
        return self.player.bindings.bytes_from_placeholders(frame.data)

    def close(self) -> None:
        with self._lock:
            if self.closed is None:
                self.closed = Frame(direction="recv", kind="close", code=1000, ok=True)
