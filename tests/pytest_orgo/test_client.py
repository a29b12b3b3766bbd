"""Tests of :mod:`pytest_orgo.client` against canned answers (``httpx.MockTransport``).

No server runs: :class:`CannedOrgo` records every request and answers from a queue per
``(method, path)``, so each test states the answers it needs and then checks exactly
what the client sent and what it made of the answer. Sleeps between retries are
recorded, never slept. One table (:data:`CASES`) lists every single-request endpoint
and runs through both the sync and the async client.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.parser import BytesParser
from email.policy import HTTP
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
import pytest_asyncio
from PIL import Image

from pytest_orgo.client import AsyncOrgoClient, Endpoint, OrgoClient
from pytest_orgo.client._endpoints import OrgoAPI
from pytest_orgo.errors import OrgoAPIError, OrgoConnectionError
from pytest_orgo.models import (
    ActionResult,
    Computer,
    FileInfo,
    ResizeResult,
    Screenshot,
    Workspace,
)

API_KEY = "sk_test_123"
ORIGIN = "https://www.orgo.ai"

Answer = httpx.Response | Callable[[httpx.Request], httpx.Response]


class CannedOrgo:
    """The transport's handler: answers queued per (method, path); the last one repeats.

    A request to the API's host is keyed by its path; to any other host, by its URL.
    """

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self._answers: dict[tuple[str, str], list[Answer]] = {}

    def answer(
        self,
        method: str,
        path: str,
        json: Any = None,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
    ) -> None:
        if content is None and json is not None:
            response = httpx.Response(status, json=json, headers=headers)
        else:
            response = httpx.Response(status, content=content or b"", headers=headers)
        self.answer_with(method, path, response)

    def answer_with(self, method: str, path: str, answer: Answer) -> None:
        self._answers.setdefault((method, path), []).append(answer)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        key = request.url.path if request.url.host == "www.orgo.ai" else str(request.url)
        queue = self._answers.get((request.method, key))
        if not queue:
            return httpx.Response(404, json={"error": f"no canned answer for {key}"})
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        return answer(request) if callable(answer) else answer

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def form_fields(request: httpx.Request) -> dict[str, tuple[str | None, str | None, bytes]]:
    """A multipart request's parts: name -> (filename, content type, content)."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.read())
    fields: dict[str, tuple[str | None, str | None, bytes]] = {}
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        name = part.get_param("name", header="content-disposition")
        assert isinstance(payload, bytes)
        assert isinstance(name, str)
        content_type = part["content-type"]
        fields[name] = (part.get_filename(), content_type and str(content_type), payload)
    return fields


def png_bytes(width: int = 4, height: int = 3) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, "PNG")
    return buffer.getvalue()


PNG = png_bytes()


@pytest.fixture
def orgo() -> CannedOrgo:
    return CannedOrgo()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(orgo: CannedOrgo, sleeps: list[float]) -> Iterator[OrgoClient]:
    transport = httpx.MockTransport(orgo)
    with OrgoClient(API_KEY, transport=transport, sleep=sleeps.append) as orgo_client:
        yield orgo_client


@pytest_asyncio.fixture
async def aclient(orgo: CannedOrgo, sleeps: list[float]) -> AsyncIterator[AsyncOrgoClient]:
    async def record(seconds: float) -> None:
        sleeps.append(seconds)

    transport = httpx.MockTransport(orgo)
    async with AsyncOrgoClient(API_KEY, transport=transport, sleep=record) as orgo_client:
        yield orgo_client


# --- canned objects -----------------------------------------------------------------

COMPUTER = {
    "id": "0b6f2a4e-0000-4000-8000-000000000001",
    "name": "agent-1",
    "workspace_id": "w1",
    "project_name": "demo",
    "os": "linux",
    "ram": 4,
    "cpu": 1,
    "gpu": "none",
    "disk_size_gb": 8,
    "resolution": "1280x720x24",
    "status": "running",
    "url": "https://orgo.ai/workspaces/w1/computers/c1",
    "created_at": "2026-11-24T10:00:00Z",
    "instance_id": "a3881618",
    "fly_instance_id": "a3881618",
    "hostname": "www.orgo.ai",
    "connection_url": "https://www.orgo.ai/desktops/a3881618",
    "vnc_password": "pw-1",
    "auto_stop_minutes": 0,
    "instance_details": {"resolution": "1280x720x24"},
}
WORKSPACE = {
    "id": "w1",
    "name": "demo",
    "user_id": "u1",
    "status": "active",
    "icon_url": None,
    "created_at": "2026-11-24T09:00:00Z",
    "desktops": [COMPUTER],
}
FILE = {
    "id": "f1",
    "filename": "notes.txt",
    "size_bytes": 5,
    "content_type": "text/plain",
    "source": "upload",
    "created_at": "2026-11-24T10:05:00Z",
}
RESIZED = {
    "vcpus": 2,
    "mem_gb": 8,
    "disk_size_gb": 8,
    "bandwidth_limit_mbps": None,
    "results": {
        "vcpus": {"requested": 2, "applied": 2, "ok": True},
        "mem_mb": {"requested": 8192, "applied": 8192, "ok": True},
    },
    "partial": False,
}


def action(name: str, **details: Any) -> dict[str, Any]:
    return {"success": True, "action": name, "details": details}


# --- the endpoint table ---------------------------------------------------------------

NO_BODY = object()


