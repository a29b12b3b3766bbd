"""Computers: create, read, delete, lifecycle, auto-stop, clone, resize, move, VNC password."""

from __future__ import annotations

from fake_server.errors import ApiError, bad_request
from fake_server.events_catalog import EVENT_TYPES
from fake_server.framework import ApiRequest, ApiResponse, Body, Router, dump, ok
from fake_server.models import (
    AutoStopUpdate,
    CloneRequest,
    ComputerCreate,
    ComputerOut,
    LifecycleOut,
    MoveWorkspaceRequest,
    ResizeRequest,
    VncPasswordOut,
)
from fake_server.state import ApiKey, Computer, ComputerSpec, State
from fake_server.views import computer_out

router = Router()


def key_of(request: ApiRequest) -> ApiKey:
    assert request.key is not None
    return request.key


def computer_of(state: State, request: ApiRequest) -> Computer:
    return state.computer(key_of(request), request.path_params["computer_id"])


def _computer_answer(state: State, request: ApiRequest, computer: Computer) -> ApiResponse:
    return dump(computer_out(state, computer, request.origin))


def create_from(state: State, key: ApiKey, body: ComputerCreate) -> Computer:
    """``POST /computers`` on the state: the route's work, and ``DirectApi``'s."""
    workspace_id = body.workspace_id or body.project_id
    if not workspace_id:  # a workspace *name* (`project`) is refused live (section 20)
        raise bad_request("workspace_id is required")
    spec = ComputerSpec(**body.model_dump(exclude={"workspace_id", "project_id", "name"}))
    return state.create_computer(key, state.workspace(key, workspace_id), body.name, spec)


@router.post("/computers", status=201, answer=ComputerOut)
def create_computer(state: State, request: ApiRequest, given: Body[ComputerCreate]) -> ApiResponse:
    computer = create_from(state, key_of(request), given.parse())
    answer = _computer_answer(state, request, computer)
    answer.delay += state.lifecycle.create_latency  # waited out by the transport, off the lock
    return answer


@router.get("/computers", status=405)  # documented: there is no list here
def list_computers(state: State, request: ApiRequest) -> ApiResponse:
    raise ApiError(
        405,
        "Method not allowed: list a workspace's computers with GET /workspaces/{id}",
        headers={"Allow": "POST"},
    )


@router.get("/computers/{computer_id}", answer=ComputerOut)
def get_computer(state: State, request: ApiRequest) -> ApiResponse:
    return _computer_answer(state, request, computer_of(state, request))


@router.delete("/computers/{computer_id}")
def delete_computer(state: State, request: ApiRequest) -> ApiResponse:
    state.delete_computer(key_of(request), request.path_params["computer_id"])
    return ok({"success": True})


@router.post("/computers/{computer_id}/start", answer=LifecycleOut)
def start(state: State, request: ApiRequest) -> ApiResponse:
    return dump(LifecycleOut(status=state.start(computer_of(state, request))))


@router.post("/computers/{computer_id}/stop", answer=LifecycleOut)
def stop(state: State, request: ApiRequest) -> ApiResponse:
    return dump(LifecycleOut(status=state.stop(computer_of(state, request))))


@router.post("/computers/{computer_id}/restart", answer=LifecycleOut)
def restart(state: State, request: ApiRequest) -> ApiResponse:
    return dump(LifecycleOut(status=state.restart(computer_of(state, request))))


@router.post("/computers/{computer_id}/ensure-running", answer=ComputerOut)
def ensure_running(state: State, request: ApiRequest) -> ApiResponse:
    computer = computer_of(state, request)
    if state.status(computer) == "stopped":
        state.start(computer)
    return _computer_answer(state, request, computer)


@router.get("/computers/{computer_id}/auto-stop")
def get_auto_stop(state: State, request: ApiRequest) -> ApiResponse:
    computer = computer_of(state, request)
    return ok({"auto_stop_minutes": computer.auto_stop_minutes, "configurable": True})


@router.patch("/computers/{computer_id}/auto-stop")
def set_auto_stop(state: State, request: ApiRequest, given: Body[AutoStopUpdate]) -> ApiResponse:
    computer = computer_of(state, request)
    body = given.parse()
    computer.auto_stop_minutes = body.auto_stop_minutes
    return ok({"auto_stop_minutes": computer.auto_stop_minutes, "configurable": True})


@router.post("/computers/{computer_id}/clone", status=201, answer=ComputerOut)
def clone(state: State, request: ApiRequest, given: Body[CloneRequest]) -> ApiResponse:
    computer = computer_of(state, request)
    body = given.parse()
    copy = state.clone(
        key_of(request),
        computer,
        name=body.name,
        target_workspace_id=body.target_workspace_id or body.workspace_id,
    )
    return _computer_answer(state, request, copy)


@router.patch("/computers/{computer_id}/resize", also=(207, 422))
def resize(state: State, request: ApiRequest, given: Body[ResizeRequest]) -> ApiResponse:
    computer = computer_of(state, request)
    body = given.parse()
    results, ran = state.resize(
        computer,
        vcpus=body.vcpus,
        mem_gb=body.mem_gb,
        disk_size_gb=body.disk_size_gb,
        bandwidth_limit_mbps=body.bandwidth_limit_mbps,
        auto_stop_minutes=body.auto_stop_minutes,
    )
    failed = [name for name, result in results.items() if not result["ok"]]
    answer: dict[str, object] = {
        "vcpus": computer.cpu,
        "mem_gb": computer.ram,
        "disk_size_gb": computer.disk_size_gb,
        "bandwidth_limit_mbps": computer.bandwidth_limit_mbps,
        "auto_stop_minutes": computer.auto_stop_minutes,
        "partial": bool(failed) and len(failed) < len(results),
    }
    if ran:
        answer["results"] = results
    if results and len(failed) == len(results):
        message = "No resize could be applied: " + "; ".join(
            f"{name}: {results[name]['error']}" for name in failed
        )
        answer.pop("error", None)
        raise ApiError(422, message, extra=answer)  # the error shape, request_id included
    return ok(answer, status=207 if failed else 200)


@router.patch("/computers/{computer_id}/move")
def move_to_workspace(
    state: State, request: ApiRequest, given: Body[MoveWorkspaceRequest]
) -> ApiResponse:
    computer = computer_of(state, request)
    body = given.parse()
    target_id = body.workspace_id or body.project_id
    if not target_id:
        raise bad_request("workspace_id is required")
    target = state.move(key_of(request), computer, target_id)
    return ok({"success": True, "workspace_id": target.id, "project_id": target.id})


@router.get("/computers/{computer_id}/vnc-password", answer=VncPasswordOut)
def vnc_password(state: State, request: ApiRequest) -> ApiResponse:
    """The VNC password, and the direct VM API's bearer token (section 20): newer images
    only; older ones answer the password alone, and take it as the token."""
    computer = computer_of(state, request)
    if state.vm_api.older_images:
        return ok({"password": computer.vnc_password})
    return dump(
        VncPasswordOut(password=computer.vnc_password, desktop_api_token=state.vm_token(computer))
    )


@router.get("/computers/{computer_id}/events")
def event_catalog(state: State, request: ApiRequest) -> ApiResponse:
    computer_of(state, request)
    return ok({"event_types": [dict(item) for item in EVENT_TYPES]})


@router.get("/desktops/{computer_id}/proxy/health")
def health(state: State, request: ApiRequest) -> ApiResponse:
    state.require_running(computer_of(state, request))
    return ok({"status": "ok"})
