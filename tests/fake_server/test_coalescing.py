"""Polled event types, optionally coalesced as a poller would see them."""

from __future__ import annotations

from fake_server import FakeOrgo
from fake_server.clock import Clock
from fake_server.desktop.desktop import DesktopEvent
from fake_server.ws.coalesce import Coalescer
from fake_server.ws.hub import EventConnection


def _coalescer() -> tuple[Clock, Coalescer, list[DesktopEvent]]:
    clock = Clock(start=1000.0)
    seen: list[DesktopEvent] = []
    return clock, Coalescer(clock, seen.append), seen


def test_clipboard_changes_within_one_poll_collapse_to_the_last() -> None:
    clock, coalescer, seen = _coalescer()
    for value in ("a", "b", "c"):
        coalescer.add(DesktopEvent("clipboard", {"content": value}, clock.now()))
        clock.advance(0.05)
    assert seen == []
    clock.advance(0.25)
    assert [e.data for e in seen] == [{"content": "c"}]
    assert seen[0].timestamp == 1000.25  # reported at the poll that saw it


def test_a_window_opened_and_closed_between_polls_is_never_seen() -> None:
    clock, coalescer, seen = _coalescer()
    coalescer.add(DesktopEvent("window_open", {"window_id": "0x1", "title": "t"}, clock.now()))
    coalescer.add(DesktopEvent("window_close", {"window_id": "0x1"}, clock.now()))
    coalescer.add(DesktopEvent("window_open", {"window_id": "0x2", "title": "u"}, clock.now()))
    clock.advance(0.1)
    assert [(e.type, e.data["window_id"]) for e in seen] == [("window_open", "0x2")]


def test_fake_delivers_polled_events_at_poll_boundaries_when_asked(
    fake: FakeOrgo, computer: dict[str, object]
) -> None:
    fake.coalesce_polled_events = True
    cid = str(computer["id"])
    connection = EventConnection(cid)
    connection.subscriptions.update({"clipboard", "file_change"})
    fake.events.add(connection)
    fake.attach_desktop(fake.computer(cid))
    desktop = fake.desktop(cid)
    for value in ("one", "two"):
        desktop.set_clipboard(value)
    desktop.write_file("~/Desktop/instant.txt", "x")
    assert [e.type for e in connection.queued] == ["file_change"]  # inotify: at once
    fake.advance(0.25)
    assert [(e.type, e.data) for e in connection.queued][1:] == [("clipboard", {"content": "two"})]
