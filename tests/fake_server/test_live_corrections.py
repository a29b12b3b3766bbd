"""The live-verified corrections of reference section 20 (the official MCP server 4.1.1,
checked against production): where the fake was more lenient than production is."""

from __future__ import annotations

import httpx


def test_projects_alias_deletes_with_post_delete(api: httpx.Client) -> None:
    workspace = api.post("/projects", json={"name": "doomed"}).json()
    api.post("/computers", json={"workspace_id": workspace["id"], "name": "pc"})
    response = api.post(f"/projects/{workspace['id']}/delete")
    assert (response.status_code, response.json()) == (200, {"success": True})
    assert api.get(f"/projects/{workspace['id']}").status_code == 404
    assert api.post(f"/projects/{workspace['id']}/delete").status_code == 404


def test_delete_on_the_projects_alias_stays_for_the_official_sdk(api: httpx.Client) -> None:
    """Production answers 405 here (section 20), but ``orgo`` 0.0.47's
    ``Workspace.destroy()`` sends ``DELETE /projects/{id}`` (tests/sdk relies on it):
    the SDK wins, so the fake still deletes."""
    workspace = api.post("/workspaces", json={"name": "kept"}).json()
    response = api.delete(f"/projects/{workspace['id']}")
    assert (response.status_code, response.json()) == (200, {"success": True})
    assert api.get(f"/workspaces/{workspace['id']}").status_code == 404


def test_create_refuses_a_project_name(api: httpx.Client, workspace: dict[str, object]) -> None:
    response = api.post("/computers", json={"project": workspace["name"], "name": "pc"})
    assert response.status_code == 400
    assert response.json()["error"] == "workspace_id is required"
    assert api.get(f"/workspaces/{workspace['id']}").json()["desktops"] == []


def test_create_requires_a_name(api: httpx.Client, workspace: dict[str, object]) -> None:
    response = api.post("/computers", json={"workspace_id": workspace["id"]})
    assert response.status_code == 400 and "name is required" in response.json()["error"]


def test_resize_answers_200_unchanged_for_unknown_keys_only(
    api: httpx.Client, computer: dict[str, object]
) -> None:
    response = api.patch(f"/computers/{computer['id']}/resize", json={"cpu": 8, "ram": 32})
    assert response.status_code == 200
    assert (response.json()["vcpus"], response.json()["mem_gb"]) == (1, 4)


def test_wait_takes_seconds_and_still_duration(
    api: httpx.Client, computer: dict[str, object]
) -> None:
    for body in ({"seconds": 0.5}, {"duration": 0.5}):
        answer = api.post(f"/computers/{computer['id']}/wait", json=body)
        assert answer.status_code == 200 and answer.json()["details"] == {"seconds": 0.5}
