"""Fixtures for the desktop WebSocket tests: one loopback fake per test module, a fresh
computer per test, and openers for both WebSocket client libraries (see ws_support).

Starting uvicorn is the slow part, hence module scope; computers are cheap, so every test
gets its own and nothing leaks between tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest

from fake_server import FakeOrgo
from fake_server.serving import LoopbackServer
from tests.fake_server.ws.ws_support import KINDS, PC, Client, Opener, make_client


@pytest.fixture(scope="module")
def live_fake() -> FakeOrgo:
    return FakeOrgo(seed=11)


@pytest.fixture(scope="module")
def server(live_fake: FakeOrgo) -> Iterator[LoopbackServer]:
    with live_fake.serve() as running:
        yield running


@pytest.fixture(scope="module")
def rest(server: LoopbackServer) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=server.base_url, headers={"Authorization": "Bearer sk_ws_tests"}, timeout=10
    ) as client:
        yield client


@pytest.fixture(scope="module")
def workspace_id(rest: httpx.Client) -> str:
    response = rest.post("/workspaces", json={"name": f"ws-tests-{uuid.uuid4().hex[:8]}"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.fixture
def pc(
    live_fake: FakeOrgo, server: LoopbackServer, rest: httpx.Client, workspace_id: str
) -> Iterator[PC]:
    response = rest.post(
        "/computers", json={"workspace_id": workspace_id, "name": f"pc-{uuid.uuid4().hex[:10]}"}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "running"
    computer = PC(
        id=body["id"],
        instance_id=body["instance_id"],
        password=body["vnc_password"],
        handle=live_fake.desktop(body["id"]),
        server=server,
        rest=rest,
        fake=live_fake,
    )
    yield computer
    rest.delete(f"/computers/{computer.id}")


@pytest.fixture(params=KINDS)
def open_ws(request: pytest.FixtureRequest) -> Iterator[Opener]:
    """``open_ws(url, host=None)`` with the client library this test run is parametrized
    with; ``open_ws.kind`` names it. Everything opened is closed afterwards."""
    opened: list[Client] = []

    def opener(url: str, host: str | None = None) -> Client:
        client = make_client(request.param, url, host)
        opened.append(client)
        return client

    opener.kind = request.param  # type: ignore[attr-defined]
    yield opener
    for client in opened:
        client.close()


@pytest.fixture
def open_any() -> Iterator[Callable[[str, str], Client]]:
    """``open_any(kind, url)``: a client of the named library (for mixing both in one test)."""
    opened: list[Client] = []

    def opener(kind: str, url: str, host: str | None = None) -> Client:
        client = make_client(kind, url, host)
        opened.append(client)
        return client

    yield opener  # type: ignore[misc]
    for client in opened:
        client.close()