@dataclass(frozen=True)
class Case:
    """One endpoint call: what to call, what must be sent, what comes back."""

    id: str
    call: str
    args: tuple[Any, ...]
    method: str
    path: str  # under /api
    check: Callable[[Any], bool]
    kwargs: dict[str, Any] = field(default_factory=dict)
    body: Any = NO_BODY  # the JSON expected, or NO_BODY
    form: dict[str, bytes] | None = None  # multipart fields expected instead of JSON
    params: dict[str, str] = field(default_factory=dict)
    answer: Any = field(default_factory=lambda: {"success": True})
    status: int = 200


C = "c1"
CASES = [
    # workspaces
    Case("list_workspaces", "list_workspaces", (), "GET", "/workspaces",
         answer={"workspaces": [WORKSPACE]},
         check=lambda r: r[0].name == "demo" and r[0].desktops[0].instance_id == "a3881618"),
    Case("get_workspace", "get_workspace", ("w1",), "GET", "/workspaces/w1", answer=WORKSPACE,
         check=lambda r: isinstance(r, Workspace) and r.desktops[0].vnc_password == "pw-1"),
    Case("create_workspace", "create_workspace", ("demo",), "POST", "/workspaces",
         body={"name": "demo"}, answer=WORKSPACE, status=201,
         check=lambda r: r.id == "w1" and r.user_id == "u1"),
    Case("create_workspace+icon", "create_workspace", ("demo",), "POST", "/workspaces",
         kwargs={"icon_url": "https://x.test/i.png"},
         body={"name": "demo", "icon_url": "https://x.test/i.png"}, answer=WORKSPACE,
         status=201, check=lambda r: r.id == "w1"),
    Case("delete_workspace", "delete_workspace", ("w1",), "DELETE", "/workspaces/w1",
         check=lambda r: r.success is True),
    # computers
    Case("create_computer", "create_computer", ("w1", "agent-1"), "POST", "/computers",
         body={"workspace_id": "w1", "name": "agent-1"}, answer=COMPUTER, status=201,
         check=lambda r: isinstance(r, Computer) and r.status == "running"),
    Case("create_computer+all", "create_computer", ("w1", "agent-1"), "POST", "/computers",
         kwargs={"os": "linux", "ram": 8, "cpu": 0.5, "gpu": "a10", "disk_size_gb": 20,
                 "resolution": "1024x768x24", "auto_stop_minutes": 30,
                 "template_ref": "system/claude-code@1.0.0"},
         body={"workspace_id": "w1", "name": "agent-1", "os": "linux", "ram": 8, "cpu": 0.5,
               "gpu": "a10", "disk_size_gb": 20, "resolution": "1024x768x24",
               "auto_stop_minutes": 30, "template_ref": "system/claude-code@1.0.0"},
         answer=COMPUTER, status=201, check=lambda r: r.instance_details["resolution"]),
    Case("get_computer", "get_computer", (C,), "GET", "/computers/c1", answer=COMPUTER,
         check=lambda r: r.created_at == datetime(2026, 11, 24, 10, tzinfo=UTC) and r.cpu == 1),
    Case("delete_computer", "delete_computer", (C,), "DELETE", "/computers/c1",
         check=lambda r: r.success),
    Case("start_computer", "start_computer", (C,), "POST", "/computers/c1/start",
         answer={"success": True, "status": "starting"}, check=lambda r: r.status == "starting"),
    Case("stop_computer", "stop_computer", (C,), "POST", "/computers/c1/stop",
         answer={"success": True, "status": "stopping"}, check=lambda r: r.status == "stopping"),
    Case("restart_computer", "restart_computer", (C,), "POST", "/computers/c1/restart",
         answer={"success": True, "status": "restarting"},
         check=lambda r: r.status == "restarting"),
    Case("get_auto_stop", "get_auto_stop", (C,), "GET", "/computers/c1/auto-stop",
         answer={"auto_stop_minutes": 0, "configurable": True},
         check=lambda r: r.auto_stop_minutes == 0 and r.configurable),
    Case("set_auto_stop", "set_auto_stop", (C, 15), "PATCH", "/computers/c1/auto-stop",
         body={"auto_stop_minutes": 15}, answer={"auto_stop_minutes": 15, "configurable": True},
         check=lambda r: r.auto_stop_minutes == 15),
    Case("clone_computer", "clone_computer", (C,), "POST", "/computers/c1/clone", status=201,
         answer={"id": "c2", "name": "agent-1 (clone)", "status": "running"},
         check=lambda r: r.name == "agent-1 (clone)" and r.vnc_password is None),
    Case("clone_computer+target", "clone_computer", (C,), "POST", "/computers/c1/clone",
         kwargs={"name": "copy", "target_workspace_id": "w2"},
         body={"name": "copy", "targetProjectId": "w2"}, status=201,
         answer={"id": "c2", "name": "copy", "status": "running"}, check=lambda r: r.id == "c2"),
    Case("resize_computer", "resize_computer", (C,), "PATCH", "/computers/c1/resize",
         kwargs={"vcpus": 2, "mem_gb": 8}, body={"vcpus": 2, "mem_gb": 8}, answer=RESIZED,
         check=lambda r: not r.partial and r.results["mem_mb"].applied == 8192),
    Case("resize_computer+all", "resize_computer", (C,), "PATCH", "/computers/c1/resize",
         kwargs={"vcpus": 4, "mem_gb": 16, "disk_size_gb": 40, "bandwidth_limit_mbps": 100,
                 "auto_stop_minutes": 5},
         body={"vcpus": 4, "mem_gb": 16, "disk_size_gb": 40, "bandwidth_limit_mbps": 100,
               "auto_stop_minutes": 5},
         answer={"vcpus": 4}, check=lambda r: r.vcpus == 4 and r.results == {}),
    Case("move_computer", "move_computer", (C, "w2"), "PATCH", "/computers/c1/move",
         body={"workspace_id": "w2"},
         answer={"success": True, "workspace_id": "w2", "project_id": "w2"},
         check=lambda r: r.workspace_id == "w2"),
    Case("get_vnc_password", "get_vnc_password", (C,), "GET", "/computers/c1/vnc-password",
         answer={"password": "pw-1"}, check=lambda r: r == "pw-1"),
    Case("list_event_types", "list_event_types", (C,), "GET", "/computers/c1/events",
         answer={"event_types": [{"type": "clipboard", "description": "Clipboard changed",
                                  "detection": "poll 250 ms"}]},
         check=lambda r: [e.type for e in r] == ["clipboard"]),
    # actions
    Case("click", "click", (C, 10, 20), "POST", "/computers/c1/click",
         body={"x": 10, "y": 20, "button": "left", "double": False},
         answer=action("click", x=10, y=20, button="left", double=False),
         check=lambda r: isinstance(r, ActionResult) and r.details["x"] == 10),
    Case("click+double", "click", (C, 1, 2), "POST", "/computers/c1/click",
         kwargs={"button": "right", "double": True},
         body={"x": 1, "y": 2, "button": "right", "double": True},
         answer=action("double_click"), check=lambda r: r.action == "double_click"),
    Case("drag", "drag", (C, 1, 2, 3, 4), "POST", "/computers/c1/drag",
         body={"start_x": 1, "start_y": 2, "end_x": 3, "end_y": 4, "button": "left",
               "duration": 0.5},
         answer=action("drag", start_x=1), check=lambda r: r.action == "drag"),
    Case("type_text", "type_text", (C, "héllo ✓"), "POST", "/computers/c1/type",
         body={"text": "héllo ✓"}, answer=action("type", text_length=7),
         check=lambda r: r.details == {"text_length": 7}),
    Case("type_text+delay", "type_text", (C, "x"), "POST", "/computers/c1/type",
         kwargs={"delay_ms": 40}, body={"text": "x", "delay_ms": 40}, answer=action("type"),
         check=lambda r: r.success),
    Case("key", "key", (C, "ctrl+c"), "POST", "/computers/c1/key", body={"key": "ctrl+c"},
         answer=action("key_press", key="ctrl+c"), check=lambda r: r.action == "key_press"),
    Case("scroll", "scroll", (C,), "POST", "/computers/c1/scroll",
         body={"direction": "down", "amount": 3}, answer=action("scroll"),
         check=lambda r: r.action == "scroll"),
    Case("scroll+at", "scroll", (C, "up", 5), "POST", "/computers/c1/scroll",
         kwargs={"x": 10, "y": 20}, body={"direction": "up", "amount": 5, "x": 10, "y": 20},
         answer=action("scroll"), check=lambda r: r.success),
    Case("move_mouse", "move_mouse", (C, 5, 6), "POST", "/computers/c1/move",
         body={"x": 5, "y": 6}, answer=action("move", x=5, y=6),
         check=lambda r: r.action == "move"),
    Case("wait", "wait", (C, 2.5), "POST", "/computers/c1/wait", body={"seconds": 2.5},
         answer=action("wait"), check=lambda r: r.action == "wait"),
    Case("screenshot", "screenshot", (C,), "GET", "/computers/c1/screenshot",
         params={"response_format": "base64"},
         answer={"success": True, "image": base64.b64encode(PNG).decode(),
                 "mime_type": "image/png", "width": 4, "height": 3},
         check=lambda r: isinstance(r, Screenshot) and r.png == PNG and r.width == 4),
    Case("bash", "bash", (C, "ls /"), "POST", "/computers/c1/bash", body={"command": "ls /"},
         answer={"success": True, "action": "bash", "command": "ls /", "output": "bin\n",
                 "exit_code": 0},
         check=lambda r: r.output == "bin\n" and r.exit_code == 0),
    Case("bash+timeout", "bash", (C, "false"), "POST", "/computers/c1/bash",
         kwargs={"timeout": 5}, body={"command": "false", "timeout": 5},
         answer={"success": True, "output": "", "exit_code": 1},
         check=lambda r: r.success and r.exit_code == 1),
    Case("exec_python", "exec_python", (C, "print(1)"), "POST", "/computers/c1/exec",
         body={"code": "print(1)", "timeout": 10},
         answer={"success": True, "action": "exec", "output": "1\n", "timeout": False},
         check=lambda r: r.output == "1\n" and not r.timeout),
    Case("exec_python+error", "exec_python", (C, "x", 3), "POST", "/computers/c1/exec",
         body={"code": "x", "timeout": 3},
         answer={"success": False, "action": "exec", "output": "", "error": "name 'x' is "
                 "not defined", "error_type": "NameError"},
         check=lambda r: not r.success and r.error_type == "NameError"),
    # streaming
    Case("start_stream", "start_stream", (C, "youtube"), "POST", "/computers/c1/stream/start",
         body={"connection_name": "youtube"},
         answer={"success": True, "status": "streaming", "pid": 12345},
         check=lambda r: r.status == "streaming" and r.pid == 12345),
    Case("stream_status", "stream_status", (C,), "GET", "/computers/c1/stream/status",
         answer={"status": "idle"}, check=lambda r: r.status == "idle" and r.pid is None),
    Case("stop_stream", "stop_stream", (C,), "POST", "/computers/c1/stream/stop",
         check=lambda r: r.success),
    # files
    Case("upload_file", "upload_file", ("w1", "notes.txt", b"hello"), "POST", "/files/upload",
         form={"workspaceId": b"w1", "file": b"hello"}, answer={"file": FILE}, status=201,
         check=lambda r: isinstance(r, FileInfo) and r.size_bytes == 5),
    Case("upload_file+desktop", "upload_file", ("w1", "n.txt", b"x"), "POST", "/files/upload",
         kwargs={"desktop_id": C}, form={"workspaceId": b"w1", "desktopId": b"c1", "file": b"x"},
         answer={"file": FILE}, check=lambda r: r.id == "f1"),
    Case("list_files", "list_files", ("w1",), "GET", "/files", params={"workspaceId": "w1"},
         answer={"files": [FILE]}, check=lambda r: [f.filename for f in r] == ["notes.txt"]),
    Case("list_files+desktop", "list_files", ("w1", C), "GET", "/files",
         params={"workspaceId": "w1", "desktopId": "c1"}, answer={"files": []},
         check=lambda r: r == []),
    Case("export_file", "export_file", (C, "Desktop/a.txt"), "POST", "/files/export",
         body={"desktopId": "c1", "path": "Desktop/a.txt"},
         answer={"success": True, "file": {**FILE, "source": "export"},
                 "url": "https://storage.test/f1?sig=1"},
         check=lambda r: r.file.source == "export" and r.url.endswith("sig=1")),
    Case("get_download_url", "get_download_url", ("f1",), "GET", "/files/download",
         params={"id": "f1"}, answer={"url": "/api/storage/files/f1"},
         check=lambda r: r == "/api/storage/files/f1"),
    Case("delete_file", "delete_file", ("f1",), "DELETE", "/files/delete", params={"id": "f1"},
         check=lambda r: r.success),
]  # fmt: skip

