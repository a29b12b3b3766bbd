"""``/_fake/computers/{id}/...``: drive one simulated desktop over HTTP, as
:class:`~fake_server.handle.DesktopHandle` does in Python."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import asdict
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from fake_server.desktop.filesystem import FsError
from fake_server.desktop.processes import ProcessError
from fake_server.errors import bad_request, not_found
from fake_server.framework import ApiRequest, ApiResponse, Handler, Router, ok
from fake_server.handle import DesktopHandle
from fake_server.state import State

if TYPE_CHECKING:
    from fake_server.backend import Backend


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WindowBody(_Body):
    title: StrictStr = Field(min_length=1, max_length=500)
    text: StrictStr = ""


class ClipboardBody(_Body):
    content: StrictStr


class FileBody(_Body):
    path: StrictStr = Field(min_length=1)
    content: StrictStr | None = None
    content_base64: StrictStr | None = None
    append: StrictBool = False


class ProcessBody(_Body):
    name: StrictStr = Field(min_length=1, max_length=200)


class ToneBody(_Body):
    frequency: float
    seconds: float
    amplitude: float = 0.5


class ResolutionBody(_Body):
    resolution: StrictStr


class ScriptBody(_Body):
    pattern: StrictStr = Field(min_length=1)
    regex: StrictBool = False
    output: StrictStr = ""
    exit_code: StrictInt = Field(default=0, ge=0, le=255)
    python: StrictBool = False


class EventBody(_Body):
    type: StrictStr = Field(min_length=1)
    data: dict[str, object] = Field(default_factory=dict)


def desktop_router(backend: Backend) -> Router:
    router = Router()
    prefix = "/computers/{computer_id}"

    def handle(request: ApiRequest) -> DesktopHandle:
        try:
            return backend.desktop(request.path_params["computer_id"])
        except KeyError:
            raise not_found("Computer not found") from None

    def route(method: str, path: str) -> Callable[[Handler], Handler]:
        return router.route(method, prefix + path, auth=False)

    @route("GET", "/desktop")
    def snapshot(state: State, request: ApiRequest) -> ApiResponse:
        desktop = handle(request)
        width, height = desktop.resolution
        focused = desktop.focused
        return ok(
            {
                "windows": [asdict(w) for w in desktop.windows],
                "focused_window_id": focused.id if focused else None,
                "clipboard": desktop.clipboard,
                "pointer": asdict(desktop.pointer),
                "processes": [asdict(p) for p in desktop.processes],
                "files": desktop.files(),
                "width": width,
                "height": height,
                "idle": desktop.idle,
                "audio_playing": desktop.raw.audio.playing,
            }
        )

    @route("POST", "/windows")
    def open_window(state: State, request: ApiRequest) -> ApiResponse:
        body = request.model(WindowBody)
        return ok(asdict(handle(request).open_window(body.title, body.text)), 201)

    @route("DELETE", "/windows/{window_id}")
    def close_window(state: State, request: ApiRequest) -> ApiResponse:
        try:
            handle(request).close_window(request.path_params["window_id"])
        except KeyError:
            raise not_found("Window not found") from None
        return ok({"success": True})

    @route("POST", "/windows/{window_id}/focus")
    def focus_window(state: State, request: ApiRequest) -> ApiResponse:
        try:
            handle(request).focus_window(request.path_params["window_id"])
        except KeyError:
            raise not_found("Window not found") from None
        return ok({"success": True})

    @route("PUT", "/clipboard")
    def clipboard(state: State, request: ApiRequest) -> ApiResponse:
        handle(request).set_clipboard(request.model(ClipboardBody).content)
        return ok({"success": True})

    @route("PUT", "/files")
    def write_file(state: State, request: ApiRequest) -> ApiResponse:
        body = request.model(FileBody)
        if (body.content is None) == (body.content_base64 is None):
            raise bad_request("give exactly one of content and content_base64")
        try:
            data = (
                body.content.encode()
                if body.content is not None
                else base64.b64decode(body.content_base64 or "", validate=True)
            )
        except (binascii.Error, ValueError):
            raise bad_request("content_base64 is not valid base64") from None
        try:
            handle(request).write_file(body.path, data, append=body.append)
        except FsError as exc:
            raise bad_request(str(exc)) from None
        return ok({"success": True})

    @route("GET", "/files")
    def read_file(state: State, request: ApiRequest) -> ApiResponse:
        path = request.query.get("path")
        if not path:
            return ok(
                {"files": handle(request).files(request.query.get("directory", "/home/user"))}
            )
        try:
            data = handle(request).read_file(path)
        except FsError as exc:
            raise not_found(str(exc)) from None
        return ApiResponse(body=data, media_type="application/octet-stream")

    @route("DELETE", "/files")
    def delete_file(state: State, request: ApiRequest) -> ApiResponse:
        path = request.query.get("path")
        if not path:
            raise bad_request("path is required")
        try:
            handle(request).delete_file(path)
        except FsError as exc:
            raise not_found(str(exc)) from None
        return ok({"success": True})

    @route("POST", "/processes")
    def start_process(state: State, request: ApiRequest) -> ApiResponse:
        return ok(asdict(handle(request).start_process(request.model(ProcessBody).name)), 201)

    @route("DELETE", "/processes/{pid}")
    def stop_process(state: State, request: ApiRequest) -> ApiResponse:
        try:
            process = handle(request).stop_process(int(request.path_params["pid"]))
        except (ValueError, ProcessError):
            raise not_found("No such process") from None
        return ok(asdict(process))

    @route("POST", "/audio/tone")
    def tone(state: State, request: ApiRequest) -> ApiResponse:
        body = request.model(ToneBody)
        try:
            handle(request).play_tone(body.frequency, body.seconds, body.amplitude)
        except ValueError as exc:
            raise bad_request(str(exc)) from None
        return ok({"success": True})

    @route("POST", "/audio/pcm")
    def pcm(state: State, request: ApiRequest) -> ApiResponse:
        try:
            handle(request).play_pcm(request.body)
        except ValueError as exc:
            raise bad_request(str(exc)) from None
        return ok({"success": True, "samples": len(request.body) // 2})

    @route("DELETE", "/audio")
    def stop_audio(state: State, request: ApiRequest) -> ApiResponse:
        handle(request).stop_audio()
        return ok({"success": True})

    @route("PUT", "/resolution")
    def resolution(state: State, request: ApiRequest) -> ApiResponse:
        try:
            handle(request).set_resolution(request.model(ResolutionBody).resolution)
        except ValueError as exc:
            raise bad_request(str(exc)) from None
        return ok({"success": True})

    @route("POST", "/scripts")
    def script(state: State, request: ApiRequest) -> ApiResponse:
        body = request.model(ScriptBody)
        try:
            pattern: str | re.Pattern[str] = (
                re.compile(body.pattern) if body.regex else body.pattern
            )
        except re.error as exc:
            raise bad_request(f"pattern is not a valid regex: {exc}") from None
        handle(request).script(pattern, body.output, body.exit_code, python=body.python)
        return ok({"success": True}, 201)

    @route("POST", "/events")
    def emit(state: State, request: ApiRequest) -> ApiResponse:
        body = request.model(EventBody)
        handle(request).emit(body.type, body.data)
        return ok({"success": True})

    @route("GET", "/connections")
    def connections(state: State, request: ApiRequest) -> ApiResponse:
        handle(request)
        stats = backend.event_connections(request.path_params["computer_id"])
        return ok({"connections": [asdict(s) for s in stats]})

    return router
