"""Agent sessions that run unchanged live and from a cassette.

Recorded live against the standalone fake (see ``conftest.py``): the official SDK's
``computer.prompt()`` - its hard-coded ``wss://agent.orgo.ai`` socket routed to that
fake - and the unmodified ``openai`` SDK streaming a chat completion, sync and async.
``pytest examples`` replays them offline (network blocked) from
``cassettes/test_agent_recorded/``: the callbacks see the same frames, the streams the
same chunks. Nothing is scripted: a live run gets the agent's documented default.
"""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

import openai
import pytest

from pytest_orgo.computer import OrgoComputer
from pytest_orgo.fixtures import orgo_run

if sys.version_info < (3, 12):
    pytest.skip("the official orgo SDK imports only on Python >= 3.12", allow_module_level=True)

pytestmark = pytest.mark.orgo_cassette


@pytest.fixture
def chat_base(request: pytest.FixtureRequest) -> str:
    """``https://www.orgo.ai/api/v1`` in fake mode (answered in memory), the base URL's
    ``/v1`` live."""
    return orgo_run(request.config).base_url + "/v1"


def ask(computer: OrgoComputer, text: str) -> dict[str, Any]:
    return {
        "model": "claude-sonnet-4-6",
        "messages": [{"role": "user", "content": text}],
        "extra_body": {"computer_id": computer.id},
        "stream": True,
    }


def test_prompt_callbacks_see_the_steps(orgo_sdk_computer: Any) -> None:
    seen: list[tuple[str, Any]] = []
    messages = orgo_sdk_computer.prompt(
        "open the notes app", callback=lambda kind, data: seen.append((kind, data)), verbose=False
    )
    kinds = [kind for kind, _ in seen]
    assert kinds[0] == "status" and kinds[-1] == "result" and seen[-1][1]["success"]
    assert [data["action"] for kind, data in seen if kind == "tool_use"] == ["screenshot"]
    assert messages[-1]["content"] == [{"type": "text", "text": "Done: open the notes app"}]


def test_streamed_chat_completion(chat_base: str, orgo_computer: OrgoComputer) -> None:
    client = openai.OpenAI(api_key=os.environ["ORGO_API_KEY"], base_url=chat_base)
    chunks = list(client.chat.completions.create(**ask(orgo_computer, "say hello world")))
    assert chunks[0].choices[0].delta.role == "assistant"
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "Done: say hello world"
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_async_streamed_chat_completion(chat_base: str, orgo_computer: OrgoComputer) -> None:
    async def stream() -> list[Any]:
        async with openai.AsyncOpenAI(
            api_key=os.environ["ORGO_API_KEY"], base_url=chat_base
        ) as client:
            answer = await client.chat.completions.create(**ask(orgo_computer, "count to three"))
            return [chunk async for chunk in answer]

    chunks = asyncio.run(stream())
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "Done: count to three"
