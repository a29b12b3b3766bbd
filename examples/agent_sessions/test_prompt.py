"""Testing code that hands a task to Orgo's agent with the official SDK's
``computer.prompt()``: the fake's scripted agent does what the test says, on the
simulated desktop, and the test checks what happened."""

from __future__ import annotations

import sys
from typing import Any

import pytest

if sys.version_info < (3, 12):
    pytest.skip("the official orgo SDK imports only on Python >= 3.12", allow_module_level=True)

from fake_server.agent import Turn, act, answer, fail, think


@pytest.mark.orgo_agent(
    script=[
        think("the editor is open"),
        act("left_click", coordinate=(512, 384)),
        act("type", text="hello"),
        act("key", text="ctrl+s"),
        answer("saved"),
    ]
)
def test_agent_saves(orgo_sdk_computer: Any, orgo_agent: Any) -> None:
    orgo_agent.computer.desktop.open_window("Editor")
    steps: list[str] = []
    orgo_sdk_computer.prompt("save a note", callback=lambda kind, data: steps.append(kind))
    run = orgo_agent.last_run
    assert run.outcome == "success"
    assert run.tool_uses[1] == {"type": "tool_use", "action": "type", "text": "hello"}
    assert steps.count("tool_use") == 3 and steps[-1] == "result"
    assert orgo_agent.computer.desktop.focused.text == "hello"


def test_a_policy_reads_the_screen(orgo_sdk_computer: Any, orgo_agent: Any) -> None:
    desktop = orgo_agent.computer.desktop
    desktop.open_window("Mail")
    desktop.open_window("Browser")

    def policy(turn: Turn) -> list[Any]:
        if turn.iteration == 1:
            return [act("left_click", coordinate=turn.window("Mail").title_bar)]
        if turn.iteration == 2:
            return [act("type", text="Dear team,")]
        return [answer(f"wrote in {turn.desktop.focused.title}")]

    orgo_agent.script(policy)
    orgo_sdk_computer.prompt("write to the team in the mail window", verbose=False)
    assert desktop.focused.title == "Mail" and desktop.focused.text == "Dear team,"
    assert orgo_agent.last_run.answer == "wrote in Mail"


def test_plain_prompt_uses_the_default_agent(orgo_sdk_computer: Any, orgo_agent: Any) -> None:
    messages = orgo_sdk_computer.prompt("open firefox", verbose=False)
    assert messages[-1]["content"] == [{"type": "text", "text": "Done: open firefox"}]


@pytest.mark.orgo_agent(script=[fail("The login button is not there")])
def test_agent_failure_raises(orgo_sdk_computer: Any) -> None:
    with pytest.raises(RuntimeError, match="login button"):
        orgo_sdk_computer.prompt("log in", verbose=False)


def test_actions_are_in_the_request_log(
    orgo_sdk_computer: Any, orgo_agent: Any, orgo_server: Any
) -> None:
    orgo_agent.script([act("double_click", coordinate=(100, 100)), answer()])
    orgo_sdk_computer.prompt("open the icon", verbose=False)
    clicks = orgo_server.requests("POST", f"/computers/{orgo_agent.computer.id}/click")
    assert clicks[-1].body == {"x": 125, "y": 94, "button": "left", "double": True}
