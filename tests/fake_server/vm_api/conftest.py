"""The fake served the two ways a VM API client reaches it over a socket: on loopback in
this process and standalone (``python -m fake_server serve``); the tests drive both
through HTTP only (the API and ``/_fake``), as a client in another process would."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from fake_server import FakeOrgo
from tests.fake_server.vm_api.mcp_client import McpLikeClient
from tests.standalone_fake import start_standalone_fake

KEY = "sk_test_vm_api"


@dataclass
class Served:
    base_url: str  # http://127.0.0.1:PORT/api
    http: httpx.Client

    @property
    def origin(self) -> str:
        return self.base_url.removesuffix("/api")

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {KEY}"}
        return self.http.request(method, f"{self.base_url}{path}", headers=headers, **kwargs)

    def control(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(method, f"{self.origin}/_fake{path}", **kwargs)

    def computer(self) -> dict[str, Any]:
        name = f"ws-{len(self.api('GET', '/workspaces').json()['workspaces'])}"
        workspace = self.api("POST", "/workspaces", json={"name": name}).json()
        created = self.api(
            "POST", "/computers", json={"workspace_id": workspace["id"], "name": "vm"}
        )
        assert created.status_code == 201, created.text
        return dict(created.json())

    def count(self, method: str, path: str) -> int:
        entries = self.control("GET", "/requests").json()
        entries = entries.get("requests", entries) if isinstance(entries, dict) else entries
        return sum(1 for e in entries if e["method"] == method and e["path"] == path)

    def mcp(self) -> McpLikeClient:
        return McpLikeClient(self.base_url, KEY, http=self.http)


@pytest.fixture(scope="module", params=["loopback", "standalone"])
def served(request: pytest.FixtureRequest) -> Iterator[Served]:
    with httpx.Client(timeout=30) as http:
        if request.param == "loopback":
            fake = FakeOrgo(seed=11)
            with fake.serve() as server:
                yield Served(server.base_url, http)
            return
        process, url = start_standalone_fake()
        try:
            yield Served(url, http)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:  # pragma: no cover - a hung server
                process.kill()
                process.wait()


@pytest.fixture
def vm(served: Served) -> Iterator[Served]:
    """``served`` with the VM API back to newer-image rules after each test."""
    yield served
    served.control("PUT", "/vm-api", json={"older_images": False})
    served.control("DELETE", "/faults")
