"""Routing of the hosted agent's host (agent.orgo.ai): its WebSocket URL lands on the
fake's /ws/prompt, and websocket-client's WebSocketApp (the SDK's agent loop) uses a
plain dispatcher for the routed wss:// URL."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fake_server import FakeOrgo
from pytest_orgo.routing import HostRouter, is_orgo_host, map_ws_url

websocket = pytest.importorskip("websocket")


def test_the_agent_url_maps_onto_the_fake() -> None:
    assert is_orgo_host("agent.orgo.ai")
    url = map_ws_url("wss://agent.orgo.ai/ws/prompt?token=k", "ws://127.0.0.1:5000")
    assert url == "ws://127.0.0.1:5000/ws/prompt?token=k"


def test_websocket_app_reaches_the_fake_through_the_router() -> None:
    fake = FakeOrgo(seed=2)
    with fake.serve() as server:
        router = HostRouter(http_target=lambda: server.url, transport=fake.transport)
        router.install()
        try:
            received: list[Any] = []

            def on_open(ws: Any) -> None:
                ws.send(json.dumps({"type": "ping"}))

            def on_message(ws: Any, message: str) -> None:
                received.append(json.loads(message))
                ws.close()

            app = websocket.WebSocketApp(
                "wss://agent.orgo.ai/ws/prompt?token=sk_x", on_open=on_open, on_message=on_message
            )
            app.run_forever()
        finally:
            router.uninstall()
    assert received == [{"type": "pong"}]
