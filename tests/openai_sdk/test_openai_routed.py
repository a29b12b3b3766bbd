"""In fake mode the plugin answers ``https://www.orgo.ai/api/v1`` in memory, so the
``openai`` SDK aimed at Orgo's real URL reaches the fake with no base URL to change."""

from __future__ import annotations

import openai

from fake_server.agent import act, answer
from pytest_orgo.agent import OrgoAgent
from pytest_orgo.computer import OrgoComputer


def test_openai_against_orgos_url(orgo_computer: OrgoComputer, orgo_agent: OrgoAgent) -> None:
    orgo_agent.script([act("left_click", coordinate=(10, 10)), answer("clicked")])
    chat = openai.OpenAI(api_key="sk_any", base_url="https://www.orgo.ai/api/v1", max_retries=0)
    completion = chat.chat.completions.create(
        model="claude-sonnet-4.6",
        messages=[{"role": "user", "content": "click the corner"}],
        extra_body={"computer_id": orgo_computer.id},
    )
    assert completion.choices[0].message.content == "clicked"
    assert orgo_agent.last_run.front == "chat"
    assert orgo_agent.computer.desktop.pointer.x == 12  # type: ignore[union-attr]  # 1280/1024


def test_streaming_in_memory(orgo_computer: OrgoComputer, orgo_agent: OrgoAgent) -> None:
    orgo_agent.script([answer("in memory stream")])
    chat = openai.OpenAI(api_key="sk_any", base_url="https://www.orgo.ai/api/v1", max_retries=0)
    stream = chat.chat.completions.create(
        model="claude-sonnet-4-6",
        messages=[{"role": "user", "content": "x"}],
        stream=True,
        extra_body={"computer_id": orgo_computer.id},
    )
    assert "".join(c.choices[0].delta.content or "" for c in stream) == "in memory stream"
