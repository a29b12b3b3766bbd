"""Record against the standalone fake (a separate process), stop it, replay offline.

The same test file runs twice, unchanged: once live against ``python -m fake_server
serve`` with ``--orgo-record-mode=all``, then - the server gone - in the default mode with
the network blocked. Its WebSocket assertions (an events subscription and the
``file_change`` a REST ``bash`` call causes, a terminal echo, audio frames) pass both
times, and no byte of the cassettes holds the API key or a password the recording used.
"""

from __future__ import annotations

import json
import secrets

import pytest
from cassette_helpers import record_live, reports, run_subprocess

from tests.cassettes.conftest import FakeProcess

INNER_CONFTEST = """
import json, os, socket
from pathlib import Path
import pytest
from pytest_orgo.cassettes import NetworkBlockedError

@pytest.fixture(autouse=True)
def _report(request, orgo_computer, orgo_cassette):
    yield
    if orgo_cassette.replaying:
        with pytest.raises(NetworkBlockedError):
            socket.create_connection(("127.0.0.1", int(os.environ["E2E_PORT"])), timeout=2)
    player = orgo_cassette.player
    recorded = orgo_cassette.existing
    total = 0
    if recorded:
        sends = [f for c in recorded.connections for f in c.frames if f.direction == "send"]
        total = len(recorded.interactions) + len(recorded.connections) + len(sends)
    line = {
        "test": request.node.name,
        "password": orgo_computer.password,
        "replaying": orgo_cassette.replaying,
        "used": len(player.used) if player else 0,
        "total": total,
    }
    with Path(os.environ["E2E_OUT"]).open("a") as out:
        out.write(json.dumps(line) + "\\n")
"""

INNER_TESTS = """
import asyncio, json
import pytest
import websocket
from websockets.asyncio.client import connect as aconnect
from websockets.sync.client import connect

pytestmark = pytest.mark.orgo_cassette

def test_events(orgo_computer):
    with connect(orgo_computer.events_url) as events:
        events.send(json.dumps({"type": "subscribe", "event_types": ["file_change"]}))
        assert json.loads(events.recv(timeout=10)) == {"type": "subscribed", "message": "ok"}
        assert orgo_computer.bash("echo data > /home/user/Desktop/e2e.txt") == ""
        event = json.loads(events.recv(timeout=10))
    assert event["event"]["type"] == "file_change"
    assert event["event"]["data"] == {"path": "/home/user/Desktop/e2e.txt", "action": "created"}

def test_terminal(orgo_computer):
    with connect(orgo_computer.terminal_url) as terminal:
        terminal.send(json.dumps({"type": "input", "data": "echo ready-$((40+2))\\r"}))
        seen = ""
        while "ready-42" not in seen.replace("ready-$((40+2))", ""):
            message = json.loads(terminal.recv(timeout=10))
            seen += message.get("data", "")
    assert "ready-42" in seen

def test_terminal_with_websocket_client(orgo_computer):
    terminal = websocket.create_connection(orgo_computer.terminal_url, timeout=10)
    terminal.send(json.dumps({"type": "ping"}))
    kinds = [json.loads(terminal.recv())["type"] for _ in range(2)]
    terminal.close()
    assert "pong" in kinds

def test_audio(orgo_computer):
    async def listen():
        async with aconnect(orgo_computer.audio_url) as audio:
            started = json.loads(await audio.recv())
            frames = [await audio.recv() for _ in range(4)]
        return started, frames
    started, frames = asyncio.run(listen())
    assert started["type"] == "started"
    assert [type(f) for f in frames] == [bytes] * 4 and all(len(f) == 960 for f in frames)
"""


def test_record_live_then_replay_offline(
    pytester: pytest.Pytester, fake_process: FakeProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = f"sk_live_e2e_{secrets.token_hex(8)}"
    recording = record_live(
        pytester,
        monkeypatch,
        fake_process.port,
        fake_process.url,
        key,
        INNER_CONFTEST,
        test_e2e=INNER_TESTS,
    )
    recording.assert_outcomes(passed=4)
    recorded = reports(pytester.path / "recorded.jsonl")
    assert [r["replaying"] for r in recorded] == [False] * 4

    fake_process.stop()  # no server from here on
    files = sorted(p for p in (pytester.path / "cassettes" / "test_e2e").iterdir() if p.is_file())
    assert [f.name for f in files if f.suffix == ".yaml"] == [
        "test_audio.yaml",
        "test_events.yaml",
        "test_terminal.yaml",
        "test_terminal_with_websocket_client.yaml",
    ]
    assert any(f.suffix == ".bin" for f in files)  # the audio frames' sidecar
    everything = b"".join(f.read_bytes() for f in files)
    for secret in [key, *(str(r["password"]) for r in recorded)]:
        assert len(secret) >= 8 and secret.encode() not in everything
    assert b"<ORGO_API_KEY>" in everything and b"token=<VNC_PASSWORD_1>" in everything
    events = json.loads((pytester.path / "cassettes/test_e2e/test_events.yaml").read_text())
    steps = [("http", i["seq"]) for i in events["interactions"]]
    steps += [(f["dir"], f["seq"]) for c in events["websockets"] for f in c["frames"]]
    assert [kind for kind, _ in sorted(steps, key=lambda s: s[1])] == [
        "send",
        "recv",
        "http",
        "recv",
    ]

    monkeypatch.delenv("ORGO_API_KEY")
    monkeypatch.setenv("E2E_OUT", str(pytester.path / "replayed.jsonl"))
    replay = run_subprocess(pytester)
    replay.assert_outcomes(passed=4)
    replayed = reports(pytester.path / "replayed.jsonl")
    assert [r["replaying"] for r in replayed] == [True] * 4
    assert all(
        r["used"] == r["total"] and int(str(r["total"])) >= 1 for r in replayed
    )  # all replayed
