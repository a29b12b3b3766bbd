"""Awaiting desktop events in a test, without races: ``computer.events`` (sync) and
``computer.async_events`` (asyncio).

The async form (``_async.py``) is the one source; the sync form (``_sync.py``) is generated
from it by ``scripts/unasync.py``.

A GUI test acts, then waits for the desktop to react. Two things make that racy with a
raw socket: the reaction can arrive before the test starts listening, and Orgo sends
nothing for a type until the connection subscribes to it. So:

* :meth:`EventStream.expect` is a context manager that subscribes (and waits for the
  server's ``subscribed``) *before* the block runs, and catches the event the block
  causes however early it arrives::

      with computer.events.expect("clipboard", where={"content": "hi"}) as ev:
          computer.desktop.set_clipboard("hi")
      assert ev.value.data["content"] == "hi"

* Waits read from a **cursor**, as pexpect reads a buffer: :meth:`~EventStream.wait_for`
  returns the first matching event received after the previous match (or after the
  subscription), and moves the cursor past it. Events that arrive between two waits are
  therefore not lost. :meth:`~EventStream.assert_no_event` and :meth:`~EventStream.collect`
  count from the cursor too, so an event that an action caused just *before* the call is
  not missed. :meth:`~EventStream.mark` moves the cursor to "now" to ignore what came
  before; ``expect`` only ever looks at events from its block on.
* Subscriptions are lazy: the first wait for a type subscribes to it (and only to the types
  asked for), later waits add more. The socket opens on the first need.
* When the socket drops, a background worker reconnects with :class:`Backoff` (0.05 s
  doubling to 2 s, 8 attempts in a row by default) and subscribes again to everything that
  was wanted; a wait in progress carries on. The URL is asked for again on every attempt,
  so after a restart and ``OrgoComputer.refresh()`` the new password is used. **Events
  produced while disconnected are lost**, as with the real service (subscriptions do not
  survive a reconnect, and nothing is replayed), and the helper learns of a drop only
  when the close reaches it: after something that drops the socket (a restart), wait
  until ``connections`` has grown and ``subscriptions`` is back before acting. A stream
  that gave up raises :class:`EventStreamError`; the next call tries again from scratch.
* A timeout (:class:`EventTimeout`, an ``AssertionError``) lists the events that did
  arrive (offset, type, server timestamp, data), the subscriptions in force and the
  connection's state. The URL in it has its token blanked.

``where`` filters: a dict matches a subset of ``data`` (nested dicts as subsets; a value
may be a compiled regex or a predicate on that value); a callable gets the
:class:`Event`. ``types`` may be one type or several (any of them matches).

The sync form runs one daemon thread per stream (``websockets``' sync client) and can be
used from any plain test; the async form runs one task on the loop that uses it (a new
loop, e.g. the next test's, starts a new connection). Both are closed by ``close()`` /
``aclose()`` or by ending a ``with`` block; ``OrgoComputer.close()`` closes the ones it
made, and a test loop that ends cancels the async worker, which closes its socket.
"""

from __future__ import annotations

from pytest_orgo.helpers._ws import Backoff
from pytest_orgo.helpers.events._async import AsyncEventStream, AsyncExpectation
from pytest_orgo.helpers.events._model import (
    EVENT_TYPES,
    Event,
    EventSpec,
    EventStreamError,
    EventTimeout,
    SpecLike,
    Types,
    UnexpectedEvent,
    Where,
)
from pytest_orgo.helpers.events._sync import EventStream, Expectation

__all__ = [
    "EVENT_TYPES",
    "AsyncEventStream",
    "AsyncExpectation",
    "Backoff",
    "Event",
    "EventSpec",
    "EventStream",
    "EventStreamError",
    "EventTimeout",
    "Expectation",
    "SpecLike",
    "Types",
    "UnexpectedEvent",
    "Where",
]
