"""Every documented error path answers with the documented status and a JSON
``{"error": ..., "request_id": ...}``: never a 500, never a framework's default page."""

from __future__ import annotations

import httpx
import pytest

from fake_server import FakeOrgo

API = "https://www.orgo.ai/api"


def _assert_error(response: httpx.Response, status: int, fragment: str = "") -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["error"], str) and fragment in body["error"]
    assert isinstance(body["request_id"], str) and len(body["request_id"]) == 36
    return dict(body)


def test_missing_key_is_401(fake: FakeOrgo) -> None:
    with httpx.Client(transport=fake.transport(), base_url=API) as anonymous:
        _assert_error(anonymous.get("/workspaces"), 401, "Missing API key")
        _assert_error(
            anonymous.get("/workspaces", headers={"Authorization": "Bearer "}),
            401,
            "Missing API key",
        )
        _assert_error(
            anonymous.get("/workspaces", headers={"Authorization": "Basic abc"}),
            401,
            "Missing API key",
        )


def test_invalid_key_is_401_when_keys_are_configured() -> None:
    fake = FakeOrgo(api_keys=["sk_good"])
    with httpx.Client(transport=fake.transport(), base_url=API) as client:
        _assert_error(
            client.get("/workspaces", headers={"Authorization": "Bearer sk_bad"}),
            401,
            "Invalid API key",
        )
        assert (
            client.get("/workspaces", headers={"Authorization": "Bearer sk_good"}).status_code
            == 200
        )


def test_workspace_scoped_key_on_another_workspace(
    fake: FakeOrgo, api: httpx.Client, workspace: dict[str, object], computer: dict[str, object]
) -> None:
    other = api.post("/workspaces", json={"name": "other"}).json()
    fake.add_api_key("sk_scoped", workspace_id=other["id"])
    scoped = {"Authorization": "Bearer sk_scoped"}
    body = _assert_error(
        api.get(f"/workspaces/{workspace['id']}", headers=scoped), 403, "scoped to workspace"
    )
    assert body["code"] == "workspace_scope_mismatch"
    assert (
        body["key_workspace_id"] == other["id"] and body["target_workspace_id"] == workspace["id"]
    )
    computer_error = _assert_error(api.get(f"/computers/{computer['id']}", headers=scoped), 403)
    assert computer_error["code"] == "workspace_scope_mismatch"
    assert (
        _assert_error(api.post("/workspaces", json={"name": "x"}, headers=scoped), 403)["code"]
        == "workspace_scope_mismatch"
    )
    assert [w["id"] for w in api.get("/workspaces", headers=scoped).json()["workspaces"]] == [
        other["id"]
    ]
    assert api.get(f"/workspaces/{other['id']}", headers=scoped).status_code == 200


def test_another_accounts_resources_are_403(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    fake.add_api_key("sk_stranger", account_id="someone-else")
    _assert_error(
        api.get(f"/computers/{computer['id']}", headers={"Authorization": "Bearer sk_stranger"}),
        403,
        "Access denied",
    )
    assert api.get("/workspaces", headers={"Authorization": "Bearer sk_stranger"}).json() == {
        "workspaces": []
    }


@pytest.mark.parametrize(
    "path",
    [
        "/computers/00000000-0000-4000-8000-000000000000",
        "/computers/deadbeef",
        "/workspaces/nope",
        "/no/such/route",
    ],
)
def test_unknown_ids_and_routes_are_404(api: httpx.Client, path: str) -> None:
    _assert_error(api.get(path), 404)


def test_outside_api_prefix_is_404(fake: FakeOrgo) -> None:
    with httpx.Client(transport=fake.transport()) as client:
        _assert_error(client.get("https://www.orgo.ai/computers"), 404, "/api")


def test_bad_field_values_are_400(api: httpx.Client, computer: dict[str, object]) -> None:
    _assert_error(api.post(f"/computers/{computer['id']}/click", json={"x": -1, "y": 0}), 400, "x")
    _assert_error(api.post(f"/computers/{computer['id']}/click", json={"x": "1", "y": 0}), 400, "x")
    _assert_error(
        api.post(f"/computers/{computer['id']}/click", json={"x": 1}), 400, "y is required"
    )
    _assert_error(
        api.post(f"/computers/{computer['id']}/scroll", json={"direction": "sideways"}),
        400,
        "direction",
    )


def test_malformed_json_is_400(api: httpx.Client, computer: dict[str, object]) -> None:
    headers = {"content-type": "application/json"}
    _assert_error(
        api.post(f"/computers/{computer['id']}/click", content=b"{nope", headers=headers),
        400,
        "Invalid JSON",
    )
    _assert_error(
        api.post(f"/computers/{computer['id']}/click", content=b"[1, 2]", headers=headers),
        400,
        "JSON object",
    )


def test_conflicting_lifecycle_transition_is_409(
    api: httpx.Client, computer: dict[str, object]
) -> None:
    _assert_error(api.post(f"/computers/{computer['id']}/start"), 409, "not stopped")


def test_wait_over_60_seconds_is_400(api: httpx.Client, computer: dict[str, object]) -> None:
    _assert_error(
        api.post(f"/computers/{computer['id']}/wait", json={"seconds": 60.01}), 400, "seconds"
    )


def test_shrinking_a_disk_is_400(api: httpx.Client, computer: dict[str, object]) -> None:
    _assert_error(
        api.patch(f"/computers/{computer['id']}/resize", json={"disk_size_gb": 7}), 400, "only grow"
    )


def test_plan_limit_is_403(
    fake: FakeOrgo, api: httpx.Client, workspace: dict[str, object], computer: dict[str, object]
) -> None:
    fake.set_plan(max_running_computers=1)
    _assert_error(
        api.post("/computers", json={"workspace_id": workspace["id"], "name": "two"}),
        403,
        "Plan limit",
    )
    _assert_error(api.post(f"/computers/{computer['id']}/clone"), 403, "Plan limit")
    api.post(f"/computers/{computer['id']}/stop")
    assert (
        api.post("/computers", json={"workspace_id": workspace["id"], "name": "two"}).status_code
        == 201
    )
    _assert_error(api.post(f"/computers/{computer['id']}/start"), 403, "Plan limit")
    fake.set_plan(max_ram_gb=8)
    _assert_error(
        api.post("/computers", json={"workspace_id": workspace["id"], "name": "big", "ram": 16}),
        403,
        "8 GB",
    )


def test_wrong_method_is_405(api: httpx.Client, computer: dict[str, object]) -> None:
    response = api.delete(f"/computers/{computer['id']}/click")
    _assert_error(response, 405, "Method not allowed")
    assert response.headers["allow"] == "POST"
    _assert_error(api.put("/workspaces"), 405)


def test_rate_limit_is_429_with_retry_after(fake: FakeOrgo, api: httpx.Client) -> None:
    fake.set_rate_limit(2, per_seconds=60, retry_after=7)
    assert api.get("/workspaces").status_code == 200
    assert api.get("/workspaces").status_code == 200
    response = api.get("/workspaces")
    _assert_error(response, 429, "Too many requests")
    assert response.headers["retry-after"] == "7"
    fake.set_rate_limit(None)
    assert api.get("/workspaces").status_code == 200
