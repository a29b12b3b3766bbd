"""The control surface, in Python and over HTTP under /_fake."""

from __future__ import annotations

import httpx
import pytest

from fake_server import FakeOrgo


def test_request_log(fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]) -> None:
    api.post(f"/computers/{computer['id']}/click", json={"x": 3, "y": 4})
    clicks = fake.requests("POST", "/computers/*/click")
    assert len(clicks) == 1
    assert clicks[0].body == {"x": 3, "y": 4} and clicks[0].status == 200
    assert [r.path for r in fake.requests()][:2] == ["/workspaces", "/computers"]


def test_reset_forgets_everything(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    fake.set_plan(max_running_computers=0)
    fake.reset()
    assert fake.counts() == {"workspaces": 0, "computers": 0}
    assert fake.requests() == []
    workspace = api.post("/workspaces", json={"name": "again"}).json()
    assert (
        api.post("/computers", json={"workspace_id": workspace["id"], "name": "n"}).status_code
        == 201
    )


def test_seeded_ids_repeat() -> None:
    def make() -> tuple[str, str]:
        fake = FakeOrgo(seed=42)
        with httpx.Client(
            transport=fake.transport(),
            base_url="https://www.orgo.ai/api",
            headers={"Authorization": "Bearer k"},
        ) as c:
            ws = c.post("/workspaces", json={"name": "w"}).json()
            pc = c.post("/computers", json={"workspace_id": ws["id"], "name": "p"}).json()
        return pc["id"], pc["vnc_password"]

    assert make() == make()


def test_fault_status_then_recovers(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    fault = fake.inject_fault(
        status=503, path="/computers/*/click", times=2, message="down for a bit"
    )
    for _ in range(2):
        response = api.post(f"/computers/{computer['id']}/click", json={"x": 1, "y": 1})
        assert response.status_code == 503 and response.json()["error"] == "down for a bit"
    assert api.post(f"/computers/{computer['id']}/click", json={"x": 1, "y": 1}).status_code == 200
    assert fault.hits == 2 and fault.exhausted


def test_fault_only_matches_method_and_path(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    fake.inject_fault(status=500, method="DELETE", path="re:^/computers/[^/]+$")
    assert api.get(f"/computers/{computer['id']}").status_code == 200
    assert api.delete(f"/computers/{computer['id']}").status_code == 500


def test_fault_drop_raises_connection_error_in_memory(fake: FakeOrgo, api: httpx.Client) -> None:
    fake.inject_fault(drop=True, path="/workspaces")
    with pytest.raises(httpx.RemoteProtocolError):
        api.get("/workspaces")
    assert api.get("/workspaces").status_code == 200


def test_fault_429_carries_retry_after(fake: FakeOrgo, api: httpx.Client) -> None:
    fake.inject_fault(status=429, retry_after=3)
    response = api.get("/workspaces")
    assert response.status_code == 429 and response.headers["retry-after"] == "3"


def test_fault_validation() -> None:
    fake = FakeOrgo()
    with pytest.raises(ValueError, match="needs a status"):
        fake.inject_fault()
    with pytest.raises(ValueError, match="HTTP status"):
        fake.inject_fault(status=42)


def test_control_over_http(fake: FakeOrgo) -> None:
    with httpx.Client(transport=fake.transport(), base_url="https://www.orgo.ai") as http:
        assert http.post("/_fake/keys", json={"key": "sk_a"}).status_code == 201
        assert (
            http.put("/_fake/plan", json={"max_running_computers": 0}).json()[
                "max_running_computers"
            ]
            == 0
        )
        assert http.put("/_fake/lifecycle", json={"mode": "manual"}).status_code == 200
        assert http.put("/_fake/lifecycle", json={"mode": "sometimes"}).status_code == 400
        assert (
            http.post("/_fake/faults", json={"status": 418, "path": "/workspaces"}).status_code
            == 201
        )
        assert (
            http.get("/api/workspaces", headers={"Authorization": "Bearer sk_a"}).status_code == 418
        )
        assert http.put("/_fake/rate-limit", json={"requests": 1}).status_code == 200
        assert http.get("/_fake/requests").json()["requests"][0]["status"] == 418
        assert http.post("/_fake/clock/advance", json={"seconds": 10}).status_code == 200
        assert http.post("/_fake/clock/advance", json={"seconds": -1}).status_code == 400
        assert http.get("/_fake/state").json()["workspaces"] == 0
        assert http.post("/_fake/faults", json={"bogus": 1}).status_code == 400
        assert http.post("/_fake/reset").json() == {"success": True}
        assert http.get("/_fake/requests").json()["requests"] == []
        assert http.get("/_fake/nope").status_code == 404
