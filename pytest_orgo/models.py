"""Typed views of the Orgo API's answers, as :mod:`pytest_orgo.client` returns them.

Why pydantic models rather than dicts: tests read ``computer.vnc_password`` and a typo is
a type error, not a ``KeyError`` at run time. Why ``extra="allow"`` and optional fields:
the same models parse the fake and the live API, and the live API adds fields and leaves
some out across versions (see ``/work/shared/orgo-api.md``). A field the server adds is
kept (``model.model_extra``) and never breaks parsing; a known field it leaves out is
``None``. Only identities (``id``, and ``name`` where every source sends it) are required.

Timestamps parse into :class:`datetime.datetime`. Numbers keep the units the API uses
(``ram`` and ``mem_gb`` in GB; inside :attr:`ResizeResult.results` the memory key is
``mem_mb``, in MB, as the API documents it).
"""

from __future__ import annotations

import base64
import struct
from datetime import datetime
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

__all__ = [
    "ActionResult",
    "AutoStop",
    "BashResult",
    "Computer",
    "DownloadLink",
    "EventCatalog",
    "EventType",
    "ExecResult",
    "ExportResult",
    "FileInfo",
    "FileList",
    "FileUpload",
    "LifecycleResult",
    "MoveResult",
    "OrgoModel",
    "ResizeDimension",
    "ResizeResult",
    "Screenshot",
    "ScreenshotMetadata",
    "StreamStatus",
    "SuccessResult",
    "VncPassword",
    "Workspace",
    "WorkspaceList",
]


class OrgoModel(BaseModel):
    """Base of every answer model: unknown fields are kept, never refused."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class SuccessResult(OrgoModel):
    """``{"success": true}``: deletes, ``stream/stop``. A 2xx without the flag counts as true."""

    success: bool = True


# --- workspaces and computers -------------------------------------------------------


class Computer(OrgoModel):
    """A cloud desktop. ``status`` is one of creating, starting, running, stopping,
    stopped, suspended, restarting, deleting, error (kept a ``str`` so a new one parses)."""

    id: str
    name: str
    workspace_id: str | None = None
    project_name: str | None = None
    os: str | None = None
    ram: int | None = None
    cpu: float | None = None
    gpu: str | None = None
    disk_size_gb: int | None = None
    resolution: str | None = None
    status: str | None = None
    url: str | None = None
    created_at: datetime | None = None
    instance_id: str | None = None
    fly_instance_id: str | None = None
    hostname: str | None = None
    connection_url: str | None = None
    vnc_password: str | None = None
    auto_stop_minutes: int | None = None
    instance_details: dict[str, Any] = Field(default_factory=dict)


class Workspace(OrgoModel):
    """A workspace (formerly "project"); ``desktops`` holds its computers."""

    id: str
    name: str
    user_id: str | None = None
    status: str | None = None
    icon_url: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    desktops: list[Computer] = Field(default_factory=list)


class WorkspaceList(OrgoModel):
    """``GET /workspaces`` (key ``workspaces``) or its alias ``/projects`` (key ``projects``)."""

    workspaces: list[Workspace] = Field(
        default_factory=list, validation_alias=AliasChoices("workspaces", "projects")
    )


class LifecycleResult(SuccessResult):
    """start/stop/restart: ``status`` is the transition begun (starting, stopping, ...)."""

    status: str | None = None


class AutoStop(OrgoModel):
    """``auto_stop_minutes`` (0 = never); ``configurable`` is false on plans without it."""

    auto_stop_minutes: int = 0
    configurable: bool | None = None


class ResizeDimension(OrgoModel):
    """One entry of :attr:`ResizeResult.results`: what was asked, what was applied."""

    requested: float | None = None
    applied: float | None = None
    ok: bool = False
    error: str | None = None


class ResizeResult(OrgoModel):
    """``PATCH /computers/{id}/resize``, on 200 and on 207 (``partial`` is then true).

    The top-level values are those in force after the call, not those requested;
    ``results`` (keys ``vcpus``, ``mem_mb``, ``disk_gb``) is present when a resize ran.
    """

    vcpus: float | None = None
    mem_gb: int | None = None
    disk_size_gb: int | None = None
    bandwidth_limit_mbps: float | None = None
    auto_stop_minutes: int | None = None
    results: dict[str, ResizeDimension] = Field(default_factory=dict)
    partial: bool = False

    @property
    def failed(self) -> dict[str, ResizeDimension]:
        """The dimensions the server refused (empty when all applied)."""
        return {key: result for key, result in self.results.items() if not result.ok}


class MoveResult(SuccessResult):
    """``PATCH /computers/{id}/move``: the computer's workspace after the move."""

    workspace_id: str | None = None
    project_id: str | None = None


