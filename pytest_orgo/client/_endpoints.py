"""Every Orgo REST endpoint, defined once for both clients.

Each method below is a flow (see :mod:`._base`): it says which request to make and how
to read the answer, and :func:`endpoint` makes it a plain method of :class:`OrgoClient`
and an ``async`` one of :class:`AsyncOrgoClient`. The requests match the API reference
(``/work/shared/orgo-api.md``, sections 1-10) and, where it differs, what the official
SDK sends. Optional fields are sent only when given, so the server's defaults apply.
"""

from __future__ import annotations

from typing import Any

from ..errors import OrgoAPIError
from ..models import (
    ActionResult,
    AutoStop,
    BashResult,
    Computer,
    DownloadLink,
    EventCatalog,
    EventType,
    ExecResult,
    ExportResult,
    FileInfo,
    FileList,
    FileUpload,
    LifecycleResult,
    MoveResult,
    ResizeResult,
    Screenshot,
    StreamStatus,
    SuccessResult,
    VncPassword,
    Workspace,
    WorkspaceList,
)
from ._base import Call, ClientCore, Flow, endpoint, parse, path

__all__ = ["OrgoAPI"]

CREATED = frozenset({200, 201})
DELETED = frozenset({200, 204})
RESIZED = frozenset({200, 207})  # 207: some dimensions applied; 422 (none) raises

# How long the server may hold an answer back beyond the work asked for.
ANSWER_MARGIN = 30.0
BASH_SERVER_TIMEOUT = 200.0  # the API's default for /bash


def _given(**fields: Any) -> dict[str, Any]:
    """The fields that are not ``None``: what the caller actually chose."""
    return {name: value for name, value in fields.items() if value is not None}


def _computer(computer_id: str, *rest: str) -> str:
    return path("computers", computer_id, *rest)


