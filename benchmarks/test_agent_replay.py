"""Agent sessions from a cassette: replay against recording, and replay cost per frame.

* A 50-step scripted ``computer.prompt()`` run (the official SDK, default provider: the
  hosted agent WebSocket on a loopback fake; every fifth step a screenshot the fake
  renders) recorded with ``record_mode="all"`` - the agent acting on the simulated
  desktop, the frames recorded, scrubbed and written - beside the same run replayed from
  that cassette (``record_mode="none"``, network blocked: the frames come from the file).
  Target: replay at least 5x faster (ratio <= 0.2).
* Per frame: a 500-step run's cassette replayed beside a 10-step one's. Each side's
  median is divided by the frames it replays (``extra_info["per"]``), so the ratio is of
  the cost per frame; the fixed cost of a replay (loading the file, the handshake, the
  SDK's dispatcher thread) is paid over fewer frames by the 10-step side. Target: at
  most 1.5x - frames are taken in order, never searched.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fake_server import FakeOrgo
from fake_server.agent import act, answer
from fake_server.serving import LoopbackServer
from pytest_orgo.cassettes.config import CassetteConfig
from pytest_orgo.cassettes.session import CassetteSession
from pytest_orgo.routing import HostRouter

if sys.version_info < (3, 12):
    pytest.skip("the official orgo SDK imports only on Python >= 3.12", allow_module_level=True)
orgo = pytest.importorskip("orgo")

KEY = "sk_bench_agent_replay"
CYCLE = [
    act("screenshot"),
    act("left_click", coordinate=(100, 100)),
    act("type", text="abc"),
    act("key", text="Return"),
    act("scroll", coordinate=(300, 300), scroll_direction="down", scroll_amount=3),
]


def script(steps: int) -> list[Any]:
    return [CYCLE[i % len(CYCLE)] for i in range(steps)] + [answer("done")]


@pytest.fixture(scope="module")
def bench() -> Iterator[tuple[FakeOrgo, Any]]:
    fake = FakeOrgo(seed=6)
    with fake.serve() as server:
        router = HostRouter(http_target=lambda: server.url, transport=fake.transport)
        router.install()
        try:
            yield fake, _computer(server)
        finally:
            router.uninstall()


def _computer(server: LoopbackServer) -> Any:
    return orgo.Computer(api_key=KEY, base_api_url=server.base_url, verbose=False)


def _session(path: Path, mode: str) -> CassetteSession:
    return CassetteSession(path, CassetteConfig(record_mode=mode), api_keys=[KEY])


def record(fake: FakeOrgo, computer: Any, path: Path, steps: int) -> None:
    session = _session(path, "all")
    session.start()
    try:
        fake.agent.add_script(script(steps), computer_id=computer.computer_id)
        computer.prompt(f"{steps} steps", max_iterations=steps + 1, verbose=False)
    finally:
        session.stop()


def replay(computer: Any, path: Path, steps: int) -> None:
    session = _session(path, "none")
    session.start()
    try:
        messages = computer.prompt(f"{steps} steps", max_iterations=steps + 1, verbose=False)
    finally:
        session.stop()
    assert not session.errors, session.errors
    assert messages[-1]["content"][-1] == {"type": "text", "text": "done"}


def frames(path: Path) -> int:
    data = json.loads(path.read_text())
    return sum(len(c["frames"]) for c in data["websockets"])


@pytest.fixture(scope="module")
def recorded(
    bench: tuple[FakeOrgo, Any], tmp_path_factory: pytest.TempPathFactory
) -> dict[int, Path]:
    fake, computer = bench
    folder = tmp_path_factory.mktemp("agent-cassettes")
    paths = {steps: folder / f"prompt-{steps}.yaml" for steps in (10, 50, 500)}
    for steps, path in paths.items():
        record(fake, computer, path, steps)
    return paths


@pytest.mark.benchmark(group="agent-replay")
def test_record_fifty_step_prompt(
    benchmark: Any, bench: tuple[FakeOrgo, Any], tmp_path: Path
) -> None:
    fake, computer = bench
    path = tmp_path / "prompt.yaml"
    benchmark.pedantic(record, args=(fake, computer, path, 50), rounds=8, warmup_rounds=1)
    assert fake.agent.last_run.outcome == "success"
    shots = [
        s for s in fake.agent.last_run.steps if s.request and s.request.endswith("/screenshot")
    ]
    assert len(shots) == 10


@pytest.mark.benchmark(group="agent-replay")
def test_replay_fifty_step_prompt(
    benchmark: Any, bench: tuple[FakeOrgo, Any], recorded: dict[int, Path]
) -> None:
    _, computer = bench
    benchmark.extra_info.update(baseline="test_record_fifty_step_prompt", target=0.2)
    benchmark.pedantic(replay, args=(computer, recorded[50], 50), rounds=8, warmup_rounds=1)


@pytest.mark.benchmark(group="agent-replay-per-frame")
@pytest.mark.parametrize("steps", [10, 500])
def test_replay_per_frame(
    benchmark: Any, bench: tuple[FakeOrgo, Any], recorded: dict[int, Path], steps: int
) -> None:
    _, computer = bench
    benchmark.extra_info["per"] = frames(recorded[steps])
    if steps == 500:
        benchmark.extra_info.update(baseline="test_replay_per_frame[10]", target=1.5)
    rounds = 20 if steps == 10 else 5
    benchmark.pedantic(
        replay, args=(computer, recorded[steps], steps), rounds=rounds, warmup_rounds=1
    )