class VncPassword(OrgoModel):
    """``GET /computers/{id}/vnc-password``: the token for VNC and the WebSockets."""

    password: str


class EventType(OrgoModel):
    """One entry of the events WebSocket's catalog (``window_focus``, ``clipboard``...)."""

    type: str
    description: str | None = None
    detection: str | None = None


class EventCatalog(OrgoModel):
    """``GET /computers/{id}/events``."""

    event_types: list[EventType] = Field(default_factory=list)


# --- actions ------------------------------------------------------------------------


class ActionResult(SuccessResult):
    """Mouse, keyboard and wait actions: ``{success, action, details}``."""

    action: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)


class ScreenshotMetadata(OrgoModel):
    """The stored copy of a screenshot taken with ``response_format=url``."""

    id: str | None = None
    timestamp: datetime | None = None
    size: int | None = None
    storage_path: str | None = None


class Screenshot(SuccessResult):
    """A screenshot, whichever form the server answered in, with the image in ``png``.

    ``image`` is what the server sent: raw base64 (with ``mime_type``, ``width``,
    ``height``) or the stored copy's path ``/api/storage/...`` (with ``metadata``).
    The client fills ``png`` with the decoded or downloaded bytes, and ``width`` and
    ``height`` from the PNG header when the server did not send them.
    """

    image: str = ""
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None
    metadata: ScreenshotMetadata | None = None
    png: bytes = Field(default=b"", repr=False)

    @property
    def is_link(self) -> bool:
        """Whether ``image`` points to a stored copy rather than holding the data.

        ``mime_type`` decides, as in the official SDK: raw base64 may itself start
        with ``/`` (JPEG data begins ``/9j/``).
        """
        return self.mime_type is None and self.image.startswith(("http://", "https://", "/"))

    def inline_data(self) -> bytes:
        """``image`` decoded from base64 (a ``data:`` URL prefix is allowed).

        Raises :class:`ValueError` (``binascii.Error``) when it is not base64.
        """
        text = self.image.partition(",")[2] if self.image.startswith("data:") else self.image
        return base64.b64decode(text)

    def with_image(self, data: bytes) -> Screenshot:
        """A copy holding ``data``, with the size read from its header when missing."""
        width, height = self.width, self.height
        if (width is None or height is None) and data[:8] == b"\x89PNG\r\n\x1a\n":
            width, height = struct.unpack(">II", data[16:24])
        return self.model_copy(update={"png": data, "width": width, "height": height})


class BashResult(SuccessResult):
    """``POST /computers/{id}/bash``: ``success`` means it ran; see ``exit_code``."""

    action: str | None = None
    command: str | None = None
    output: str = ""
    exit_code: int | None = None


class ExecResult(SuccessResult):
    """``POST /computers/{id}/exec``: Python's stdout, or the exception it raised."""

    action: str | None = None
    output: str = ""
    timeout: bool = False
    error: str | None = None
    error_type: str | None = None


class StreamStatus(SuccessResult):
    """``stream/status`` (idle, streaming, terminated) and the answer of ``stream/start``."""

    status: str | None = None
    start_time: datetime | None = None
    pid: int | None = None


# --- files --------------------------------------------------------------------------


class FileInfo(OrgoModel):
    """A file stored in a workspace; ``source`` is ``upload`` or ``export``."""

    id: str
    filename: str | None = None
    size_bytes: int | None = None
    content_type: str | None = None
    source: str | None = None
    created_at: datetime | None = None


class FileUpload(OrgoModel):
    """``POST /files/upload``: ``{"file": {...}}``."""

    file: FileInfo


class FileList(OrgoModel):
    """``GET /files``: ``{"files": [...]}``."""

    files: list[FileInfo] = Field(default_factory=list)


class ExportResult(SuccessResult):
    """``POST /files/export``: the stored file and a URL serving it for an hour."""

    file: FileInfo
    url: str


class DownloadLink(OrgoModel):
    """``GET /files/download?id=``: a URL serving the file for an hour."""

    url: str
