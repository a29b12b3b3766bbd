"""Actions on a running computer: mouse, keyboard, wait, screenshot, bash, exec, streaming."""

from __future__ import annotations

import base64

from fake_server.desktop.cooperative import cooperative
from fake_server.desktop.desktop import Desktop
from fake_server.desktop.keys import UnknownKey
from fake_server.errors import ApiError, bad_request
from fake_server.framework import ApiRequest, ApiResponse, Body, Query, Router, dump, ok
from fake_server.models import (
    ActionOut,
    BashRequest,
    ClickRequest,
    DragRequest,
    ExecRequest,
    KeyRequest,
    MoveMouseRequest,
    ScreenshotQuery,
    ScrollRequest,
    StreamStartRequest,
    TypeRequest,
    WaitRequest,
)
from fake_server.routes.computers import computer_of
from fake_server.state import State
from fake_server.views import iso

router = Router()


def _desktop(state: State, request: ApiRequest) -> Desktop:
    return state.require_running(computer_of(state, request))


@router.post("/computers/{computer_id}/click", answer=ActionOut)
def click(state: State, request: ApiRequest, given: Body[ClickRequest]) -> ApiResponse:
    desktop = _desktop(state, request)
    body = given.parse()
    desktop.click(body.x, body.y, body.button, body.double)
    details = {"x": body.x, "y": body.y, "button": body.button, "double": body.double}
    return dump(ActionOut(action="double_click" if body.double else "click", details=details))


@router.post("/computers/{computer_id}/drag", answer=ActionOut)
def drag(state: State, request: ApiRequest, given: Body[DragRequest]) -> ApiResponse:
    desktop = _desktop(state, request)
    body = given.parse()
    desktop.drag((body.start_x, body.start_y), (body.end_x, body.end_y))
    details = {
        "start_x": body.start_x,
        "start_y": body.start_y,
        "end_x": body.end_x,
        "end_y": body.end_y,
    }
    return dump(ActionOut(action="drag", details=details))


@router.post("/computers/{computer_id}/type", answer=ActionOut)
def type_text(state: State, request: ApiRequest, given: Body[TypeRequest]) -> ApiResponse:
    desktop = _desktop(state, request)
    body = given.parse()
    desktop.type_text(body.text)
    return dump(ActionOut(action="type", details={"text_length": len(body.text)}))


@router.post("/computers/{computer_id}/key", answer=ActionOut)
def key(state: State, request: ApiRequest, given: Body[KeyRequest]) -> ApiResponse:
    desktop = _desktop(state, request)
    body = given.parse()
    try:
        desktop.key(body.key)
    except UnknownKey as exc:
        raise bad_request(str(exc)) from None
    return dump(ActionOut(action="key_press", details={"key": body.key}))


@router.post("/computers/{computer_id}/scroll", answer=ActionOut)
def scroll(state: State, request: ApiRequest, given: Body[ScrollRequest]) -> ApiResponse:
    computer = computer_of(state, request)
    desktop = state.require_running(computer)
    body = given.parse()
    if computer.os == "windows" and (body.x is not None or body.y is not None):
        raise bad_request("x and y are not supported when scrolling on Windows")
    desktop.scroll(body.direction, body.amount, body.x, body.y)
    return dump(
        ActionOut(action="scroll", details={"direction": body.direction, "amount": body.amount})
    )


@router.post("/computers/{computer_id}/move", answer=ActionOut)
def move_mouse(state: State, request: ApiRequest, given: Body[MoveMouseRequest]) -> ApiResponse:
    desktop = _desktop(state, request)
    body = given.parse()
    desktop.move_pointer(body.x, body.y)
    return dump(ActionOut(action="move", details={"x": body.x, "y": body.y}))


@router.post("/computers/{computer_id}/wait", answer=ActionOut)
def wait(state: State, request: ApiRequest, given: Body[WaitRequest]) -> ApiResponse:
    _desktop(state, request)
    body = given.parse()
    seconds = body.seconds if body.seconds is not None else body.duration
    if seconds is None:
        raise bad_request("seconds is required (a number from 0 to 60)")
    response = dump(ActionOut(action="wait", details={"seconds": seconds}))
    if state.clock.mode == "virtual":
        state.clock.advance(float(seconds))
    else:
        response.delay = float(seconds)
    return response


@router.get("/computers/{computer_id}/screenshot")
def screenshot(state: State, request: ApiRequest, asked: Query[ScreenshotQuery]) -> ApiResponse:
    computer = computer_of(state, request)
    desktop = state.require_running(computer)
    query = asked.parse()
    png = desktop.screenshot_png()
    if query.response_format == "base64":
        return ok(
            {
                "success": True,
                "image": base64.b64encode(png).decode("ascii"),
                "mime_type": "image/png",
                "width": desktop.width,
                "height": desktop.height,
            }
        )
    shot = state.storage.add_screenshot(computer.account_id, png)
    return ok(
        {
            "success": True,
            "image": f"/api/storage/{shot.storage_path}",
            "metadata": {
                "id": shot.id,
                "timestamp": iso(shot.created_at),
                "size": len(png),
                "storage_path": shot.storage_path,
            },
        }
    )


@router.get("/storage/screenshots/{shot_id}.png", media_type="image/png")
def stored_screenshot(state: State, request: ApiRequest) -> ApiResponse:
    shot = state.storage.screenshots.get(request.path_params["shot_id"])
    assert request.key is not None
    if shot is None or shot.account_id != request.key.account_id:
        raise ApiError(404, "Screenshot not found")
    return ApiResponse(body=shot.png, media_type="image/png")


@router.post("/computers/{computer_id}/bash")
def bash(state: State, request: ApiRequest, given: Body[BashRequest]) -> ApiResponse:
    desktop = _desktop(state, request)
    body = given.parse()
    with cooperative(state.lock):  # a long run lets other clients in between its steps
        result = desktop.run_bash(body.command, timeout=float(body.timeout))
    return ok(
        {
            "success": True,
            "action": "bash",
            "command": body.command,
            "output": result.output,
            "exit_code": result.exit_code,
        }
    )


@router.post("/computers/{computer_id}/exec")
def exec_python(state: State, request: ApiRequest, given: Body[ExecRequest]) -> ApiResponse:
    desktop = _desktop(state, request)
    body = given.parse()
    with cooperative(state.lock):
        result = desktop.run_python(body.code, timeout=float(body.timeout))
    answer: dict[str, object] = {
        "success": result.success,
        "action": "exec",
        "output": result.output,
        "timeout": result.timed_out,
    }
    if result.error is not None:
        answer["error"] = result.error
        answer["error_type"] = result.error_type
    return ok(answer)


@router.post("/computers/{computer_id}/stream/start")
def stream_start(state: State, request: ApiRequest, given: Body[StreamStartRequest]) -> ApiResponse:
    computer = computer_of(state, request)
    body = given.parse()
    stream = state.start_stream(computer, body.connection_name)
    return ok({"success": True, "status": "streaming", "pid": stream.pid})


@router.get("/computers/{computer_id}/stream/status")
def stream_status(state: State, request: ApiRequest) -> ApiResponse:
    computer = computer_of(state, request)
    stream = computer.stream
    if stream is None:
        return ok({"status": "idle"})
    return ok({"status": "streaming", "start_time": iso(stream.start_time), "pid": stream.pid})


@router.post("/computers/{computer_id}/stream/stop")
def stream_stop(state: State, request: ApiRequest) -> ApiResponse:
    state.stop_stream(computer_of(state, request))
    return ok({"success": True})
