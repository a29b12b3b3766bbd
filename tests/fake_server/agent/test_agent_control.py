"""/_fake/agent: the agent's control surface over HTTP (for other processes)."""

from __future__ import annotations

import httpx

from fake_server import FakeOrgo
from tests.conftest import API
from tests.fake_server.agent.conftest import complete


def control(fake: FakeOrgo) -> httpx.Client:
    return httpx.Client(transport=fake.transport(), base_url=API.replace("/api", "/_fake"))


def test_script_queue_and_runs_over_http(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    with control(fake) as ctl:
        steps = [
            {"type": "tool_use", "action": "left_click", "coordinate": [10, 10]},
            {"type": "answer", "text": "scripted over http"},
        ]
        queued = ctl.post("/agent/scripts", json={"steps": steps, "computer_id": computer["id"]})
        assert queued.status_code == 201 and queued.json() == {"pending": 1}
        answer = complete(api, computer["id"]).json()["choices"][0]["message"]["content"]
        assert answer == "scripted over http"
        runs = ctl.get("/agent/runs", params={"computer_id": computer["id"]}).json()["runs"]
        assert [r["outcome"] for r in runs] == ["success"]
        assert runs[0]["steps"][0]["step"]["action"] == "left_click"
        assert runs[0]["steps"][0]["request"].endswith("/click")
        threads = ctl.get("/agent/threads").json()["threads"]
        assert threads[0]["desktopId"] == computer["id"]


def test_default_and_credits_over_http(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    with control(fake) as ctl:
        ctl.put("/agent/default", json={"steps": [{"type": "answer", "text": "always"}]})
        assert complete(api, computer["id"]).json()["choices"][0]["message"]["content"] == "always"
        assert ctl.put("/agent/default", json={"steps": None}).status_code == 200
        assert (
            complete(api, computer["id"], "x").json()["choices"][0]["message"]["content"]
            == "Done: x"
        )
        assert ctl.put("/agent/credits", json={"cents": 0}).json() == {"cents": 0}
        assert complete(api, computer["id"]).status_code == 402
        assert ctl.get("/agent/credits").json() == {"cents": 0}
        assert ctl.put("/agent/credits", json={"cents": None}).json() == {"cents": None}
        assert complete(api, computer["id"]).status_code == 200
        assert ctl.delete("/agent").json() == {"success": True}
        assert fake.agent.runs() == []


def test_bad_control_input_is_a_clear_400(fake: FakeOrgo, computer: dict[str, object]) -> None:
    with control(fake) as ctl:
        bad = ctl.post("/agent/scripts", json={"steps": [{"type": "tool_use", "action": "type"}]})
        assert bad.status_code == 400 and "type needs text" in bad.json()["error"]
        assert ctl.post("/agent/scripts", json={"steps": []}).status_code == 400
        assert ctl.post("/agent/scripts", json={}).status_code == 400
        unknown = ctl.post(
            "/agent/scripts", json={"steps": [{"type": "answer"}], "computer_id": "x"}
        )
        assert unknown.status_code == 404
        assert ctl.put("/agent/credits", json={"cents": -1}).status_code == 400
        assert ctl.get("/agent/runs", params={"computer_id": "x"}).status_code == 404
