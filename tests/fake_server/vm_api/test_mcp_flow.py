"""The official MCP server's VM API calls (section 20), against loopback and standalone.

Each test makes exactly the calls ``src/client.ts`` / ``src/terminal.ts`` of orgo-mcp
4.1.1 make (see :mod:`mcp_client`): a screenshot only through the VM, a click through
the platform and, when that answers 5xx, through the VM, a shell command over the VM's
terminal between sentinels, and the refetch of a token that a restart made stale.
"""

from __future__ import annotations

import struct
from typing import Any

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.fake_server.vm_api.conftest import Served
from tests.fake_server.vm_api.mcp_client import HttpError, run_in_terminal

PNG = b"\x89PNG\r\n\x1a\n"


def _png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def test_instance_details_address_the_vm_api(vm: Served) -> None:
    computer = vm.computer()
    details = vm.api("POST", f"/computers/{computer['id']}/ensure-running").json()[
        "instance_details"
    ]
    assert ":" not in details["publicHost"] and isinstance(details["apiPort"], int)
    assert details["publicHost"] == "127.0.0.1" and details["apiPort"] != 443
    password = vm.api("GET", f"/computers/{computer['id']}/vnc-password").json()
    assert password["desktop_api_token"] != password["password"]


def test_screenshot_goes_only_through_the_vm(vm: Served) -> None:
    computer = vm.computer()
    client = vm.mcp()
    before = vm.count("GET", f"/computers/{computer['id']}/screenshot")
    png, width, height = client.screenshot(computer["id"])
    assert png.startswith(PNG) and _png_size(png) == (width, height) == (1280, 720)
    assert vm.count("GET", f"/computers/{computer['id']}/screenshot") == before
    assert vm.count("POST", f"/computers/{computer['id']}/ensure-running") >= 1


def test_click_falls_back_to_the_vm_when_the_platform_answers_5xx(vm: Served) -> None:
    computer = vm.computer()
    client = vm.mcp()
    fault = {"status": 503, "method": "POST", "path": f"/computers/{computer['id']}/click"}
    assert vm.control("POST", "/faults", json=fault).status_code in (200, 201)
    answer = client.computer_action("POST", computer["id"], "click", {"x": 40, "y": 30})
    assert answer == {
        "success": True,
        "action": "click",
        "details": {"x": 40, "y": 30, "button": "left", "double": False},
    }
    assert client.vnc_fetches == 1  # the fallback went to the VM, with its token
    pointer = vm.control("GET", f"/computers/{computer['id']}/desktop").json()["pointer"]
    assert (pointer["x"], pointer["y"]) == (40, 30)


def test_bash_over_the_vm_terminal_between_sentinels(vm: Served) -> None:
    """The wrapper's sentinels around a bare command (the full ``eval "$(... | base64
    -d)"`` wrapper, byte for byte: ``test_vm_mcp_wrapper.py``)."""
    computer = vm.computer()
    client = vm.mcp()
    with client.terminal(computer["id"]) as ws:
        assert ws.request is not None
        assert "token=" not in ws.request.path  # ?token= was refused, the header taken
        output, code = run_in_terminal(ws, "echo hello from the vm; cd /tmp; pwd")
        assert (output.replace("\r", ""), code) == ("hello from the vm\n/tmp", 0)
        output, code = run_in_terminal(ws, "pwd; false")  # the session keeps its cwd
        assert (output, code) == ("/tmp", 1)


def test_a_restart_rotates_the_token_and_the_client_refetches_once(vm: Served) -> None:
    computer = vm.computer()
    client = vm.mcp()
    client.screenshot(computer["id"])
    stale = client.tokens[computer["id"]]
    assert vm.api("POST", f"/computers/{computer['id']}/restart").status_code == 200
    host, port = client.vm_endpoint(computer["id"])
    refused = vm.http.get(
        f"http://{host}:{port}/screenshot", headers={"Authorization": f"Bearer {stale}"}
    )
    assert refused.status_code == 401 and isinstance(refused.json()["error"], str)
    png, _, _ = client.screenshot(computer["id"])  # 401, drop caches, refetch, retry
    assert png.startswith(PNG)
    assert client.vnc_fetches == 2 and client.tokens[computer["id"]] != stale


def test_the_vnc_password_and_query_token_are_refused_on_newer_images(vm: Served) -> None:
    computer = vm.computer()
    client = vm.mcp()
    host, port = client.vm_endpoint(computer["id"])
    password = vm.api("GET", f"/computers/{computer['id']}/vnc-password").json()["password"]
    answer = vm.http.get(
        f"http://{host}:{port}/screenshot", headers={"Authorization": f"Bearer {password}"}
    )
    assert answer.status_code == 401
    token = client.vm_token(computer["id"])
    with pytest.raises(InvalidStatus) as refused:
        connect(f"ws://{host}:{port}/terminal?token={token}", open_timeout=10)
    assert refused.value.response.status_code == 401
    assert vm.http.get(f"http://{host}:{port}/screenshot").status_code == 401


def test_older_images_take_the_password_and_the_query_token(vm: Served) -> None:
    assert vm.control("PUT", "/vm-api", json={"older_images": True}).json()["older_images"]
    computer = vm.computer()
    client = vm.mcp()
    password = vm.api("GET", f"/computers/{computer['id']}/vnc-password").json()
    assert set(password) == {"password"}  # no desktop_api_token: the password is the token
    assert client.screenshot(computer["id"])[0].startswith(PNG)
    with client.terminal(computer["id"]) as ws:
        assert ws.request is not None and "token=" in ws.request.path  # the first attempt
        assert run_in_terminal(ws, "echo old image") == ("old image", 0)


def test_vm_errors_are_json_with_an_error_string(vm: Served) -> None:
    computer = vm.computer()
    client = vm.mcp()
    host, port = client.vm_endpoint(computer["id"])
    token = client.vm_token(computer["id"])
    auth = {"Authorization": f"Bearer {token}"}
    for response, status in (
        (vm.http.post(f"http://{host}:{port}/click", headers=auth, json={"x": -1}), 400),
        (vm.http.get(f"http://{host}:{port}/nope", headers=auth), 404),
        (vm.http.delete(f"http://{host}:{port}/click", headers=auth), 405),
    ):
        assert response.status_code == status
        assert set(response.json()) == {"error"}
    with pytest.raises(HttpError) as error:
        client.direct_vm_request("POST", computer["id"], "key", {"key": "NoSuchKey"})
    assert error.value.status == 400


def test_every_vm_action_answers_as_the_platform_does(vm: Served) -> None:
    computer = vm.computer()
    client = vm.mcp()
    bodies: dict[str, dict[str, Any]] = {
        "type": {"text": "hi"},
        "key": {"key": "Enter"},
        "scroll": {"direction": "down", "amount": 2},
        "drag": {"start_x": 1, "start_y": 2, "end_x": 3, "end_y": 4},
        "wait": {"seconds": 0},
        "bash": {"command": "echo vm"},
        "exec": {"code": "print(6 * 7)"},
    }
    for action, body in bodies.items():
        direct = client.direct_vm_request("POST", computer["id"], action, body)
        platform = client.api_request("POST", f"computers/{computer['id']}/{action}", body)
        assert direct == platform, action


def test_the_standalone_prints_the_vm_listener(served: Served) -> None:
    info = httpx.get(f"{served.origin}/_fake/vm-api").json()
    assert isinstance(info["port"], int) and info["older_images"] is False
