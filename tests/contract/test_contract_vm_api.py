"""The direct VM API and the live-verified corrections (orgo-api.md section 20).

The VM API is what ``instance_details.publicHost``/``apiPort`` address; its bearer is
``desktop_api_token`` from ``GET /computers/{id}/vnc-password``. Against live these
checks measure the drift there too (the WebSocket ``/terminal`` is left to the fake's
own tests: the contract client speaks HTTP)."""

from __future__ import annotations

import base64
import io
from typing import Any

from PIL import Image

from tests.contract.contract_support import ContractClient, error_body, success_body


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
