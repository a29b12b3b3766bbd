"""The five provisioning calls as Python calls on the backend, with no HTTP.

The plugin provisions a computer per test; against the in-process fake an HTTP round
trip through httpx costs more than the whole per-test budget (1.5 ms), so it calls these
instead, as moto's backends are called. Each one is the REST route of the same name
without the transport: the same state operations, the same answers (the REST views'
JSON, as the client would read it), the same :class:`~fake_server.errors.ApiError`s.
Everything else a test does still goes through the REST API.
"""

from __future__ import annotations

import time
from typing import Any

from fake_server.backend import Backend
from fake_server.framework import parse_model
from fake_server.models import ComputerCreate
from fake_server.routes.computers import create_from
from fake_server.state import ApiKey
from fake_server.views import computer_out, workspace_out

ORIGIN = "https://www.orgo.ai"
Json = dict[str, Any]


class DirectApi:
    """The calls of one API key (authenticated on every call, as REST would)."""

    def __init__(self, backend: Backend, api_key: str, *, origin: str = ORIGIN) -> None:
        self._backend = backend
        self._authorization = f"Bearer {api_key}"
        self._origin = origin

    def _key(self) -> ApiKey:
        return self._backend.state.authenticate(self._authorization)

    def create_workspace(self, name: str, *, icon_url: str | None = None) -> Json:
        """``POST /workspaces``."""
        state = self._backend.state
        with state.lock:
            workspace = state.create_workspace(self._key(), name, icon_url=icon_url)
            return workspace_out(state, workspace, self._origin).model_dump(mode="json")

    def create_computer(self, workspace_id: str, name: str, **fields: Any) -> Json:
        """``POST /computers``; ``fields`` are the request's other fields (os, ram, cpu,
        gpu, disk_size_gb, resolution, auto_stop_minutes, template_ref), validated as the
        route validates its body. The configured creation latency is waited out after the
        lock is released, as the route does."""
        state = self._backend.state
        with state.lock:
            key = self._key()  # a bad key is a 401 before a bad body is a 400, as in REST
            given = {"workspace_id": workspace_id, "name": name, **fields}
            computer = create_from(state, key, parse_model(ComputerCreate, given))
            latency = state.lifecycle.create_latency
            answer = computer_out(state, computer, self._origin).model_dump(mode="json")
        if latency > 0:
            time.sleep(latency)
        return answer

    def get_computer(self, computer_id: str) -> Json:
        """``GET /computers/{id}``."""
        state = self._backend.state
        with state.lock:
            computer = state.computer(self._key(), computer_id)
            return computer_out(state, computer, self._origin).model_dump(mode="json")

    def delete_computer(self, computer_id: str) -> None:
        """``DELETE /computers/{id}``."""
        state = self._backend.state
        with state.lock:
            state.delete_computer(self._key(), computer_id)

    def delete_workspace(self, workspace_id: str) -> None:
        """``DELETE /workspaces/{id}``."""
        state = self._backend.state
        with state.lock:
            state.delete_workspace(self._key(), workspace_id)