# Endpoints that make more than one request; each has its own tests below.
MULTI_STEP = {"get_workspace_by_name", "list_computers", "screenshot_png", "download_file"}


def expect_sent(orgo: CannedOrgo, case: Case) -> None:
    assert len(orgo.requests) == 1
    request = orgo.last
    assert request.method == case.method
    assert request.url.host == "www.orgo.ai"
    assert request.url.path == "/api" + case.path
    assert dict(request.url.params) == case.params
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.headers["accept"] == "application/json"
    if case.form is not None:
        assert {name: part[2] for name, part in form_fields(request).items()} == case.form
    elif case.body is NO_BODY:
        assert request.content == b""
    else:
        assert request.headers["content-type"] == "application/json"
        assert json.loads(request.content) == case.body


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_endpoint(client: OrgoClient, orgo: CannedOrgo, case: Case) -> None:
    orgo.answer(case.method, "/api" + case.path, case.answer, status=case.status)
    result = getattr(client, case.call)(*case.args, **case.kwargs)
    expect_sent(orgo, case)
    assert case.check(result)


@pytest.mark.asyncio
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
async def test_endpoint_async(aclient: AsyncOrgoClient, orgo: CannedOrgo, case: Case) -> None:
    orgo.answer(case.method, "/api" + case.path, case.answer, status=case.status)
    result = await getattr(aclient, case.call)(*case.args, **case.kwargs)
    expect_sent(orgo, case)
    assert case.check(result)


