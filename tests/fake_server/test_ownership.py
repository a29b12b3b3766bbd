"""Ownership on every route: another account's key never reaches a resource.

The test walks the route table itself (``fake_server.routes.api_router``), so a route
added later is covered without being listed here. For each route that names a resource
(a path parameter, or an id in its body or query), one account makes the resource and
another account's key tries the same request: it must be refused (403, or 404 where the
route cannot tell "not yours" from "missing"), never a 2xx nor a 5xx. For the routes
known here the request is also valid for the owner, so a refusal proves ownership, not
a bad body.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from fake_server import FakeOrgo
from fake_server.framework import Route
from fake_server.routes import api_router

API = "https://www.orgo.ai/api"
OWNER = "sk_owner"
INTRUDER = "sk_intruder"
ID_FIELDS = {"workspace_id", "project_id", "projectId", "workspaceId", "desktopId", "buildId", "id"}


@dataclass
class Owned:
    """What the owner made, by the name a route uses for it."""

    workspace_id: str
    workspace_name: str
    computer_id: str
    file_id: str
    shot_id: str
    build_id: str
    second_workspace_id: str  # the owner's too: where a move goes

    def path_param(self, name: str) -> str:
        values = {
            "workspace_id": self.workspace_id,
            "computer_id": self.computer_id,
            "name": self.workspace_name,
            "shot_id": self.shot_id,
            "file_id": self.file_id,
        }
        if name not in values:
            raise AssertionError(f"test_ownership: give the owner's id for {{{name}}}")
        return values[name]


Spec = Callable[[Owned], dict[str, Any]]
# What each route needs besides its path parameters to be a valid request for the owner.
KNOWN: dict[tuple[str, str], Spec] = {
    ("POST", "/computers"): lambda o: {"json": {"workspace_id": o.workspace_id, "name": "x"}},
    ("PATCH", "/computers/{computer_id}/auto-stop"): lambda o: {"json": {"auto_stop_minutes": 5}},
    ("POST", "/computers/{computer_id}/clone"): lambda o: {"json": {}},
    ("PATCH", "/computers/{computer_id}/resize"): lambda o: {"json": {"vcpus": 2}},
    ("PATCH", "/computers/{computer_id}/move"): lambda o: {
        "json": {"workspace_id": o.second_workspace_id}
    },
    ("POST", "/computers/{computer_id}/click"): lambda o: {"json": {"x": 1, "y": 1}},
    ("POST", "/computers/{computer_id}/drag"): lambda o: {
        "json": {"start_x": 1, "start_y": 1, "end_x": 2, "end_y": 2}
    },
    ("POST", "/computers/{computer_id}/type"): lambda o: {"json": {"text": "hi"}},
    ("POST", "/computers/{computer_id}/key"): lambda o: {"json": {"key": "Return"}},
    ("POST", "/computers/{computer_id}/scroll"): lambda o: {"json": {}},
    ("POST", "/computers/{computer_id}/move"): lambda o: {"json": {"x": 1, "y": 1}},
    ("POST", "/computers/{computer_id}/wait"): lambda o: {"json": {"seconds": 1}},
    ("POST", "/computers/{computer_id}/bash"): lambda o: {"json": {"command": "echo hi"}},
    ("POST", "/computers/{computer_id}/exec"): lambda o: {"json": {"code": "print(1)"}},
    ("POST", "/computers/{computer_id}/stream/start"): lambda o: {"json": {"connection_name": "c"}},
    ("POST", "/files/upload"): lambda o: {
        "data": {"workspaceId": o.workspace_id},
        "files": {"file": ("a.txt", b"a")},
    },
    ("GET", "/files"): lambda o: {"params": {"workspaceId": o.workspace_id}},
    ("POST", "/files/export"): lambda o: {
        "json": {"desktopId": o.computer_id, "path": "Desktop/a.txt"}
    },
    ("GET", "/files/download"): lambda o: {"params": {"id": o.file_id}},
    ("DELETE", "/files/delete"): lambda o: {"params": {"id": o.file_id}},
    ("POST", "/builds/create"): lambda o: {"json": {"orgId": "o", "projectId": o.workspace_id}},
    ("POST", "/builds/update"): lambda o: {"json": {"buildId": o.build_id, "status": "failed"}},
    ("GET", "/builds/latest"): lambda o: {
        "params": {"orgId": "o", "projectId": o.workspace_id, "name": "img"}
    },
}
# The owner's answer on these is a documented refusal for reasons other than ownership.
OWNER_REFUSED = {
    ("POST", "/computers/{computer_id}/stream/stop"): 409,  # not streaming
    ("POST", "/computers/{computer_id}/start"): 409,  # already running
    ("GET", "/storage/files/{file_id}"): 403,  # no signature: only the signed URL serves it
}


def _names_a_resource(route: Route) -> bool:
    models = [m for m in (route.body, route.query, route.form) if m is not None]
    fields = {name for model in models for name in model.model_fields}
    return "{" in route.template or bool(fields & ID_FIELDS)


RESOURCE_ROUTES = [r for r in api_router().routes if _names_a_resource(r)]


def _owned(owner: httpx.Client) -> Owned:
    ws = owner.post("/workspaces", json={"name": "owned"}).json()
    pc = owner.post("/computers", json={"workspace_id": ws["id"], "name": "pc"}).json()
    owner.post(f"/computers/{pc['id']}/bash", json={"command": "echo a > ~/Desktop/a.txt"})
    upload = owner.post(
        "/files/upload", data={"workspaceId": ws["id"]}, files={"file": ("f.txt", b"f")}
    )
    shot = owner.get(f"/computers/{pc['id']}/screenshot", params={"response_format": "url"})
    build = owner.post("/builds/create", json={"orgId": "o", "projectId": ws["id"], "name": "img"})
    owner.post(
        "/builds/update", json={"buildId": build.json()["build"]["id"], "status": "completed"}
    )
    second = owner.post("/workspaces", json={"name": "second"}).json()
    return Owned(
        workspace_id=ws["id"],
        workspace_name=ws["name"],
        computer_id=pc["id"],
        file_id=upload.json()["file"]["id"],
        shot_id=shot.json()["metadata"]["id"],
        build_id=build.json()["build"]["id"],
        second_workspace_id=second["id"],
    )


@pytest.mark.parametrize("route", RESOURCE_ROUTES, ids=lambda r: f"{r.method} {r.template}")
def test_another_accounts_key_is_refused(route: Route) -> None:
    fake = FakeOrgo(seed=11)
    fake.add_api_key(INTRUDER, account_id="account-of-the-intruder")
    transport = fake.transport()
    with (
        httpx.Client(transport=transport, base_url=API, headers=_auth(OWNER)) as owner,
        httpx.Client(transport=transport, base_url=API, headers=_auth(INTRUDER)) as intruder,
    ):
        owned = _owned(owner)
        params = {name: owned.path_param(name) for name in route.regex.groupindex}
        path = route.template.format(**params)
        spec = KNOWN.get((route.method, route.template), lambda o: {})
        before = fake.counts()
        refused = intruder.request(route.method, path, **spec(owned))
        assert not 200 <= refused.status_code < 300, (route.template, refused.text)
        assert refused.status_code < 500, (route.template, refused.text)
        assert fake.counts() == before
        if (route.method, route.template) not in KNOWN and "{" not in route.template:
            return  # a route added since: no 2xx and no 5xx is what can be said of it
        assert refused.status_code in (403, 404), (route.template, refused.text)
        allowed = owner.request(route.method, path, **spec(owned))
        expected = OWNER_REFUSED.get((route.method, route.template))
        if expected is not None:
            assert allowed.status_code == expected, (route.template, allowed.text)
        else:
            assert allowed.status_code < 400, (route.template, allowed.text)


def test_every_resource_route_is_walked() -> None:
    """The walk covers the id-taking routes this file knows by name (it is not empty)."""
    walked = {(r.method, r.template) for r in RESOURCE_ROUTES}
    assert {("POST", "/builds/update"), ("DELETE", "/computers/{computer_id}")} <= walked
    assert set(KNOWN) <= walked


def test_build_update_of_another_account_is_403(fake: FakeOrgo) -> None:
    fake.add_api_key(INTRUDER, account_id="account-of-the-intruder")
    with (
        httpx.Client(transport=fake.transport(), base_url=API, headers=_auth(OWNER)) as owner,
        httpx.Client(transport=fake.transport(), base_url=API, headers=_auth(INTRUDER)) as other,
    ):
        ws = owner.post("/workspaces", json={"name": "w"}).json()["id"]
        build = owner.post("/builds/create", json={"orgId": "o", "projectId": ws}).json()["build"]
        answer = other.post("/builds/update", json={"buildId": build["id"], "status": "completed"})
        assert answer.status_code == 403 and answer.json()["error"]
        latest = owner.get("/builds/latest", params={"orgId": "o", "projectId": ws, "name": "x"})
        assert latest.status_code == 404  # still building: the intruder completed nothing


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
