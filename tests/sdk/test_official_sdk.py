"""The official SDK, unmodified, cannot tell the fake from the real service."""

from __future__ import annotations

import io

import pytest

from fake_server import FakeOrgo, LoopbackServer

orgo = pytest.importorskip("orgo")
from PIL import Image  # noqa: E402

KEY = "sk_live_sdk_test"


def make(server: LoopbackServer, **kwargs: object) -> orgo.Computer:
    return orgo.Computer(api_key=KEY, base_api_url=server.base_url, verbose=False, **kwargs)


def test_computer_creates_workspace_and_computer(
    sdk_fake: FakeOrgo, server: LoopbackServer
) -> None:
    computer = make(server, workspace="sdk-new", name="first")
    status = computer.status()
    assert status["name"] == "first" and status["status"] == "running"
    assert status["project_name"] == "sdk-new"
    assert sdk_fake.requests("POST", "/projects")[-1].body == {"name": "sdk-new"}
    created = sdk_fake.requests("POST", "/computers")[-1].body
    assert created == {
        "workspace_id": computer.project_id,
        "name": "first",
        "os": "linux",
        "gpu": "none",
    }


def test_computer_with_no_arguments_makes_its_own_project(server: LoopbackServer) -> None:
    computer = make(server)
    assert computer.project_name.startswith("project-")
    assert computer.status()["status"] == "running"


def test_computer_in_existing_workspace_by_name(server: LoopbackServer) -> None:
    workspace = orgo.Workspace("sdk-existing", api_key=KEY, base_api_url=server.base_url)
    computer = make(server, project="sdk-existing", name="second")
    assert computer.project_id == workspace.id
    assert [c["name"] for c in workspace.list_computers()] == ["second"]
    project = orgo.Project("sdk-existing", api_key=KEY, base_api_url=server.base_url)
    assert project.id == workspace.id
    assert project.get_computer("second")["id"] == computer.computer_id


def test_sizes_are_asked_for_and_echoed(server: LoopbackServer) -> None:
    computer = make(server, workspace="sdk-sizes", ram=16, cpu=4)
    assert (computer.ram, computer.cpu) == (16, 4)
    status = computer.status()
    assert (status["ram"], status["cpu"]) == (16, 4)


def test_mouse_and_keyboard(sdk_fake: FakeOrgo, server: LoopbackServer) -> None:
    computer = make(server, workspace="sdk-input")
    assert computer.left_click(10, 20)["action"] == "click"
    assert computer.right_click(11, 21)["details"]["button"] == "right"
    assert computer.double_click(12, 22)["action"] == "double_click"
    assert computer.drag(1, 2, 300, 400)["action"] == "drag"
    assert computer.scroll("down", 2, x=50, y=60)["details"] == {"direction": "down", "amount": 2}
    assert computer.scroll("up")["action"] == "scroll"
    scrolls = sdk_fake.requests("POST", "/computers/*/scroll")
    assert scrolls[-2].body == {"direction": "down", "amount": 2, "x": 50, "y": 60}
    assert scrolls[-1].body == {
        "direction": "up",
        "amount": 3,
        "x": 640,
        "y": 360,
    }  # the SDK aims at the middle
    assert computer.type("hello sdk")["details"]["text_length"] == 9
    assert computer.key("ctrl+a")["action"] == "key_press"
    assert computer.key("Enter")["success"] is True
    assert sdk_fake.desktop(computer.computer_id).focused.text == "\n"  # type: ignore[union-attr]


def test_screenshot_is_a_pil_image_of_the_resolution(server: LoopbackServer) -> None:
    computer = make(server, workspace="sdk-shot")
    image = computer.screenshot()
    assert isinstance(image, Image.Image) and image.size == (1280, 720)
    raw = computer.screenshot_base64()
    assert Image.open(io.BytesIO(__import__("base64").b64decode(raw))).size == (1280, 720)


def test_bash_exec_wait(sdk_fake: FakeOrgo, server: LoopbackServer) -> None:
    computer = make(server, workspace="sdk-shell")
    assert computer.bash("echo hello > ~/Desktop/a.txt && cat ~/Desktop/a.txt") == "hello\n"
    result = computer.exec("print(1 + 1)")
    assert result["success"] is True and result["output"] == "2\n"
    before = sdk_fake.clock.now()
    assert computer.wait(1.5)["success"] is True
    assert sdk_fake.clock.now() - before == pytest.approx(1.5)
    assert sdk_fake.requests("POST", "/computers/*/wait")[-1].body == {"duration": 1.5}


def test_streaming(server: LoopbackServer) -> None:
    computer = make(server, workspace="sdk-stream")
    started = computer.start_stream("my-rtmp")
    assert started["status"] == "streaming"
    assert computer.stream_status()["pid"] == started["pid"]
    assert computer.stop_stream() == {"success": True}
    assert computer.stream_status() == {"status": "idle"}


def test_status_restart_destroy(server: LoopbackServer) -> None:
    computer = make(server, workspace="sdk-life")
    password = computer.status()["vnc_password"]
    assert computer.restart() == {"success": True, "status": "restarting"}
    assert computer.status()["vnc_password"] != password
    assert computer.destroy() == {"success": True}
    with pytest.raises(Exception, match="Computer not found"):
        computer.status()


def test_workspace_lists_its_computers_and_destroys(server: LoopbackServer) -> None:
    workspace = orgo.Workspace("sdk-listing", api_key=KEY, base_api_url=server.base_url)
    for name in ("a", "b"):
        make(server, workspace=workspace, name=name)
    assert sorted(c["name"] for c in workspace.list_computers()) == ["a", "b"]
    assert workspace.status()["id"] == workspace.id
    assert workspace.destroy() == {"success": True}


def test_wrong_key_raises_the_api_message() -> None:
    strict = FakeOrgo(api_keys=["sk_right"])
    with strict.serve() as running:
        with pytest.raises(Exception, match="Invalid API key"):
            orgo.Computer(
                api_key="sk_wrong", base_api_url=running.base_url, verbose=False, workspace="w"
            )
        computer = orgo.Computer(
            api_key="sk_right", base_api_url=running.base_url, verbose=False, workspace="w"
        )
        assert computer.status()["status"] == "running"


def test_template_name_resolves_through_the_builds_api(
    sdk_fake: FakeOrgo, server: LoopbackServer
) -> None:
    import httpx

    workspace = orgo.Workspace("sdk-builds", api_key=KEY, base_api_url=server.base_url)
    headers = {"Authorization": f"Bearer {KEY}"}
    build = httpx.post(
        f"{server.base_url}/builds/create",
        json={"orgId": "o", "projectId": workspace.id, "name": "my-image"},
        headers=headers,
    ).json()["build"]
    httpx.post(
        f"{server.base_url}/builds/update",
        json={"buildId": build["id"], "status": "completed"},
        headers=headers,
    )
    make(server, workspace=workspace, template="my-image")
    assert sdk_fake.requests("POST", "/computers")[-1].body["image"] == build["imageRef"]