def test_table_covers_every_endpoint() -> None:
    endpoints = {name for name, value in vars(OrgoAPI).items() if isinstance(value, Endpoint)}
    tabled = {case.call for case in CASES}
    assert tabled | MULTI_STEP == endpoints
    assert not tabled & MULTI_STEP


# --- multi-step endpoints -----------------------------------------------------------


def test_get_workspace_by_name_filters_the_list(client: OrgoClient, orgo: CannedOrgo) -> None:
    other = {**WORKSPACE, "id": "w2", "name": "other", "desktops": []}
    orgo.answer("GET", "/api/workspaces", {"workspaces": [other, WORKSPACE]})
    found = client.get_workspace_by_name("demo")
    assert found is not None and found.id == "w1"
    assert client.get_workspace_by_name("missing") is None
    assert [r.url.path for r in orgo.requests] == ["/api/workspaces", "/api/workspaces"]


def test_list_computers_reads_the_workspace(client: OrgoClient, orgo: CannedOrgo) -> None:
    orgo.answer("GET", "/api/workspaces/w1", WORKSPACE)
    computers = client.list_computers("w1")
    assert [c.name for c in computers] == ["agent-1"]
    assert orgo.last.url.path == "/api/workspaces/w1"


def test_workspace_list_through_the_projects_key(client: OrgoClient, orgo: CannedOrgo) -> None:
    orgo.answer("GET", "/api/workspaces", {"projects": [WORKSPACE]})
    assert [w.id for w in client.list_workspaces()] == ["w1"]


URL_SHOT = {
    "success": True,
    "image": "/api/storage/screenshots/s1.png",
    "metadata": {"id": "s1", "timestamp": "2026-11-24T10:00:00.123Z", "size": len(PNG),
                 "storage_path": "screenshots/s1.png"},
}  # fmt: skip


def test_screenshot_url_format_downloads_with_the_key(client: OrgoClient, orgo: CannedOrgo) -> None:
    orgo.answer("GET", "/api/computers/c1/screenshot", URL_SHOT)
    orgo.answer("GET", "/api/storage/screenshots/s1.png", content=PNG)
    shot = client.screenshot("c1", response_format="url")
    assert shot.png == PNG
    assert (shot.width, shot.height) == (4, 3)  # read from the PNG header
    assert shot.metadata is not None and shot.metadata.size == len(PNG)
    first, second = orgo.requests
    assert first.url.params["response_format"] == "url"
    assert second.url == httpx.URL(ORIGIN + "/api/storage/screenshots/s1.png")
    assert second.headers["authorization"] == f"Bearer {API_KEY}"
    assert second.headers["accept"] == "*/*"


