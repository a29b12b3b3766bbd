"""Files: upload, list, download, export from the computer, delete (orgo-api.md section
10; "Decisions": ``workspaceId`` or ``projectId``; at most 10 MB; an upload with
``desktopId`` lands in that computer's ``~/Desktop``; export reads only under /home/user;
download and export give a URL that serves the bytes)."""

from __future__ import annotations

import uuid
from typing import Any

from tests.contract.contract_support import ContractClient, error_body, success_body


def _upload(contract: ContractClient, content: bytes, name: str, **fields: str) -> dict[str, Any]:
    files = {"file": (name, content, "text/plain")}
    return success_body(contract.post("/files/upload", data=fields, files=files))


def test_upload_list_download_delete(contract: ContractClient, workspace: dict[str, Any]) -> None:
    name = f"contract-{uuid.uuid4().hex[:6]}.txt"
    with contract.recorder.step("upload answers the file"):
        info = _upload(contract, b"hello contract", name, workspaceId=workspace["id"])["file"]
        assert (info["filename"], info["size_bytes"]) == (name, 14)
        assert info["content_type"].startswith("text/plain") and info["created_at"]
    with contract.recorder.step("list by workspaceId holds it, as an upload"):
        listed = success_body(contract.get("/files", params={"workspaceId": workspace["id"]}))
        assert [f["source"] for f in listed["files"] if f["id"] == info["id"]] == ["upload"]
    with contract.recorder.step("list by projectId (the alias) holds it too"):
        listed = success_body(contract.get("/files", params={"projectId": workspace["id"]}))
        assert info["id"] in [f["id"] for f in listed["files"]]
    with contract.recorder.step("download gives a URL that serves the bytes, no key needed"):
        url = success_body(contract.get("/files/download", params={"id": info["id"]}))["url"]
        served = contract.get(url, auth=False)
        assert served.status_code == 200 and served.content == b"hello contract"
    with contract.recorder.step("delete answers success, then the file is 404"):
        deleted = contract.delete("/files/delete", params={"id": info["id"]})
        assert success_body(deleted) == {"success": True}
        error_body(contract.get("/files/download", params={"id": info["id"]}), 404)


def test_upload_to_a_desktop_then_export_it(
    contract: ContractClient, workspace: dict[str, Any], shared_computer: dict[str, Any]
) -> None:
    name = f"contract-{uuid.uuid4().hex[:6]}.txt"
    ident = shared_computer["id"]
    with contract.recorder.step("upload with desktopId (and projectId)"):
        info = _upload(
            contract, b"on the desktop", name, projectId=workspace["id"], desktopId=ident
        )
        assert info["file"]["filename"] == name
    with contract.recorder.step("it is in the computer's ~/Desktop"):
        shown = success_body(
            contract.post(f"/computers/{ident}/bash", json={"command": f"cat ~/Desktop/{name}"})
        )
        assert shown["output"] == "on the desktop"
    with contract.recorder.step("the desktopId filter lists it"):
        params = {"workspaceId": workspace["id"], "desktopId": ident}
        listed = success_body(contract.get("/files", params=params))["files"]
        assert name in [f["filename"] for f in listed]
    with contract.recorder.step("export from the computer gives the bytes"):
        body = {"desktopId": ident, "path": f"Desktop/{name}"}
        exported = success_body(contract.post("/files/export", json=body))
        assert exported["success"] is True and exported["file"]["filename"] == name
        served = contract.get(exported["url"], auth=False)
        assert served.status_code == 200 and served.content == b"on the desktop"
    with contract.recorder.step("export outside /home/user is 403"):
        body = {"desktopId": ident, "path": "/etc/hostname"}
        error_body(contract.post("/files/export", json=body), 403)
    with contract.recorder.step("export of a missing file is 404"):
        body = {"desktopId": ident, "path": "Desktop/no-such-file.txt"}
        error_body(contract.post("/files/export", json=body), 404)


def test_upload_refusals_are_400(contract: ContractClient, workspace: dict[str, Any]) -> None:
    with contract.recorder.step("no workspaceId"):
        response = contract.post("/files/upload", files={"file": ("a.txt", b"1", "text/plain")})
        error_body(response, 400)
    with contract.recorder.step("more than 10 MB"):
        big = b"x" * (10 * 1024 * 1024 + 1)
        files = {"file": ("big.bin", big, "application/octet-stream")}
        response = contract.post(
            "/files/upload", data={"workspaceId": workspace["id"]}, files=files
        )
        error_body(response, 400)
    with contract.recorder.step("list without a workspace"):
        error_body(contract.get("/files"), 400)
