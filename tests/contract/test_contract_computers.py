"""Computers: create defaults, validation errors, lifecycle and its 409s, delete
(orgo-api.md sections 2-3; "Decisions": create 201 running with documented defaults,
bad values 400 ``{"error"}``, start/stop/restart answer the transitional status, 409
when the state does not allow it, restart changes the VNC password, delete then 404).

One computer for the whole module (created with every default, then driven through
its lifecycle), so a live run pays for one machine here."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.contract.contract_support import (
    ContractClient,
    error_body,
    new_computer,
    success_body,
    wait_for_status,
)

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
INSTANCE_ID = re.compile(r"^[0-9a-f]{8}$")


@pytest.fixture(scope="module")
def computer(
    contract: ContractClient, workspace: dict[str, Any], settle_timeout: float
) -> Iterator[dict[str, Any]]:
    created = new_computer(contract, workspace, "lifecycle", settle_timeout)
    yield created
    with contract.recorder.housekeeping():  # 404 when the last test deleted it already
        contract.delete(f"/computers/{created['id']}")


def test_create_answers_the_full_computer_with_the_defaults(
    computer: dict[str, Any], workspace: dict[str, Any]
) -> None:
    assert UUID.match(computer["id"])
    assert INSTANCE_ID.match(computer["instance_id"])
    assert computer["workspace_id"] == workspace["id"]
    assert computer["project_name"] == workspace["name"]
    defaults = {k: computer.get(k) for k in ("os", "ram", "cpu", "resolution", "status")}
    assert defaults == {
        "os": "linux",
        "ram": 4,
        "cpu": 1,
        "resolution": "1280x720x24",
        "status": "running",
    }
    assert computer["instance_details"]["resolution"] == "1280x720x24"
    for field in ("vnc_password", "connection_url", "url", "created_at"):
        assert isinstance(computer[field], str) and computer[field], field


def test_get_by_uuid_and_by_instance_id(contract: ContractClient, computer: dict[str, Any]) -> None:
    for kind in ("id", "instance_id"):
        with contract.recorder.step(f"GET /computers/{{{kind}}}"):
            ident = computer[kind]
            body = success_body(contract.get(f"/computers/{ident}"))
            assert (body["id"], body["name"]) == (computer["id"], computer["name"])


BAD_BODIES = {
    "ram not an allowed size": {"ram": 3},
    "cpu not an allowed size": {"cpu": 3},
    "unknown gpu": {"gpu": "h100"},
    "resolution not WxHxD": {"resolution": "big"},
    "os other than linux": {"os": "macos"},
    "negative auto_stop_minutes": {"auto_stop_minutes": -1},
    "name missing": {"name": None},
    "name empty": {"name": ""},
    "workspace_id missing": {"workspace_id": None},
}


@pytest.mark.parametrize("change", list(BAD_BODIES.values()), ids=list(BAD_BODIES))
def test_invalid_create_bodies_are_400(
    contract: ContractClient, workspace: dict[str, Any], change: dict[str, Any]
) -> None:
    body = {"workspace_id": workspace["id"], "name": f"contract-bad-{uuid.uuid4().hex[:6]}"}
    body.update(change)
    body = {k: v for k, v in body.items() if v is not None}
    response = contract.post("/computers", json=body)
    if response.is_success:  # drift: do not leave a computer running
        contract.delete(f"/computers/{response.json()['id']}")
    error_body(response, 400)


def test_create_refers_to_things_that_must_exist(
    contract: ContractClient, workspace: dict[str, Any]
) -> None:
    with contract.recorder.step("unknown workspace is 404"):
        body = {"workspace_id": str(uuid.uuid4()), "name": "contract-nowhere"}
        error_body(contract.post("/computers", json=body), 404)
    with contract.recorder.step("unknown template_ref is 404"):
        body = {
            "workspace_id": workspace["id"],
            "name": f"contract-tpl-{uuid.uuid4().hex[:6]}",
            "template_ref": "system/no-such-template@0.0.0",
        }
        response = contract.post("/computers", json=body)
        if response.is_success:
            contract.delete(f"/computers/{response.json()['id']}")
        error_body(response, 404)


def test_a_duplicate_name_in_the_workspace_is_400(
    contract: ContractClient, computer: dict[str, Any], workspace: dict[str, Any]
) -> None:
    body = {"workspace_id": workspace["id"], "name": computer["name"]}
    response = contract.post("/computers", json=body)
    if response.is_success:
        contract.delete(f"/computers/{response.json()['id']}")
    error_body(response, 400)


def test_lifecycle_answers_and_409s(
    contract: ContractClient, computer: dict[str, Any], settle_timeout: float
) -> None:
    ident = computer["id"]
    step = contract.recorder.step
    with step("start while running is 409"):
        error_body(contract.post(f"/computers/{ident}/start"), 409)
    with step("stop answers stopping"):
        body = success_body(contract.post(f"/computers/{ident}/stop"))
        assert body == {"success": True, "status": "stopping"}
        wait_for_status(contract, ident, "stopped", settle_timeout)
    with step("stop while stopped is 409"):
        error_body(contract.post(f"/computers/{ident}/stop"), 409)
    with step("restart while stopped is 409"):
        error_body(contract.post(f"/computers/{ident}/restart"), 409)
    with step("an action on a stopped computer is 400 Desktop instance not available"):
        body = error_body(contract.post(f"/computers/{ident}/click", json={"x": 1, "y": 1}), 400)
        assert body["error"] == "Desktop instance not available"
    with step("start answers starting"):
        body = success_body(contract.post(f"/computers/{ident}/start"))
        assert body == {"success": True, "status": "starting"}
        before = wait_for_status(contract, ident, "running", settle_timeout)["vnc_password"]
    with step("restart answers restarting and issues a new VNC password"):
        body = success_body(contract.post(f"/computers/{ident}/restart"))
        assert body == {"success": True, "status": "restarting"}
        after = wait_for_status(contract, ident, "running", settle_timeout)["vnc_password"]
        assert after != before


def test_delete_then_404(contract: ContractClient, computer: dict[str, Any]) -> None:
    """Last in the module: it deletes the module's computer (file order is run order)."""
    assert success_body(contract.delete(f"/computers/{computer['id']}")) == {"success": True}
    error_body(contract.get(f"/computers/{computer['id']}"), 404)
    error_body(contract.delete(f"/computers/{computer['id']}"), 404)
