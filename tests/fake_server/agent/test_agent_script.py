"""Agent scripts: steps validated once, with messages naming the bad step."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fake_server.agent import InvalidScript, act, answer, parse_steps, say, think
from fake_server.agent.script import Answer, Fail, Thinking, ToolUse, split_iterations


def test_dicts_and_models_parse_to_the_same_steps() -> None:
    steps = parse_steps(
        [
            {"type": "thinking", "text": "look first"},
            {"type": "tool_use", "action": "left_click", "coordinate": [10, 20]},
            act("type", text="hi"),
            {"type": "answer", "text": "ok"},
        ]
    )
    assert [type(s) for s in steps] == [Thinking, ToolUse, ToolUse, Answer]
    assert steps[1] == act("left_click", coordinate=(10, 20))
    assert steps[1].params() == {"coordinate": [10, 20]}


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ({"type": "tool_use", "action": "left_click"}, "left_click needs coordinate"),
        ({"type": "tool_use", "action": "type"}, "type needs text"),
        (
            {"type": "tool_use", "action": "left_click_drag", "coordinate": [1, 1]},
            "start_coordinate",
        ),
        ({"type": "tool_use", "action": "hold_key", "text": "a"}, "step 0.tool_use"),
        ({"type": "tool_use", "action": "wait", "duration": 61}, "less than or equal to 60"),
        ({"type": "dance"}, "step 0"),
        ({"type": "text"}, "Field required"),
    ],
)
def test_bad_steps_are_named(step: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidScript, match="invalid agent script") as caught:
        parse_steps([step])
    assert message in str(caught.value)


def test_iterations_end_after_each_tool_use_and_at_the_end() -> None:
    steps = parse_steps(
        [think("a"), act("screenshot"), say("b"), act("key", text="Return"), answer("done")]
    )
    assert [len(i) for i in split_iterations(steps)] == [2, 2, 1]


@given(st.lists(st.sampled_from(["think", "say", "shot", "answer", "fail"]), max_size=30))
def test_iterations_keep_every_step_in_order(kinds: list[str]) -> None:
    make = {
        "think": lambda: think("t"),
        "say": lambda: say("s"),
        "shot": lambda: act("screenshot"),
        "answer": lambda: answer(),
        "fail": lambda: Fail(),
    }
    steps = parse_steps([make[k]() for k in kinds])
    iterations = split_iterations(steps)
    assert [s for i in iterations for s in i] == steps
    for iteration in iterations[:-1]:
        assert isinstance(iteration[-1], ToolUse | Answer | Fail)
