"""Agent sessions recorded live against the standalone fake, replayed offline.

The same file runs twice, unchanged: live (``--orgo --orgo-base-url
http://127.0.0.1:PORT/api --orgo-record-mode=all``) against ``python -m fake_server
serve``, then - the server stopped - in plain fake mode with the network blocked. The
official SDK's ``computer.prompt()`` (default provider: its hard-coded
``wss://agent.orgo.ai`` socket, routed to the standalone fake in live mode) has its
callbacks see the default agent's steps, and the unmodified ``openai`` SDK streams a
chat completion, sync and async; both times the same assertions pass, and no cassette
byte holds the API key.
"""

from __future__ import annotations

import json
import secrets
import sys

import pytest
from cassette_helpers import record_live, reports, run_subprocess

from tests.cassettes.conftest import FakeProcess

pytest.importorskip("openai", reason="the openai SDK is in the test extra")
if sys.version_info < (3, 12):
    pytest.skip("the official orgo SDK imports only on Python >= 3.12", allow_module_level=True)

INNER_CONFTEST = """
import json, os, socket
from pathlib import Path
import pytest
from pytest_orgo.cassettes import NetworkBlockedError

@pytest.fixture(autouse=True)
def _report(request, orgo_cassette):
    yield
    if orgo_cassette.replaying:
        with pytest.raises(NetworkBlockedError):
            socket.create_connection(("127.0.0.1", int(os.environ["E2E_PORT"])), timeout=2)
    player = orgo_cassette.player
    line = {
        "test": request.node.name,
        "replaying": orgo_cassette.replaying,
        "used": len(player.used) if player else 0,
    }
    with Path(os.environ["E2E_OUT"]).open("a") as out:
        out.write(json.dumps(line) + "\\n")
"""

INNER_TESTS = """
import asyncio, os
import openai
import pytest
from pytest_orgo.fixtures import orgo_run

pytestmark = pytest.mark.orgo_cassette

def chat_base(request):
    return orgo_run(request.config).base_url + "/v1"

def ask(computer, text):
    return {
        "model": "claude-sonnet-4-6",
        "messages": [{"role": "user", "content": text}],
        "extra_body": {"computer_id": computer.id},
        "stream": True,
    }

def test_prompt(orgo_sdk_computer):
    seen = []
    messages = orgo_sdk_computer.prompt(
        "open the notes app", callback=lambda kind, data: seen.append((kind, data)), verbose=False
    )
    kinds = [kind for kind, _ in seen]
    assert kinds[0] == "status" and kinds[-1] == "result"
    assert "tool_use" in kinds and "iteration" in kinds
    assert seen[-1][1]["success"] is True
    assert messages[0] == {"role": "user", "content": "open the notes app"}
    assert messages[-1]["content"] == [{"type": "text", "text": "Done: open the notes app"}]

def test_streamed_chat(request, orgo_computer):
    client = openai.OpenAI(
        api_key=os.environ["ORGO_API_KEY"], base_url=chat_base(request), max_retries=0
    )
    chunks = list(client.chat.completions.create(**ask(orgo_computer, "say hello world")))
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == "Done: say hello world"
    assert chunks[-1].choices[0].finish_reason == "stop" and chunks[-1].usage.total_tokens > 0

def test_streamed_chat_async(request, orgo_computer):
    async def stream():
        client = openai.AsyncOpenAI(
            api_key=os.environ["ORGO_API_KEY"], base_url=chat_base(request), max_retries=0
        )
        async with client:
            answer = await client.chat.completions.create(**ask(orgo_computer, "count to three"))
            return [chunk async for chunk in answer]
    chunks = asyncio.run(stream())
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "Done: count to three"
    assert chunks[-1].choices[0].finish_reason == "stop"
"""


def test_record_agent_sessions_live_then_replay_offline(
    pytester: pytest.Pytester, fake_process: FakeProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = f"sk_live_agent_{secrets.token_hex(8)}"
    recording = record_live(
        pytester,
        monkeypatch,
        fake_process.port,
        fake_process.url,
        key,
        INNER_CONFTEST,
        test_agent=INNER_TESTS,
    )
    recording.assert_outcomes(passed=3)
    assert [r["replaying"] for r in reports(pytester.path / "recorded.jsonl")] == [False] * 3

    fake_process.stop()  # no server from here on
    folder = pytester.path / "cassettes" / "test_agent"
    files = sorted(p for p in folder.iterdir() if p.is_file())
    assert {f.name for f in files if f.suffix == ".yaml"} == {
        "test_prompt.yaml",
        "test_streamed_chat.yaml",
        "test_streamed_chat_async.yaml",
    }
    everything = b"".join(f.read_bytes() for f in files)
    assert key.encode() not in everything and b"<ORGO_API_KEY>" in everything
    prompt = json.loads((folder / "test_prompt.yaml").read_text())
    [agent] = [c for c in prompt["websockets"] if "/ws/prompt" in c["url"]]
    texts = [json.loads(f["text"]) for f in agent["frames"] if f["dir"] == "recv" and "text" in f]
    kinds = [frame["type"] for frame in texts]
    assert kinds[0] == "status" and kinds[-1] == "result" and "tool_use" in kinds
    chat = json.loads((folder / "test_streamed_chat.yaml").read_text())
    [completion] = [
        i for i in chat["interactions"] if i["request"]["uri"].endswith("/chat/completions")
    ]
    assert len(completion["chunks"]) > 2  # the SSE frames, one by one

    monkeypatch.delenv("ORGO_API_KEY")
    monkeypatch.setenv("E2E_OUT", str(pytester.path / "replayed.jsonl"))
    replay = run_subprocess(pytester)
    replay.assert_outcomes(passed=3)
    replayed = reports(pytester.path / "replayed.jsonl")
    assert [r["replaying"] for r in replayed] == [True] * 3
    assert all(int(str(r["used"])) >= 1 for r in replayed)
