"""The ``openai`` SDK against the fake's chat completions on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from fake_server import FakeOrgo, LoopbackServer

pytest.importorskip("openai", reason="the openai SDK is in the test extra")

KEY = "sk_openai_tests"


@pytest.fixture(scope="module")
def chat_fake() -> FakeOrgo:
    return FakeOrgo(seed=9)


@pytest.fixture(scope="module")
def server(chat_fake: FakeOrgo) -> Iterator[LoopbackServer]:
    with chat_fake.serve() as running:
        yield running


@pytest.fixture
def pc(server: LoopbackServer, chat_fake: FakeOrgo) -> Iterator[str]:
    """A fresh computer; the agent's queues, credits and faults reset after the test."""
    with httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {KEY}"}) as c:
        name = f"w-{len(chat_fake.state.workspaces)}"
        workspace = c.post("/workspaces", json={"name": name}).json()
        yield str(
            c.post("/computers", json={"workspace_id": workspace["id"], "name": "a"}).json()["id"]
        )
    chat_fake.agent.set_credits(None)
    chat_fake.agent.set_default(None)
