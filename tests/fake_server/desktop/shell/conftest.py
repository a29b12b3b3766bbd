"""Fixtures for the shell tests that go through the fake's HTTP and WebSocket faces:
one loopback fake per module, a fresh computer per test, openers for both WebSocket
client libraries (see ``tests/fake_server/ws/ws_support.py``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from fake_server import FakeOrgo
from fake_server.serving import LoopbackServer
from tests.fake_server.ws.ws_support import KINDS, Client, Opener, make_client

KEY = "sk_shell_tests"


@dataclass
class Computer:
    id: str
    password: str
    server: LoopbackServer
    rest: httpx.Client
    fake: FakeOrgo

    def terminal_url(self) -> str:
        return f"ws://127.0.0.1:{self.server.port}/desktops/{self.id}/ws/terminal?token={self.password}"

    def bash(self, command: str, **extra: object) -> httpx.Response:
        return self.rest.post(f"/computers/{self.id}/bash", json={"command": command, **extra})


@pytest.fixture(scope="module")
def live_fake() -> FakeOrgo:
    return FakeOrgo(seed=12)


@pytest.fixture(scope="module")
def server(live_fake: FakeOrgo) -> Iterator[LoopbackServer]:
    with live_fake.serve() as running:
        yield running


@pytest.fixture(scope="module")
def rest(server: LoopbackServer) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Bearer {KEY}"}, timeout=30
    ) as client:
        yield client


@pytest.fixture
def computer(live_fake: FakeOrgo, server: LoopbackServer, rest: httpx.Client) -> Iterator[Computer]:
    workspace = rest.post("/workspaces", json={"name": f"shell-{uuid.uuid4().hex[:8]}"})
    assert workspace.status_code == 201, workspace.text
    created = rest.post(
        "/computers",
        json={"workspace_id": workspace.json()["id"], "name": f"pc-{uuid.uuid4().hex[:8]}"},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    yield Computer(body["id"], body["vnc_password"], server, rest, live_fake)
    rest.delete(f"/workspaces/{workspace.json()['id']}")


@pytest.fixture(params=KINDS)
def open_ws(request: pytest.FixtureRequest) -> Iterator[Opener]:
    opened: list[Client] = []

    def opener(url: str, host: str | None = None) -> Client:
        client = make_client(request.param, url, host)
        opened.append(client)
        return client

    yield opener  # type: ignore[misc]
    for client in opened:
        client.close()
