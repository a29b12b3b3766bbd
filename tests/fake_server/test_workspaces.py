"""Workspaces and the /projects alias, as the API reference and the SDK use them."""

from __future__ import annotations

import httpx
import pytest


@pytest.mark.parametrize("prefix,key", [("/workspaces", "workspaces"), ("/projects", "projects")])
def test_create_list_get_delete(api: httpx.Client, prefix: str, key: str) -> None:
    created = api.post(prefix, json={"name": "alpha"})
    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "alpha"
    assert body["status"] == "active"
    assert body["icon_url"] is None
    assert {"id", "user_id", "created_at", "updated_at", "desktops"} <= body.keys()

    listed = api.get(prefix).json()
    assert list(listed) == [key]
    assert [w["id"] for w in listed[key]] == [body["id"]]

    one = api.get(f"{prefix}/{body['id']}").json()
    assert one["id"] == body["id"] and one["desktops"] == []

    assert api.delete(f"{prefix}/{body['id']}").json() == {"success": True}
    assert api.get(f"{prefix}/{body['id']}").status_code == 404


def test_get_embeds_full_computer_objects(api: httpx.Client, workspace: dict[str, object]) -> None:
    api.post("/computers", json={"workspace_id": workspace["id"], "name": "one"})
    desktops = api.get(f"/workspaces/{workspace['id']}").json()["desktops"]
    assert [d["name"] for d in desktops] == ["one"]
    assert {"vnc_password", "instance_id", "connection_url", "project_name"} <= desktops[0].keys()
    assert desktops[0]["project_name"] == "tests"


def test_by_name_legacy_route(api: httpx.Client, workspace: dict[str, object]) -> None:
    found = api.get("/projects/by-name/tests")
    assert found.status_code == 200 and found.json()["id"] == workspace["id"]
    assert api.get("/projects/by-name/nope").status_code == 404


def test_delete_removes_its_computers(
    api: httpx.Client, workspace: dict[str, object], computer: dict[str, object]
) -> None:
    api.delete(f"/workspaces/{workspace['id']}")
    assert api.get(f"/computers/{computer['id']}").status_code == 404


@pytest.mark.parametrize(
    "body,fragment",
    [
        ({}, "name is required"),
        ({"name": ""}, "name"),
        ({"name": 5}, "name"),
        ({"name": "x", "status": "sleeping"}, "status"),
    ],
)
def test_create_validation(api: httpx.Client, body: dict[str, object], fragment: str) -> None:
    response = api.post("/workspaces", json=body)
    assert response.status_code == 400
    assert fragment in response.json()["error"]
    assert "request_id" in response.json()


def test_duplicate_name_is_400(api: httpx.Client, workspace: dict[str, object]) -> None:
    response = api.post("/workspaces", json={"name": "tests"})
    assert response.status_code == 400
    assert "already exists" in response.json()["error"]
