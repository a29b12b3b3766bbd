"""Computers: create with defaults and validation, read, delete, lifecycle, clone, resize, move."""

from __future__ import annotations

import re

import httpx
import pytest

from fake_server import FakeOrgo


def test_create_defaults(
    api: httpx.Client, workspace: dict[str, object], computer: dict[str, object]
) -> None:
    assert computer["status"] == "running"
    assert (computer["os"], computer["ram"], computer["cpu"], computer["gpu"]) == (
        "linux",
        4,
        1,
        "none",
    )
    assert computer["disk_size_gb"] == 8
    assert computer["resolution"] == "1280x720x24"
    assert computer["auto_stop_minutes"] == 0
    assert computer["workspace_id"] == workspace["id"]
    assert re.fullmatch(r"[0-9a-f]{8}", str(computer["instance_id"]))
    assert computer["fly_instance_id"] == computer["instance_id"]
    assert computer["instance_details"]["resolution"] == "1280x720x24"  # type: ignore[index]
    assert computer["connection_url"] == f"https://www.orgo.ai/desktops/{computer['instance_id']}"
    assert computer["hostname"] == "www.orgo.ai"
    assert len(str(computer["vnc_password"])) >= 12


def test_sizes_are_echoed(api: httpx.Client, workspace: dict[str, object]) -> None:
    body = {
        "workspace_id": workspace["id"],
        "name": "big",
        "ram": 16,
        "cpu": 4,
        "gpu": "a10",
        "disk_size_gb": 50,
        "resolution": "1920x1080x24",
        "auto_stop_minutes": 15,
        "template_ref": "system/claude-code@1.0.0",
    }
    created = api.post("/computers", json=body).json()
    for field in (
        "ram",
        "cpu",
        "gpu",
        "disk_size_gb",
        "resolution",
        "auto_stop_minutes",
        "template_ref",
    ):
        assert created[field] == body[field]


def test_project_id_alias(api: httpx.Client, workspace: dict[str, object]) -> None:
    response = api.post("/computers", json={"project_id": workspace["id"], "name": "aliased"})
    assert response.status_code == 201 and response.json()["workspace_id"] == workspace["id"]


@pytest.mark.parametrize(
    "override,fragment",
    [
        ({"workspace_id": None}, "workspace_id is required"),
        ({"name": None}, "name is required"),
        ({"os": "macos"}, "os"),
        ({"os": "windows"}, "Windows"),
        ({"ram": 3}, "ram"),
        ({"ram": "8"}, "ram"),
        ({"cpu": 3}, "cpu"),
        ({"gpu": "h100"}, "gpu"),
        ({"disk_size_gb": 4}, "disk_size_gb"),
        ({"disk_size_gb": 8.5}, "disk_size_gb"),
        ({"resolution": "1280x720"}, "resolution"),
        ({"resolution": "wide"}, "resolution"),
        ({"auto_stop_minutes": -1}, "auto_stop_minutes"),
    ],
)
def test_create_validation(
    api: httpx.Client, workspace: dict[str, object], override: dict[str, object], fragment: str
) -> None:
    body = {"workspace_id": workspace["id"], "name": "bad", **override}
    body = {k: v for k, v in body.items() if v is not None}
    response = api.post("/computers", json=body)
    assert response.status_code == 400, response.text
    assert fragment in response.json()["error"]


def test_unknown_template_is_404(api: httpx.Client, workspace: dict[str, object]) -> None:
    response = api.post(
        "/computers", json={"workspace_id": workspace["id"], "name": "t", "template_ref": "me/x@1"}
    )
    assert response.status_code == 404 and "Template not found" in response.json()["error"]


def test_duplicate_name_in_workspace(
    api: httpx.Client, workspace: dict[str, object], computer: dict[str, object]
) -> None:
    response = api.post("/computers", json={"workspace_id": workspace["id"], "name": "pc-1"})
    assert response.status_code == 400 and "already exists" in response.json()["error"]


def test_get_by_uuid_or_instance_id(api: httpx.Client, computer: dict[str, object]) -> None:
    assert api.get(f"/computers/{computer['id']}").json()["id"] == computer["id"]
    assert api.get(f"/computers/{computer['instance_id']}").json()["id"] == computer["id"]


def test_list_computers_route_is_405(api: httpx.Client) -> None:
    response = api.get("/computers")
    assert response.status_code == 405
    assert "Method not allowed" in response.json()["error"]


