"""Agent sessions record and replay: ``WebSocketApp.run_forever`` (the SDK's
``computer.prompt()``) and server-sent event streams (the ``openai`` SDK, sync and async).

Each inner test writes what its callbacks or stream saw; the same file runs recording
against the stand-in server, then - the server stopped, sockets blocked - replaying, and
both runs must have seen the same thing, in the same order.
"""

from __future__ import annotations

import json
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cassette_helpers import cassette_json, run
from standins import StandIn

RUN_FOREVER = """
import json, os, pytest, websocket
from pytest_orgo.cassettes import NetworkBlockedError

def seen(name, items):
    with open(os.environ["OBS_OUT"], "a") as out:
        out.write(json.dumps({"test": name, "seen": items}) + "\\n")

def run_agent(query, key=None):
    log = []
    def on_open(ws):
        log.append(["open"])
        ws.send(json.dumps({"type": "start", "config": {"instruction": "click the button"}}))
    def on_message(ws, message):
        data = json.loads(message)
        log.append(["message", data["type"], data["data"]])
        if data["type"] in ("result", "error") and "close=server" not in query:
            ws.close()
    def on_error(ws, error):
        log.append(["error", type(error).__name__, str(error)])
    def on_close(ws, code, reason):
        log.append(["close", code, reason])
    url = f"{os.environ['STANDIN_WS']}/ws/prompt?token={key or os.environ['ORGO_API_KEY']}{query}"
    app = websocket.WebSocketApp(
        url, on_open=on_open, on_message=on_message, on_error=on_error, on_close=on_close
    )
    assert app.run_forever() is False or "close=server" in query
    return log

@pytest.mark.orgo_cassette
def test_client_closes():
    log = run_agent("")
    seen("client_closes", log)
    assert log[-2][1] == "result" and log[-1][0] == "close"

@pytest.mark.orgo_cassette
def test_server_closes():
    log = run_agent("&close=server")
    seen("server_closes", log)
    assert log[-1] == ["close", 4001, "agent done"]

@pytest.mark.orgo_cassette
def test_bad_key():
    log = run_agent("", key="sk_live_not-a-key-of-this-account")
    seen("bad_key", log)
    assert log[1] == ["message", "error", "Invalid API key"]
"""

SDK_PROMPT = """
import json, os, pytest
from orgo.prompt import OrgoProvider

@pytest.mark.orgo_cassette
def test_sdk_prompt():
    events = []
    messages = OrgoProvider(agent_url=os.environ["STANDIN_WS"]).execute(
        computer_id="computer-1",
        instruction="click the button",
        callback=lambda kind, data: events.append([kind, data]),
        verbose=False,
    )
    with open(os.environ["OBS_OUT"], "a") as out:
        out.write(json.dumps({"test": "sdk", "seen": [events, messages]}) + "\\n")
    assert [kind for kind, _ in events][-1] == "result"
    assert messages == [{"role": "user", "content": "click the button"}]
"""

STREAMS = """
import asyncio, json, os, httpx, pytest
from openai import AsyncOpenAI, OpenAI

def seen(name, items):
    with open(os.environ["OBS_OUT"], "a") as out:
        out.write(json.dumps({"test": name, "seen": items}) + "\\n")

ASK = [{"role": "user", "content": "say hello"}]

def client():
    return OpenAI(base_url=os.environ["STANDIN_HTTP"] + "/v1", api_key=os.environ["OPENAI_API_KEY"])

@pytest.mark.orgo_cassette
def test_openai_stream_sync():
    stream = client().chat.completions.create(model="claude-sonnet-4-6", messages=ASK, stream=True)
    parts = [chunk.choices[0].delta.content for chunk in stream]
    seen("openai_sync", parts)
    assert "".join(p for p in parts if p) == "Hello, world!" and parts[-1] is None

@pytest.mark.orgo_cassette
def test_openai_stream_async():
    async def go():
        api = AsyncOpenAI(
            base_url=os.environ["STANDIN_HTTP"] + "/v1", api_key=os.environ["OPENAI_API_KEY"]
        )
        stream = await api.chat.completions.create(
            model="claude-sonnet-4-6", messages=ASK, stream=True
        )
        parts = [chunk.choices[0].delta.content async for chunk in stream]
        await api.close()
        return parts
    parts = asyncio.run(go())
    seen("openai_async", parts)
    assert "".join(p for p in parts if p) == "Hello, world!"

@pytest.mark.orgo_cassette
def test_openai_plain():
    answer = client().chat.completions.create(model="claude-sonnet-4-6", messages=ASK)
    seen("openai_plain", answer.choices[0].message.content)
    assert answer.choices[0].message.content == "Hello, world!"

@pytest.mark.orgo_cassette
def test_httpx_chunks_one_by_one():
    body = {"model": "claude-sonnet-4-6", "messages": ASK, "stream": True}
    url = os.environ["STANDIN_HTTP"] + "/v1/chat/completions"
    with httpx.Client() as http, http.stream("POST", url, json=body) as response:
        chunks = [c.decode() for c in response.iter_raw()]
    seen("httpx_chunks", chunks)
    assert chunks[-1] == "data: [DONE]\\n\\n" and len(chunks) == 8

@pytest.mark.orgo_cassette
def test_httpx_stream_left_early():
    body = {"model": "claude-sonnet-4-6", "messages": ASK, "stream": True}
    url = os.environ["STANDIN_HTTP"] + "/v1/chat/completions"
    with httpx.Client() as http, http.stream("POST", url, json=body) as response:
        lines = response.iter_lines()
        first = next(lines)
    seen("httpx_early", first)
    assert first.startswith("data: ")
"""


