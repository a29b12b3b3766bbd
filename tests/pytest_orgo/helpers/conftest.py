from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest
from helper_pairs import sine
from websockets.sync.server import ServerConnection, serve

from pytest_orgo.computer import OrgoComputer


@pytest.fixture
def computer(orgo_computer: OrgoComputer) -> Iterator[OrgoComputer]:
    """The test's computer; its socket helpers are closed when the test ends."""
    yield orgo_computer
    orgo_computer.close()


@pytest.fixture
def broken_server() -> Iterator[str]:
    """A socket that speaks the audio protocol but sends a 959-byte frame third."""

    def handler(ws: ServerConnection) -> None:
        ws.send(json.dumps({"type": "started", "sample_rate": 24000, "channels": 1}))
        ws.send(sine(440, 0.02))
        ws.send(sine(440, 0.02))
        ws.send(sine(440, 0.02)[:959])
        for message in ws:  # until the client asks to stop, as the protocol says
            if json.loads(message).get("type") == "stop":
                ws.close()

    with serve(handler, "127.0.0.1", 0) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        host, port = server.socket.getsockname()[:2]
        yield f"ws://{host}:{port}/audio?token=t"
        server.shutdown()
        thread.join(timeout=5)
