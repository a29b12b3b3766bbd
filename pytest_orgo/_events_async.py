"""The asyncio twin of :class:`pytest_orgo.events.EventStream` (import it from there).

Same semantics, same messages (both wrap :class:`~pytest_orgo._events_core.StreamState`);
the worker is a task on the loop that first uses the stream instead of a thread, and
waiting is ``await``. Nothing here blocks the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable, Sequence
from types import TracebackType
from typing import Generic, TypeVar

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from pytest_orgo._events_core import REPLIES, StreamState
from pytest_orgo._events_model import (
    Event,
    EventSpec,
    EventStreamError,
    EventTimeout,
    SpecLike,
    Types,
    UnexpectedEvent,
    Where,
    all_types,
    find,
    make_spec,
    to_spec,
    waiting_headline,
)
from pytest_orgo._ws import (
    CLOSE_TIMEOUT,
    Backoff,
    Signal,
    UrlSource,
    close_from_sync,
    close_of,
    describe_close,
    redact,
    resolve_url,
)

T = TypeVar("T")
DEFAULT_BACKOFF = Backoff()


class AsyncExpectation(Generic[T]):
    """What :meth:`AsyncEventStream.expect` returns: ``async with ... as ev``."""

    def __init__(
        self,
        stream: AsyncEventStream,
        specs: Sequence[EventSpec],
        ordered: bool,
        timeout: float | None,
        pick: Callable[[list[Event]], T],
    ) -> None:
        self._stream = stream
        self._specs = list(specs)
        self._ordered = ordered
        self._timeout = timeout
        self._pick = pick
        self._start = -1
        self._origin = 0.0
        self._found: list[Event] | None = None

    async def __aenter__(self) -> AsyncExpectation[T]:
        await self._stream._ensure(all_types(self._specs))
        self._origin = time.monotonic()
        self._start = self._stream._state.journal.next_seq
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self._found = await self._stream._wait(
                self._specs, self._ordered, self._timeout, start=self._start, origin=self._origin
            )

    @property
    def value(self) -> T:
        if self._found is None:
            raise RuntimeError("the expected event is known only once the with-block has ended")
        return self._pick(self._found)


class AsyncEventStream:
    """The events socket for an asyncio test; the API of ``EventStream`` with ``await``."""

    def __init__(
        self,
        url: UrlSource,
        *,
        timeout: float = 5.0,
        connect_timeout: float = 10.0,
        backoff: Backoff = DEFAULT_BACKOFF,
        history: int = 10_000,
    ) -> None:
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self._state = StreamState(url, backoff, history)
        self._signal = Signal()
        self._send_lock: asyncio.Lock | None = None
        self._ws: ClientConnection | None = None
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def subscriptions(self) -> frozenset[str]:
        return frozenset(self._state.confirmed)

    @property
    def connections(self) -> int:
        return self._state.connections

    @property
    def connected(self) -> bool:
        return self._state.connected

    @property
    def received(self) -> list[Event]:
        return self._state.journal.since(0)

    async def subscribe(self, *types: str) -> None:
        await self._ensure(frozenset(types))

    async def unsubscribe(self, *types: str) -> None:
        names = frozenset(types)
        self._state.wanted -= names
        self._state.confirmed -= names
        await self._send_request("unsubscribe", names)

    def mark(self) -> None:
        self._state.cursor = self._state.journal.next_seq

    def expect(
        self, types: Types, where: Where = None, *, timeout: float | None = None
    ) -> AsyncExpectation[Event]:
        return AsyncExpectation(
            self, [make_spec(types, where)], True, timeout, lambda found: found[0]
        )

    def expect_all(
        self, specs: Iterable[SpecLike], *, ordered: bool = True, timeout: float | None = None
    ) -> AsyncExpectation[list[Event]]:
        return AsyncExpectation(self, [to_spec(s) for s in specs], ordered, timeout, list)

    async def wait_for(
        self, types: Types, where: Where = None, *, timeout: float | None = None
    ) -> Event:
        return (await self._wait([make_spec(types, where)], True, timeout))[0]

    async def wait_for_all(
        self, specs: Iterable[SpecLike], *, ordered: bool = True, timeout: float | None = None
    ) -> list[Event]:
        return await self._wait([to_spec(s) for s in specs], ordered, timeout)

    async def assert_no_event(
        self, types: Types, where: Where = None, *, within: float = 1.0
    ) -> None:
        spec = make_spec(types, where)
        await self._ensure(frozenset(spec.types))
        origin = time.monotonic()
        state = self._state
        start, connections = state.cursor, state.connections
        while True:
            events = state.journal.since(start)
            if any(spec.matches(event) for event in events):
                raise UnexpectedEvent(state.unexpected(spec, within, events, origin))
            if state.connections != connections or not state.connected:
                raise EventStreamError(state.dropped_while_watching(spec, events, origin))
            remaining = origin + within - time.monotonic()
            if remaining <= 0:
                return
            await self._signal.wait(remaining)

    async def collect(
        self, duration: float, types: Types | None = None, where: Where = None
    ) -> list[Event]:
        names = tuple(sorted(self._state.wanted)) if types is None else types
        if not names:
            raise ValueError(
                "collect() needs event types: pass types=..., nothing is subscribed yet"
            )
        spec = make_spec(names, where)
        await self._ensure(frozenset(spec.types))
        end = time.monotonic() + duration
        while (remaining := end - time.monotonic()) > 0:
            self._raise_if_failed(f"collecting {spec}", [], end - duration)
            await self._signal.wait(remaining)
        events = self._state.journal.since(self._state.cursor)
        self._state.cursor = self._state.journal.next_seq
        return [event for event in events if spec.matches(event)]

    async def aclose(self) -> None:
        """Close the socket and end the worker task (idempotent)."""
        self._state.closed = True
        self._signal.notify()
        ws, task, self._task = self._ws, self._task, None
        if ws is not None:
            with contextlib.suppress(Exception):  # a broken socket: nothing left to close
                await ws.close()
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def close(self) -> None:
        """Close from sync code (a fixture's teardown): runs :meth:`aclose` on the loop
        that used the stream if it can, and otherwise lets the socket go."""
        self._state.closed = True
        close_from_sync(self._loop, self.aclose)

    async def __aenter__(self) -> AsyncEventStream:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return self._state.describe("AsyncEventStream")

    # -- internals --------------------------------------------------------------------

    def _raise_if_failed(self, doing: str, events: list[Event], origin: float) -> None:
        if self._state.failure is not None or self._state.closed:
            raise EventStreamError(self._state.gone(doing, events, origin))

    async def _send_request(self, kind: str, types: frozenset[str]) -> None:
        if self._send_lock is None:
            self._send_lock = asyncio.Lock()
        async with self._send_lock:
            ws = self._ws
            if ws is None or not self._state.connected:
                return
            text = self._state.request(kind, types)
            # On failure the worker sees the close and reconnects, subscribing again.
            with contextlib.suppress(ConnectionClosed, OSError):
                await ws.send(text)

    async def _ensure(self, types: frozenset[str]) -> None:
        origin = time.monotonic()
        state = self._state
        if state.closed:
            raise EventStreamError("this event stream was closed")
        for name in types:
            state.rejected.pop(name, None)
        new = types - state.wanted
        state.wanted |= types
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._loop is not loop:
            # First use, after giving up, or on a new loop (the last one cancelled the worker
            # when it closed): start a worker here, with primitives of this loop.
            state.failure = None
            self._loop, self._send_lock, self._signal = loop, None, Signal()
            self._task = loop.create_task(self._run(), name="orgo-events")
        elif new and state.connected:
            await self._send_request("subscribe", new)
        while not types <= state.confirmed:
            refusal = state.refusal(types)
            if refusal is not None:
                raise ValueError(refusal)
            self._raise_if_failed(f"subscribing to {', '.join(sorted(types))}", [], origin)
            remaining = origin + self.connect_timeout - time.monotonic()
            if remaining <= 0:
                raise EventStreamError(state.not_subscribed(types, self.connect_timeout, origin))
            await self._signal.wait(remaining)

    async def _wait(
        self,
        specs: Sequence[EventSpec],
        ordered: bool,
        timeout: float | None,
        *,
        start: int | None = None,
        origin: float | None = None,
    ) -> list[Event]:
        timeout = self.timeout if timeout is None else timeout
        await self._ensure(all_types(specs))
        deadline = time.monotonic() + timeout
        origin = time.monotonic() if origin is None else origin
        state = self._state
        first = state.cursor if start is None else start
        while True:
            events = state.journal.since(first)
            found = find(specs, ordered, events)
            if found is not None:
                state.cursor = max(state.cursor, max(event.seq for event in found) + 1)
                return found
            self._raise_if_failed(f"waiting for {specs[0]}", events, origin)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                headline = waiting_headline(specs, ordered, events, timeout)
                raise EventTimeout(state.report(headline, events, origin))
            await self._signal.wait(remaining)

    async def _run(self) -> None:
        failures = 0
        backoff = self._state.backoff
        while not self._state.closed:
            healthy, problem = await self._connect_once()
            if self._state.closed:
                return
            failures = 1 if healthy else failures + 1
            if failures > backoff.attempts:
                self._state.failure = f"{failures} attempts in a row failed; the last: {problem}"
                self._task = None
                self._signal.notify()
                return
            await asyncio.sleep(backoff.delay(failures))

    async def _connect_once(self) -> tuple[bool, str]:
        try:
            url = resolve_url(self._state.url)
            ws = await connect(url, open_timeout=self.connect_timeout, close_timeout=CLOSE_TIMEOUT)
        except Exception as exc:  # DNS, refused, handshake, the URL callable itself
            return False, f"could not connect: {redact(str(exc))}"
        if self._state.closed:
            await ws.close()
            return True, "closed"
        self._ws = ws
        if self._send_lock is None:
            self._send_lock = asyncio.Lock()
        async with self._send_lock:
            first = self._state.on_connect(url)
            with contextlib.suppress(ConnectionClosed, OSError):
                await ws.send(first)
        self._signal.notify()
        healthy, ending = False, "closed"
        try:
            while True:
                raw = await ws.recv()
                healthy = self._state.handle(raw, time.monotonic()) in REPLIES or healthy
                self._signal.notify()
        except ConnectionClosed as exc:
            ending = describe_close(*close_of(exc))
        except asyncio.CancelledError:
            ending = "closed by the test"
            await ws.close()
            raise
        except Exception as exc:  # a broken socket, whatever the library raises for it
            ending = f"connection error: {exc!r}"
            await ws.close()
        finally:
            self._ws = None
            self._state.on_disconnect(ending)
            self._signal.notify()
        return healthy, ending
