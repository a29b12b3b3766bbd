"""How state objects look on the wire: the JSON the real API answers with.

``origin`` is the scheme and host the client called, so a fake reached on
``http://127.0.0.1:8787`` hands out connection URLs that lead back to itself, and one
reached through transparent routing answers with ``www.orgo.ai`` like the real service.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from fake_server.models import ComputerOut, FileOut, InstanceDetails, WorkspaceOut
from fake_server.state import Computer, State, Workspace
from fake_server.storage import StoredFile
from fake_server.vm_api.address import vm_address


def iso(timestamp: float) -> str:
    """ISO 8601 UTC with milliseconds and a ``Z``, the form Orgo uses."""
    moment = datetime.fromtimestamp(timestamp, tz=UTC).isoformat(timespec="milliseconds")
    return moment.replace("+00:00", "Z")


def _cpu(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def computer_out(state: State, computer: Computer, origin: str) -> ComputerOut:
    host = urlsplit(origin).netloc or "www.orgo.ai"
    vm_host, vm_port = vm_address(origin, computer.instance_id, state.vm_api.port)
    workspace = state.workspaces.get(computer.workspace_id)
    return ComputerOut(
        id=computer.id,
        name=computer.name,
        workspace_id=computer.workspace_id,
        project_id=computer.workspace_id,
        project_name=workspace.name if workspace else "",
        os=computer.os,
        ram=computer.ram,
        cpu=_cpu(computer.cpu),
        gpu=computer.gpu,
        disk_size_gb=computer.disk_size_gb,
        resolution=computer.resolution,
        status=state.status(computer),
        url=f"https://orgo.ai/workspaces/{computer.workspace_id}/computers/{computer.id}",
        created_at=iso(computer.created_at),
        updated_at=iso(computer.updated_at),
        instance_id=computer.instance_id,
        fly_instance_id=computer.instance_id,
        hostname=host,
        connection_url=f"{origin}/desktops/{computer.instance_id}",
        vnc_password=computer.vnc_password,
        auto_stop_minutes=computer.auto_stop_minutes,
        template_ref=computer.template_ref,
        instance_details=InstanceDetails(
            resolution=computer.resolution, publicHost=vm_host, vncHost=vm_host, apiPort=vm_port
        ),
    )


def workspace_out(state: State, workspace: Workspace, origin: str) -> WorkspaceOut:
    return WorkspaceOut(
        id=workspace.id,
        name=workspace.name,
        user_id=workspace.user_id,
        status=workspace.status,
        icon_url=workspace.icon_url,
        created_at=iso(workspace.created_at),
        updated_at=iso(workspace.updated_at),
        desktops=[computer_out(state, c, origin) for c in state.computers_in(workspace.id)],
    )


def file_out(stored: StoredFile) -> FileOut:
    return FileOut(
        id=stored.id,
        filename=stored.filename,
        size_bytes=len(stored.content),
        content_type=stored.content_type,
        source=stored.source,
        created_at=iso(stored.created_at),
        workspace_id=stored.workspace_id,
        desktop_id=stored.desktop_id,
    )
