"""/api/chat/threads: list by desktopId, create, get, patch, delete, title stream."""

from __future__ import annotations

import httpx

from fake_server import FakeOrgo
from tests.fake_server.agent.conftest import complete


def test_create_get_list_delete(api: httpx.Client, computer: dict[str, object]) -> None:
    made = api.post("/chat/threads", json={"desktopId": computer["id"], "localId": "local-1"})
    assert made.status_code == 201
    remote = made.json()["remoteId"]
    assert made.json() == {"remoteId": remote, "externalId": "local-1"}
    assert api.get(f"/chat/threads/{remote}").json() == {
        "remoteId": remote,
        "status": "active",
        "messages": [],
    }
    listed = api.get("/chat/threads", params={"desktopId": computer["id"]}).json()["threads"]
    assert [t["remoteId"] for t in listed] == [remote]
    assert listed[0]["id"] == remote and listed[0]["status"] == "active"
    assert api.delete(f"/chat/threads/{remote}").json() == {"success": True}
    assert api.get(f"/chat/threads/{remote}").status_code == 404


def test_list_is_newest_first_and_per_desktop(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object], workspace: dict[str, object]
) -> None:
    other = api.post("/computers", json={"workspace_id": workspace["id"], "name": "pc-2"}).json()
    old = complete(api, computer["id"]).headers["x-thread-id"]
    fake.advance(10)
    new = complete(api, computer["id"]).headers["x-thread-id"]
    complete(api, other["id"])
    listed = api.get("/chat/threads", params={"desktopId": computer["id"]}).json()["threads"]
    assert [t["id"] for t in listed] == [new, old]
    assert listed[0]["messages"][0] == {"role": "user", "content": "do the task"}


def test_patch_title_messages_archive_unarchive(
    api: httpx.Client, computer: dict[str, object]
) -> None:
    remote = api.post("/chat/threads", json={"desktopId": computer["id"]}).json()["remoteId"]
    url = f"/chat/threads/{remote}"
    patched = api.patch(url, json={"title": "Mine", "messages": [{"role": "user", "content": "a"}]})
    assert patched.json() == {"remoteId": remote, "status": "active", "title": "Mine"}
    assert api.get(url).json()["messages"] == [{"role": "user", "content": "a"}]
    archived = api.patch(url, json={"archive": True, "title": "ignored"}).json()
    assert archived == {"remoteId": remote, "status": "archived", "title": "Mine"}  # archive wins
    assert api.patch(url, json={"unarchive": True}).json()["status"] == "active"


def test_title_is_a_text_stream(api: httpx.Client, computer: dict[str, object]) -> None:
    remote = api.post("/chat/threads", json={"desktopId": computer["id"]}).json()["remoteId"]
    messages = [{"role": "user", "content": "Open the browser and check the weather in Paris"}]
    response = api.post(f"/chat/threads/{remote}/title", json={"messages": messages})
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == '0:"Open the browser and check the…"\n'


def test_errors_are_plain_strings(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    missing = api.get("/chat/threads")
    assert missing.status_code == 400 and missing.json()["error"] == "desktopId is required"
    assert api.post("/chat/threads", json={}).json()["error"] == "desktopId is required"
    assert api.post("/chat/threads", json={"desktopId": "nope"}).status_code == 404
    assert api.get("/chat/threads/nope").status_code == 404
    remote = api.post("/chat/threads", json={"desktopId": computer["id"]}).json()["remoteId"]
    fake.add_api_key("sk_stranger", account_id="stranger")
    foreign = api.get(f"/chat/threads/{remote}", headers={"Authorization": "Bearer sk_stranger"})
    assert foreign.status_code == 403 and isinstance(foreign.json()["error"], str)
    assert api.get("/chat/threads", headers={"Authorization": ""}).status_code == 401
