"""The events WebSocket (orgo-api.md section 12), with both client libraries.

Every event here comes from a real cause (a REST action, the bash endpoint, the audio
socket, the virtual clock, or the desktop handle standing in for a person), and every
test reads an exact sequence: an unexpected extra event shows up as a mismatch, and a
final ping/pong proves nothing else was queued.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.fake_server.ws.ws_support import (
    PC,
    Client,
    Opener,
    recv_event,
    recv_json,
    roundtrip,
    send_json,
)

pytestmark = pytest.mark.timeout(60)

EVENT_TYPES = (
    "window_focus",
    "window_open",
    "window_close",
    "clipboard",
    "file_change",
    "screen_change",
    "audio_stream_start",
    "audio_stream_stop",
    "process_start",
    "process_stop",
    "idle",
    "active",
)
WINDOW_ID = re.compile(r"0x[0-9a-f]+")
EDITOR = "Text Editor - Untitled"  # the window a freshly booted desktop shows


def subscribe(client: Client, *types: str) -> None:
    send_json(client, {"type": "subscribe", "event_types": list(types)})
    assert recv_json(client) == {"type": "subscribed", "message": "ok"}


def expect(client: Client, event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    event = recv_event(client)
    assert (event["type"], event["data"]) == (event_type, data)
    return event


def when(event: dict[str, Any]) -> datetime:
    return datetime.strptime(event["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def ok(response: Any) -> None:
    assert response.status_code == 200, response.text


# -- the protocol's own replies ------------------------------------------------------------


def test_subscribe_unsubscribe_and_ping_replies_are_exactly_as_documented(
    pc: PC, open_ws: Opener
) -> None:
    client = open_ws(pc.url("events"))
    send_json(client, {"type": "subscribe", "event_types": ["clipboard", "window_open"]})
    assert recv_json(client) == {"type": "subscribed", "message": "ok"}
    send_json(client, {"type": "unsubscribe", "event_types": ["clipboard"]})
    assert recv_json(client) == {"type": "unsubscribed", "message": "ok"}
    send_json(client, {"type": "ping"})
    assert recv_json(client) == {"type": "pong"}
    [stats] = pc.fake.event_connections(pc.id)
    assert stats.subscriptions == ("window_open",) and stats.open


def test_unknown_event_type_is_an_error_and_the_connection_stays_open(
    pc: PC, open_ws: Opener
) -> None:
    client = open_ws(pc.url("events"))
    send_json(client, {"type": "subscribe", "event_types": ["invalid_type"]})
    assert recv_json(client) == {"type": "error", "message": "Unknown event type: invalid_type"}
    roundtrip(client)
    subscribe(client, "clipboard")
    pc.handle.set_clipboard("still open")
    expect(client, "clipboard", {"content": "still open"})


@pytest.mark.parametrize(
    "bad",
    [
        "{not json",
        "[]",
        '"subscribe"',
        '{"type": 5}',
        '{"type": "dance"}',
        '{"type": "subscribe"}',
        '{"type": "subscribe", "event_types": "clipboard"}',
        '{"type": "subscribe", "event_types": [1]}',
    ],
)
def test_a_malformed_message_gets_an_error_and_the_connection_stays_open(
    pc: PC, open_ws: Opener, bad: str
) -> None:
    client = open_ws(pc.url("events"))
    client.send(bad)
    reply = recv_json(client)
    assert reply["type"] == "error" and set(reply) == {"type", "message"}
    assert isinstance(reply["message"], str) and reply["message"]
    roundtrip(client)
    subscribe(client, "clipboard")
    pc.handle.set_clipboard("after the error")
    expect(client, "clipboard", {"content": "after the error"})


def test_nothing_is_delivered_before_subscribing(pc: PC, open_ws: Opener) -> None:
    client = open_ws(pc.url("events"))
    roundtrip(client)  # the connection is registered with the hub from here on
    pc.handle.set_clipboard("too early")
    pc.handle.open_window("Early")
    pc.bash("touch ~/Desktop/early.txt")
    roundtrip(client)  # no event came before the pong
    [stats] = pc.fake.event_connections(pc.id)
    assert (stats.sent, stats.dropped, stats.queued) == (0, 0, 0)
    subscribe(client, "clipboard", "window_open", "file_change")  # nothing queued up front
    pc.handle.set_clipboard("on time")
    expect(client, "clipboard", {"content": "on time"})


# -- all twelve event types, from real causes ----------------------------------------------


def test_catalog_lists_the_twelve_documented_types(pc: PC) -> None:
    response = pc.rest.get(f"/computers/{pc.id}/events")
    assert response.status_code == 200, response.text
    catalog = response.json()["event_types"]
    assert sorted(item["type"] for item in catalog) == sorted(EVENT_TYPES)
    assert all(item["description"] and item["detection"] for item in catalog)


def test_each_event_type_comes_from_a_real_cause_with_its_documented_data(
    pc: PC, open_ws: Opener
) -> None:
    client = open_ws(pc.url("events"))
    subscribe(client, *EVENT_TYPES)
    seen: list[dict[str, Any]] = []

    def saw(event_type: str, data: dict[str, Any]) -> dict[str, Any]:
        event = expect(client, event_type, data)
        seen.append(event)
        return event

    [editor] = pc.handle.windows
    assert editor.title == EDITOR and WINDOW_ID.fullmatch(editor.id)

    # A window opens (as when a person starts an app) and takes the focus.
    notes = pc.handle.open_window("Notes")
    assert WINDOW_ID.fullmatch(notes.id) and notes.id != editor.id
    saw("window_open", {"window_id": notes.id, "title": "Notes"})
    saw("window_focus", {"window_id": notes.id, "title": "Notes"})

    # alt+Tab over REST moves the focus back to the editor.
    ok(pc.post("key", {"key": "alt+Tab"}))
    saw("window_focus", {"window_id": editor.id, "title": EDITOR})

    # Typing, select-all and copy put the text on the clipboard.
    ok(pc.post("type", {"text": "hello clipboard"}))
    ok(pc.post("key", {"key": "ctrl+a"}))
    ok(pc.post("key", {"key": "ctrl+c"}))
    saw("clipboard", {"content": "hello clipboard"})

    # ctrl+w closes the focused window; the one below gets the focus.
    ok(pc.post("key", {"key": "ctrl+w"}))
    saw("window_close", {"window_id": editor.id})
    saw("window_focus", {"window_id": notes.id, "title": "Notes"})

    # The bash endpoint writes to ~/Desktop.
    pc.bash("touch ~/Desktop/a.txt")
    saw("file_change", {"path": "/home/user/Desktop/a.txt", "action": "created"})

    # A background process starts, then is killed.
    started = pc.bash("sleep 300 & echo $!")
    pid = int(started["output"].split()[-1])
    saw("process_start", {"pid": pid, "name": "sleep"})
    pc.bash(f"kill {pid}")
    saw("process_stop", {"pid": pid, "name": "sleep"})

    # The screen resolution changes.
    pc.handle.set_resolution("1024x768x24")
    saw("screen_change", {"width": 1024, "height": 768})

    # Sound plays, and someone listens on the audio socket until it has ended.
    pc.handle.play_tone(440, 0.1)
    listener = open_ws(pc.url("audio", pace="fast"))
    assert recv_json(listener)["type"] == "started"
    for _ in range(10):  # 0.2 s of audio: past the end of the 0.1 s tone
        assert isinstance(listener.recv(), bytes)
    listener.close()
    saw("audio_stream_start", {})
    saw("audio_stream_stop", {})

    # No input for 30 s of (virtual) time: idle. A click: active again.
    before_idle = pc.fake.clock.now()
    pc.fake.advance(30)
    idle = saw("idle", {"idle_seconds": 30})
    assert when(idle).timestamp() == pytest.approx(before_idle + 30, abs=0.001)
    ok(pc.post("click", {"x": 5, "y": 5}))  # on the wallpaper: no focus change
    saw("active", {})

    roundtrip(client)  # and nothing else was sent
    assert {event["type"] for event in seen} == set(EVENT_TYPES)


def test_file_change_reports_desktop_and_downloads_only(pc: PC, open_ws: Opener) -> None:
    client = open_ws(pc.url("events"))
    subscribe(client, "file_change")
    pc.bash("mkdir -p ~/Documents ~/Downloads && touch ~/Documents/quiet.txt /tmp/quiet.txt")
    pc.bash("echo one > ~/Desktop/notes.txt")
    expect(client, "file_change", {"path": "/home/user/Desktop/notes.txt", "action": "created"})
    pc.bash("echo two >> ~/Desktop/notes.txt")
    expect(client, "file_change", {"path": "/home/user/Desktop/notes.txt", "action": "modified"})
    pc.bash("echo x > ~/Documents/quiet.txt; echo data > ~/Downloads/report.csv")
    expect(client, "file_change", {"path": "/home/user/Downloads/report.csv", "action": "created"})
    pc.bash("rm ~/Desktop/notes.txt ~/Documents/quiet.txt")
    expect(client, "file_change", {"path": "/home/user/Desktop/notes.txt", "action": "deleted"})
    roundtrip(client)


def test_timestamps_are_utc_with_milliseconds_and_follow_the_virtual_clock(
    pc: PC, open_ws: Opener
) -> None:
    client = open_ws(pc.url("events"))
    subscribe(client, "clipboard")
    pc.handle.set_clipboard("first")
    first = expect(client, "clipboard", {"content": "first"})
    pc.fake.advance(12.345)
    pc.handle.set_clipboard("second")
    second = expect(client, "clipboard", {"content": "second"})
    for event in (first, second):
        assert event["timestamp"].endswith("Z") and len(event["timestamp"]) == 24
    assert abs(when(first).timestamp() - pc.fake.clock.now() + 12.345) < 0.002
    assert (when(second) - when(first)).total_seconds() == pytest.approx(12.345, abs=0.0015)


# -- subscriptions ---------------------------------------------------------------------------


def test_subscriptions_are_independent_per_connection(pc: PC, open_ws: Opener) -> None:
    clips = open_ws(pc.url("events"))
    windows = open_ws(pc.url("events"))
    subscribe(clips, "clipboard")
    subscribe(windows, "window_open")
    pc.handle.set_clipboard("one")
    window = pc.handle.open_window("Second")
    pc.handle.set_clipboard("two")
    expect(clips, "clipboard", {"content": "one"})
    expect(clips, "clipboard", {"content": "two"})
    expect(windows, "window_open", {"window_id": window.id, "title": "Second"})
    roundtrip(clips)
    roundtrip(windows)
    subscriptions = [s.subscriptions for s in pc.fake.event_connections(pc.id)]
    assert subscriptions == [("clipboard",), ("window_open",)]


def test_subscribe_adds_and_unsubscribe_stops_delivery(pc: PC, open_ws: Opener) -> None:
    client = open_ws(pc.url("events"))
    subscribe(client, "clipboard")
    subscribe(client, "window_open")  # adds to the set
    pc.handle.set_clipboard("a")
    first = pc.handle.open_window("A")
    expect(client, "clipboard", {"content": "a"})
    expect(client, "window_open", {"window_id": first.id, "title": "A"})

    send_json(client, {"type": "unsubscribe", "event_types": ["clipboard"]})
    assert recv_json(client) == {"type": "unsubscribed", "message": "ok"}
    pc.handle.set_clipboard("not delivered")
    second = pc.handle.open_window("B")
    expect(client, "window_open", {"window_id": second.id, "title": "B"})  # no clipboard first

    send_json(client, {"type": "unsubscribe", "event_types": ["window_open", "idle"]})
    assert recv_json(client) == {"type": "unsubscribed", "message": "ok"}
    pc.handle.set_clipboard("nor this")
    pc.handle.open_window("C")
    roundtrip(client)


def test_subscriptions_do_not_survive_a_reconnect(pc: PC, open_ws: Opener) -> None:
    first = open_ws(pc.url("events"))
    subscribe(first, "clipboard")
    first.close()
    second = open_ws(pc.url("events"))
    roundtrip(second)
    pc.handle.set_clipboard("after reconnect")
    roundtrip(second)
    stats = pc.fake.event_connections(pc.id)
    assert [s.subscriptions for s in stats] == [("clipboard",), ()]
    assert stats[-1].sent == 0
