# Generated from _async.py by scripts/unasync.py: edit that, then run the script.
"""The events helper: :class:`EventStream` and its expectation.

Written once, in async form (``_sync.py``); ``scripts/unasync.py`` generates the sync
form (``_sync.py``: a worker thread instead of a task). Import both forms from
:mod:`pytest_orgo.events`, whose docstring describes the semantics.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Sequence
from types import TracebackType
from typing import Generic, TypeVar

from websockets.exceptions import ConnectionClosed

from pytest_orgo.helpers._synchronization import Condition, Socket, Worker
from pytest_orgo.helpers._ws import (
    Backoff,
    UrlSource,
    close_of,
    describe_close,
    redact,
    resolve_url,
)
from pytest_orgo.helpers.events._core import REPLIES, StreamState
from pytest_orgo.helpers.events._model import (
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

T = TypeVar("T")
DEFAULT_BACKOFF = Backoff()


class Expectation(Generic[T]):
    """What :meth:`EventStream.expect` returns: subscribed on entry, waits on exit.

    The timeout counts from the end of the block (the action may take a while); events
    from the start of the block count. ``value`` is the event (a list for
    ``expect_all``). If the block raises, nothing is awaited and the error propagates.
    """

    def __init__(
        self,
        stream: EventStream,
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

    def __enter__(self) -> Expectation[T]:
        __tracebackhide__ = True
        self._stream._ensure(all_types(self._specs))
        self._origin = time.monotonic()
        self._start = self._stream._next_seq()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        __tracebackhide__ = True
        if exc_type is None:
            self._found = self._stream._wait(
                self._specs, self._ordered, self._timeout, start=self._start, origin=self._origin
            )

    @property
    def value(self) -> T:
        """The event (a list for ``expect_all``), once the block has ended."""
        if self._found is None:
            raise RuntimeError("the expected event is known only once the with-block has ended")
        return self._pick(self._found)


class EventStream:
    """The desktop's events socket. See the docstring of :mod:`pytest_orgo.events`.

    ``url`` is the events URL (with its token) or a callable returning it, asked again
    before every connection. ``timeout`` is the default for waits, ``connect_timeout``
    bounds connecting and subscribing, ``history`` is how many events are kept.
    """

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
        self._cond = Condition()
        self._ws: Socket | None = None
        self._worker = Worker("orgo-events")

    # -- what a test reads ------------------------------------------------------------

    @property
    def subscriptions(self) -> frozenset[str]:
        """The types the server has confirmed on the current connection."""
        with self._cond.hold():
            return frozenset(self._state.confirmed)

    @property
    def connections(self) -> int:
        """How many times the socket has been opened (1 + reconnections)."""
        with self._cond.hold():
            return self._state.connections

    @property
    def connected(self) -> bool:
        """Whether the socket is open now."""
        with self._cond.hold():
            return self._state.connected

    @property
    def received(self) -> list[Event]:
        """Every event received so far (the latest ``history`` of them), oldest first."""
        with self._cond.hold():
            return self._state.journal.since(0)

    # -- subscribing ------------------------------------------------------------------

    def subscribe(self, *types: str) -> None:
        """Subscribe now (waits are lazy; this is for watching before the first wait)."""
        __tracebackhide__ = True
        self._ensure(frozenset(types))

    def unsubscribe(self, *types: str) -> None:
        """Stop receiving ``types`` (events of them already received stay)."""
        with self._cond:
            names = frozenset(types)
            self._state.wanted -= names
            self._state.confirmed -= names
            self._send_request("unsubscribe", names)

    def mark(self) -> None:
        """Move the cursor to now: later waits ignore every event received so far."""
        with self._cond.hold():
            self._state.cursor = self._state.journal.next_seq

    # -- waiting ----------------------------------------------------------------------

    def expect(
        self, types: Types, where: Where = None, *, timeout: float | None = None
    ) -> Expectation[Event]:
        """``with stream.expect(type) as ev: act()`` then ``ev.value``: subscribed before
        the block runs, so the event the block causes is caught however early it comes."""
        return Expectation(self, [make_spec(types, where)], True, timeout, lambda found: found[0])

    def expect_all(
        self, specs: Iterable[SpecLike], *, ordered: bool = True, timeout: float | None = None
    ) -> Expectation[list[Event]]:
        """Like :meth:`expect` for several events; ``value`` lists them as ``specs`` does."""
        return Expectation(self, [to_spec(s) for s in specs], ordered, timeout, list)

    def wait_for(self, types: Types, where: Where = None, *, timeout: float | None = None) -> Event:
        """The first matching event after the cursor; waits up to ``timeout`` seconds.

        Subscribes to ``types`` first if needed: an event of a type not yet subscribed
        that came *before* this call was never sent by the server. Only :meth:`expect`
        (or an earlier :meth:`subscribe`) is race-free for an action's reaction."""
        __tracebackhide__ = True
        return (self._wait([make_spec(types, where)], True, timeout))[0]

    def wait_for_all(
        self, specs: Iterable[SpecLike], *, ordered: bool = True, timeout: float | None = None
    ) -> list[Event]:
        """One event per spec (a type, a ``(type, where)`` pair or an :class:`EventSpec`),
        in that order (the default) or, with ``ordered=False``, in any order; listed as
        ``specs`` is."""
        __tracebackhide__ = True
        return self._wait([to_spec(s) for s in specs], ordered, timeout)

    def assert_no_event(self, types: Types, where: Where = None, *, within: float = 1.0) -> None:
        """Fail (:class:`UnexpectedEvent`) if a matching event arrives after the cursor or
        during the next ``within`` seconds. A drop during the window fails too: absence
        cannot be vouched for while the socket was down."""
        __tracebackhide__ = True
        spec = make_spec(types, where)
        self._ensure(frozenset(spec.types))
        origin = time.monotonic()
        with self._cond:
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
                self._cond.wait(remaining)

    def collect(
        self, duration: float, types: Types | None = None, where: Where = None
    ) -> list[Event]:
        """Every matching event after the cursor and during the next ``duration`` seconds;
        ``types`` defaults to the types subscribed so far (with none yet, pass ``types``:
        a ``ValueError`` says so). Moves the cursor to the end."""
        __tracebackhide__ = True
        with self._cond.hold():
            names = tuple(sorted(self._state.wanted)) if types is None else types
        if not names:
            raise ValueError(
                "collect() needs event types: pass types=..., nothing is subscribed yet"
            )
        spec = make_spec(names, where)
        self._ensure(frozenset(spec.types))
        end = time.monotonic() + duration
        with self._cond:
            while (remaining := end - time.monotonic()) > 0:
                self._raise_if_failed(f"collecting {spec}", [], end - duration)
                self._cond.wait(remaining)
            events = self._state.journal.since(self._state.cursor)
            self._state.cursor = self._state.journal.next_seq
        return [event for event in events if spec.matches(event)]

    # -- the end ----------------------------------------------------------------------

    def close(self) -> None:
        """Close the socket and stop the worker (idempotent)."""
        with self._cond:
            self._state.closed = True
            ws = self._ws
            self._cond.notify_all()
        if ws is not None:
            with contextlib.suppress(Exception):  # a broken socket: nothing left to close
                ws.close()
        self._worker.stop()

    def __enter__(self) -> EventStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        with self._cond.hold():
            return self._state.describe(type(self).__name__)

    # -- internals --------------------------------------------------------------------

    def _next_seq(self) -> int:
        with self._cond.hold():
            return self._state.journal.next_seq

    def _raise_if_failed(self, doing: str, events: list[Event], origin: float) -> None:
        __tracebackhide__ = True
        if self._state.failure is not None or self._state.closed:
            raise EventStreamError(self._state.gone(doing, events, origin))

    def _send_request(self, kind: str, types: frozenset[str]) -> None:
        """Send a (un)subscribe request; called holding the lock."""
        if self._ws is None or not self._state.connected:
            return  # the next connection subscribes to what is wanted then
        self._send(self._state.request(kind, types))

    def _send(self, text: str) -> None:
        ws = self._ws
        if ws is None:
            return
        # On failure the worker sees the close and reconnects, subscribing again.
        with contextlib.suppress(ConnectionClosed, OSError):
            ws.send(text)

    def _ensure(self, types: frozenset[str]) -> None:
        """Connect if needed and return once the server confirmed every type in ``types``."""
        __tracebackhide__ = True
        origin = time.monotonic()
        with self._cond:
            state = self._state
            if state.closed:
                raise EventStreamError("this event stream was closed")
            for name in types:
                state.rejected.pop(name, None)
            new = types - state.wanted
            state.wanted |= types
            if not self._worker.running:
                # First use, after giving up, or on a new event loop (the last one
                # cancelled the worker when it closed): start a worker here.
                state.failure = None
                self._worker.start(self._run)
            elif new and state.connected:
                self._send_request("subscribe", new)
            while not types <= state.confirmed:
                refusal = state.refusal(types)
                if refusal is not None:
                    raise ValueError(refusal)
                self._raise_if_failed(f"subscribing to {', '.join(sorted(types))}", [], origin)
                remaining = origin + self.connect_timeout - time.monotonic()
                if remaining <= 0:
                    raise EventStreamError(
                        state.not_subscribed(types, self.connect_timeout, origin)
                    )
                self._cond.wait(remaining)

    def _wait(
        self,
        specs: Sequence[EventSpec],
        ordered: bool,
        timeout: float | None,
        *,
        start: int | None = None,
        origin: float | None = None,
    ) -> list[Event]:
        __tracebackhide__ = True
        timeout = self.timeout if timeout is None else timeout
        self._ensure(all_types(specs))
        deadline = time.monotonic() + timeout
        origin = time.monotonic() if origin is None else origin
        with self._cond:
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
                self._cond.wait(remaining)

    def _run(self) -> None:
        """The worker: connect, read until the socket drops, back off, again."""
        failures = 0
        backoff = self._state.backoff
        while not self._state.closed:
            healthy, problem = self._connect_once()
            if self._state.closed:
                return
            failures = 1 if healthy else failures + 1
            if failures > backoff.attempts:
                with self._cond:
                    self._state.failure = (
                        f"{failures} attempts in a row failed; the last: {problem}"
                    )
                    self._worker.finish()
                    self._cond.notify_all()
                return
            self._worker.pause(backoff.delay(failures))

    def _connect_once(self) -> tuple[bool, str]:
        """One connection's life: whether it worked (the server answered) and how it ended."""
        try:
            url = resolve_url(self._state.url)
            ws = Socket.open(url, self.connect_timeout)
        except Exception as exc:  # DNS, refused, handshake, the URL callable itself
            return False, f"could not connect: {redact(str(exc))}"
        with self._cond:
            if self._state.closed:
                ws.close()
                return True, "closed"
            self._ws = ws
            self._send(self._state.on_connect(url))
            self._cond.notify_all()
        healthy, ending = False, "closed"
        try:
            while True:
                raw = ws.recv()
                with self._cond:
                    healthy = self._state.handle(raw, time.monotonic()) in REPLIES or healthy
                    self._cond.notify_all()
        except ConnectionClosed as exc:
            ending = describe_close(*close_of(exc))
        except Exception as exc:  # a broken socket, whatever the library raises for it
            ending = f"connection error: {exc!r}"
            ws.close()
        finally:
            with self._cond:
                self._ws = None
                self._state.on_disconnect(ending)
                self._cond.notify_all()
        return healthy, ending
