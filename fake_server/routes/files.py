"""Files: upload, list, export from a computer, signed download URLs, delete."""

from __future__ import annotations

import mimetypes
import posixpath
from urllib.parse import quote

from fake_server.desktop.filesystem import HOME, FileSystem, FsError
from fake_server.errors import ApiError, bad_request, forbidden, not_found
from fake_server.framework import ApiRequest, ApiResponse, Body, Query, Router, ok
from fake_server.models import ExportRequest, FileIdQuery, FilesQuery, Request
from fake_server.multipart import parse_multipart
from fake_server.routes.computers import key_of
from fake_server.state import State
from fake_server.storage import MAX_UPLOAD_BYTES, StoredFile
from fake_server.views import file_out

router = Router()


class UploadForm(Request):
    """The multipart fields of ``POST /files/upload``, for the OpenAPI document: the
    handler reads the form itself (the 10 MB limit and the filename rules are its own)."""

    file: bytes
    workspaceId: str | None = None
    projectId: str | None = None
    desktopId: str | None = None


class SignedUrlQuery(Request):
    """The signature of a download URL (missing parts simply fail the check)."""

    expires: str = ""
    signature: str = ""


def _stored_file(state: State, request: ApiRequest, asked: Query[FileIdQuery]) -> StoredFile:
    query = asked.parse()
    stored = state.storage.files.get(query.id)
    if stored is None:
        raise not_found("File not found")
    state.workspace(key_of(request), stored.workspace_id)  # access check
    return stored


@router.post("/files/upload", form=UploadForm)
def upload(state: State, request: ApiRequest) -> ApiResponse:
    parts = parse_multipart(request.headers.get("content-type", ""), request.body)
    fields = {p.name: p for p in parts}
    upload = fields.get("file")
    if upload is None or upload.filename is None:
        raise bad_request("file is required (a multipart file field named 'file')")
    if len(upload.data) > MAX_UPLOAD_BYTES:
        raise bad_request("File too large: the limit is 10 MB")
    workspace_id = next(
        (
            fields[n].data.decode("utf-8", "replace")
            for n in ("workspaceId", "projectId")
            if n in fields
        ),
        "",
    )
    if not workspace_id:
        raise bad_request("workspaceId is required")
    workspace = state.workspace(key_of(request), workspace_id)
    filename = posixpath.basename(upload.filename.replace("\\", "/")).strip()
    if not filename or filename in (".", ".."):
        raise bad_request("The uploaded file needs a name")
    desktop_id = (
        fields["desktopId"].data.decode("utf-8", "replace") if "desktopId" in fields else None
    )
    computer = None
    if desktop_id:
        computer = state.computer(key_of(request), desktop_id)
        if computer.workspace_id != workspace.id:
            raise bad_request("desktopId is not a computer of this workspace")
    content = bytes(upload.data)
    if computer is not None and not computer.desktop.disk.fits(len(content)):
        raise bad_request("No space left on device: the computer's disk is full")
    content_type = (
        upload.content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    )
    stored = state.storage.add_file(
        workspace_id=workspace.id,
        desktop_id=computer.id if computer else None,
        filename=filename,
        content=content,
        content_type=content_type,
        source="upload",
    )
    if computer is not None:
        computer.desktop.disk.write(f"{HOME}/Desktop/{filename}", content)
    return ok({"file": file_out(stored).model_dump(mode="json")})


@router.get("/files")
def list_files(state: State, request: ApiRequest, asked: Query[FilesQuery]) -> ApiResponse:
    query = asked.parse()
    workspace_id = query.workspaceId or query.projectId
    if not workspace_id:
        raise bad_request("workspaceId is required")
    workspace = state.workspace(key_of(request), workspace_id)
    files = state.storage.files_in(workspace.id, query.desktopId)
    return ok({"files": [file_out(f).model_dump(mode="json") for f in files]})


@router.post("/files/export")
def export(state: State, request: ApiRequest, given: Body[ExportRequest]) -> ApiResponse:
    body = given.parse()
    computer = state.computer(key_of(request), body.desktopId)
    desktop = state.require_running(computer)
    path = FileSystem.resolve(body.path)
    if path != HOME and not path.startswith(HOME + "/"):
        raise forbidden(f"Only files under {HOME} can be exported")
    try:
        content = desktop.disk.read(path)
    except FsError as exc:
        raise (not_found if "No such" in exc.reason else bad_request)(
            f"{body.path}: {exc.reason}"
        ) from None
    filename = posixpath.basename(path)
    stored = state.storage.add_file(
        workspace_id=computer.workspace_id,
        desktop_id=computer.id,
        filename=filename,
        content=content,
        content_type=mimetypes.guess_type(filename)[0] or "application/octet-stream",
        source="export",
    )
    url = request.origin + state.storage.signed_path(stored.id)
    return ok({"success": True, "file": file_out(stored).model_dump(mode="json"), "url": url})


@router.get("/files/download")
def download(state: State, request: ApiRequest, asked: Query[FileIdQuery]) -> ApiResponse:
    stored = _stored_file(state, request, asked)
    return ok({"url": request.origin + state.storage.signed_path(stored.id)})


@router.delete("/files/delete")
def delete(state: State, request: ApiRequest, asked: Query[FileIdQuery]) -> ApiResponse:
    stored = _stored_file(state, request, asked)
    del state.storage.files[stored.id]
    return ok({"success": True})


@router.get("/storage/files/{file_id}", auth=False, media_type="*/*")
def serve_file(state: State, request: ApiRequest, asked: Query[SignedUrlQuery]) -> ApiResponse:
    """The signed URL: no API key needed, but the signature must match and be fresh."""
    file_id = request.path_params["file_id"]
    signed = asked.parse()
    if not state.storage.check_signature(file_id, signed.expires, signed.signature):
        raise ApiError(403, "Invalid or expired download URL")
    stored = state.storage.files.get(file_id)
    if stored is None:
        raise not_found("File not found")
    response = ApiResponse(body=stored.content, media_type=stored.content_type)
    response.headers["content-disposition"] = (
        f"attachment; filename*=UTF-8''{quote(stored.filename)}"
    )
    return response
