"""Workspaces, and ``/projects``, the deprecated alias the official SDK still uses."""

from __future__ import annotations

from fake_server.framework import ApiRequest, ApiResponse, Body, Router, ok
from fake_server.models import WorkspaceCreate, WorkspaceOut
from fake_server.state import ApiKey, State
from fake_server.views import workspace_out

router = Router()


def _key(request: ApiRequest) -> ApiKey:
    assert request.key is not None
    return request.key


def _list_key(request: ApiRequest) -> str:
    return "projects" if request.path.startswith("/projects") else "workspaces"


def list_workspaces(state: State, request: ApiRequest) -> ApiResponse:
    items = [
        workspace_out(state, w, request.origin).model_dump(mode="json")
        for w in state.visible_workspaces(_key(request))
    ]
    return ok({_list_key(request): items})


def create_workspace(
    state: State, request: ApiRequest, given: Body[WorkspaceCreate]
) -> ApiResponse:
    body = given.parse()
    workspace = state.create_workspace(
        _key(request), body.name, icon_url=body.icon_url, status=body.status
    )
    return ok(workspace_out(state, workspace, request.origin).model_dump(mode="json"))


def get_workspace(state: State, request: ApiRequest) -> ApiResponse:
    workspace = state.workspace(_key(request), request.path_params["workspace_id"])
    return ok(workspace_out(state, workspace, request.origin).model_dump(mode="json"))


def get_workspace_by_name(state: State, request: ApiRequest) -> ApiResponse:
    workspace = state.workspace_by_name(_key(request), request.path_params["name"])
    return ok(workspace_out(state, workspace, request.origin).model_dump(mode="json"))


def delete_workspace(state: State, request: ApiRequest) -> ApiResponse:
    state.delete_workspace(_key(request), request.path_params["workspace_id"])
    return ok({"success": True})


def post_delete_project(state: State, request: ApiRequest) -> ApiResponse:
    """Delete a workspace through the alias, as production takes it (section 20)."""
    return delete_workspace(state, request)


for prefix in ("/workspaces", "/projects"):
    router.add("GET", prefix, list_workspaces)
    router.add("POST", prefix, create_workspace, status=201, answer=WorkspaceOut)
    router.add("GET", prefix + "/by-name/{name}", get_workspace_by_name, answer=WorkspaceOut)
    router.add("GET", prefix + "/{workspace_id}", get_workspace, answer=WorkspaceOut)
    # Production answers DELETE /projects/{id} with 405 (section 20, live-verified), but
    # the official SDK's Workspace.destroy() sends exactly that: the SDK wins, it stays.
    router.add("DELETE", prefix + "/{workspace_id}", delete_workspace)
# how production deletes through the alias (section 20; the MCP server's call)
router.add("POST", "/projects/{workspace_id}/delete", post_delete_project)