def test_delete_then_404(api: httpx.Client, computer: dict[str, object]) -> None:
    assert api.delete(f"/computers/{computer['id']}").json() == {"success": True}
    assert api.get(f"/computers/{computer['id']}").status_code == 404
    assert api.delete(f"/computers/{computer['id']}").status_code == 404


def test_lifecycle_immediate(api: httpx.Client, computer: dict[str, object]) -> None:
    cid = computer["id"]
    assert api.post(f"/computers/{cid}/stop").json() == {"success": True, "status": "stopping"}
    assert api.get(f"/computers/{cid}").json()["status"] == "stopped"
    assert api.post(f"/computers/{cid}/stop").status_code == 409
    assert api.post(f"/computers/{cid}/restart").status_code == 409
    assert api.post(f"/computers/{cid}/start").json() == {"success": True, "status": "starting"}
    assert api.get(f"/computers/{cid}").json()["status"] == "running"
    conflict = api.post(f"/computers/{cid}/start")
    assert conflict.status_code == 409 and "not stopped" in conflict.json()["error"]


def test_restart_issues_new_password(api: httpx.Client, computer: dict[str, object]) -> None:
    cid = computer["id"]
    before = api.get(f"/computers/{cid}/vnc-password").json()["password"]
    assert api.post(f"/computers/{cid}/restart").json() == {"success": True, "status": "restarting"}
    after = api.get(f"/computers/{cid}/vnc-password").json()["password"]
    assert before == computer["vnc_password"] and after != before
    assert api.get(f"/computers/{cid}").json()["status"] == "running"


def test_lifecycle_delay_settles_on_fake_clock(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    fake.set_lifecycle("delay", delay=5)
    cid = computer["id"]
    api.post(f"/computers/{cid}/stop")
    assert api.get(f"/computers/{cid}").json()["status"] == "stopping"
    fake.advance(4.9)
    assert api.get(f"/computers/{cid}").json()["status"] == "stopping"
    fake.advance(0.2)
    assert api.get(f"/computers/{cid}").json()["status"] == "stopped"


def test_lifecycle_manual_settles_when_told(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    fake.set_lifecycle("manual")
    cid = str(computer["id"])
    api.post(f"/computers/{cid}/restart")
    fake.advance(3600)
    assert api.get(f"/computers/{cid}").json()["status"] == "restarting"
    assert api.post(f"/computers/{cid}/click", json={"x": 1, "y": 1}).status_code == 400
    assert fake.settle(cid) == 1
    assert api.get(f"/computers/{cid}").json()["status"] == "running"


def test_idempotent_mode(fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]) -> None:
    fake.set_lifecycle(idempotent=True)
    response = api.post(f"/computers/{computer['id']}/start")
    assert response.status_code == 200 and response.json()["status"] == "running"


def test_auto_stop(api: httpx.Client, computer: dict[str, object]) -> None:
    cid = computer["id"]
    assert api.get(f"/computers/{cid}/auto-stop").json() == {
        "auto_stop_minutes": 0,
        "configurable": True,
    }
    assert (
        api.patch(f"/computers/{cid}/auto-stop", json={"auto_stop_minutes": 30}).json()[
            "auto_stop_minutes"
        ]
        == 30
    )
    assert api.get(f"/computers/{cid}").json()["auto_stop_minutes"] == 30
    for bad in (-1, 1.5, "10", None):
        assert (
            api.patch(f"/computers/{cid}/auto-stop", json={"auto_stop_minutes": bad}).status_code
            == 400
        )


def test_clone_copies_disk(fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]) -> None:
    cid = str(computer["id"])
    fake.desktop(cid).write_file("/home/user/Desktop/notes.txt", b"keep me")
    first = api.post(f"/computers/{cid}/clone")
    second = api.post(f"/computers/{cid}/clone", json={})
    assert first.status_code == 201 and second.status_code == 201
    assert first.json()["name"] == "pc-1 (clone)" and second.json()["name"] == "pc-1 (clone 2)"
    assert first.json()["status"] == "running"
    clone_id = first.json()["id"]
    assert clone_id != cid and first.json()["vnc_password"] != computer["vnc_password"]
    assert fake.desktop(clone_id).read_file("/home/user/Desktop/notes.txt") == b"keep me"
    fake.desktop(cid).write_file("/home/user/Desktop/notes.txt", b"changed")
    assert fake.desktop(clone_id).read_file("/home/user/Desktop/notes.txt") == b"keep me"