@pytest.fixture
def standin(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    key = f"sk_live_{secrets.token_hex(12)}"
    server = StandIn(token=key).start()
    monkeypatch.setenv("ORGO_API_KEY", key)
    monkeypatch.setenv("OPENAI_API_KEY", f"sk-proj-{secrets.token_urlsafe(30)}")
    monkeypatch.setenv("STANDIN_WS", server.ws)
    monkeypatch.setenv("STANDIN_HTTP", server.http)
    try:
        yield server
    finally:
        server.stop()


def _observations(path: Path) -> dict[str, object]:
    return {
        (row := json.loads(line))["test"]: row["seen"] for line in path.read_text().splitlines()
    }


def record_then_replay(
    pytester: pytest.Pytester,
    standin: StandIn,
    monkeypatch: pytest.MonkeyPatch,
    passed: int,
) -> tuple[dict[str, object], dict[str, object]]:
    monkeypatch.setenv("OBS_OUT", str(pytester.path / "recorded.jsonl"))
    run(pytester, "--orgo-record-mode=all").assert_outcomes(passed=passed)
    standin.stop()
    monkeypatch.setenv("OBS_OUT", str(pytester.path / "replayed.jsonl"))
    monkeypatch.setenv("ORGO_API_KEY", f"sk_live_{secrets.token_hex(12)}")  # another key
    monkeypatch.setenv("OPENAI_API_KEY", f"sk-proj-{secrets.token_urlsafe(30)}")
    run(pytester, "--orgo-record-mode=none").assert_outcomes(passed=passed)
    return (
        _observations(pytester.path / "recorded.jsonl"),
        _observations(pytester.path / "replayed.jsonl"),
    )


def test_run_forever_callbacks_replay_in_order(
    pytester: pytest.Pytester, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_agent=RUN_FOREVER)
    recorded, replayed = record_then_replay(pytester, standin, monkeypatch, passed=3)
    assert replayed == recorded
    client = recorded["client_closes"]
    assert isinstance(client, list)
    assert [entry[:2] for entry in client] == [
        ["open"],
        *(["message", kind] for kind in ("status", "thinking", "tool_use", "tool_use")),
        ["message", "iteration"],
        ["message", "text"],
        ["message", "result"],
        ["close", 1000],
    ]
    server = recorded["server_closes"]
    assert isinstance(server, list) and server[-2][0] == "error"  # as websocket-client does
    folder = pytester.path / "cassettes" / "test_agent"
    document = cassette_json(folder / "test_client_closes.yaml")
    frames = document["websockets"][0]["frames"]
    assert [f["dir"] for f in frames] == ["send", *["recv"] * 7, "recv"]
    assert frames[-1]["close"] == {"code": 1000, "reason": "", "ok": True}
    assert "token=<ORGO_API_KEY>" in document["websockets"][0]["url"]


@pytest.mark.skipif(sys.version_info < (3, 12), reason="the orgo SDK needs Python 3.12")
def test_sdk_prompt_replays(
    pytester: pytest.Pytester, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_sdk=SDK_PROMPT)
    recorded, replayed = record_then_replay(pytester, standin, monkeypatch, passed=1)
    assert replayed == recorded and recorded["sdk"]


def test_streams_replay_chunk_by_chunk(
    pytester: pytest.Pytester, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_streams=STREAMS)
    recorded, replayed = record_then_replay(pytester, standin, monkeypatch, passed=5)
    assert replayed == recorded
    folder = pytester.path / "cassettes" / "test_streams"
    interaction = cassette_json(folder / "test_httpx_chunks_one_by_one.yaml")["interactions"][0]
    assert [size for size, _ in interaction["chunks"]] == [
        len(chunk.encode())
        for chunk in recorded["httpx_chunks"]  # type: ignore[union-attr]
    ]
    times = [t for _, t in interaction["chunks"]]
    assert times == sorted(times) and times[-1] - times[0] >= 50_000  # 7 pauses of 10 ms
    early = cassette_json(folder / "test_httpx_stream_left_early.yaml")["interactions"][0]
    assert early["response"]["body"]["string"].count("data:") < 8  # what the client read
