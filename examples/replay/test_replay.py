"""Tests that run unchanged live, against the fake, and from a cassette.

``pytest examples`` replays them from ``cassettes/test_replay/`` with no server and the
network blocked: the official SDK, requests, httpx (sync and async), ``websockets`` (sync
and asyncio) and ``websocket-client`` all get the recorded answers and frames, in order.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import requests
import websocket
from websockets.asyncio.client import connect as aconnect
from websockets.sync.client import connect

from pytest_orgo.computer import OrgoComputer

pytestmark = pytest.mark.orgo_cassette(normalize_ids=True)


def _headers() -> dict[str, str]:
    import os

    return {"Authorization": f"Bearer {os.environ['ORGO_API_KEY']}"}


def test_bash_causes_a_file_change_event(orgo_computer: OrgoComputer) -> None:
    """A REST call and the event it causes, in order, on one clock."""
    with connect(orgo_computer.events_url) as events:
        events.send(json.dumps({"type": "subscribe", "event_types": ["file_change"]}))
        assert json.loads(events.recv(timeout=10)) == {"type": "subscribed", "message": "ok"}
        assert orgo_computer.bash("touch /home/user/Desktop/report.txt") == ""
        event = json.loads(events.recv(timeout=10))
    assert event["type"] == "event"
    assert event["event"]["type"] == "file_change"
    assert event["event"]["data"] == {"path": "/home/user/Desktop/report.txt", "action": "created"}


def test_terminal_echoes_with_websocket_client(orgo_computer: OrgoComputer) -> None:
    terminal = websocket.create_connection(orgo_computer.terminal_url, timeout=10)
    try:
        terminal.send(json.dumps({"type": "input", "data": "echo hello-$((6*7))\r"}))
        seen = ""
        while "hello-42" not in seen.replace("echo hello-$((6*7))", ""):
            message = json.loads(terminal.recv())
            if message["type"] == "output":
                seen += message["data"]
    finally:
        terminal.close()
    assert "hello-42" in seen


def test_audio_frames_with_asyncio_websockets(orgo_computer: OrgoComputer) -> None:
    async def listen() -> tuple[dict[str, Any], list[bytes]]:
        async with aconnect(orgo_computer.audio_url) as audio:
            started = json.loads(await audio.recv())
            frames = [await audio.recv() for _ in range(5)]
            await audio.send(json.dumps({"type": "stop"}))
        return started, [f for f in frames if isinstance(f, bytes)]

    started, frames = asyncio.run(listen())
    assert started == {"type": "started", "sample_rate": 24000, "channels": 1}
    assert [len(f) for f in frames] == [960] * 5


def test_password_from_a_response_opens_the_socket(orgo_computer: OrgoComputer) -> None:
    """The password read from a (scrubbed, recorded) response still matches on replay."""
    base = orgo_computer.client.base_url
    answer = requests.get(
        f"{base}/computers/{orgo_computer.id}/vnc-password", headers=_headers(), timeout=10
    )
    password = answer.json()["password"]
    assert password == orgo_computer.password
    url = (
        f"{orgo_computer.ws_origin}/desktops/{orgo_computer.instance_id}/ws/events?token={password}"
    )
    with connect(url) as events:
        events.send(json.dumps({"type": "ping"}))
        assert json.loads(events.recv(timeout=10)) == {"type": "pong"}


def test_httpx_sync_and_async(orgo_computer: OrgoComputer) -> None:
    base = orgo_computer.client.base_url
    with httpx.Client(base_url=base, headers=_headers()) as client:
        info = client.get(f"/computers/{orgo_computer.id}").json()
    assert (info["id"], info["instance_id"]) == (orgo_computer.id, orgo_computer.instance_id)

    async def run() -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=base, headers=_headers()) as client:
            response = await client.post(
                f"/computers/{orgo_computer.id}/bash", json={"command": "pwd"}
            )
            return dict(response.json())

    assert asyncio.run(run())["output"] == "/home/user\n"


def test_official_sdk(orgo_sdk_computer: Any) -> None:
    result = orgo_sdk_computer.bash("echo from-the-sdk")
    assert "from-the-sdk" in str(result)
    png = orgo_sdk_computer.screenshot_base64()
    assert isinstance(png, str) and len(png) > 100
