"""One REST call, in memory and over loopback, beside its floors.

In memory: the fake's transport vs ``httpx.MockTransport`` answering tiny JSON (the
in-memory floor), and vs a bare Starlette echo behind httpx's ``ASGITransport``.
Loopback: ``requests`` to the fake on uvicorn vs ``requests`` to a bare Starlette echo
on the same uvicorn configuration. Targets: <= 1.5x MockTransport; <= 1.2x the echo.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import requests
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from fake_server import FakeOrgo

KEY = {"Authorization": "Bearer sk_bench"}
CLICK = {"x": 10, "y": 20}


def _echo_app() -> Starlette:
    async def echo(request: Request) -> JSONResponse:
        return JSONResponse({"success": True, "echo": await request.json()})

    return Starlette(routes=[Route("/api/echo", echo, methods=["POST"])])


@pytest.fixture(scope="module")
def fake_and_computer() -> tuple[FakeOrgo, str]:
    fake = FakeOrgo(seed=1)
    with httpx.Client(
        transport=fake.transport(), base_url="https://www.orgo.ai/api", headers=KEY
    ) as client:
        workspace = client.post("/workspaces", json={"name": "bench"}).json()
        computer = client.post(
            "/computers", json={"workspace_id": workspace["id"], "name": "b"}
        ).json()
    return fake, computer["id"]


@pytest.mark.benchmark(group="rest-in-memory")
def test_mocktransport_floor(benchmark: Any) -> None:
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, json={"success": True, "action": "click"})
    )
    with httpx.Client(
        transport=transport, base_url="https://www.orgo.ai/api", headers=KEY
    ) as client:
        benchmark(lambda: client.post("/computers/x/click", json=CLICK).json())


@pytest.mark.benchmark(group="rest-in-memory")
def test_fake_in_memory(benchmark: Any, fake_and_computer: tuple[FakeOrgo, str]) -> None:
    fake, computer_id = fake_and_computer
    benchmark.extra_info.update(baseline="test_mocktransport_floor", target=1.5)
    with httpx.Client(
        transport=fake.transport(), base_url="https://www.orgo.ai/api", headers=KEY
    ) as client:
        response = client.post(f"/computers/{computer_id}/click", json=CLICK)
        assert response.status_code == 200
        benchmark(lambda: client.post(f"/computers/{computer_id}/click", json=CLICK).json())


@pytest.mark.benchmark(group="rest-in-memory")
def test_starlette_echo_asgitransport(benchmark: Any) -> None:
    loop = asyncio.new_event_loop()
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=_echo_app()), base_url="https://www.orgo.ai/api"
    )
    try:
        benchmark(lambda: loop.run_until_complete(client.post("/echo", json=CLICK)).json())
    finally:
        loop.run_until_complete(client.aclose())
        loop.close()


class _Uvicorn:
    def __init__(self, app: Any) -> None:
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=0,
            log_level="warning",
            access_log=False,
            http="httptools",
            lifespan="off",
        )
        self.server = uvicorn.Server(config)
        self.server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.005)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(5)


@pytest.fixture(scope="module")
def echo_server() -> Iterator[_Uvicorn]:
    server = _Uvicorn(_echo_app())
    yield server
    server.stop()


@pytest.mark.benchmark(group="rest-loopback")
def test_bare_echo_loopback(benchmark: Any, echo_server: _Uvicorn) -> None:
    with requests.Session() as session:
        url = f"http://127.0.0.1:{echo_server.port}/api/echo"
        benchmark(lambda: session.post(url, json=CLICK, headers=KEY).json())


@pytest.mark.benchmark(group="rest-loopback")
def test_fake_loopback(benchmark: Any, fake_and_computer: tuple[FakeOrgo, str]) -> None:
    fake, computer_id = fake_and_computer
    benchmark.extra_info.update(baseline="test_bare_echo_loopback", target=1.2)
    with fake.serve() as server, requests.Session() as session:
        url = f"{server.base_url}/computers/{computer_id}/click"
        assert session.post(url, json=CLICK, headers=KEY).status_code == 200
        benchmark(lambda: session.post(url, json=CLICK, headers=KEY).json())
