"""Pydantic models of what crosses the fake's REST edge: request bodies and answers.

Requests are validated strictly enough that a bad value gets a 400 naming the field,
and loosely enough that the official SDK's extra fields (``image``, ``gpu``) pass.
Answers are built from these models so their shape is written down once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
)

Number = StrictInt | StrictFloat

RAM_SIZES = (4, 8, 16, 32, 64)
CPU_SIZES = (0.5, 1, 2, 4, 8, 16)
GPUS = ("none", "a10", "l40s", "a100-40gb", "a100-80gb")
RESIZE_VCPUS = (1, 2, 4, 8, 16)
RESIZE_MEM_GB = (4, 8, 16, 32, 64)
DEFAULT_RESOLUTION = "1280x720x24"


def _one_of(allowed: tuple[float, ...]) -> Callable[[float], float]:
    def check(value: float) -> float:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(f'{v:g}' for v in allowed)}")
        return value

    return check


class Request(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


# -- workspaces ---------------------------------------------------------------------------


class WorkspaceCreate(Request):
    name: StrictStr = Field(min_length=1, max_length=200)
    icon_url: StrictStr | None = None
    status: Literal["active", "inactive"] = "active"


# -- computers ----------------------------------------------------------------------------


class ComputerCreate(Request):
    workspace_id: StrictStr | None = Field(default=None, min_length=1)
    project_id: StrictStr | None = Field(default=None, min_length=1)
    name: StrictStr = Field(min_length=1, max_length=200)
    os: StrictStr = "linux"
    ram: Literal[4, 8, 16, 32, 64] | None = None
    cpu: Annotated[Number, AfterValidator(_one_of(CPU_SIZES))] | None = None
    gpu: Literal["none", "a10", "l40s", "a100-40gb", "a100-80gb"] = "none"
    disk_size_gb: StrictInt | None = Field(default=None, ge=8, le=2048)
    resolution: StrictStr = Field(
        default=DEFAULT_RESOLUTION, pattern=r"^[1-9][0-9]{2,3}x[1-9][0-9]{2,3}x(8|16|24|32)$"
    )
    auto_stop_minutes: StrictInt = Field(default=0, ge=0, le=10080)
    template_ref: StrictStr | None = None
    image: StrictStr | None = None


class AutoStopUpdate(Request):
    auto_stop_minutes: StrictInt = Field(ge=0, le=10080)


class CloneRequest(Request):
    name: StrictStr | None = Field(default=None, min_length=1, max_length=200)
    target_workspace_id: StrictStr | None = Field(default=None, alias="targetProjectId")
    workspace_id: StrictStr | None = None


class ResizeRequest(Request):
    """Only these keys act; others (the MCP server's old ``cpu``/``ram``) are ignored and
    the answer is 200 with nothing changed, as production does (section 20)."""

    vcpus: Number | None = Field(default=None, gt=0)
    mem_gb: StrictInt | None = Field(default=None, gt=0)
    disk_size_gb: StrictInt | None = Field(default=None, gt=0)
    bandwidth_limit_mbps: StrictInt | None = Field(default=None, ge=0)
    auto_stop_minutes: StrictInt | None = Field(default=None, ge=0, le=10080)


class MoveWorkspaceRequest(Request):
    workspace_id: StrictStr | None = Field(default=None, min_length=1)
    project_id: StrictStr | None = Field(default=None, min_length=1)


# -- actions ------------------------------------------------------------------------------

Coord = Annotated[StrictInt, Field(ge=0, le=100_000)]


class ClickRequest(Request):
    x: Coord
    y: Coord
    button: Literal["left", "right", "middle"] = "left"
    double: StrictBool = False


class DragRequest(Request):
    start_x: Coord
    start_y: Coord
    end_x: Coord
    end_y: Coord
    button: Literal["left", "right", "middle"] = "left"
    duration: Number = Field(default=0.5, ge=0, le=60)


class TypeRequest(Request):
    text: StrictStr = Field(max_length=100_000)
    delay_ms: StrictInt = Field(default=12, ge=0, le=10_000)


class KeyRequest(Request):
    key: StrictStr = Field(min_length=1, max_length=100)


class ScrollRequest(Request):
    direction: Literal["up", "down", "left", "right"] = "down"
    amount: StrictInt = Field(default=3, ge=1, le=1000)
    x: StrictInt | None = Field(default=None, ge=0, le=100_000)
    y: StrictInt | None = Field(default=None, ge=0, le=100_000)


class MoveMouseRequest(Request):
    x: Coord
    y: Coord


class WaitRequest(Request):
    seconds: Number | None = Field(default=None, ge=0, le=60)
    duration: Number | None = Field(default=None, ge=0, le=60)


class BashRequest(Request):
    command: StrictStr = Field(max_length=1_000_000)
    timeout: Number = Field(default=200, gt=0, le=3600)


class ExecRequest(Request):
    code: StrictStr = Field(max_length=1_000_000)
    timeout: StrictInt = Field(default=10, ge=1, le=300)


class ScreenshotQuery(Request):
    response_format: Literal["base64", "url"] = "url"


class StreamStartRequest(Request):
    connection_name: StrictStr = Field(min_length=1, max_length=200)


# -- files --------------------------------------------------------------------------------


class FilesQuery(Request):
    workspaceId: StrictStr | None = Field(default=None, min_length=1)
    projectId: StrictStr | None = Field(default=None, min_length=1)
    desktopId: StrictStr | None = Field(default=None, min_length=1)


class FileIdQuery(Request):
    id: StrictStr = Field(min_length=1)


class ExportRequest(Request):
    desktopId: StrictStr = Field(min_length=1)
    path: StrictStr = Field(min_length=1, max_length=4096)


# -- answers ------------------------------------------------------------------------------


class Answer(BaseModel):
    model_config = ConfigDict(extra="allow")


class InstanceDetails(Answer):
    resolution: str
    apiPort: int  # with publicHost: where the computer's direct VM API answers (section 20)
    publicHost: str  # a bare host name, no port
    vncHost: str


class VmScreenshotOut(Answer):
    """``GET /screenshot`` on the direct VM API (section 20)."""

    image: str  # base64 PNG
    width: int
    height: int


class VncPasswordOut(Answer):
    password: str
    # the VM API's bearer token; absent on older images (their token is the password)
    desktop_api_token: str | None = None


class ComputerOut(Answer):
    id: str
    name: str
    workspace_id: str
    project_id: str
    project_name: str
    os: str
    ram: int
    cpu: float | int
    gpu: str
    disk_size_gb: int
    resolution: str
    status: str
    url: str
    created_at: str
    updated_at: str
    instance_id: str
    fly_instance_id: str
    hostname: str
    connection_url: str
    vnc_password: str
    auto_stop_minutes: int
    template_ref: str | None
    instance_details: InstanceDetails


class WorkspaceOut(Answer):
    id: str
    name: str
    user_id: str
    status: str
    icon_url: str | None
    created_at: str
    updated_at: str
    desktops: list[ComputerOut]


class ActionOut(Answer):
    success: bool = True
    action: str
    details: dict[str, Any] = Field(default_factory=dict)


class LifecycleOut(Answer):
    success: bool = True
    status: str


class FileOut(Answer):
    id: str
    filename: str
    size_bytes: int
    content_type: str
    source: str
    created_at: str
    workspace_id: str
    desktop_id: str | None
