"""@pytest.mark.orgo_agent and the orgo_agent fixture: scripts, defaults and credits for
the test's computer; bad marker input is a usage error naming the test."""

from __future__ import annotations

import pytest
from orgo_helpers import run


def test_marker_queues_scripts_and_sets_default_and_credits(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx
        import pytest
        from fake_server.agent import act, answer

        def ask(pc):
            body = {"computer_id": pc, "messages": [{"role": "user", "content": "go"}]}
            return httpx.post("https://www.orgo.ai/api/v1/chat/completions", json=body,
                              headers={"Authorization": "Bearer k"})

        @pytest.mark.orgo_agent(scripts=[[answer("one")], [answer("two")]],
                                default=[answer("after")], credits=100)
        def test_marked(orgo_agent, orgo_computer):
            got = [ask(orgo_computer.id).json()["choices"][0]["message"]["content"]
                   for _ in range(3)]
            assert got == ["one", "two", "after"]
            assert [r.outcome for r in orgo_agent.runs] == ["success"] * 3
            assert orgo_agent.fake.agent.credits_cents == 97

        def test_fixture_only(orgo_agent, orgo_computer):
            orgo_agent.script(lambda turn: [answer(f"iteration {turn.iteration}")])
            assert ask(orgo_computer.id).json()["choices"][0]["message"]["content"] == "iteration 1"
            assert orgo_agent.pending == 0
            assert orgo_agent.last_run.source == "policy"
        """
    )
    run(pytester).assert_outcomes(passed=2)


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        ("script=[{'type': 'tool_use', 'action': 'type'}]", "type needs text"),
        ("scirpt=[]", "got scirpt"),
        ("script='click'", "a script is a list of steps"),
        ("credits=-5", "credits cannot be negative"),
    ],
)
def test_bad_marker_input_is_a_usage_error(
    pytester: pytest.Pytester, marker: str, message: str
) -> None:
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.orgo_agent({marker})
        def test_bad(orgo_agent):
            pass
        """
    )
    result = run(pytester)
    result.stdout.fnmatch_lines([f"*test_bad*orgo_agent*{message}*"])
    assert result.ret != 0
