"""The typed client against the fake, in memory and async: the two halves agree."""

from __future__ import annotations

import httpx
import pytest

from fake_server import FakeOrgo
from pytest_orgo.client import AsyncOrgoClient, OrgoClient
from pytest_orgo.errors import OrgoAPIError, OrgoConnectionError


def test_round_trip(fake: FakeOrgo) -> None:
    with OrgoClient("sk_client", transport=fake.transport()) as client:
        workspace = client.create_workspace("typed")
        computer = client.create_computer(
            workspace.id, "pc", ram=8, cpu=2, resolution="1024x768x24"
        )
        assert (computer.ram, computer.cpu, computer.status) == (8, 2, "running")
        assert client.get_workspace(workspace.id).desktops[0].id == computer.id
        assert client.type_text(computer.id, "typed!").action == "type"
        assert fake.desktop(computer.id).focused.text == "typed!"  # type: ignore[union-attr]
        shot = client.screenshot(computer.id)
        assert shot.png.startswith(b"\x89PNG") and (shot.width, shot.height) == (1024, 768)
        assert client.screenshot(computer.id, response_format="url").png == shot.png
        assert client.bash(computer.id, "echo hi").output == "hi\n"
        assert client.exec_python(computer.id, "print('x' * 3)").output == "xxx\n"
        uploaded = client.upload_file(
            workspace.id, "a.txt", b"abc", "text/plain", desktop_id=computer.id
        )
        assert client.download_file(uploaded.id) == b"abc"
        exported = client.export_file(computer.id, "Desktop/a.txt")
        assert exported.file.filename == "a.txt"
        resized = client.resize_computer(computer.id, vcpus=4, mem_gb=64)
        assert resized.partial is True
        assert client.stop_computer(computer.id).status == "stopping"
        assert client.get_computer(computer.id).status == "stopped"
        client.delete_workspace(workspace.id)
        assert fake.counts() == {"workspaces": 0, "computers": 0}


def test_errors_carry_status_message_code(fake: FakeOrgo) -> None:
    with OrgoClient("sk_client", transport=fake.transport()) as client:
        workspace = client.create_workspace("errs")
        other = client.create_workspace("other")
        fake.add_api_key("sk_scoped", workspace_id=other.id)
        with (
            OrgoClient("sk_scoped", transport=fake.transport()) as scoped,
            pytest.raises(OrgoAPIError) as caught,
        ):
            scoped.get_workspace(workspace.id)
        assert caught.value.status == 403 and caught.value.code == "workspace_scope_mismatch"
        with pytest.raises(OrgoAPIError, match="Computer not found") as missing:
            client.get_computer("deadbeef")
        assert missing.value.status == 404 and missing.value.request_id


def test_retries_429_from_the_fake(fake: FakeOrgo) -> None:
    slept: list[float] = []
    fake.inject_fault(status=429, path="/workspaces", times=2, retry_after=2)
    with OrgoClient("sk_client", transport=fake.transport(), sleep=slept.append) as client:
        assert client.list_workspaces() == []
    assert slept == [2, 2]


def test_dropped_connection_is_a_connection_error(fake: FakeOrgo) -> None:
    fake.inject_fault(drop=True, path="/workspaces")
    with (
        OrgoClient("sk_client", transport=fake.transport()) as client,
        pytest.raises(OrgoConnectionError),
    ):
        client.list_workspaces()


@pytest.mark.asyncio
async def test_async_client_against_the_fake(fake: FakeOrgo) -> None:
    async with AsyncOrgoClient("sk_client", transport=fake.transport()) as client:
        workspace = await client.create_workspace("async")
        computer = await client.create_computer(workspace.id, "pc")
        assert (await client.click(computer.id, 5, 5)).action == "click"
        assert (await client.get_computer(computer.instance_id)).id == computer.id


def test_client_over_loopback(fake: FakeOrgo) -> None:
    with fake.serve() as server, OrgoClient("sk_client", base_url=server.base_url) as client:
        workspace = client.create_workspace("loop")
        computer = client.create_computer(workspace.id, "pc")
        assert client.get_vnc_password(computer.id) == computer.vnc_password
        with httpx.Client() as raw:
            assert raw.get(f"{server.url}/_fake/state").json()["computers"] == 1
