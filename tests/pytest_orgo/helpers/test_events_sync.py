# Generated from test_events_async.py by scripts/unasync.py: edit that, then run the script.
"""The events helper against the bundled fake on loopback, written once in async form;
``scripts/unasync.py`` generates ``test_events_sync.py`` from it, so both forms have the
same tests.

Every wait is bounded (timeouts of a few seconds at most, windows of fractions of one), and
every test closes its sockets: the ``computer`` fixture closes the helpers it made.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime

import pytest
from helper_pairs import Background, desktop, server_subscribed, wait_until

from fake_server import FakeOrgo
from pytest_orgo.computer import OrgoComputer
from pytest_orgo.events import (
    Backoff,
    Event,
    EventStream,
    EventStreamError,
    EventTimeout,
    UnexpectedEvent,
)

# -- waiting and matching -----------------------------------------------------------------


def test_wait_for_matches_on_data(computer: OrgoComputer, orgo_server: FakeOrgo) -> None:
    events = computer.events
    events.subscribe("clipboard", "window_open")
    desktop(computer).set_clipboard("first")
    desktop(computer).set_clipboard("second")
    event = events.wait_for("clipboard", where={"content": "second"}, timeout=5)
    assert isinstance(event, Event)
    assert (event.type, event.data) == ("clipboard", {"content": "second"})
    assert isinstance(event.timestamp, datetime) and event.timestamp.tzinfo is not None
    server_now = datetime.fromtimestamp(orgo_server.clock.now(), tz=UTC)
    assert abs((server_now - event.timestamp).total_seconds()) < 60  # the server's clock

    desktop(computer).raw.emit(
        "window_open", {"window_id": "0x1", "title": "Editor", "geo": {"w": 3, "h": 4}}
    )
    nested = events.wait_for("window_open", where={"geo": {"w": 3}, "title": re.compile("^Ed")})
    assert nested.data["window_id"] == "0x1"
    desktop(computer).open_window("Terminal")
    by_predicate = events.wait_for(
        "window_open", where=lambda e: e.data["title"].startswith("Term")
    )
    assert by_predicate.data["title"] == "Terminal"


def test_wait_for_reads_from_a_cursor_so_nothing_between_waits_is_lost(
    computer: OrgoComputer,
) -> None:
    events = computer.events
    events.subscribe("clipboard")
    for content in ("a", "b", "c"):
        desktop(computer).set_clipboard(content)
    assert [(events.wait_for("clipboard")).data["content"] for _ in range(3)] == [
        "a",
        "b",
        "c",
    ]
    desktop(computer).set_clipboard("old")
    wait_until(lambda: len(events.received) == 4)
    events.mark()  # ignore what came before
    with pytest.raises(EventTimeout):
        events.wait_for("clipboard", timeout=0.2)


def test_expect_subscribes_before_the_action_and_catches_an_early_event(
    computer: OrgoComputer, orgo_server: FakeOrgo
) -> None:
    events = computer.events
    assert not orgo_server.event_connections(computer.id)  # lazy: nothing opened yet
    with events.expect("clipboard", where={"content": "copied"}, timeout=5) as ev:
        # Registered on entry: the server already delivers clipboard events to us...
        assert server_subscribed(orgo_server, computer.id, "clipboard")()
        desktop(computer).set_clipboard("copied")
        # ...and the event has fully arrived before the block ends: no race.
        wait_until(lambda: any(e.data == {"content": "copied"} for e in events.received))
        with pytest.raises(RuntimeError, match="once the with-block has ended"):
            _ = ev.value
    assert ev.value.data == {"content": "copied"}
    assert events.subscriptions == {"clipboard"}  # only the type asked for


def test_expect_all_and_wait_for_all_in_and_out_of_order(
    computer: OrgoComputer,
) -> None:
    events = computer.events
    with events.expect_all(["window_open", ("window_focus", {"title": "Notes"})]) as both:
        desktop(computer).open_window("Notes")  # emits window_open, then window_focus
    opened, focused = both.value
    assert (opened.type, focused.type) == ("window_open", "window_focus")
    assert opened.seq < focused.seq

    desktop(computer).open_window("Mail")
    focus_first = [("window_focus", {"title": "Mail"}), ("window_open", {"title": "Mail"})]
    found = events.wait_for_all(focus_first, ordered=False, timeout=5)
    assert [e.type for e in found] == ["window_focus", "window_open"]  # as the specs list them

    desktop(computer).open_window("Calendar")
    with pytest.raises(EventTimeout) as info:
        events.wait_for_all(  # ordered=True is the default
            [("window_focus", {"title": "Calendar"}), ("window_open", {"title": "Calendar"})],
            timeout=0.3,
        )
    assert "1 arrived, still waiting for: window_open event with data matching" in str(info.value)


def test_timeout_lists_what_arrived_and_the_subscriptions(
    computer: OrgoComputer,
) -> None:
    events = computer.events
    events.subscribe("clipboard")
    desktop(computer).set_clipboard("noise")
    with pytest.raises(EventTimeout) as info:
        events.wait_for("window_open", where={"title": "Never"}, timeout=0.3)
    message = str(info.value)
    assert isinstance(info.value, AssertionError) and isinstance(info.value, TimeoutError)
    assert message.startswith(
        "no window_open event with data matching {'title': 'Never'} arrived within 0.3 s."
    )
    assert "Events received while waiting (1;" in message
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
    assert re.search(rf"[+-]\d+\.\d{{3}}s  clipboard\s+{stamp}  \{{'content': 'noise'\}}", message)
    assert "Subscriptions: subscribed to clipboard, window_open." in message
    assert "Connection: connected to ws://127.0.0.1:" in message
    assert "token=***" in message and computer.password not in message


def test_unknown_event_type_is_refused_with_the_servers_message(
    computer: OrgoComputer,
) -> None:
    with pytest.raises(
        ValueError, match="refused window_resize: Unknown event type: window_resize"
    ):
        computer.events.wait_for("window_resize", timeout=1)


# -- absence and collection -----------------------------------------------------------------


def test_assert_no_event_passes_when_nothing_matches(computer: OrgoComputer) -> None:
    events = computer.events
    events.subscribe("clipboard", "window_open")
    desktop(computer).set_clipboard("not a window")
    started = time.monotonic()
    events.assert_no_event("window_open", within=0.3)  # returns once the window passed
    assert time.monotonic() - started >= 0.3
    events.assert_no_event("clipboard", where={"content": "something else"}, within=0.1)


def test_assert_no_event_fails_naming_the_event_once(computer: OrgoComputer) -> None:
    events = computer.events
    events.subscribe("window_open", "clipboard")
    desktop(computer).set_clipboard("seen")
    with pytest.raises(UnexpectedEvent, match="'content': 'seen'"):  # still after the cursor
        events.assert_no_event("clipboard", within=0.1)
    events.mark()
    timer = threading.Timer(0.1, desktop(computer).open_window, args=("Popup",))
    timer.start()
    try:
        with pytest.raises(UnexpectedEvent) as info:
            events.assert_no_event("window_open", within=3.0)
    finally:
        timer.join()
    message = str(info.value)
    assert message.startswith(
        "expected no window_open event within 3 s (counting those since the last match), but got:"
    )
    assert message.count("'title': 'Popup'") == 1  # in the headline, not listed again
    assert "Subscriptions: subscribed to clipboard, window_open." in message


def test_collect_gathers_a_window_and_moves_the_cursor(
    computer: OrgoComputer,
) -> None:
    events = computer.events
    events.subscribe("clipboard", "window_open")
    timer = threading.Timer(0.05, desktop(computer).set_clipboard, args=("during",))
    desktop(computer).set_clipboard("before")
    desktop(computer).open_window("Ignored by the filter")
    timer.start()
    collected = events.collect(0.4, types="clipboard")
    timer.join()
    assert [e.data["content"] for e in collected] == ["before", "during"]
    assert events.collect(0.1) == []  # the cursor moved past everything
    with pytest.raises(ValueError, match="needs event types"):
        EventStream(computer.events_url).collect(0.1)


# -- reconnection ---------------------------------------------------------------------------


def test_reconnects_after_the_server_drops_the_socket(
    computer: OrgoComputer, orgo_server: FakeOrgo
) -> None:
    events = computer.events
    events.subscribe("clipboard")
    waiting = Background(events.wait_for, "clipboard", {"content": "after"}, timeout=5)
    orgo_server.drop_connections(computer.id)  # closes with 1012 from the server's side
    wait_until(lambda: events.connections == 2)
    wait_until(server_subscribed(orgo_server, computer.id, "clipboard"))
    desktop(computer).set_clipboard("after")
    event = waiting.result(timeout=5)  # the wait in progress rode out the drop
    assert event.data == {"content": "after"}
    assert "1012" in repr(events) and "service restart" in repr(events)
    stats = orgo_server.event_connections(computer.id)
    assert [c.open for c in stats] == [False, True]


def test_a_restart_and_refresh_give_the_new_password_to_the_next_connection(
    computer: OrgoComputer,
) -> None:
    events = computer.events
    events.subscribe("clipboard")
    old_password = computer.password
    computer.client.restart_computer(computer.id)  # closes the sockets, issues a new password
    computer.refresh()
    assert computer.password != old_password
    # The restart closed the socket (1001); events produced before the helper has noticed
    # and reconnected would be lost, so wait for the new subscription first.
    wait_until(lambda: events.connections >= 2 and events.subscriptions == {"clipboard"})
    with events.expect("clipboard", timeout=5) as ev:
        desktop(computer).set_clipboard("after restart")
    assert ev.value.data["content"] == "after restart"
    assert events.connections >= 2


def test_reconnection_gives_up_after_bounded_attempts(computer: OrgoComputer) -> None:
    bad_url = computer.events_url.replace(computer.password, "wrong-password")
    with EventStream(bad_url, backoff=Backoff(initial=0.01, attempts=2)) as events:
        started = time.monotonic()
        with pytest.raises(EventStreamError) as info:
            events.wait_for("clipboard", timeout=5)
        assert time.monotonic() - started < 2
    message = str(info.value)
    assert "gave up reconnecting: 3 attempts in a row failed" in message
    assert "closed with code 4401" in message
    assert "token=***" in message and "wrong-password" not in message


def test_close_ends_the_socket_and_further_use_fails(
    computer: OrgoComputer, orgo_server: FakeOrgo
) -> None:
    events = computer.events
    events.subscribe("clipboard")
    events.close()
    wait_until(lambda: not any(c.open for c in orgo_server.event_connections(computer.id)))
    with pytest.raises(EventStreamError, match="closed"):
        events.wait_for("clipboard", timeout=0.1)
