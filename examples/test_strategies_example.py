"""Property-testing your own Orgo event handler with ``pytest_orgo.strategies``.

The handler below is the kind of code a user writes on top of the events WebSocket: it
keeps track of what is in ~/Downloads, a short clipboard history, and whether the
person (or agent) at the desktop is idle. Example tests would feed it the three events
someone thought of; the strategies feed it any documented event of any type, in any
order, with any payload, and the properties say what must hold after every one.

Run it with ``pytest examples/test_strategies_example.py``: no fake and no network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_orgo import strategies as orgo_st

DOWNLOADS = "/home/user/Downloads/"


@dataclass
class DesktopWatcher:
    """What a user's code might do with each ``{"type": "event", "event": ...}`` frame."""

    downloads: set[str] = field(default_factory=set)
    clipboard: list[str] = field(default_factory=list)  # newest last, no repeats in a row
    idle: bool = False
    history_size: int = 5

    def handle(self, message: dict[str, Any]) -> None:
        if message.get("type") != "event":
            return  # subscribed / pong / error replies
        event = message["event"]
        kind, data = event["type"], event["data"]
        if kind == "file_change" and data["path"].startswith(DOWNLOADS):
            if data["action"] == "deleted":
                self.downloads.discard(data["path"])
            else:
                self.downloads.add(data["path"])
        elif kind == "clipboard":
            if not self.clipboard or self.clipboard[-1] != data["content"]:
                self.clipboard = [*self.clipboard, data["content"]][-self.history_size :]
        elif kind == "idle":
            self.idle = True
        elif kind == "active":
            self.idle = False


@settings(max_examples=200)
@given(sequence=orgo_st.event_sequences(max_size=40))
def test_the_watcher_accepts_any_stream_of_documented_events(
    sequence: list[dict[str, Any]],
) -> None:
    watcher = DesktopWatcher()
    for message in sequence:
        watcher.handle(message)
        # What must hold after every event, whatever came before:
        assert all(path.startswith(DOWNLOADS) for path in watcher.downloads)
        assert len(watcher.clipboard) <= watcher.history_size
        assert all(a != b for a, b in pairwise(watcher.clipboard))
    last_idle_or_active = [
        m["event"]["type"] for m in sequence if m["event"]["type"] in ("idle", "active")
    ]
    assert watcher.idle is (bool(last_idle_or_active) and last_idle_or_active[-1] == "idle")


@given(
    created=orgo_st.events(types=["file_change"]),
    noise=st.lists(orgo_st.event_messages(types=["clipboard", "window_focus", "process_start"])),
)
def test_a_deleted_download_is_forgotten_whatever_happens_in_between(
    created: dict[str, Any], noise: list[dict[str, Any]]
) -> None:
    path = DOWNLOADS + "report.csv"
    watcher = DesktopWatcher()
    created["data"] = {"path": path, "action": "created"}
    watcher.handle({"type": "event", "event": created})
    assert path in watcher.downloads
    for message in noise:
        watcher.handle(message)
    deleted = {**created, "data": {"path": path, "action": "deleted"}}
    watcher.handle({"type": "event", "event": deleted})
    assert path not in watcher.downloads


@given(reply=st.sampled_from([{"type": "subscribed", "message": "ok"}, {"type": "pong"}]))
def test_replies_that_are_not_events_change_nothing(reply: dict[str, Any]) -> None:
    watcher = DesktopWatcher()
    watcher.handle(reply)
    assert watcher == DesktopWatcher()
