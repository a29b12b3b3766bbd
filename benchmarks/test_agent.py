"""A 50-step scripted agent run through the SDK's ``computer.prompt()`` (the hosted
agent WebSocket, on loopback) beside the same 50 actions made through the SDK's REST
methods (``requests`` over loopback), in the same run. Target: the agent run costs at
most 1.5x the REST calls.

The 50 steps cycle through click, type, key, move and scroll; both sides act on the same
kind of computer and leave the same request-log entries. The agent side adds the
WebSocket handshake, the frames and the run record; the REST side pays one HTTP round
trip per action, which the agent makes in-process through the dispatcher.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest

from fake_server import FakeOrgo
from fake_server.agent import act, answer
from fake_server.serving import LoopbackServer
from pytest_orgo.routing import HostRouter

if sys.version_info < (3, 12):
    pytest.skip("the official orgo SDK imports only on Python >= 3.12", allow_module_level=True)
orgo = pytest.importorskip("orgo")

KEY = "sk_bench_agent"
STEPS = 50
SCRIPT = [
    [
        act("left_click", coordinate=(100, 100)),
        act("type", text="abc"),
        act("key", text="Return"),
        act("mouse_move", coordinate=(200, 200)),
        act("scroll", coordinate=(300, 300), scroll_direction="down", scroll_amount=3),
    ][i % 5]
    for i in range(STEPS)
] + [answer("done")]


@pytest.fixture(scope="module")
def bench_fake() -> Iterator[tuple[FakeOrgo, LoopbackServer]]:
    fake = FakeOrgo(seed=4)
    with fake.serve() as server:
        router = HostRouter(http_target=lambda: server.url, transport=fake.transport)
        router.install()
        try:
            yield fake, server
        finally:
            router.uninstall()


@pytest.fixture(scope="module")
def sdk_computer(bench_fake: tuple[FakeOrgo, LoopbackServer]) -> Any:
    _, server = bench_fake
    return orgo.Computer(api_key=KEY, base_api_url=server.base_url, verbose=False)


@pytest.mark.benchmark(group="agent-loopback")
def test_rest_actions_floor(benchmark: Any, sdk_computer: Any) -> None:
    """The same 50 actions through the SDK's REST methods (display == screen here)."""

    def fifty() -> None:
        for i in range(STEPS):
            kind = i % 5
            if kind == 0:
                sdk_computer.left_click(125, 94)
            elif kind == 1:
                sdk_computer.type("abc")
            elif kind == 2:
                sdk_computer.key("Return")
            elif kind == 3:
                sdk_computer.api._request(  # the SDK has no move method: its own client
                    "POST", f"computers/{sdk_computer.computer_id}/move", {"x": 250, "y": 188}
                )
            else:
                sdk_computer.scroll("down", 3, x=375, y=281)

    benchmark.pedantic(fifty, rounds=8, warmup_rounds=1)


@pytest.mark.benchmark(group="agent-loopback")
def test_agent_prompt_fifty_steps(
    benchmark: Any, bench_fake: tuple[FakeOrgo, LoopbackServer], sdk_computer: Any
) -> None:
    fake, _ = bench_fake
    benchmark.extra_info.update(baseline="test_rest_actions_floor", target=1.5)

    def run() -> None:
        fake.agent.add_script(SCRIPT, computer_id=sdk_computer.computer_id)
        sdk_computer.prompt("fifty steps", verbose=False)

    benchmark.pedantic(run, rounds=8, warmup_rounds=1)
    last = fake.agent.last_run
    assert last.outcome == "success" and len(last.tool_uses) == STEPS
    assert all(step.status == 200 for step in last.steps if step.request is not None)
