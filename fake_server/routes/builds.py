"""The legacy builds API the official SDK's Template/Forge flow still calls.

Kept minimal, as the reference decides: a build is registered, its status updated, and
the latest completed build by name looked up (the SDK then passes its ``imageRef`` as
``image`` when creating a computer). Nothing is built: the SDK builds with docker.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field, StrictStr

from fake_server.errors import not_found
from fake_server.framework import ApiRequest, ApiResponse, Body, Query, Router, ok
from fake_server.models import Request
from fake_server.state import State

router = Router()


class BuildCreate(Request):
    orgId: StrictStr = Field(min_length=1)
    projectId: StrictStr = Field(min_length=1)
    name: StrictStr | None = Field(default=None, min_length=1)


class BuildUpdate(Request):
    buildId: StrictStr = Field(min_length=1)
    status: StrictStr = Field(pattern="^(building|completed|failed)$")
    errorMessage: StrictStr | None = None
    logs: StrictStr | None = None


class BuildLatestQuery(Request):
    orgId: StrictStr = Field(min_length=1)
    projectId: StrictStr = Field(min_length=1)
    name: StrictStr = Field(min_length=1)


@dataclass
class Build:
    id: str
    project_id: str
    name: str
    tag: str
    status: str = "building"

    @property
    def image_ref(self) -> str:
        return f"registry.fly.io/orgo-image-repo:{self.tag}"

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "tag": self.tag,
            "imageRef": self.image_ref,
            "status": self.status,
            "name": self.name,
            "projectId": self.project_id,
        }


def _builds(state: State) -> dict[str, Build]:
    builds: dict[str, Build] = state.extras.setdefault("builds", {})
    return builds


@router.post("/builds/create")
def create_build(state: State, request: ApiRequest, given: Body[BuildCreate]) -> ApiResponse:
    body = given.parse()
    assert request.key is not None
    state.workspace(request.key, body.projectId)
    build_id = state.ids.uuid()
    build = Build(build_id, body.projectId, body.name or f"build-{build_id[:8]}", build_id[:12])
    _builds(state)[build.id] = build
    return ok({"build": build.to_json()})


@router.post("/builds/update")
def update_build(state: State, request: ApiRequest, given: Body[BuildUpdate]) -> ApiResponse:
    body = given.parse()
    build = _builds(state).get(body.buildId)
    if build is None or build.project_id not in state.workspaces:
        raise not_found("Build not found")
    assert request.key is not None
    state.workspace(request.key, build.project_id)  # another account's build: 403
    build.status = body.status
    return ok({"build": build.to_json()})


@router.get("/builds/latest")
def latest_build(state: State, request: ApiRequest, asked: Query[BuildLatestQuery]) -> ApiResponse:
    query = asked.parse()
    assert request.key is not None
    state.workspace(request.key, query.projectId)
    done = [
        b
        for b in _builds(state).values()
        if b.project_id == query.projectId and b.name == query.name and b.status == "completed"
    ]
    if not done:
        raise not_found(f"No completed build named {query.name!r}")
    return ok({"build": done[-1].to_json()})
