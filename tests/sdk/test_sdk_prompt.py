"""The official SDK's ``computer.prompt()`` (default provider: the hosted agent
WebSocket) against the fake's scripted agent, unmodified: in fake mode through the
plugin's transparent routing, and against a loopback fake."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from fake_server import FakeOrgo, LoopbackServer
from fake_server.agent import act, answer, fail, say, think
from pytest_orgo.agent import OrgoAgent
from pytest_orgo.routing import AgentRouter, HostRouter, agent_router

orgo = pytest.importorskip("orgo")

KEY = "sk_live_sdk_prompt"
SCRIPT = [
    think("the desktop is empty"),
    act("screenshot"),
    act("double_click", coordinate=(512, 384)),
    act("type", text="hello from the agent"),
    say("typed the greeting"),
    answer("greeting typed"),
]


def record(seen: list[tuple[str, Any]]) -> Any:
    return lambda kind, data: seen.append((kind, data))


# -- fake mode: the plugin routes wss://agent.orgo.ai to its fake --------------------------


def test_prompt_runs_the_scripted_agent(orgo_sdk_computer: Any, orgo_agent: OrgoAgent) -> None:
    orgo_agent.script(SCRIPT)
    orgo_agent.computer.desktop.open_window("Notes")  # type: ignore[union-attr]
    seen: list[tuple[str, Any]] = []
    messages = orgo_sdk_computer.prompt("greet", callback=record(seen), verbose=False)
    kinds = [kind for kind, _ in seen]
    assert kinds == [
        "status",
        "iteration",
        "thinking",
        "tool_use",
        "iteration",
        "tool_use",
        "iteration",
        "tool_use",
        "iteration",
        "text",
        "text",
        "result",
    ]
    assert seen[5][1] == {"action": "double_click", "params": {"coordinate": [512, 384]}}
    assert messages[0] == {"role": "user", "content": "greet"}
    assert messages[-1]["content"][-1] == {"type": "text", "text": "greeting typed"}
    run = orgo_agent.last_run
    assert (run.instruction, run.model, run.outcome) == ("greet", "claude-sonnet-4-6", "success")
    assert orgo_agent.computer.desktop.focused.text == "hello from the agent"  # type: ignore[union-attr]


def test_the_default_agent_answers_a_plain_prompt(
    orgo_sdk_computer: Any, orgo_agent: OrgoAgent
) -> None:
    messages = orgo_sdk_computer.prompt("open firefox", verbose=False)
    assert messages[-1]["content"] == [{"type": "text", "text": "Done: open firefox"}]
    assert orgo_agent.last_run.source == "default"


@pytest.mark.orgo_agent(script=[act("screenshot")] * 4)
def test_max_iterations_raises_as_the_sdk_does(
    orgo_sdk_computer: Any, orgo_agent: OrgoAgent
) -> None:
    with pytest.raises(RuntimeError, match=r"Reached max_iterations \(2\)"):
        orgo_sdk_computer.prompt("loop", max_iterations=2, verbose=False)
    assert orgo_agent.last_run.iterations == 2


@pytest.mark.orgo_agent(script=[think("hm"), fail("The login button is not there")])
def test_a_scripted_failure_raises(orgo_sdk_computer: Any, orgo_agent: OrgoAgent) -> None:
    with pytest.raises(RuntimeError, match="The login button is not there"):
        orgo_sdk_computer.prompt("log in", verbose=False)
    assert orgo_agent.last_run.outcome == "failed"


def test_display_size_and_model_reach_the_run(
    orgo_sdk_computer: Any, orgo_agent: OrgoAgent
) -> None:
    orgo_agent.script([act("left_click", coordinate=(640, 360)), answer()])
    orgo_sdk_computer.prompt(
        "click", model="claude-opus-4-7", display_width=1280, display_height=720, verbose=False
    )
    run = orgo_agent.last_run
    assert (run.model, run.config.display_width, run.config.display_height) == (
        "claude-opus-4-7",
        1280,
        720,
    )
    assert orgo_agent.computer.desktop.pointer.x == 640  # type: ignore[union-attr]


# -- loopback: a FakeOrgo served by the test, the SDK routed to it ------------------------


@pytest.fixture(scope="module")
def routed(server: LoopbackServer, sdk_fake: FakeOrgo) -> Iterator[FakeOrgo]:
    """``wss://agent.orgo.ai`` (hard-coded in the SDK: no setting moves it) onto this
    loopback server, with the plugin's own router."""
    router = HostRouter(http_target=lambda: server.url, transport=sdk_fake.transport)
    router.install()
    yield sdk_fake
    router.uninstall()