def test_screenshot_link_answered_to_a_base64_request(client: OrgoClient, orgo: CannedOrgo) -> None:
    # A server that ignores response_format answers with a link and no mime_type.
    orgo.answer("GET", "/api/computers/c1/screenshot", URL_SHOT)
    orgo.answer("GET", "/api/storage/screenshots/s1.png", content=PNG)
    assert client.screenshot_png("c1") == PNG
    assert len(orgo.requests) == 2


def test_screenshot_base64_starting_with_a_slash_is_data(
    client: OrgoClient, orgo: CannedOrgo
) -> None:
    jpeg_like = b"\xff\xd8\xff\xe0 not really a jpeg"
    encoded = base64.b64encode(jpeg_like).decode()
    assert encoded.startswith("/")
    answer = {"success": True, "image": encoded, "mime_type": "image/jpeg"}
    orgo.answer("GET", "/api/computers/c1/screenshot", answer)
    shot = client.screenshot("c1")
    assert shot.png == jpeg_like and shot.width is None
    assert len(orgo.requests) == 1


def test_screenshot_data_url(client: OrgoClient, orgo: CannedOrgo) -> None:
    image = "data:image/png;base64," + base64.b64encode(PNG).decode()
    orgo.answer("GET", "/api/computers/c1/screenshot", {"success": True, "image": image})
    assert client.screenshot("c1").png == PNG


@pytest.mark.parametrize("image", ["", "@@not base64@@!"])
def test_screenshot_without_usable_image_raises(
    client: OrgoClient, orgo: CannedOrgo, image: str
) -> None:
    answer = {"success": True, "image": image, "mime_type": "image/png"}
    orgo.answer("GET", "/api/computers/c1/screenshot", answer)
    with pytest.raises(OrgoAPIError, match="screenshot") as caught:
        client.screenshot("c1")
    assert caught.value.status == 200


def test_download_file_relative_url_carries_the_key(client: OrgoClient, orgo: CannedOrgo) -> None:
    orgo.answer("GET", "/api/files/download", {"url": "/api/storage/files/f1"})
    orgo.answer("GET", "/api/storage/files/f1", content=b"file bytes")
    assert client.download_file("f1") == b"file bytes"
    assert orgo.requests[0].url.params["id"] == "f1"
    assert orgo.last.headers["authorization"] == f"Bearer {API_KEY}"


def test_download_file_elsewhere_gets_no_key(orgo: CannedOrgo) -> None:
    signed = "https://storage.example.test/f1?sig=abc"
    orgo.answer("GET", "/api/files/download", {"url": signed})
    orgo.answer("GET", signed, content=b"signed bytes")
    transport = httpx.MockTransport(orgo)
    headers = {"X-Trace": "t1"}
    with OrgoClient(API_KEY, transport=transport, headers=headers) as orgo_client:
        assert orgo_client.download_file("f1") == b"signed bytes"
    api, storage = orgo.requests
    assert api.headers["x-trace"] == "t1"
    assert storage.url == httpx.URL(signed)
    assert "authorization" not in storage.headers
    assert "x-trace" not in storage.headers


def test_download_follows_redirects_without_the_key(client: OrgoClient, orgo: CannedOrgo) -> None:
    orgo.answer("GET", "/api/files/download", {"url": "/api/storage/files/f1"})
    elsewhere = "https://cdn.example.test/f1"
    orgo.answer("GET", "/api/storage/files/f1", status=302, headers={"Location": elsewhere})
    orgo.answer("GET", elsewhere, content=b"cdn bytes")
    assert client.download_file("f1") == b"cdn bytes"
    assert "authorization" not in orgo.last.headers


def test_api_calls_do_not_follow_redirects(client: OrgoClient, orgo: CannedOrgo) -> None:
    orgo.answer("GET", "/api/workspaces", status=301, headers={"Location": "https://x.test/"})
    with pytest.raises(OrgoAPIError) as caught:
        client.list_workspaces()
    assert caught.value.status == 301
    assert len(orgo.requests) == 1


@pytest.mark.asyncio
async def test_async_multi_step_endpoints(aclient: AsyncOrgoClient, orgo: CannedOrgo) -> None:
    orgo.answer("GET", "/api/computers/c1/screenshot", URL_SHOT)
    orgo.answer("GET", "/api/storage/screenshots/s1.png", content=PNG)
    orgo.answer("GET", "/api/files/download", {"url": "/api/storage/files/f1"})
    orgo.answer("GET", "/api/storage/files/f1", content=b"file bytes")
    orgo.answer("GET", "/api/workspaces", {"workspaces": [WORKSPACE]})
    orgo.answer("GET", "/api/workspaces/w1", WORKSPACE)
    assert await aclient.screenshot_png("c1") == PNG
    assert await aclient.download_file("f1") == b"file bytes"
    found = await aclient.get_workspace_by_name("demo")
    assert found is not None and found.id == "w1"
    assert [c.id for c in await aclient.list_computers("w1")] == [COMPUTER["id"]]
    assert len(orgo.requests) == 6


# --- request details ----------------------------------------------------------------


def test_upload_file_is_multipart(client: OrgoClient, orgo: CannedOrgo) -> None:
    orgo.answer("POST", "/api/files/upload", {"file": FILE})
    client.upload_file("w1", "notes.txt", b"hello", content_type="text/plain", desktop_id="c1")
    request = orgo.last
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert form_fields(request) == {
        "workspaceId": (None, None, b"w1"),
        "desktopId": (None, None, b"c1"),
        "file": ("notes.txt", "text/plain", b"hello"),
    }


