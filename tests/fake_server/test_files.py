"""Files: multipart upload (into a workspace, and a computer's Desktop), list, export,
download, delete."""

from __future__ import annotations

import httpx

from fake_server import FakeOrgo


def anonymous(fake: FakeOrgo) -> httpx.Client:
    """A client with no API key: signed URLs must work without one."""
    return httpx.Client(transport=fake.transport())


def _upload(
    api: httpx.Client, workspace_id: object, content: bytes = b"hello", **fields: str
) -> httpx.Response:
    data = {"workspaceId": str(workspace_id), **fields}
    return api.post("/files/upload", files={"file": ("note.txt", content, "text/plain")}, data=data)


def test_upload_list_download_delete(
    fake: FakeOrgo, api: httpx.Client, workspace: dict[str, object]
) -> None:
    uploaded = _upload(api, workspace["id"])
    assert uploaded.status_code == 200
    info = uploaded.json()["file"]
    assert (info["filename"], info["size_bytes"], info["content_type"]) == (
        "note.txt",
        5,
        "text/plain",
    )
    listed = api.get("/files", params={"workspaceId": workspace["id"]}).json()["files"]
    assert [f["id"] for f in listed] == [info["id"]] and listed[0]["source"] == "upload"
    url = api.get("/files/download", params={"id": info["id"]}).json()["url"]
    served = anonymous(fake).get(url)
    assert served.status_code == 200 and served.content == b"hello"
    assert api.delete("/files/delete", params={"id": info["id"]}).json() == {"success": True}
    assert api.get("/files/download", params={"id": info["id"]}).status_code == 404


def test_upload_with_desktop_lands_on_its_desktop(
    fake: FakeOrgo, api: httpx.Client, workspace: dict[str, object], computer: dict[str, object]
) -> None:
    _upload(api, workspace["id"], b"data", desktopId=str(computer["id"]))
    assert fake.desktop(str(computer["id"])).read_file("/home/user/Desktop/note.txt") == b"data"
    filtered = api.get(
        "/files", params={"projectId": workspace["id"], "desktopId": computer["id"]}
    ).json()
    assert len(filtered["files"]) == 1


def test_upload_limits_and_fields(api: httpx.Client, workspace: dict[str, object]) -> None:
    too_big = _upload(api, workspace["id"], b"x" * (10 * 1024 * 1024 + 1))
    assert too_big.status_code == 400 and "10 MB" in too_big.json()["error"]
    no_workspace = api.post("/files/upload", files={"file": ("a", b"1")})
    assert no_workspace.status_code == 400 and "workspaceId" in no_workspace.json()["error"]
    no_file = api.post(
        "/files/upload", data={"workspaceId": str(workspace["id"])}, files={"other": ("a", b"1")}
    )
    assert no_file.status_code == 400
    not_multipart = api.post("/files/upload", json={"workspaceId": workspace["id"]})
    assert not_multipart.status_code == 400


def test_export_reads_under_home_only(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    cid = str(computer["id"])
    fake.desktop(cid).write_file("/home/user/Documents/report.csv", b"a,b\n")
    for path in (
        "Documents/report.csv",
        "~/Documents/report.csv",
        "/home/user/Documents/report.csv",
    ):
        exported = api.post("/files/export", json={"desktopId": cid, "path": path})
        assert exported.status_code == 200, exported.text
        body = exported.json()
        assert body["success"] is True and body["file"]["source"] == "export"
        assert anonymous(fake).get(body["url"]).content == b"a,b\n"
    outside = api.post("/files/export", json={"desktopId": cid, "path": "/etc/passwd"})
    assert outside.status_code == 403
    escape = api.post("/files/export", json={"desktopId": cid, "path": "../../etc/passwd"})
    assert escape.status_code == 403
    missing = api.post("/files/export", json={"desktopId": cid, "path": "nope.txt"})
    assert missing.status_code == 404


def test_signed_url_rejects_tampering_and_expiry(
    fake: FakeOrgo, api: httpx.Client, workspace: dict[str, object]
) -> None:
    info = _upload(api, workspace["id"]).json()["file"]
    url = api.get("/files/download", params={"id": info["id"]}).json()["url"]
    assert anonymous(fake).get(url.replace("signature=", "signature=0")).status_code == 403
    assert anonymous(fake).get(url).status_code == 200
    fake.advance(3601)
    assert anonymous(fake).get(url).status_code == 403
