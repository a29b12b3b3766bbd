"""A screenshot through the direct VM API against one through the platform.

Both on the same loopback fake, with keep-alive httpx clients: the platform's
``GET /api/computers/{id}/screenshot?response_format=base64`` (the baseline) and the
VM's ``GET http://{publicHost}:{apiPort}/screenshot`` with its bearer token, which runs
the same screenshot code after a token lookup. Target: the VM API <= 1.2x the platform.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from fake_server import FakeOrgo

KEY = "sk_bench_vm"


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[httpx.Client, str, str, dict[str, str]]]:
    fake = FakeOrgo(seed=3)
    with fake.serve() as server, httpx.Client(base_url=server.base_url) as api:
        api.headers["Authorization"] = f"Bearer {KEY}"
        workspace = api.post("/workspaces", json={"name": "bench"}).json()
        computer = api.post("/computers", json={"workspace_id": workspace["id"], "name": "pc"})
        ident = computer.json()["id"]
        details = api.post(f"/computers/{ident}/ensure-running").json()["instance_details"]
        token = api.get(f"/computers/{ident}/vnc-password").json()["desktop_api_token"]
        origin = f"http://{details['publicHost']}:{details['apiPort']}"
        yield api, ident, origin, {"Authorization": f"Bearer {token}"}


@pytest.mark.benchmark(group="vm-api-screenshot")
def test_platform_screenshot(benchmark: Any, served: tuple[httpx.Client, str, str, Any]) -> None:
    api, ident, _, _ = served
    params = {"response_format": "base64"}
    answer = benchmark(lambda: api.get(f"/computers/{ident}/screenshot", params=params))
    assert answer.status_code == 200 and answer.json()["width"] == 1280


@pytest.mark.benchmark(group="vm-api-screenshot")
def test_vm_api_screenshot(benchmark: Any, served: tuple[httpx.Client, str, str, Any]) -> None:
    _, _, origin, auth = served
    benchmark.extra_info.update(baseline="test_platform_screenshot", target=1.2)
    with httpx.Client(base_url=origin, headers=auth) as vm:
        answer = benchmark(lambda: vm.get("/screenshot"))
    assert answer.status_code == 200 and answer.json()["width"] == 1280
