"""Unit tests of the client's pieces that need no transport: models, errors, retry maths."""

from __future__ import annotations

import io
import pickle
from datetime import UTC, datetime

import httpx
import pytest
from PIL import Image

from pytest_orgo.client._retry import backoff_delay, parse_retry_after, retry_delay
from pytest_orgo.errors import OrgoAPIError, OrgoConnectionError
from pytest_orgo.models import Computer, ResizeResult, Screenshot, StreamStatus, WorkspaceList

# --- models ---------------------------------------------------------------------------


def test_unknown_fields_are_kept_not_refused() -> None:
    computer = Computer.model_validate(
        {"id": "c1", "name": "a", "brand_new_field": {"x": 1}, "cpu": 0.5}
    )
    assert computer.model_extra == {"brand_new_field": {"x": 1}}
    assert computer.cpu == 0.5
    assert computer.vnc_password is None
    assert computer.instance_details == {}


def test_workspace_list_reads_either_key() -> None:
    for key in ("workspaces", "projects"):
        listing = WorkspaceList.model_validate({key: [{"id": "w1", "name": "demo"}]})
        assert [w.id for w in listing.workspaces] == ["w1"]
    assert WorkspaceList.model_validate({}).workspaces == []


def test_resize_failed_lists_refused_dimensions() -> None:
    result = ResizeResult.model_validate(
        {
            "results": {
                "vcpus": {"requested": 2, "applied": 2, "ok": True},
                "disk_gb": {"requested": 4, "applied": 8, "ok": False, "error": "cannot shrink"},
            },
            "partial": True,
        }
    )
    assert list(result.failed) == ["disk_gb"]
    assert result.results["vcpus"].applied == 2


def test_stream_status_start_time_parses() -> None:
    status = StreamStatus.model_validate(
        {"status": "streaming", "start_time": "2026-11-24T10:00:00Z", "pid": 7}
    )
    assert status.start_time == datetime(2026, 11, 24, 10, tzinfo=UTC)
    assert status.success is True


def test_screenshot_size_from_png_header() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (7, 5)).save(buffer, "PNG")
    shot = Screenshot(image="/api/storage/x.png").with_image(buffer.getvalue())
    assert (shot.width, shot.height) == (7, 5)
    assert shot.is_link
    assert "png" not in repr(shot).split("metadata")[-1]  # the bytes stay out of repr
    sized = Screenshot(image="x", mime_type="image/png", width=1, height=1).with_image(b"raw")
    assert (sized.width, sized.height, sized.png) == (1, 1, b"raw")


# --- errors ---------------------------------------------------------------------------


def answer(status: int, **kwargs: object) -> httpx.Response:
    request = httpx.Request("DELETE", "https://www.orgo.ai/api/files/delete?id=f1")
    return httpx.Response(status, request=request, **kwargs)  # type: ignore[arg-type]


def test_error_from_chat_style_body() -> None:
    body = {"error": {"type": "invalid_request", "message": "Bad model", "code": "invalid_model"}}
    error = OrgoAPIError.from_response(answer(400, json=body))
    assert (error.message, error.code) == ("Bad model", "invalid_model")


def test_error_request_id_from_header_and_text_body() -> None:
    error = OrgoAPIError.from_response(
        answer(502, text="Bad gateway", headers={"X-Request-Id": "hdr-1"})
    )
    assert error.request_id == "hdr-1"
    assert error.body == "Bad gateway"
    assert error.message == "Request failed with status 502"
    assert str(error) == (
        "502 Bad Gateway on DELETE /api/files/delete?id=f1: Request failed with status 502"
    )


def test_error_survives_pickling() -> None:
    error = OrgoAPIError.from_response(
        answer(403, json={"error": "nope", "code": "workspace_scope_mismatch", "request_id": "r"})
    )
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is OrgoAPIError
    assert (copy.status, copy.message, copy.code, copy.request_id, copy.url) == (
        403,
        "nope",
        "workspace_scope_mismatch",
        "r",
        "https://www.orgo.ai/api/files/delete?id=f1",
    )
    assert str(copy) == str(error)


def test_connection_error_shape() -> None:
    request = httpx.Request("GET", "http://127.0.0.1:1/api/workspaces")
    error = OrgoConnectionError.from_transport(request, httpx.ConnectError(""))
    assert error.status == 0
    assert error.message == "ConnectError: no detail"
    assert str(error) == "Connection failed on GET /api/workspaces: ConnectError: no detail"
    assert "status=0" in repr(error)
    assert type(pickle.loads(pickle.dumps(error))) is OrgoConnectionError


# --- retry maths ----------------------------------------------------------------------


def test_backoff_sequence() -> None:
    assert [backoff_delay(n) for n in range(9)] == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert backoff_delay(10_000) == 60  # no overflow on absurd retry counts


NOW = datetime(2026, 11, 24, 10, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("30", 30.0),
        (" 4 ", 4.0),
        ("-3", 0.0),
        ("Tue, 24 Nov 2026 10:00:30 GMT", 30.0),
        ("Tue, 24 Nov 2026 10:00:30 -0000", 30.0),
        ("Tue, 24 Nov 2026 09:59:00 GMT", 0.0),
        ("next tuesday", None),
        ("", None),
        ("nan", None),
    ],
)
def test_parse_retry_after(value: str, seconds: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == seconds


def test_retry_delay_caps_the_header_at_sixty() -> None:
    response = httpx.Response(429, headers={"Retry-After": "3600"})
    assert retry_delay(response, 0) == 60.0
    assert retry_delay(httpx.Response(429), 3) == 8.0
