"""Testing code built on Orgo's OpenAI-compatible chat completions with the ``openai``
SDK, against the bundled fake on loopback (``orgo_server``)."""

from __future__ import annotations

from typing import Any

import openai
import pytest

from fake_server.agent import act, answer


@pytest.fixture
def chat(orgo_server: Any) -> openai.OpenAI:
    return openai.OpenAI(api_key="sk_example", base_url=f"{orgo_server.base_url}/v1")


def ask(computer_id: str, text: str) -> dict[str, Any]:
    return {
        "model": "claude-sonnet-4-6",
        "messages": [{"role": "user", "content": text}],
        "extra_body": {"computer_id": computer_id},
    }


def test_completion(chat: openai.OpenAI, orgo_computer: Any, orgo_agent: Any) -> None:
    orgo_agent.script([act("screenshot"), answer("The desktop is empty.")])
    completion = chat.chat.completions.create(**ask(orgo_computer.id, "what is on screen?"))
    assert completion.choices[0].message.content == "The desktop is empty."
    assert (completion.model_extra or {})["orgo"]["steps"] == 1


def test_streamed_completion(chat: openai.OpenAI, orgo_computer: Any, orgo_agent: Any) -> None:
    orgo_agent.script([answer("streamed answer")])
    stream = chat.chat.completions.create(stream=True, **ask(orgo_computer.id, "go"))
    assert "".join(c.choices[0].delta.content or "" for c in stream) == "streamed answer"


def test_out_of_credits(chat: openai.OpenAI, orgo_computer: Any, orgo_agent: Any) -> None:
    orgo_agent.set_credits(0)
    try:
        with pytest.raises(openai.APIStatusError) as caught:
            chat.with_options(max_retries=0).chat.completions.create(**ask(orgo_computer.id, "x"))
        assert caught.value.status_code == 402
    finally:
        orgo_agent.set_credits(None)
