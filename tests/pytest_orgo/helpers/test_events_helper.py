"""The events helper: what is not generated from the async tests in
``tests/pytest_orgo/helpers/test_events_async.py`` (those run in both forms): matching
without a socket, ``OrgoComputer.close()`` and an async stream moving to a new loop.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from helper_pairs import desktop, wait_until

from fake_server import FakeOrgo
from pytest_orgo.computer import OrgoComputer
from pytest_orgo.events import Event, EventStreamError
from pytest_orgo.helpers.events._model import EventSpec, match_any_order, match_in_order


def test_close_ends_the_socket_and_further_use_fails(
    computer: OrgoComputer, orgo_server: FakeOrgo
) -> None:
    events = computer.events
    events.subscribe("clipboard")
    computer.close()
    wait_until(lambda: not any(c.open for c in orgo_server.event_connections(computer.id)))
    with pytest.raises(EventStreamError, match="closed"):
        events.wait_for("clipboard", timeout=0.1)
    assert computer.events is not events  # a fresh helper after close()


# -- matching without a socket -------------------------------------------------------------------


def make_event(kind: str, seq: int, **data: object) -> Event:
    return Event(kind, datetime(2026, 1, 1, tzinfo=UTC), dict(data), seq)


def test_any_order_matching_lets_a_broad_spec_yield_to_a_narrow_one() -> None:
    broad, narrow = EventSpec(("clipboard",)), EventSpec(("clipboard",), {"content": "x"})
    arrived = [make_event("clipboard", 0, content="x"), make_event("clipboard", 1, content="y")]
    found = match_any_order([broad, narrow], arrived)
    assert found is not None and [e.seq for e in found] == [1, 0]
    assert match_in_order([narrow, broad], arrived) == arrived
    assert match_in_order([broad, narrow], arrived) is None


def test_an_async_stream_carries_on_in_the_next_event_loop(computer: OrgoComputer) -> None:
    events = computer.async_events

    async def copy(content: str) -> Event:
        async with events.expect("clipboard", where={"content": content}, timeout=5) as ev:
            desktop(computer).set_clipboard(content)
        return ev.value

    # Each asyncio.run is a loop that cancels the worker when it ends, as a test's loop does.
    assert asyncio.run(copy("first loop")).data == {"content": "first loop"}
    assert asyncio.run(copy("second loop")).data == {"content": "second loop"}
    assert events.connections == 2
