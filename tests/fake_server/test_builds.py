"""The legacy builds API, as the official SDK's Template flow uses it."""

from __future__ import annotations

import httpx


def test_create_update_latest(api: httpx.Client, workspace: dict[str, object]) -> None:
    ws = workspace["id"]
    assert (
        api.get("/builds/latest", params={"orgId": "o", "projectId": ws, "name": "img"}).status_code
        == 404
    )
    build = api.post("/builds/create", json={"orgId": "o", "projectId": ws, "name": "img"}).json()[
        "build"
    ]
    assert build["imageRef"].startswith("registry.fly.io/") and build["status"] == "building"
    done = api.post("/builds/update", json={"buildId": build["id"], "status": "completed"})
    assert done.json()["build"]["status"] == "completed"
    latest = api.get("/builds/latest", params={"orgId": "o", "projectId": ws, "name": "img"}).json()
    assert latest["build"]["imageRef"] == build["imageRef"]
    created = api.post(
        "/computers", json={"workspace_id": ws, "name": "t", "image": build["imageRef"]}
    )
    assert created.status_code == 201


def test_errors(api: httpx.Client, workspace: dict[str, object]) -> None:
    assert (
        api.post("/builds/update", json={"buildId": "nope", "status": "completed"}).status_code
        == 404
    )
    bad = api.post("/builds/update", json={"buildId": "x", "status": "exploded"})
    assert bad.status_code == 400 and "status" in bad.json()["error"]
    assert (
        api.post("/builds/create", json={"orgId": "o", "projectId": "missing"}).status_code == 404
    )
