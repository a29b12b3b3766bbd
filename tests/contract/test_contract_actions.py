"""Actions on a running computer: mouse, keyboard, wait, screenshot, bash, exec
(orgo-api.md sections 6-8; "Decisions": ``{"success": true, "action", "details"}``;
screenshot in both formats, a PNG of the computer's resolution; bash and exec shapes).

All on the run's shared computer (default resolution 1280x720), which nothing stops."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from PIL import Image

from tests.contract.contract_support import ContractClient, error_body, success_body

WIDTH, HEIGHT = 1280, 720  # the default resolution, 1280x720x24

Action = tuple[dict[str, Any], str, dict[str, Any]]  # body, "action", some "details"
ACTIONS: dict[str, Action] = {
    "click": ({"x": 10, "y": 20}, "click", {"x": 10, "y": 20}),
    "double click": ({"x": 10, "y": 20, "double": True}, "double_click", {"x": 10, "y": 20}),
    "right click": ({"x": 5, "y": 5, "button": "right"}, "click", {"button": "right"}),
    "drag": (
        {"start_x": 1, "start_y": 2, "end_x": 30, "end_y": 40},
        "drag",
        {"start_x": 1, "start_y": 2, "end_x": 30, "end_y": 40},
    ),
    "type": ({"text": "héllo"}, "type", {"text_length": 5}),
    "key": ({"key": "Enter"}, "key_press", {"key": "Enter"}),
    "key combo": ({"key": "ctrl+a"}, "key_press", {"key": "ctrl+a"}),
    "scroll": ({"direction": "down", "amount": 3}, "scroll", {"direction": "down", "amount": 3}),
    "wait": ({"seconds": 0}, "wait", {}),
    "move mouse": ({"x": 100, "y": 100}, "move", {}),
}
PATHS = {"double click": "click", "right click": "click", "key combo": "key", "move mouse": "move"}


@pytest.mark.parametrize(("name"), list(ACTIONS))
def test_action_answers_success_action_and_details(
    contract: ContractClient, shared_computer: dict[str, Any], name: str
) -> None:
    body, action, details = ACTIONS[name]
    path = PATHS.get(name, name)
    answer = success_body(contract.post(f"/computers/{shared_computer['id']}/{path}", json=body))
    assert answer["success"] is True and answer["action"] == action
    assert isinstance(answer.get("details", {}), dict)
    for key, value in details.items():
        assert answer["details"][key] == value, (key, answer)


def test_an_action_with_a_missing_field_is_400(
    contract: ContractClient, shared_computer: dict[str, Any]
) -> None:
    ident = shared_computer["id"]
    with contract.recorder.step("click without y"):
        error_body(contract.post(f"/computers/{ident}/click", json={"x": 1}), 400)
    with contract.recorder.step("type without text"):
        error_body(contract.post(f"/computers/{ident}/type", json={}), 400)
    with contract.recorder.step("wait beyond 60 s"):
        error_body(contract.post(f"/computers/{ident}/wait", json={"seconds": 61}), 400)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n"), data[:16]
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def test_screenshot_base64(contract: ContractClient, shared_computer: dict[str, Any]) -> None:
    url = f"/computers/{shared_computer['id']}/screenshot"
    body = success_body(contract.get(url, params={"response_format": "base64"}))
    assert body["success"] is True and body["mime_type"] == "image/png"
    assert (body["width"], body["height"]) == (WIDTH, HEIGHT)
    assert _png_size(base64.b64decode(body["image"], validate=True)) == (WIDTH, HEIGHT)


@pytest.mark.parametrize("response_format", ["url", None])
def test_screenshot_url(
    contract: ContractClient, shared_computer: dict[str, Any], response_format: str | None
) -> None:
    params = {"response_format": response_format} if response_format else None
    url = f"/computers/{shared_computer['id']}/screenshot"
    body = success_body(contract.get(url, params=params))
    assert body["success"] is True
    metadata = body["metadata"]
    assert {"id", "timestamp", "size", "storage_path"} <= set(metadata)
    served = contract.get(body["image"])  # a path on the API's origin, with the same key
    assert served.status_code == 200 and served.headers["content-type"] == "image/png"
    assert len(served.content) == metadata["size"]
    assert _png_size(served.content) == (WIDTH, HEIGHT)


def test_bash(contract: ContractClient, shared_computer: dict[str, Any]) -> None:
    url = f"/computers/{shared_computer['id']}/bash"
    with contract.recorder.step("a command that succeeds"):
        body = success_body(contract.post(url, json={"command": "echo hello"}))
        assert body == {
            "success": True,
            "action": "bash",
            "command": "echo hello",
            "output": "hello\n",
            "exit_code": 0,
        }
    with contract.recorder.step("a command that fails is still success, with its exit code"):
        body = success_body(contract.post(url, json={"command": "exit 3"}))
        assert (body["success"], body["exit_code"]) == (True, 3)
    with contract.recorder.step("no command is 400"):
        error_body(contract.post(url, json={}), 400)


def test_exec(contract: ContractClient, shared_computer: dict[str, Any]) -> None:
    url = f"/computers/{shared_computer['id']}/exec"
    with contract.recorder.step("code that prints"):
        body = success_body(contract.post(url, json={"code": "print(6 * 7)"}))
        assert (body["success"], body["action"], body["output"], body["timeout"]) == (
            True,
            "exec",
            "42\n",
            False,
        )
    with contract.recorder.step("code that raises"):
        body = success_body(contract.post(url, json={"code": "undefined_name"}))
        assert (body["success"], body["error_type"]) == (False, "NameError")
        assert isinstance(body["error"], str) and body["error"]
    for timeout in (0, 301):
        with contract.recorder.step(f"timeout {timeout} is out of 1-300"):
            error_body(contract.post(url, json={"code": "1", "timeout": timeout}), 400)