def test_prompt_on_loopback(routed: FakeOrgo, server: LoopbackServer) -> None:
    computer = orgo.Computer(api_key=KEY, base_api_url=server.base_url, verbose=False)
    routed.agent.add_script(SCRIPT, computer_id=computer.computer_id)
    seen: list[tuple[str, Any]] = []
    computer.prompt("greet", callback=record(seen), verbose=False)
    assert [d["action"] for k, d in seen if k == "tool_use"] == [
        "screenshot",
        "double_click",
        "type",
    ]
    assert routed.requests("POST", f"/computers/{computer.computer_id}/type")[-1].body == {
        "text": "hello from the agent"
    }
    assert routed.agent.last_run.outcome == "success"


@pytest.mark.parametrize(
    "base_url", ["https://www.orgo.ai/api", "https://orgo.ai/api", "https://api.orgo.ai"]
)
def test_live_mode_against_the_real_orgo_routes_nothing(base_url: str) -> None:
    assert agent_router(base_url) is None


def test_live_mode_against_a_https_stand_in_keeps_tls() -> None:
    router = agent_router("https://staging.example.test/api")
    assert isinstance(router, AgentRouter)
    assert router._ws_url("wss://agent.orgo.ai/ws/prompt?token=k") == (
        "wss://staging.example.test/ws/prompt?token=k"
    )
    assert not router.routed_plain("wss://agent.orgo.ai/ws/prompt")


def test_live_mode_routes_only_the_agent_host_to_the_base_url() -> None:
    """What the plugin installs with ``--orgo --orgo-base-url http://127.0.0.1:PORT/api``:
    the SDK's hard-coded agent socket reaches that fake (a fake of this test's own, which
    no other router here knows); other hosts stay untouched."""
    own = FakeOrgo(seed=3)
    with own.serve() as running:
        router = agent_router(running.base_url)
        assert isinstance(router, AgentRouter)
        assert router._ws_url("wss://www.orgo.ai/desktops/x/ws/events") == (
            "wss://www.orgo.ai/desktops/x/ws/events"
        )
        computer = orgo.Computer(api_key=KEY, base_api_url=running.base_url, verbose=False)
        own.agent.add_script(SCRIPT, computer_id=computer.computer_id)
        seen: list[tuple[str, Any]] = []
        router.install()
        try:
            computer.prompt("greet", callback=record(seen), verbose=False)
        finally:
            router.uninstall()
    assert [d["action"] for k, d in seen if k == "tool_use"] == [
        "screenshot",
        "double_click",
        "type",
    ]
    assert own.agent.last_run.outcome == "success"


def test_the_provider_takes_the_loopback_url_directly(
    sdk_fake: FakeOrgo, server: LoopbackServer
) -> None:
    """The SDK's OrgoProvider accepts ``agent_url``: the one public way to aim it."""
    from orgo.prompt import OrgoProvider

    computer = orgo.Computer(api_key=KEY, base_api_url=server.base_url, verbose=False)
    sdk_fake.agent.add_script([fail("no")], computer_id=computer.computer_id)
    provider = OrgoProvider(agent_url=server.ws_url)
    with pytest.raises(RuntimeError, match="no"):
        provider.execute(computer.computer_id, "x", verbose=False, orgo_api_key=KEY)


def test_a_bad_key_is_refused(server: LoopbackServer) -> None:
    from orgo.prompt import OrgoProvider

    strict = FakeOrgo(api_keys=["sk_only"])
    with strict.serve() as running:
        provider = OrgoProvider(agent_url=running.ws_url)
        with pytest.raises(RuntimeError, match="Invalid API key"):
            provider.execute("any", "x", verbose=False, orgo_api_key="sk_wrong")