def test_ids_are_escaped_in_paths(client: OrgoClient, orgo: CannedOrgo) -> None:
    orgo.answer("GET", "/api/computers/a/b?", COMPUTER)  # CannedOrgo keys on the decoded path
    client.get_computer("a/b?")
    assert orgo.last.url.raw_path == b"/api/computers/a%2Fb%3F"


@pytest.mark.parametrize(
    ("call", "args", "at_least"),
    [
        ("wait", ("c1", 50), 80.0),
        ("bash", ("c1", "sleep 100"), 230.0),
        ("bash", ("c1", "true", 100), 130.0),
        ("exec_python", ("c1", "pass", 300), 330.0),
        ("get_computer", ("c1",), 60.0),
    ],
)
def test_long_calls_wait_long_enough(
    client: OrgoClient, orgo: CannedOrgo, call: str, args: tuple[Any, ...], at_least: float
) -> None:
    orgo.answer_with(
        "POST", f"/api/computers/c1/{call.split('_')[0]}", httpx.Response(200, json={})
    )
    orgo.answer("GET", "/api/computers/c1", COMPUTER)
    getattr(client, call)(*args)
    timeout = orgo.last.extensions["timeout"]
    assert timeout["read"] == at_least
    assert timeout["connect"] == 60.0


def test_base_url_of_a_local_fake(orgo: CannedOrgo) -> None:
    seen: list[httpx.Request] = []

    def local(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"workspaces": []})

    base = "http://127.0.0.1:8123/api/"
    with OrgoClient("k", base_url=base, transport=httpx.MockTransport(local)) as orgo_client:
        assert orgo_client.base_url == "http://127.0.0.1:8123/api"
        assert orgo_client.list_workspaces() == []
    assert str(seen[0].url) == "http://127.0.0.1:8123/api/workspaces"
    assert seen[0].headers["authorization"] == "Bearer k"


def test_extra_headers_and_user_agent(orgo: CannedOrgo) -> None:
    orgo.answer("GET", "/api/workspaces", {"workspaces": []})
    transport = httpx.MockTransport(orgo)
    headers = {"X-Test-Run": "42"}
    with OrgoClient(API_KEY, transport=transport, headers=headers) as orgo_client:
        orgo_client.list_workspaces()
    assert orgo.last.headers["x-test-run"] == "42"
    assert orgo.last.headers["user-agent"].startswith("pytest-orgo/")


# --- API key --------------------------------------------------------------------------


def test_api_key_from_the_environment(orgo: CannedOrgo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORGO_API_KEY", "sk_from_env\n")
    orgo.answer("GET", "/api/workspaces", {"workspaces": []})
    with OrgoClient(transport=httpx.MockTransport(orgo)) as orgo_client:
        orgo_client.list_workspaces()
    assert orgo.last.headers["authorization"] == "Bearer sk_from_env"


def test_explicit_api_key_beats_the_environment(
    orgo: CannedOrgo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORGO_API_KEY", "sk_from_env")
    orgo.answer("GET", "/api/workspaces", {"workspaces": []})
    with OrgoClient("sk_explicit", transport=httpx.MockTransport(orgo)) as orgo_client:
        orgo_client.list_workspaces()
    assert orgo.last.headers["authorization"] == "Bearer sk_explicit"


@pytest.mark.parametrize("client_class", [OrgoClient, AsyncOrgoClient])
@pytest.mark.parametrize("key", [None, "", "   "])
def test_missing_api_key_is_a_value_error(
    monkeypatch: pytest.MonkeyPatch, client_class: type[OrgoClient | AsyncOrgoClient], key: str
) -> None:
    monkeypatch.delenv("ORGO_API_KEY", raising=False)
    with pytest.raises(ValueError, match="ORGO_API_KEY") as caught:
        client_class(key)
    assert not isinstance(caught.value, OrgoAPIError)


def test_negative_max_retries_is_refused() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        OrgoClient("k", max_retries=-1)


def test_repr_hides_the_key() -> None:
    orgo_client = OrgoClient("sk_secret")
    try:
        assert repr(orgo_client) == "<OrgoClient base_url='https://www.orgo.ai/api'>"
    finally:
        orgo_client.close()


def test_context_managers_close_the_pools() -> None:
    with OrgoClient("k") as orgo_client:
        pool = orgo_client._http
    assert pool.is_closed

    async def use() -> bool:
        async with AsyncOrgoClient("k") as async_client:
            async_pool = async_client._http
        return async_pool.is_closed

    import asyncio

    assert asyncio.run(use())


# --- errors ---------------------------------------------------------------------------

SCOPE_MISMATCH = {
    "error": "This API key is scoped to workspace wA. It cannot access workspace wB. Use an "
    "account-wide key, or create a key scoped to the target workspace.",
    "code": "workspace_scope_mismatch",
    "key_workspace_id": "wA",
    "target_workspace_id": "wB",
    "request_id": "req-1",
}


def test_workspace_scope_mismatch(client: OrgoClient, orgo: CannedOrgo) -> None:
    orgo.answer("GET", "/api/workspaces/wB", SCOPE_MISMATCH, status=403)
    with pytest.raises(OrgoAPIError) as caught:
        client.get_workspace("wB")
    error = caught.value
    assert error.status == 403
    assert error.code == "workspace_scope_mismatch"
    assert error.request_id == "req-1"
    assert error.message.startswith("This API key is scoped to workspace wA.")
    assert error.body["target_workspace_id"] == "wB"
    assert (error.method, error.url) == ("GET", ORIGIN + "/api/workspaces/wB")
    assert str(error) == (
        f"403 Forbidden on GET /api/workspaces/wB: {SCOPE_MISMATCH['error']} "
        "(code workspace_scope_mismatch)"
    )


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (401, {"error": "Invalid API key", "request_id": "r"}, "Invalid API key"),
        (404, {"error": "Computer not found", "request_id": "r"}, "Computer not found"),
        (405, {"error": "Method not allowed", "request_id": "r"}, "Method not allowed"),
        (409, {"error": "Computer is not stopped", "request_id": "r"}, "Computer is not stopped"),
        (500, None, "Request failed with status 500"),
        (503, {"detail": "nope"}, "Request failed with status 503"),
    ],
)
def test_error_statuses(
    client: OrgoClient, orgo: CannedOrgo, status: int, body: Any, message: str
) -> None:
    orgo.answer("POST", "/api/computers/c1/start", body, status=status)
    with pytest.raises(OrgoAPIError) as caught:
        client.start_computer("c1")
    assert (caught.value.status, caught.value.message) == (status, message)
    assert caught.value.code is None
    assert len(orgo.requests) == 1  # only 429 is retried