def test_clone_named_into_other_workspace(api: httpx.Client, computer: dict[str, object]) -> None:
    other = api.post("/workspaces", json={"name": "other"}).json()
    clone = api.post(
        f"/computers/{computer['id']}/clone", json={"name": "copy", "targetProjectId": other["id"]}
    )
    assert clone.status_code == 201
    assert clone.json()["workspace_id"] == other["id"] and clone.json()["name"] == "copy"


def test_resize_all_applied(api: httpx.Client, computer: dict[str, object]) -> None:
    response = api.patch(
        f"/computers/{computer['id']}/resize", json={"vcpus": 2, "mem_gb": 8, "disk_size_gb": 20}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["vcpus"], body["mem_gb"], body["disk_size_gb"], body["partial"]) == (
        2,
        8,
        20,
        False,
    )
    assert body["results"]["mem_mb"] == {"requested": 8192, "applied": 8192, "ok": True}
    assert api.get(f"/computers/{computer['id']}").json()["ram"] == 8


def test_resize_partial_is_207(api: httpx.Client, computer: dict[str, object]) -> None:
    response = api.patch(f"/computers/{computer['id']}/resize", json={"vcpus": 2, "mem_gb": 64})
    assert response.status_code == 207
    body = response.json()
    assert body["partial"] is True
    assert body["results"]["vcpus"]["ok"] is True
    assert (
        body["results"]["mem_mb"]["ok"] is False and "32 GB" in body["results"]["mem_mb"]["error"]
    )
    assert body["mem_gb"] == 4  # what was applied, not what was asked


def test_resize_all_rejected_is_422(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    fake.set_plan(max_cpu=2)
    response = api.patch(f"/computers/{computer['id']}/resize", json={"vcpus": 4, "mem_gb": 64})
    assert response.status_code == 422
    assert "No resize could be applied" in response.json()["error"]


def test_resize_disk_only_grows(api: httpx.Client, computer: dict[str, object]) -> None:
    response = api.patch(f"/computers/{computer['id']}/resize", json={"disk_size_gb": 4})
    assert response.status_code == 400 and "can only grow" in response.json()["error"]


def test_resize_needs_running(api: httpx.Client, computer: dict[str, object]) -> None:
    api.post(f"/computers/{computer['id']}/stop")
    assert api.patch(f"/computers/{computer['id']}/resize", json={"vcpus": 2}).status_code == 409


def test_resize_ignores_unknown_keys(api: httpx.Client, computer: dict[str, object]) -> None:
    """Section 20 (live-verified): ``cpu``/``ram`` are not aliases; 200, nothing changed."""
    response = api.patch(f"/computers/{computer['id']}/resize", json={"cpu": 4, "ram": 16})
    assert response.status_code == 200
    body = response.json()
    assert (body["vcpus"], body["mem_gb"], body["partial"]) == (1, 4, False)
    assert "results" not in body
    after = api.get(f"/computers/{computer['id']}").json()
    assert (after["cpu"], after["ram"]) == (1, 4)
    mixed = api.patch(f"/computers/{computer['id']}/resize", json={"vcpus": 2, "ram": 16})
    assert (mixed.status_code, mixed.json()["vcpus"], mixed.json()["mem_gb"]) == (200, 2, 4)


def test_move_between_workspaces(
    api: httpx.Client, workspace: dict[str, object], computer: dict[str, object]
) -> None:
    other = api.post("/workspaces", json={"name": "other"}).json()
    moved = api.patch(f"/computers/{computer['id']}/move", json={"workspace_id": other["id"]})
    assert moved.json() == {"success": True, "workspace_id": other["id"], "project_id": other["id"]}
    assert api.get(f"/computers/{computer['id']}").json()["workspace_id"] == other["id"]
    again = api.patch(f"/computers/{computer['id']}/move", json={"project_id": other["id"]})
    assert again.status_code == 400 and "already" in again.json()["error"]
    assert api.patch(f"/computers/{computer['id']}/move", json={}).status_code == 400


def test_event_catalog(api: httpx.Client, computer: dict[str, object]) -> None:
    catalog = api.get(f"/computers/{computer['id']}/events").json()["event_types"]
    assert len(catalog) == 12
    assert {"type", "description", "detection"} == set(catalog[0])
