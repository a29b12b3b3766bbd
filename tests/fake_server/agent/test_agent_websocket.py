"""The hosted agent WebSocket on loopback (/ws/prompt), spoken to frame by frame."""

from __future__ import annotations

import contextlib
import json
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from fake_server import FakeOrgo
from fake_server.agent import Turn, act, answer, say, think
from fake_server.serving import LoopbackServer

KEY = "sk_agent_ws"


@pytest.fixture(scope="module")
def agent_fake() -> FakeOrgo:
    return FakeOrgo(seed=5, api_keys=[KEY])


@pytest.fixture(scope="module")
def server(agent_fake: FakeOrgo) -> Iterator[LoopbackServer]:
    with agent_fake.serve() as running:
        yield running


@pytest.fixture
def pc(server: LoopbackServer) -> str:
    with httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {KEY}"}) as c:
        workspace = c.post("/workspaces", json={"name": f"ws-{uuid.uuid4().hex[:8]}"}).json()
        return str(
            c.post("/computers", json={"workspace_id": workspace["id"], "name": "a"}).json()["id"]
        )


def open_socket(server: LoopbackServer, token: str = KEY) -> ClientConnection:
    return connect(f"{server.ws_url}/ws/prompt?token={token}", open_timeout=5)


def start(ws: ClientConnection, **config: Any) -> None:
    """Send the start frame (a bad key is refused on open: the send may find it closed)."""
    with contextlib.suppress(ConnectionClosed):
        ws.send(json.dumps({"type": "start", "config": config}))


def frames(ws: ClientConnection) -> list[dict[str, Any]]:
    seen = []
    try:
        while True:
            seen.append(json.loads(ws.recv(timeout=10)))
    except ConnectionClosed:
        return seen


def test_frames_of_a_scripted_run(agent_fake: FakeOrgo, server: LoopbackServer, pc: str) -> None:
    agent_fake.agent.add_script(
        [think("plan"), act("left_click", coordinate=(10, 10)), say("clicked"), answer("finished")],
        computer_id=pc,
    )
    with open_socket(server) as ws:
        start(ws, computer_id=pc, instruction="click it", display_width=1280, display_height=720)
        got = frames(ws)
        assert ws.close_code == 1000
    assert [(f["type"], f["data"]) for f in got[:-1]] == [
        ("status", "Agent started"),
        ("iteration", 1),
        ("thinking", "plan"),
        ("tool_use", {"action": "left_click", "params": {"coordinate": [10, 10]}}),
        ("iteration", 2),
        ("text", "clicked"),
        ("text", "finished"),
    ]
    result = got[-1]
    assert result["type"] == "result"
    assert result["data"]["success"] is True and result["data"]["iterations"] == 2
    assert agent_fake.requests("POST", f"/computers/{pc}/click")[-1].body["x"] == 10
    run = agent_fake.agent.last_run
    assert (run.front, run.config.display_width, run.outcome) == ("websocket", 1280, "success")


def test_ping_is_answered_pong_before_and_during_a_run(
    agent_fake: FakeOrgo, server: LoopbackServer, pc: str
) -> None:
    release = threading.Event()

    def slow(turn: Turn) -> list[Any]:
        assert release.wait(10), "the test never released the agent"
        return [answer("after the pong")]

    agent_fake.agent.add_script(slow, computer_id=pc)
    with open_socket(server) as ws:
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv(timeout=5)) == {"type": "pong"}
        start(ws, computer_id=pc, instruction="wait")
        ws.send(json.dumps({"type": "ping"}))
        before = [json.loads(ws.recv(timeout=5)) for _ in range(2)]
        assert {"type": "pong"} in before or json.loads(ws.recv(timeout=5)) == {"type": "pong"}
        release.set()
        kinds = [f["type"] for f in frames(ws)]
    assert kinds[-1] == "result"


def test_max_iterations_ends_the_run_unsuccessfully(
    agent_fake: FakeOrgo, server: LoopbackServer, pc: str
) -> None:
    agent_fake.agent.add_script([act("screenshot")] * 5, computer_id=pc)
    with open_socket(server) as ws:
        start(ws, computer_id=pc, instruction="loop", max_iterations=2)
        result = frames(ws)[-1]
    assert result["type"] == "result"
    assert result["data"]["success"] is False and result["data"]["iterations"] == 2
    assert result["data"]["error"] == "Reached max_iterations (2)"


@pytest.mark.parametrize(
    ("token", "config", "message", "code"),
    [
        ("sk_wrong", {"instruction": "x"}, "Invalid API key", 4401),
        ("", {"instruction": "x"}, "Missing API key", 4401),
        (KEY, {"instruction": "x", "computer_id": "nope"}, "Computer not found", 4404),
        (KEY, {"instruction": "x", "model": "gpt-4o"}, "Unknown model: gpt-4o", 4400),
        (KEY, {"instruction": ""}, "instruction", 4400),
    ],
)
def test_refusals_are_an_error_frame_then_a_close(
    server: LoopbackServer, pc: str, token: str, config: dict[str, Any], message: str, code: int
) -> None:
    with open_socket(server, token) as ws:
        start(ws, **{"computer_id": pc, **config})
        got = frames(ws)
        assert ws.close_code == code
    assert got[-1]["type"] == "error" and message in got[-1]["data"]


def test_anything_but_start_first_is_refused(server: LoopbackServer) -> None:
    with open_socket(server) as ws:
        ws.send("not json")
        assert frames(ws)[-1] == {"type": "error", "data": "Invalid JSON message"}
    with open_socket(server) as ws:
        ws.send(json.dumps({"type": "prompt"}))
        assert frames(ws)[-1]["data"] == "Expected a start message first"