def test_resize_partial_207_returns(client: OrgoClient, orgo: CannedOrgo) -> None:
    partial = {
        "vcpus": 4,
        "mem_gb": 4,
        "results": {
            "vcpus": {"requested": 4, "applied": 4, "ok": True},
            "mem_mb": {"requested": 65536, "applied": 4096, "ok": False, "error": "max 32 GB"},
        },
        "partial": True,
    }
    orgo.answer("PATCH", "/api/computers/c1/resize", partial, status=207)
    result = client.resize_computer("c1", vcpus=4, mem_gb=64)
    assert isinstance(result, ResizeResult)
    assert result.partial
    assert list(result.failed) == ["mem_mb"]
    assert result.failed["mem_mb"].error == "max 32 GB"


def test_resize_all_rejected_422_raises(client: OrgoClient, orgo: CannedOrgo) -> None:
    rejected = {
        "error": "No dimension could be resized",
        "request_id": "r-422",
        "results": {"vcpus": {"requested": 64, "applied": 2, "ok": False}},
        "partial": False,
    }
    orgo.answer("PATCH", "/api/computers/c1/resize", rejected, status=422)
    with pytest.raises(OrgoAPIError) as caught:
        client.resize_computer("c1", vcpus=64)
    assert caught.value.status == 422
    assert caught.value.message == "No dimension could be resized"
    assert caught.value.body["results"]["vcpus"]["ok"] is False
    assert str(caught.value).startswith("422 Unprocessable Entity on PATCH /api/computers/c1/")


@pytest.mark.parametrize(
    ("content", "kind"), [(b"<html>oops</html>", "JSON"), (b'{"name": "no id"}', "shape")]
)
def test_unreadable_success_answer_raises(
    client: OrgoClient, orgo: CannedOrgo, content: bytes, kind: str
) -> None:
    orgo.answer("GET", "/api/computers/c1", content=content)
    with pytest.raises(OrgoAPIError, match=f"Unexpected response {kind} for Computer") as caught:
        client.get_computer("c1")
    assert caught.value.status == 200
    assert caught.value.__cause__ is not None


