"""The ``openai`` Python SDK, unmodified, pointed at the fake (``base_url=.../api/v1``):
a completion, streamed completions (sync and async), and every documented error code."""

from __future__ import annotations

import asyncio
from typing import Any

import openai
import pytest

from fake_server import FakeOrgo, LoopbackServer
from fake_server.agent import act, answer, fail

KEY = "sk_openai_tests"


def client(server: LoopbackServer, **kwargs: Any) -> openai.OpenAI:
    return openai.OpenAI(api_key=KEY, base_url=f"{server.base_url}/v1", max_retries=0, **kwargs)


def ask(pc: str, **extra: Any) -> dict[str, Any]:
    return {
        "model": "claude-sonnet-4-6",
        "messages": [{"role": "user", "content": "open the notes app"}],
        "extra_body": {"computer_id": pc, **extra},
    }


def test_a_completion(chat_fake: FakeOrgo, server: LoopbackServer, pc: str) -> None:
    chat_fake.agent.add_script([act("screenshot"), answer("notes are open")], computer_id=pc)
    raw = client(server).chat.completions.with_raw_response.create(**ask(pc))
    completion = raw.parse()
    assert completion.choices[0].message.content == "notes are open"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.model == "claude-sonnet-4-6" and completion.usage is not None
    orgo = (completion.model_extra or {})["orgo"]
    assert orgo["steps"] == 1 and raw.headers["x-thread-id"] == orgo["thread_id"]
    assert raw.headers["x-request-id"] == completion.id


def test_a_streamed_completion(chat_fake: FakeOrgo, server: LoopbackServer, pc: str) -> None:
    chat_fake.agent.add_script([answer("streamed in four pieces")], computer_id=pc)
    stream = client(server).chat.completions.create(stream=True, **ask(pc))
    chunks = list(stream)
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == "streamed in four pieces"
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens > 0


def test_stream_chunks_arrive_one_by_one(
    chat_fake: FakeOrgo, server: LoopbackServer, pc: str
) -> None:
    """The role chunk is read before the agent has run: the body is really streamed."""
    chat_fake.agent.add_script([answer("later")], computer_id=pc)
    before = len(chat_fake.agent.runs(pc))
    stream = client(server).chat.completions.create(stream=True, **ask(pc))
    first = next(iter(stream))
    assert first.choices[0].delta.role == "assistant"
    rest = list(stream)
    assert len(chat_fake.agent.runs(pc)) == before + 1
    assert "".join(c.choices[0].delta.content or "" for c in rest) == "later"


def test_an_async_streamed_completion(chat_fake: FakeOrgo, server: LoopbackServer, pc: str) -> None:
    chat_fake.agent.add_script([act("screenshot"), answer("async words")], computer_id=pc)

    async def main() -> list[Any]:
        async with openai.AsyncOpenAI(
            api_key=KEY, base_url=f"{server.base_url}/v1", max_retries=0
        ) as aclient:
            stream = await aclient.chat.completions.create(stream=True, **ask(pc))
            return [chunk async for chunk in stream]

    chunks = asyncio.run(main())
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "async words"
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_an_async_completion(server: LoopbackServer, pc: str) -> None:
    async def main() -> str | None:
        async with openai.AsyncOpenAI(
            api_key=KEY, base_url=f"{server.base_url}/v1", max_retries=0
        ) as aclient:
            completion = await aclient.chat.completions.create(**ask(pc))
            return completion.choices[0].message.content

    assert asyncio.run(main()) == "Done: open the notes app"


def error_code(exc: openai.APIStatusError) -> str:
    assert isinstance(exc.body, dict)
    return str(exc.body["code"])


@pytest.mark.parametrize(
    ("change", "status", "code", "kind"),
    [
        ({"model": "gpt-4o"}, 400, "invalid_model", openai.BadRequestError),
        ({"extra_body": {}}, 400, "missing_computer_id", openai.BadRequestError),
        ({"messages": []}, 400, "empty_messages", openai.BadRequestError),
        (
            {"messages": [{"role": "assistant", "content": "hi"}]},
            400,
            "invalid_message_order",
            openai.BadRequestError,
        ),
        (
            {"messages": [{"role": "user", "content": "x" * 1_000_000}]},
            400,
            "context_overflow",
            openai.BadRequestError,
        ),
        (
            {"extra_body": {"computer_id": "missing"}},
            404,
            "computer_not_found",
            openai.NotFoundError,
        ),
    ],
)
def test_documented_errors(
    server: LoopbackServer,
    pc: str,
    change: dict[str, Any],
    status: int,
    code: str,
    kind: type[Exception],
) -> None:
    with pytest.raises(kind) as caught:
        client(server).chat.completions.create(**{**ask(pc), **change})
    assert isinstance(caught.value, openai.APIStatusError)
    assert caught.value.status_code == status and error_code(caught.value) == code


def test_invalid_json(server: LoopbackServer) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client(server).post("/chat/completions", body="{oops", cast_to=object)  # type: ignore[arg-type]
    assert error_code(caught.value) == "invalid_json"


def test_invalid_api_key(server: LoopbackServer, pc: str) -> None:
    strict = FakeOrgo(api_keys=["sk_only_this"])
    with strict.serve() as running, pytest.raises(openai.AuthenticationError) as caught:
        client(running).chat.completions.create(**ask(pc))
    assert error_code(caught.value) == "invalid_api_key"


def test_credits_exhausted(chat_fake: FakeOrgo, server: LoopbackServer, pc: str) -> None:
    chat_fake.agent.set_credits(0)
    with pytest.raises(openai.APIStatusError) as caught:
        client(server).chat.completions.create(**ask(pc))
    assert caught.value.status_code == 402
    assert error_code(caught.value) == "credits_exhausted"
    assert caught.value.body["balance_cents"] == 0  # type: ignore[index]
    free = client(server, default_headers={"x-anthropic-key": "sk-ant-mine"})
    completion = free.chat.completions.create(**ask(pc))
    assert (completion.model_extra or {})["orgo"]["cost_cents"] == 0


def test_internal_error(chat_fake: FakeOrgo, server: LoopbackServer, pc: str) -> None:
    chat_fake.agent.add_script([fail("the agent crashed")], computer_id=pc)
    with pytest.raises(openai.InternalServerError) as caught:
        client(server).chat.completions.create(**ask(pc))
    assert error_code(caught.value) == "internal_error"
    assert "the agent crashed" in str(caught.value)


def test_a_failed_stream_raises(chat_fake: FakeOrgo, server: LoopbackServer, pc: str) -> None:
    chat_fake.agent.add_script([fail("gave up")], computer_id=pc)
    stream = client(server).chat.completions.create(stream=True, **ask(pc))
    with pytest.raises(openai.APIError, match="gave up"):
        list(stream)
