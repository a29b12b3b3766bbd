"""The 12 desktop event types Orgo documents, with how each is detected."""

from __future__ import annotations

from typing import Final

EVENT_TYPES: Final[tuple[dict[str, str], ...]] = (
    {"type": "window_focus", "description": "A window gained focus", "detection": "poll 100ms"},
    {"type": "window_open", "description": "A window was opened", "detection": "poll 100ms"},
    {"type": "window_close", "description": "A window was closed", "detection": "poll 100ms"},
    {
        "type": "clipboard",
        "description": "The clipboard content changed",
        "detection": "poll 250ms",
    },
    {
        "type": "file_change",
        "description": "A file in ~/Desktop or ~/Downloads was created, modified or deleted",
        "detection": "inotify (instant)",
    },
    {
        "type": "screen_change",
        "description": "The screen resolution changed",
        "detection": "poll 1s",
    },
    {
        "type": "audio_stream_start",
        "description": "Audio playback started",
        "detection": "poll 500ms",
    },
    {
        "type": "audio_stream_stop",
        "description": "Audio playback stopped",
        "detection": "poll 500ms",
    },
    {"type": "process_start", "description": "A process started", "detection": "poll 2s"},
    {"type": "process_stop", "description": "A process exited", "detection": "poll 2s"},
    {"type": "idle", "description": "No user input for 30 seconds", "detection": "poll 1s"},
    {"type": "active", "description": "User input after an idle period", "detection": "poll 1s"},
)

EVENT_TYPE_NAMES: Final[frozenset[str]] = frozenset(item["type"] for item in EVENT_TYPES)

POLL_INTERVALS: Final[dict[str, float]] = {
    "window_focus": 0.1,
    "window_open": 0.1,
    "window_close": 0.1,
    "clipboard": 0.25,
    "screen_change": 1.0,
    "audio_stream_start": 0.5,
    "audio_stream_stop": 0.5,
    "process_start": 2.0,
    "process_stop": 2.0,
    "idle": 1.0,
    "active": 1.0,
}