@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError("Connection refused"), httpx.RemoteProtocolError("peer closed")],
)
def test_transport_failure_is_a_connection_error(
    orgo: CannedOrgo, sleeps: list[float], failure: httpx.TransportError
) -> None:
    attempts: list[httpx.Request] = []

    def broken(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        raise failure

    transport = httpx.MockTransport(broken)
    with (
        OrgoClient(API_KEY, transport=transport, sleep=sleeps.append) as orgo_client,
        pytest.raises(OrgoConnectionError) as caught,
    ):
        orgo_client.list_workspaces()
    error = caught.value
    assert isinstance(error, OrgoAPIError)
    assert error.status == 0
    assert error.__cause__ is failure
    assert str(error).startswith("Connection failed on GET /api/workspaces: ")
    assert len(attempts) == 1 and sleeps == []


@pytest.mark.asyncio
async def test_async_errors(orgo: CannedOrgo, aclient: AsyncOrgoClient) -> None:
    orgo.answer("GET", "/api/workspaces/wB", SCOPE_MISMATCH, status=403)
    with pytest.raises(OrgoAPIError) as caught:
        await aclient.get_workspace("wB")
    assert caught.value.code == "workspace_scope_mismatch"

    def broken(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused")

    async with AsyncOrgoClient("k", transport=httpx.MockTransport(broken)) as broken_client:
        with pytest.raises(OrgoConnectionError) as lost:
            await broken_client.get_computer("c1")
    assert lost.value.status == 0


# --- rate limiting --------------------------------------------------------------------

TOO_MANY = {"error": "Too many requests", "request_id": "r-429"}


def test_backoff_doubles_from_one_second_to_sixty(orgo: CannedOrgo, sleeps: list[float]) -> None:
    orgo.answer("GET", "/api/workspaces", TOO_MANY, status=429)
    transport = httpx.MockTransport(orgo)
    with (
        OrgoClient(API_KEY, transport=transport, max_retries=9, sleep=sleeps.append) as c,
        pytest.raises(OrgoAPIError) as caught,
    ):
        c.list_workspaces()
    assert sleeps == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert len(orgo.requests) == 10
    assert (caught.value.status, caught.value.message) == (429, "Too many requests")
    assert caught.value.request_id == "r-429"


def test_default_gives_up_after_six_retries(
    client: OrgoClient, orgo: CannedOrgo, sleeps: list[float]
) -> None:
    orgo.answer("GET", "/api/workspaces", TOO_MANY, status=429)
    with pytest.raises(OrgoAPIError) as caught:
        client.list_workspaces()
    assert caught.value.status == 429
    assert sleeps == [1, 2, 4, 8, 16, 32]
    assert len(orgo.requests) == 7


def test_retry_then_success(client: OrgoClient, orgo: CannedOrgo, sleeps: list[float]) -> None:
    orgo.answer("GET", "/api/workspaces", TOO_MANY, status=429)
    orgo.answer("GET", "/api/workspaces", TOO_MANY, status=429)
    orgo.answer("GET", "/api/workspaces", {"workspaces": [WORKSPACE]})
    assert [w.id for w in client.list_workspaces()] == ["w1"]
    assert sleeps == [1, 2]


def test_no_retries_when_max_retries_is_zero(orgo: CannedOrgo, sleeps: list[float]) -> None:
    orgo.answer("GET", "/api/workspaces", TOO_MANY, status=429)
    transport = httpx.MockTransport(orgo)
    with (
        OrgoClient(API_KEY, transport=transport, max_retries=0, sleep=sleeps.append) as c,
        pytest.raises(OrgoAPIError, match="429 Too Many Requests"),
    ):
        c.list_workspaces()
    assert sleeps == [] and len(orgo.requests) == 1


@pytest.mark.parametrize(
    ("retry_after", "slept"),
    [("7", 7.0), ("0", 0.0), ("2.5", 2.5), ("120", 60.0), ("soon", 1.0), ("nan", 1.0)],
)
def test_retry_after_seconds(
    client: OrgoClient, orgo: CannedOrgo, sleeps: list[float], retry_after: str, slept: float
) -> None:
    orgo.answer(
        "GET", "/api/workspaces", TOO_MANY, status=429, headers={"Retry-After": retry_after}
    )
    orgo.answer("GET", "/api/workspaces", {"workspaces": []})
    assert client.list_workspaces() == []
    assert sleeps == [slept]  # unreadable values fall back to the backoff


@pytest.mark.parametrize(
    ("offset", "low", "high"),
    [
        (timedelta(seconds=20), 15.0, 20.0),
        (timedelta(hours=1), 60.0, 60.0),
        (timedelta(seconds=-30), 0.0, 0.0),
    ],
)
def test_retry_after_http_date(
    client: OrgoClient,
    orgo: CannedOrgo,
    sleeps: list[float],
    offset: timedelta,
    low: float,
    high: float,
) -> None:
    when = format_datetime(datetime.now(UTC) + offset, usegmt=True)
    orgo.answer("GET", "/api/workspaces", TOO_MANY, status=429, headers={"Retry-After": when})
    orgo.answer("GET", "/api/workspaces", {"workspaces": []})
    client.list_workspaces()
    assert len(sleeps) == 1
    assert low <= sleeps[0] <= high


def test_retry_after_mixed_with_backoff(
    client: OrgoClient, orgo: CannedOrgo, sleeps: list[float]
) -> None:
    orgo.answer("GET", "/api/workspaces", TOO_MANY, status=429)
    orgo.answer("GET", "/api/workspaces", TOO_MANY, status=429, headers={"Retry-After": "5"})
    orgo.answer("GET", "/api/workspaces", TOO_MANY, status=429)
    orgo.answer("GET", "/api/workspaces", {"workspaces": []})
    client.list_workspaces()
    assert sleeps == [1, 5, 4]  # the backoff counts retries, not its own uses


def test_retried_upload_resends_the_whole_body(
    client: OrgoClient, orgo: CannedOrgo, sleeps: list[float]
) -> None:
    orgo.answer("POST", "/api/files/upload", TOO_MANY, status=429)
    orgo.answer("POST", "/api/files/upload", {"file": FILE}, status=201)
    client.upload_file("w1", "notes.txt", b"hello")
    first, second = orgo.requests
    assert form_fields(first) == form_fields(second)
    assert form_fields(second)["file"] == ("notes.txt", "application/octet-stream", b"hello")
    assert sleeps == [1]


def test_retry_inside_a_multi_step_call(
    client: OrgoClient, orgo: CannedOrgo, sleeps: list[float]
) -> None:
    orgo.answer("GET", "/api/computers/c1/screenshot", URL_SHOT)
    orgo.answer("GET", "/api/storage/screenshots/s1.png", TOO_MANY, status=429)
    orgo.answer("GET", "/api/storage/screenshots/s1.png", content=PNG)
    assert client.screenshot_png("c1") == PNG
    assert sleeps == [1]
    assert len(orgo.requests) == 3


@pytest.mark.asyncio
async def test_async_backoff_and_give_up(
    aclient: AsyncOrgoClient, orgo: CannedOrgo, sleeps: list[float]
) -> None:
    orgo.answer("GET", "/api/workspaces", TOO_MANY, status=429, headers={"Retry-After": "3"})
    orgo.answer("GET", "/api/workspaces", TOO_MANY, status=429)
    with pytest.raises(OrgoAPIError) as caught:
        await aclient.list_workspaces()
    assert caught.value.status == 429
    assert sleeps == [3, 2, 4, 8, 16, 32]
    assert len(orgo.requests) == 7


def test_async_default_sleep_is_anyio(orgo: CannedOrgo) -> None:
    import anyio

    orgo.answer("GET", "/api/workspaces", TOO_MANY, status=429, headers={"Retry-After": "0"})
    orgo.answer("GET", "/api/workspaces", {"workspaces": []})

    async def use() -> list[Workspace]:
        async with AsyncOrgoClient("k", transport=httpx.MockTransport(orgo)) as async_client:
            assert async_client._sleep is anyio.sleep
            return await async_client.list_workspaces()

    assert anyio.run(use) == []
    assert len(orgo.requests) == 2
