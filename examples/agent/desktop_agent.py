"""A tiny "agent" as users write them: it only knows the official SDK and Orgo's URLs.

Nothing here mentions pytest or the fake. Under pytest-orgo's fake mode, transparent
routing sends its requests (``orgo.Computer()`` with no arguments) and its WebSocket
(``wss://www.orgo.ai/...``) to the bundled fake; with ``pytest --orgo`` they go to Orgo.
"""

from __future__ import annotations

import json

import orgo
import websocket


def write_note(computer: orgo.Computer, text: str) -> str:
    """Type a note in the focused window and save a copy to the Desktop via bash."""
    computer.type(text)
    computer.key("ctrl+a")
    computer.key("ctrl+c")
    computer.bash(f"echo {json.dumps(text)} > ~/Desktop/note.txt")
    return computer.bash("cat ~/Desktop/note.txt").strip()


def watch_for_file(
    computer_info: dict[str, object], computer: orgo.Computer, path: str
) -> dict[str, object]:
    """Subscribe to file events on Orgo's documented URL, touch a file, return the event."""
    url = f"wss://www.orgo.ai/desktops/{computer_info['instance_id']}/ws/events?token={computer_info['vnc_password']}"
    socket = websocket.create_connection(url, timeout=10)
    try:
        socket.send(json.dumps({"type": "subscribe", "event_types": ["file_change"]}))
        assert json.loads(socket.recv())["type"] == "subscribed"
        computer.bash(f"touch {path}")
        message = json.loads(socket.recv())
        return dict(message["event"])
    finally:
        socket.close()
