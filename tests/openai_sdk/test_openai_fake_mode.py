"""The unmodified ``openai`` SDK in plain fake mode: ``base_url`` is Orgo's real one and
the plugin answers it in memory - no loopback server, no socket.

The SDK speaks through ``httpx2`` (a renamed httpx fork), so this pins the router's
httpx2 seam: completions, a sync and an async stream, and the endpoint's own errors.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from fake_server.agent import act, answer
from pytest_orgo.agent import OrgoAgent
from pytest_orgo.computer import OrgoComputer

BASE_URL = "https://www.orgo.ai/api/v1"


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any socket opened now fails the test: in-memory means in memory."""

    def refuse(sock: socket.socket, address: Any) -> None:
        raise AssertionError(f"the openai SDK opened a socket to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    yield


def ask(computer: OrgoComputer, text: str = "open the notes app", **extra: Any) -> dict[str, Any]:
    return {
        "model": "claude-sonnet-4-6",
        "messages": [{"role": "user", "content": text}],
        "extra_body": {"computer_id": computer.id},
        **extra,
    }


def test_a_completion_in_memory(orgo_agent: OrgoAgent, no_sockets: None) -> None:
    orgo_agent.script([act("screenshot"), answer("notes are open")])
    client = openai.OpenAI(base_url=BASE_URL, api_key="sk_test_fake_mode", max_retries=0)
    raw = client.chat.completions.with_raw_response.create(**ask(orgo_agent.computer))
    completion = raw.parse()
    assert completion.choices[0].message.content == "notes are open"
    assert raw.headers["x-thread-id"] == (completion.model_extra or {})["orgo"]["thread_id"]
    assert (
        orgo_agent.last_run.steps[0].request
        == f"GET /computers/{orgo_agent.computer.id}/screenshot"
    )


def test_a_streamed_completion_in_memory(orgo_agent: OrgoAgent, no_sockets: None) -> None:
    orgo_agent.script([answer("streamed in four pieces")])
    client = openai.OpenAI(base_url=BASE_URL, api_key="sk_test_fake_mode", max_retries=0)
    chunks = list(client.chat.completions.create(stream=True, **ask(orgo_agent.computer)))
    assert chunks[0].choices[0].delta.role == "assistant"
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "streamed in four pieces"
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_an_async_stream_in_memory(orgo_agent: OrgoAgent, no_sockets: None) -> None:
    orgo_agent.script([answer("async and streamed")])

    async def stream() -> list[Any]:
        async with openai.AsyncOpenAI(
            base_url=BASE_URL, api_key="sk_test_fake_mode", max_retries=0
        ) as client:
            answer = await client.chat.completions.create(stream=True, **ask(orgo_agent.computer))
            return [chunk async for chunk in answer]

    chunks = asyncio.run(stream())
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "async and streamed"


def test_errors_keep_their_codes_in_memory(orgo_agent: OrgoAgent, no_sockets: None) -> None:
    client = openai.OpenAI(base_url=BASE_URL, api_key="sk_test_fake_mode", max_retries=0)
    with pytest.raises(openai.BadRequestError) as bad:
        client.chat.completions.create(**ask(orgo_agent.computer, model="gpt-4o"))
    assert bad.value.code == "invalid_model"
    orgo_agent.set_credits(0)
    try:
        with pytest.raises(openai.APIStatusError) as broke:
            client.chat.completions.create(**ask(orgo_agent.computer))
    finally:
        orgo_agent.set_credits(None)
    assert broke.value.status_code == 402 and broke.value.code == "credits_exhausted"
