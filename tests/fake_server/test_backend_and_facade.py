"""The split between :class:`fake_server.Backend` (state and control operations) and
:class:`fake_server.FakeOrgo` (the facade wiring it to its surfaces): each piece takes
only what it needs, so it can be used on its own."""

from __future__ import annotations

import httpx
import pytest
import requests

from fake_server import ApiError, Backend, DirectApi, FakeOrgo, InMemoryTransport, LoopbackServer
from fake_server.framework import ApiResponse
from tests.conftest import KEY


def test_the_transport_takes_a_handler_as_httpx_mock_transport_does() -> None:
    seen: list[tuple[str, str, str]] = []

    def handle(method: str, path: str, **request: object) -> ApiResponse:
        seen.append((method, path, str(request["query_string"])))
        return ApiResponse(status=418, body={"error": "teapot"})

    with httpx.Client(transport=InMemoryTransport(handle)) as client:
        answer = client.get("https://www.orgo.ai/api/computers/1?x=2")
    assert answer.status_code == 418 and answer.json() == {"error": "teapot"}
    assert seen == [("GET", "/api/computers/1", "x=2")]


def test_vm_hosts_go_to_the_vm_handler_when_there_is_one() -> None:
    def platform(method: str, path: str, **request: object) -> ApiResponse:
        return ApiResponse(body={"to": "platform"})

    def vm(method: str, path: str, **request: object) -> ApiResponse:
        return ApiResponse(body={"to": "vm"})

    url = "http://abc123.vm.orgo.test/screenshot"
    with httpx.Client(transport=InMemoryTransport(platform, vm_handle=vm)) as client:
        assert client.get(url).json() == {"to": "vm"}
        assert client.get("https://www.orgo.ai/api/workspaces").json() == {"to": "platform"}
    with httpx.Client(transport=InMemoryTransport(platform)) as client:
        assert client.get(url).json() == {"to": "platform"}


def test_a_backend_alone_holds_state_and_control_operations() -> None:
    backend = Backend(seed=3)
    api = DirectApi(backend, KEY)
    workspace = api.create_workspace("alone")
    computer = api.create_computer(workspace["id"], "pc")
    assert backend.counts()["computers"] == 1
    backend.advance(60)
    assert api.get_computer(computer["id"])["status"] == "running"
    api.delete_computer(computer["id"])
    assert backend.counts()["computers"] == 0


def test_direct_calls_answer_what_rest_answers(fake: FakeOrgo, api: httpx.Client) -> None:
    direct = DirectApi(fake, KEY)
    workspace = direct.create_workspace("same")
    created = direct.create_computer(workspace["id"], "pc", ram=4, resolution="1024x768x24")
    assert api.get(f"/computers/{created['id']}").json() == created
    assert direct.get_computer(created["id"]) == created
    listed = api.get(f"/workspaces/{workspace['id']}").json()
    assert {k: listed[k] for k in workspace if k != "desktops"} == {
        k: v for k, v in workspace.items() if k != "desktops"
    }


def test_direct_calls_raise_the_rest_errors(fake: FakeOrgo) -> None:
    with pytest.raises(ApiError) as missing:
        DirectApi(fake, KEY).get_computer("no-such-computer")
    assert missing.value.status == 404
    with pytest.raises(ApiError) as refused:
        DirectApi(FakeOrgo(api_keys=["sk_only"]), "sk_other").create_workspace("w")
    assert refused.value.status == 401


def test_a_direct_create_validates_its_fields_as_the_route_does(
    fake: FakeOrgo, api: httpx.Client, workspace: dict[str, object]
) -> None:
    with pytest.raises(ApiError) as invalid:
        DirectApi(fake, KEY).create_computer(str(workspace["id"]), "pc", ram=3, gpu="tpu")
    rest = api.post(
        "/computers", json={"workspace_id": workspace["id"], "name": "pc", "ram": 3, "gpu": "tpu"}
    )
    assert (invalid.value.status, invalid.value.message) == (400, rest.json()["error"])
    assert "ram" in invalid.value.message and "gpu" in invalid.value.message


def test_checkpoint_and_restore_put_a_computer_back_as_new(
    fake: FakeOrgo, computer: dict[str, str]
) -> None:
    checkpoint = fake.checkpoint(computer["id"])
    desktop = fake.desktop(computer["id"])
    titles = [window.title for window in desktop.windows]
    desktop.write_file("/home/user/scratch.txt", "left behind")
    desktop.open_window("Notes", "typed")
    desktop.set_clipboard("copied")
    desktop.set_resolution("800x600x24")
    fake.restore(checkpoint)
    after = fake.desktop(computer["id"])
    assert "/home/user/scratch.txt" not in after.files()
    assert after.clipboard == "" and after.resolution == (1280, 720)
    assert [window.title for window in after.windows] == titles  # freshly booted
    # the checkpoint is kept intact: restoring twice gives the same disk
    fake.desktop(computer["id"]).write_file("/home/user/again.txt", "x")
    fake.restore(checkpoint)
    assert "/home/user/again.txt" not in fake.desktop(computer["id"]).files()


def test_a_stopped_loopback_server_tells_whoever_started_it() -> None:
    backend = FakeOrgo()
    stopped: list[LoopbackServer] = []
    server = LoopbackServer(backend, backend.app, backend.vm_app, on_stop=stopped.append)
    server.start()
    assert backend.vm_port == server.vm_port
    assert requests.get(f"{server.url}/_fake/state", timeout=5).status_code == 200
    server.stop()
    assert stopped == [server]


def test_the_facade_forgets_its_urls_when_its_server_stops() -> None:
    fake = FakeOrgo()
    with fake.serve() as server:
        assert fake.base_url == server.base_url
    with pytest.raises(RuntimeError, match="call serve"):
        _ = fake.base_url
    assert fake.vm_port is None and fake.loopback is None
