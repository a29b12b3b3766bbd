"""Actions: what each answers, and what each does to the simulated desktop."""

from __future__ import annotations

import base64
import io

import httpx
import pytest
from PIL import Image

from fake_server import FakeOrgo


def test_click_answers(api: httpx.Client, computer: dict[str, object]) -> None:
    cid = computer["id"]
    single = api.post(f"/computers/{cid}/click", json={"x": 10, "y": 20}).json()
    assert single == {
        "success": True,
        "action": "click",
        "details": {"x": 10, "y": 20, "button": "left", "double": False},
    }
    double = api.post(f"/computers/{cid}/click", json={"x": 1, "y": 2, "double": True}).json()
    assert double["action"] == "double_click"
    middle = api.post(f"/computers/{cid}/click", json={"x": 1, "y": 2, "button": "middle"})
    assert middle.status_code == 200


def test_drag_type_key_scroll_move(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    cid = str(computer["id"])
    drag = api.post(
        f"/computers/{cid}/drag", json={"start_x": 1, "start_y": 2, "end_x": 30, "end_y": 40}
    )
    assert drag.json()["details"] == {"start_x": 1, "start_y": 2, "end_x": 30, "end_y": 40}
    assert fake.desktop(cid).pointer.x == 30
    typed = api.post(f"/computers/{cid}/type", json={"text": "héllo"}).json()
    assert typed == {"success": True, "action": "type", "details": {"text_length": 5}}
    assert fake.desktop(cid).focused.text == "héllo"  # type: ignore[union-attr]
    key = api.post(f"/computers/{cid}/key", json={"key": "Enter"}).json()
    assert key == {"success": True, "action": "key_press", "details": {"key": "Enter"}}
    scroll = api.post(
        f"/computers/{cid}/scroll", json={"direction": "up", "amount": 2, "x": 5, "y": 6}
    ).json()
    assert scroll["details"] == {"direction": "up", "amount": 2}
    default_scroll = api.post(f"/computers/{cid}/scroll", json={}).json()
    assert default_scroll["details"] == {"direction": "down", "amount": 3}
    moved = api.post(f"/computers/{cid}/move", json={"x": 7, "y": 8}).json()
    assert moved["action"] == "move" and (
        fake.desktop(cid).pointer.x,
        fake.desktop(cid).pointer.y,
    ) == (7, 8)


def test_keyboard_clipboard_round_trip(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    cid = str(computer["id"])
    api.post(f"/computers/{cid}/type", json={"text": "copy me"})
    for key in ("ctrl+a", "ctrl+c", "End", "ctrl+v"):
        assert api.post(f"/computers/{cid}/key", json={"key": key}).status_code == 200
    desktop = fake.desktop(cid)
    assert desktop.clipboard == "copy me"
    assert desktop.focused.text == "copy mecopy me"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "key", ["Return", "page_down", "ctrl+shift+t", "alt+Tab", "F5", "esc", "a"]
)
def test_key_names_accepted(api: httpx.Client, computer: dict[str, object], key: str) -> None:
    assert api.post(f"/computers/{computer['id']}/key", json={"key": key}).status_code == 200


@pytest.mark.parametrize("key", ["", "hyper+x", "NotAKey", "ctrl+"])
def test_bad_keys_are_400(api: httpx.Client, computer: dict[str, object], key: str) -> None:
    response = api.post(f"/computers/{computer['id']}/key", json={"key": key})
    assert response.status_code == 400 and response.json()["error"]


def test_wait_advances_fake_clock(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    before = fake.clock.now()
    assert api.post(f"/computers/{computer['id']}/wait", json={"seconds": 2.5}).status_code == 200
    assert api.post(f"/computers/{computer['id']}/wait", json={"duration": 1}).status_code == 200
    assert fake.clock.now() - before == pytest.approx(3.5)


@pytest.mark.parametrize(
    "body", [{"seconds": 61}, {"seconds": -1}, {"duration": 60.5}, {}, {"seconds": "2"}]
)
def test_wait_out_of_range(
    api: httpx.Client, computer: dict[str, object], body: dict[str, object]
) -> None:
    assert api.post(f"/computers/{computer['id']}/wait", json=body).status_code == 400


def test_screenshot_base64(api: httpx.Client, computer: dict[str, object]) -> None:
    body = api.get(
        f"/computers/{computer['id']}/screenshot", params={"response_format": "base64"}
    ).json()
    assert body["mime_type"] == "image/png" and (body["width"], body["height"]) == (1280, 720)
    image = Image.open(io.BytesIO(base64.b64decode(body["image"])))
    assert image.format == "PNG" and image.size == (1280, 720)


def test_screenshot_url_serves_png_to_same_key_only(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    body = api.get(f"/computers/{computer['id']}/screenshot").json()
    assert body["image"].startswith("/api/storage/screenshots/") and body["image"].endswith(".png")
    assert set(body["metadata"]) == {"id", "timestamp", "size", "storage_path"}
    stored = api.get("https://www.orgo.ai" + body["image"])
    assert stored.status_code == 200 and stored.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(stored.content)).size == (1280, 720)
    assert len(stored.content) == body["metadata"]["size"]
    anonymous = httpx.Client(transport=fake.transport()).get("https://www.orgo.ai" + body["image"])
    assert anonymous.status_code == 401


def test_screenshot_bad_format(api: httpx.Client, computer: dict[str, object]) -> None:
    response = api.get(
        f"/computers/{computer['id']}/screenshot", params={"response_format": "jpeg"}
    )
    assert response.status_code == 400 and "response_format" in response.json()["error"]


def test_screenshot_follows_resolution(api: httpx.Client, workspace: dict[str, object]) -> None:
    small = api.post(
        "/computers",
        json={"workspace_id": workspace["id"], "name": "s", "resolution": "800x600x24"},
    ).json()
    body = api.get(
        f"/computers/{small['id']}/screenshot", params={"response_format": "base64"}
    ).json()
    assert (body["width"], body["height"]) == (800, 600)


def test_bash(api: httpx.Client, computer: dict[str, object]) -> None:
    body = api.post(
        f"/computers/{computer['id']}/bash", json={"command": "echo hi && exit 3"}
    ).json()
    assert body == {
        "success": True,
        "action": "bash",
        "command": "echo hi && exit 3",
        "output": "hi\n",
        "exit_code": 3,
    }


def test_exec(api: httpx.Client, computer: dict[str, object]) -> None:
    ok = api.post(f"/computers/{computer['id']}/exec", json={"code": "print(6 * 7)"}).json()
    assert ok == {"success": True, "action": "exec", "output": "42\n", "timeout": False}
    failed = api.post(f"/computers/{computer['id']}/exec", json={"code": "print(nope)"}).json()
    assert failed["success"] is False and failed["error_type"] == "NameError"
    assert (
        api.post(f"/computers/{computer['id']}/exec", json={"code": "1", "timeout": 0}).status_code
        == 400
    )
    assert (
        api.post(
            f"/computers/{computer['id']}/exec", json={"code": "1", "timeout": 301}
        ).status_code
        == 400
    )


def test_streaming(api: httpx.Client, computer: dict[str, object]) -> None:
    cid = computer["id"]
    assert api.get(f"/computers/{cid}/stream/status").json() == {"status": "idle"}
    started = api.post(f"/computers/{cid}/stream/start", json={"connection_name": "youtube"}).json()
    assert started["success"] is True and started["status"] == "streaming" and started["pid"] > 0
    status = api.get(f"/computers/{cid}/stream/status").json()
    assert (
        status["status"] == "streaming" and status["pid"] == started["pid"] and status["start_time"]
    )
    assert (
        api.post(f"/computers/{cid}/stream/start", json={"connection_name": "youtube"}).status_code
        == 409
    )
    assert api.post(f"/computers/{cid}/stream/stop").json() == {"success": True}
    assert api.get(f"/computers/{cid}/stream/status").json() == {"status": "idle"}
    assert api.post(f"/computers/{cid}/stream/start", json={}).status_code == 400


def test_actions_need_a_running_computer(api: httpx.Client, computer: dict[str, object]) -> None:
    cid = computer["id"]
    api.post(f"/computers/{cid}/stop")
    for method, path, body in [
        ("POST", "click", {"x": 1, "y": 1}),
        ("POST", "type", {"text": "x"}),
        ("POST", "key", {"key": "a"}),
        ("GET", "screenshot", None),
        ("POST", "bash", {"command": "ls"}),
        ("POST", "exec", {"code": "1"}),
        ("POST", "wait", {"seconds": 1}),
    ]:
        response = api.request(method, f"/computers/{cid}/{path}", json=body)
        assert response.status_code == 400, path
        assert response.json()["error"] == "Desktop instance not available"