class OrgoAPI(ClientCore):
    """The endpoints; :class:`OrgoClient` and :class:`AsyncOrgoClient` add the I/O."""

    # --- workspaces (section 1) ---------------------------------------------------

    @endpoint
    def list_workspaces(self) -> Flow[list[Workspace]]:
        """Every workspace the key may see, each with its computers under ``desktops``."""
        listing = yield from self._model(WorkspaceList, Call("GET", "/workspaces"))
        return listing.workspaces

    @endpoint
    def get_workspace(self, workspace_id: str) -> Flow[Workspace]:
        """One workspace, with its computers (full objects) under ``desktops``."""
        return self._model(Workspace, Call("GET", path("workspaces", workspace_id)))

    @endpoint
    def get_workspace_by_name(self, name: str) -> Flow[Workspace | None]:
        """The workspace called ``name``, or ``None``: lists and filters, like the SDK."""
        workspaces = yield from OrgoAPI.list_workspaces.flow(self)
        return next((workspace for workspace in workspaces if workspace.name == name), None)

    @endpoint
    def create_workspace(self, name: str, icon_url: str | None = None) -> Flow[Workspace]:
        """Create a workspace; its name must be unique on the account (else 400)."""
        body = _given(name=name, icon_url=icon_url)
        return self._model(Workspace, Call("POST", "/workspaces", json=body, expect=CREATED))

    @endpoint
    def delete_workspace(self, workspace_id: str) -> Flow[SuccessResult]:
        """Delete a workspace and every computer in it."""
        call = Call("DELETE", path("workspaces", workspace_id), expect=DELETED)
        return self._model(SuccessResult, call)

    # --- computers (sections 2-5) -------------------------------------------------

    @endpoint
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
    ) -> Flow[Computer]:
        """Create a computer; it starts at once. Omitted sizes get the server's defaults."""
        body = _given(
            workspace_id=workspace_id,
            name=name,
            os=os,
            ram=ram,
            cpu=cpu,
            gpu=gpu,
            disk_size_gb=disk_size_gb,
            resolution=resolution,
            auto_stop_minutes=auto_stop_minutes,
            template_ref=template_ref,
        )
        return self._model(Computer, Call("POST", "/computers", json=body, expect=CREATED))

    @endpoint
    def list_computers(self, workspace_id: str) -> Flow[list[Computer]]:
        """A workspace's computers: there is no list route, so this reads the workspace."""
        workspace = yield from OrgoAPI.get_workspace.flow(self, workspace_id)
        return workspace.desktops

    @endpoint
    def get_computer(self, computer_id: str) -> Flow[Computer]:
        """One computer, by UUID or instance id."""
        return self._model(Computer, Call("GET", _computer(computer_id)))

    @endpoint
    def delete_computer(self, computer_id: str) -> Flow[SuccessResult]:
        """Delete a computer at once; it is 404 afterwards."""
        call = Call("DELETE", _computer(computer_id), expect=DELETED)
        return self._model(SuccessResult, call)

    @endpoint
    def start_computer(self, computer_id: str) -> Flow[LifecycleResult]:
        """Start a stopped computer (409 when it is not stopped)."""
        return self._model(LifecycleResult, Call("POST", _computer(computer_id, "start")))

    @endpoint
    def stop_computer(self, computer_id: str) -> Flow[LifecycleResult]:
        """Stop a running computer, keeping its disk (409 when it is not running)."""
        return self._model(LifecycleResult, Call("POST", _computer(computer_id, "stop")))

    @endpoint
    def restart_computer(self, computer_id: str) -> Flow[LifecycleResult]:
        """Restart a computer; its ``vnc_password`` changes."""
        return self._model(LifecycleResult, Call("POST", _computer(computer_id, "restart")))

    @endpoint
    def get_auto_stop(self, computer_id: str) -> Flow[AutoStop]:
        """The idle minutes after which the computer stops (0: never)."""
        return self._model(AutoStop, Call("GET", _computer(computer_id, "auto-stop")))

    @endpoint
    def set_auto_stop(self, computer_id: str, auto_stop_minutes: int) -> Flow[AutoStop]:
        """Set the auto-stop minutes; 0 disables it."""
        body = {"auto_stop_minutes": auto_stop_minutes}
        return self._model(AutoStop, Call("PATCH", _computer(computer_id, "auto-stop"), json=body))

    @endpoint
    def clone_computer(
        self, computer_id: str, *, name: str | None = None, target_workspace_id: str | None = None
    ) -> Flow[Computer]:
        """Copy a computer, disk and all; by default ``"<name> (clone)"`` in its workspace."""
        body = _given(name=name, targetProjectId=target_workspace_id) or None
        call = Call("POST", _computer(computer_id, "clone"), json=body, expect=CREATED)
        return self._model(Computer, call)

    @endpoint
    def resize_computer(
        self,
        computer_id: str,
        *,
        vcpus: float | None = None,
        mem_gb: int | None = None,
        disk_size_gb: int | None = None,
        bandwidth_limit_mbps: float | None = None,
        auto_stop_minutes: int | None = None,
    ) -> Flow[ResizeResult]:
        """Resize a running computer live.

        A 207 (some dimensions refused) returns normally with ``partial`` set and the
        refusals in ``results``; only a 422 (all refused) raises :class:`OrgoAPIError`.
        """
        body = _given(
            vcpus=vcpus,
            mem_gb=mem_gb,
            disk_size_gb=disk_size_gb,
            bandwidth_limit_mbps=bandwidth_limit_mbps,
            auto_stop_minutes=auto_stop_minutes,
        )
        call = Call("PATCH", _computer(computer_id, "resize"), json=body, expect=RESIZED)
        return self._model(ResizeResult, call)

    @endpoint
    def move_computer(self, computer_id: str, workspace_id: str) -> Flow[MoveResult]:
        """Move a computer to another workspace (``PATCH .../move``; not the pointer)."""
        body = {"workspace_id": workspace_id}
        return self._model(MoveResult, Call("PATCH", _computer(computer_id, "move"), json=body))

    @endpoint
    def get_vnc_password(self, computer_id: str) -> Flow[str]:
        """The token for VNC and the events, terminal and audio WebSockets."""
        call = Call("GET", _computer(computer_id, "vnc-password"))
        answer = yield from self._model(VncPassword, call)
        return answer.password

    @endpoint
    def list_event_types(self, computer_id: str) -> Flow[list[EventType]]:
        """The catalog of events the events WebSocket can deliver."""
        catalog = yield from self._model(
            EventCatalog, Call("GET", _computer(computer_id, "events"))
        )
        return catalog.event_types

    # --- actions (sections 6-8) ---------------------------------------------------

    def _act(self, computer_id: str, action: str, body: dict[str, Any]) -> Flow[ActionResult]:
        return self._model(ActionResult, Call("POST", _computer(computer_id, action), json=body))

    @endpoint
    def click(
        self, computer_id: str, x: int, y: int, button: str = "left", double: bool = False
    ) -> Flow[ActionResult]:
        """Click at (x, y); with ``double`` a double click (``button`` is then ignored)."""
        return self._act(computer_id, "click", {"x": x, "y": y, "button": button, "double": double})

    @endpoint
    def drag(
        self,
        computer_id: str,
        start_x: int,
        start_y: int,
        end_x: int,
        end_y: int,
        button: str = "left",
        duration: float = 0.5,
    ) -> Flow[ActionResult]:
        """Press at the start point, move to the end point over ``duration`` s, release."""
        body = {"start_x": start_x, "start_y": start_y, "end_x": end_x, "end_y": end_y}
        return self._act(computer_id, "drag", {**body, "button": button, "duration": duration})

    @endpoint
    def type_text(
        self, computer_id: str, text: str, delay_ms: int | None = None
    ) -> Flow[ActionResult]:
        """Type ``text`` (any Unicode); ``delay_ms`` between keys (server default 12)."""
        return self._act(computer_id, "type", _given(text=text, delay_ms=delay_ms))

    @endpoint
    def key(self, computer_id: str, key: str) -> Flow[ActionResult]:
        """Press a key or a ``+`` combination: ``"Enter"``, ``"ctrl+c"``, ``"alt+Tab"``."""
        return self._act(computer_id, "key", {"key": key})

    @endpoint
    def scroll(
        self,
        computer_id: str,
        direction: str = "down",
        amount: int = 3,
        x: int | None = None,
        y: int | None = None,
    ) -> Flow[ActionResult]:
        """Scroll ``amount`` notches; with ``x`` and ``y`` the pointer moves there first."""
        body = _given(direction=direction, amount=amount, x=x, y=y)
        return self._act(computer_id, "scroll", body)

    @endpoint
    def move_mouse(self, computer_id: str, x: int, y: int) -> Flow[ActionResult]:
        """Move the pointer (``POST .../move``; the ``PATCH`` moves the computer)."""
        return self._act(computer_id, "move", {"x": x, "y": y})

    @endpoint
    def wait(self, computer_id: str, seconds: float) -> Flow[ActionResult]:
        """Wait on the computer (0-60 s); the answer comes when the time is up."""
        call = Call(
            "POST",
            _computer(computer_id, "wait"),
            json={"seconds": seconds},
            read_timeout=seconds + ANSWER_MARGIN,
        )
        return self._model(ActionResult, call)

    @endpoint
    def screenshot(self, computer_id: str, response_format: str = "base64") -> Flow[Screenshot]:
        """Capture the screen; the image is in ``.png`` whatever form the server used.

        ``"base64"`` brings the image inline; ``"url"`` stores a copy and the client then
        downloads it from ``/api/storage/...`` with the same key.
        """
        call = Call(
            "GET",
            _computer(computer_id, "screenshot"),
            params={"response_format": response_format},
        )
        response = yield from self._exchange(call)
        shot = parse(response, Screenshot)
        if not shot.image:
            raise OrgoAPIError.from_response(response, "The screenshot answer holds no image")
        if shot.is_link:
            return shot.with_image((yield from self._download(shot.image)))
        try:
            return shot.with_image(shot.inline_data())
        except ValueError as exc:
            message = f"The screenshot image is not base64: {exc}"
            raise OrgoAPIError.from_response(response, message) from exc

    @endpoint
    def screenshot_png(self, computer_id: str) -> Flow[bytes]:
        """Capture the screen and return the PNG bytes."""
        shot = yield from OrgoAPI.screenshot.flow(self, computer_id)
        return shot.png

    @endpoint
    def bash(
        self, computer_id: str, command: str, timeout: float | None = None
    ) -> Flow[BashResult]:
        """Run a shell command; ``exit_code`` tells how it ended (``success``: it ran).

        ``timeout`` (s) is the server's kill timer (default 200); the client waits that
        long plus a margin, even past its own ``timeout``.
        """
        server_timeout = BASH_SERVER_TIMEOUT if timeout is None else timeout
        call = Call(
            "POST",
            _computer(computer_id, "bash"),
            json=_given(command=command, timeout=timeout),
            read_timeout=server_timeout + ANSWER_MARGIN,
        )
        return self._model(BashResult, call)

    @endpoint
    def exec_python(self, computer_id: str, code: str, timeout: int = 10) -> Flow[ExecResult]:
        """Run Python code; an exception comes back as ``error``/``error_type``."""
        call = Call(
            "POST",
            _computer(computer_id, "exec"),
            json={"code": code, "timeout": timeout},
            read_timeout=timeout + ANSWER_MARGIN,
        )
        return self._model(ExecResult, call)

    # --- streaming (section 9) ----------------------------------------------------

    @endpoint
    def start_stream(self, computer_id: str, connection_name: str) -> Flow[StreamStatus]:
        """Stream the screen to an RTMP connection set up in the account settings."""
        call = Call(
            "POST",
            _computer(computer_id, "stream", "start"),
            json={"connection_name": connection_name},
        )
        return self._model(StreamStatus, call)

    @endpoint
    def stream_status(self, computer_id: str) -> Flow[StreamStatus]:
        """``idle``, ``streaming`` (with ``start_time`` and ``pid``) or ``terminated``."""
        return self._model(StreamStatus, Call("GET", _computer(computer_id, "stream", "status")))

    @endpoint
    def stop_stream(self, computer_id: str) -> Flow[SuccessResult]:
        """Stop the stream."""
        return self._model(SuccessResult, Call("POST", _computer(computer_id, "stream", "stop")))

    # --- files (section 10) -------------------------------------------------------

    @endpoint
    def upload_file(
        self,
        workspace_id: str,
        filename: str,
        content: bytes,
        content_type: str = "application/octet-stream",
        desktop_id: str | None = None,
    ) -> Flow[FileInfo]:
        """Upload into a workspace (at most 10 MB); with ``desktop_id`` it lands on
        that computer's Desktop."""
        call = Call(
            "POST",
            "/files/upload",
            data=_given(workspaceId=workspace_id, desktopId=desktop_id),
            files={"file": (filename, content, content_type)},
            expect=CREATED,
        )
        upload = yield from self._model(FileUpload, call)
        return upload.file

    @endpoint
    def list_files(self, workspace_id: str, desktop_id: str | None = None) -> Flow[list[FileInfo]]:
        """A workspace's files, or only those of one computer."""
        params = _given(workspaceId=workspace_id, desktopId=desktop_id)
        listing = yield from self._model(FileList, Call("GET", "/files", params=params))
        return listing.files

    @endpoint
    def export_file(self, desktop_id: str, path: str) -> Flow[ExportResult]:
        """Store a file from a running computer (under ``/home/user``) and get its URL."""
        body = {"desktopId": desktop_id, "path": path}
        return self._model(ExportResult, Call("POST", "/files/export", json=body))

    @endpoint
    def get_download_url(self, file_id: str) -> Flow[str]:
        """A URL (absolute, or relative to the API origin) serving the file for an hour."""
        call = Call("GET", "/files/download", params={"id": file_id})
        link = yield from self._model(DownloadLink, call)
        return link.url

    @endpoint
    def download_file(self, file_id: str) -> Flow[bytes]:
        """A stored file's bytes; the key goes along only to the API's own host."""
        url = yield from OrgoAPI.get_download_url.flow(self, file_id)
        return (yield from self._download(url))

    @endpoint
    def delete_file(self, file_id: str) -> Flow[SuccessResult]:
        """Delete a stored file."""
        call = Call("DELETE", "/files/delete", params={"id": file_id}, expect=DELETED)
        return self._model(SuccessResult, call)
