"""Provisioning against the in-process fake without HTTP.

The fixtures provision a computer per test. Against the live API that is the typed
client's job; against the bundled fake the same five calls go straight to the fake's
state (like moto's backends), because an HTTP round trip through httpx costs more than
the whole per-test budget (1.5 ms). The answers are the same models the client
returns, built by the same view code the REST layer uses, and errors are the same
:class:`~pytest_orgo.errors.OrgoAPIError`. Everything else a test does still goes
through the REST API.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from fake_server import ApiError, FakeOrgo
from fake_server.state import ApiKey
from fake_server.views import computer_out, workspace_out
from pytest_orgo.errors import OrgoAPIError
from pytest_orgo.models import Computer, Workspace

ORIGIN = "https://www.orgo.ai"


class FakeApi:
    def __init__(self, fake: Callable[[], FakeOrgo], api_key: str) -> None:
        self._fake = fake
        self._api_key = api_key

    @contextmanager
    def _call(self, method: str, path: str) -> Iterator[tuple[FakeOrgo, ApiKey]]:
        """The fake and the caller's key; a failure reads as the REST call it stands for."""
        fake = self._fake()
        with fake.state.lock:
            try:
                yield fake, fake.state.authenticate(f"Bearer {self._api_key}")
            except ApiError as exc:
                raise OrgoAPIError(
                    exc.status, exc.message, code=exc.code, method=method, url=f"{ORIGIN}/api{path}"
                ) from None

    def create_workspace(self, name: str, icon_url: str | None = None) -> Workspace:
        with self._call("POST", "/workspaces") as (fake, key):
            workspace = fake.state.create_workspace(key, name, icon_url=icon_url)
            return Workspace.model_validate(
                workspace_out(fake.state, workspace, ORIGIN).model_dump()
            )

    def create_computer(
        self,
        workspace_id: str,
        name: str,
        *,
        os: str | None = None,
        ram: int | None = None,
        cpu: float | None = None,
        gpu: str | None = None,
        disk_size_gb: int | None = None,
        resolution: str | None = None,
        auto_stop_minutes: int | None = None,
        template_ref: str | None = None,
    ) -> Computer:
        given = {
            "os": os,
            "ram": ram,
            "cpu": cpu,
            "gpu": gpu,
            "disk_size_gb": disk_size_gb,
            "resolution": resolution,
            "auto_stop_minutes": auto_stop_minutes,
            "template_ref": template_ref,
        }
        fields: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
        with self._call("POST", "/computers") as (fake, key):
            workspace = fake.state.workspace(key, workspace_id)
            computer = fake.state.create_computer(key, workspace, name, **fields)
            latency = fake.state.lifecycle.create_latency
            answer = Computer.model_validate(
                computer_out(fake.state, computer, ORIGIN).model_dump()
            )
        if latency > 0:  # as the REST answer would: waited out off the fake's lock
            time.sleep(latency)
        return answer

    def get_computer(self, computer_id: str) -> Computer:
        with self._call("GET", f"/computers/{computer_id}") as (fake, key):
            computer = fake.state.computer(key, computer_id)
            return Computer.model_validate(computer_out(fake.state, computer, ORIGIN).model_dump())

    def delete_computer(self, computer_id: str) -> None:
        with self._call("DELETE", f"/computers/{computer_id}") as (fake, key):
            fake.state.delete_computer(key, computer_id)

    def delete_workspace(self, workspace_id: str) -> None:
        with self._call("DELETE", f"/workspaces/{workspace_id}") as (fake, key):
            fake.state.delete_workspace(key, workspace_id)
