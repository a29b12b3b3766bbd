"""Workspaces and their ``/projects`` alias (orgo-api.md section 1; "Decisions": create
201, name required and unique, the list key follows the path, GET embeds ``desktops``,
delete removes, then 404)."""

from __future__ import annotations

import uuid
from typing import Any

from tests.contract.contract_support import ContractClient, error_body, success_body


def _name() -> str:
    return f"pytest-orgo-contract-ws-{uuid.uuid4().hex[:8]}"


def _assert_workspace(body: dict[str, Any], name: str) -> None:
    assert isinstance(body["id"], str) and body["id"]
    assert body["name"] == name
    assert isinstance(body["user_id"], str) and body["user_id"]
    assert body["status"] == "active"
    assert body["icon_url"] is None
    assert isinstance(body["created_at"], str) and body["created_at"][:4].isdigit()


def test_create_get_list_delete(contract: ContractClient) -> None:
    name = _name()
    with contract.recorder.step("create answers 201 with the workspace"):
        created = success_body(contract.post("/workspaces", json={"name": name}), 201)
        _assert_workspace(created, name)
    ident = created["id"]
    try:
        with contract.recorder.step("get embeds desktops, empty for a new workspace"):
            got = success_body(contract.get(f"/workspaces/{ident}"))
            _assert_workspace(got, name)
            assert got["desktops"] == []
        with contract.recorder.step("list is keyed 'workspaces' and holds it"):
            listed = success_body(contract.get("/workspaces"))["workspaces"]
            assert [w["name"] for w in listed if w["id"] == ident] == [name]
        with contract.recorder.step("the /projects alias lists it under 'projects'"):
            listed = success_body(contract.get("/projects"))["projects"]
            assert [w["name"] for w in listed if w["id"] == ident] == [name]
        with contract.recorder.step("the /projects alias gets it"):
            assert success_body(contract.get(f"/projects/{ident}"))["id"] == ident
    finally:
        with contract.recorder.step("delete answers success"):
            assert success_body(contract.delete(f"/workspaces/{ident}")) == {"success": True}
    with contract.recorder.step("a deleted workspace is 404"):
        error_body(contract.get(f"/workspaces/{ident}"), 404)


def test_create_through_the_projects_alias(contract: ContractClient) -> None:
    name = _name()
    created = success_body(contract.post("/projects", json={"name": name}), 201)
    _assert_workspace(created, name)
    deleted = contract.post(f"/projects/{created['id']}/delete")  # live-verified (section 20)
    assert success_body(deleted) == {"success": True}
    error_body(contract.get(f"/projects/{created['id']}"), 404)


def test_a_duplicate_name_is_400(contract: ContractClient, workspace: dict[str, Any]) -> None:
    error_body(contract.post("/workspaces", json={"name": workspace["name"]}), 400)


def test_a_missing_or_empty_name_is_400(contract: ContractClient) -> None:
    with contract.recorder.step("missing name"):
        error_body(contract.post("/workspaces", json={}), 400)
    with contract.recorder.step("empty name"):
        error_body(contract.post("/workspaces", json={"name": ""}), 400)


def test_an_unknown_workspace_is_404(contract: ContractClient) -> None:
    error_body(contract.get(f"/workspaces/{uuid.uuid4()}"), 404)
    error_body(contract.delete(f"/workspaces/{uuid.uuid4()}"), 404)
