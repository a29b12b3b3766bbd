"""Provisioning against the in-process fake without HTTP.

The fixtures provision a computer per test. Against the live API that is the typed
client's job; against the bundled fake the same five calls go straight to the fake's
backend (:class:`fake_server.DirectApi`, as moto's backends are called), because an HTTP
round trip through httpx costs more than the whole per-test budget (1.5 ms). The answers
are the same models the client returns, from the same JSON the REST layer answers, and
errors are the same :class:`~pytest_orgo.errors.OrgoAPIError`. Everything else a test
does still goes through the REST API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from fake_server import ApiError, DirectApi, FakeOrgo
from fake_server.direct import ORIGIN
from pytest_orgo.errors import OrgoAPIError
from pytest_orgo.models import Computer, Workspace


class FakeApi:
    def __init__(self, fake: Callable[[], FakeOrgo], api_key: str) -> None:
        self._fake = fake
        self._api_key = api_key

    @contextmanager
    def _call(self, method: str, path: str) -> Iterator[DirectApi]:
        """The fake's calls for this key; a failure reads as the REST call it stands for."""
        try:
            yield DirectApi(self._fake(), self._api_key)
        except ApiError as exc:
            raise OrgoAPIError(
                exc.status, exc.message, code=exc.code, method=method, url=f"{ORIGIN}/api{path}"
            ) from None

    def create_workspace(self, name: str, icon_url: str | None = None) -> Workspace:
        with self._call("POST", "/workspaces") as api:
            return Workspace.model_validate(api.create_workspace(name, icon_url=icon_url))

    def create_computer(self, workspace_id: str, name: str, **spec: Any) -> Computer:
        """The client's ``create_computer`` keywords; an unset (None) one is left out, as
        the client leaves it out of the JSON body."""
        fields = {key: value for key, value in spec.items() if value is not None}
        with self._call("POST", "/computers") as api:
            return Computer.model_validate(api.create_computer(workspace_id, name, **fields))

    def get_computer(self, computer_id: str) -> Computer:
        with self._call("GET", f"/computers/{computer_id}") as api:
            return Computer.model_validate(api.get_computer(computer_id))

    def delete_computer(self, computer_id: str) -> None:
        with self._call("DELETE", f"/computers/{computer_id}") as api:
            api.delete_computer(computer_id)

    def delete_workspace(self, workspace_id: str) -> None:
        with self._call("DELETE", f"/workspaces/{workspace_id}") as api:
            api.delete_workspace(workspace_id)
