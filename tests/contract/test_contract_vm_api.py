"""The direct VM API and the live-verified corrections (orgo-api.md section 20).

The VM API is what ``instance_details.publicHost``/``apiPort`` address; its bearer is
``desktop_api_token`` from ``GET /computers/{id}/vnc-password``. Against live these
checks measure the drift there too, ``WS /terminal`` included: the official MCP server's
full shell wrapper, sent the way it sends it (:mod:`tests.fake_server.vm_api.mcp_client`),
its exchange recorded in the report like an HTTP one."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from PIL import Image
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.contract.contract_support import ContractClient, error_body, success_body
from tests.fake_server.vm_api.mcp_client import run_in_terminal


def _vm(contract: ContractClient, computer: dict[str, Any]) -> tuple[str, dict[str, str]]:
    ident = computer["id"]
    with contract.recorder.step("ensure-running names a bare host and an integer port"):
        details = success_body(contract.post(f"/computers/{ident}/ensure-running"))[
            "instance_details"
        ]
        host, port = details.get("publicHost") or details.get("vncHost"), details["apiPort"]
        assert isinstance(host, str) and host and ":" not in host, details
        assert isinstance(port, int) and not isinstance(port, bool), details
    with contract.recorder.step("vnc-password answers password and desktop_api_token"):
        secrets = success_body(contract.get(f"/computers/{ident}/vnc-password"))
        assert isinstance(secrets["password"], str) and secrets["password"]
        token = secrets.get("desktop_api_token") or secrets["password"]
    return f"http://{host}:{port}", {"Authorization": f"Bearer {token}"}


def test_vm_screenshot_is_a_base64_png_with_its_size(
    contract: ContractClient, shared_computer: dict[str, Any]
) -> None:
    origin, auth = _vm(contract, shared_computer)
    shot = success_body(contract.get(f"{origin}/screenshot", headers=auth))
    image = Image.open(io.BytesIO(base64.b64decode(shot["image"])))
    assert image.format == "PNG" and image.size == (shot["width"], shot["height"])


def test_vm_actions_take_the_platform_bodies(
    contract: ContractClient, shared_computer: dict[str, Any]
) -> None:
    origin, auth = _vm(contract, shared_computer)
    with contract.recorder.step("click"):
        answer = success_body(contract.post(f"{origin}/click", headers=auth, json={"x": 3, "y": 4}))
        assert answer["success"] is True
    with contract.recorder.step("bash"):
        ran = contract.post(f"{origin}/bash", headers=auth, json={"command": "echo vm-contract"})
        assert "vm-contract" in success_body(ran)["output"]
    with contract.recorder.step("wait takes seconds"):
        success_body(contract.post(f"{origin}/wait", headers=auth, json={"seconds": 0}))


def test_vm_terminal_runs_the_mcp_wrapper_between_its_sentinels(
    contract: ContractClient, shared_computer: dict[str, Any]
) -> None:
    origin, auth = _vm(contract, shared_computer)
    url = origin.replace("http://", "ws://", 1) + "/terminal?cols=200&rows=50"
    command = "cd /tmp && echo vm-terminal $PWD; (exit 3)"
    seen: dict[str, Any] = {"status": None}
    try:
        with contract.recorder.step("WS /terminal takes the bearer token on the upgrade"):
            ws = connect(url, additional_headers=auth, open_timeout=60)
            seen["status"] = 101
        with ws, contract.recorder.step("the wrapper's sentinels frame output and exit code"):
            seen["output"], seen["exit_code"] = run_in_terminal(ws, command, full=True, timeout=60)
            assert (seen["output"], seen["exit_code"]) == ("vm-terminal /tmp", 3)
    finally:
        contract.recorder.record(
            {
                "request": {"method": "WEBSOCKET", "url": url, "body": {"command": command}},
                "response": {"status": seen.pop("status"), "body": seen or None},
                "seconds": None,
            }
        )


def test_vm_terminal_refuses_a_query_token_on_newer_images(
    contract: ContractClient, shared_computer: dict[str, Any]
) -> None:
    """Newer images (those answering ``desktop_api_token``) take the token only as a
    header: ``?token=`` is an HTTP 401 on the upgrade, so clients fall through at once."""
    origin, _ = _vm(contract, shared_computer)
    secrets = success_body(contract.get(f"/computers/{shared_computer['id']}/vnc-password"))
    if "desktop_api_token" not in secrets:
        pytest.skip("an older image: its terminal takes ?token= (section 20)")
    url = origin.replace("http://", "ws://", 1) + "/terminal"
    with pytest.raises(InvalidStatus) as refused:
        connect(f"{url}?token={secrets['desktop_api_token']}", open_timeout=60).close()
    status = refused.value.response.status_code
    contract.recorder.record(
        {
            "request": {"method": "WEBSOCKET", "url": f"{url}?token=…", "body": None},
            "response": {"status": status, "body": None},
            "seconds": None,
        }
    )
    assert status == 401


def test_vm_api_refuses_a_missing_token_with_a_json_error(
    contract: ContractClient, shared_computer: dict[str, Any]
) -> None:
    origin, _ = _vm(contract, shared_computer)
    refused = contract.get(f"{origin}/screenshot", auth=False)
    assert refused.status_code == 401
    assert isinstance(refused.json().get("error"), str)


def test_create_refuses_a_workspace_name(
    contract: ContractClient, workspace: dict[str, Any]
) -> None:
    body = {"project": workspace["name"], "name": "by-name"}
    assert (
        "workspace_id is required"
        in error_body(contract.post("/computers", json=body), 400)["error"]
    )


def test_resize_ignores_unknown_keys(
    contract: ContractClient, shared_computer: dict[str, Any]
) -> None:
    ident = shared_computer["id"]
    before = success_body(contract.get(f"/computers/{ident}"))
    answer = success_body(contract.patch(f"/computers/{ident}/resize", json={"cpu": 2, "ram": 8}))
    assert (answer["vcpus"], answer["mem_gb"]) == (before["cpu"], before["ram"])
