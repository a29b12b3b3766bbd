"""VM API calls in the request log and under fault injection, like platform calls.

They appear as ``/vm/{computer_id}/{endpoint}`` (``-`` for the id when the token names no
computer), so a path glob tells the two surfaces apart: a fault on ``/computers/*/click``
leaves the VM's ``/click`` working (the MCP server's fallback), one on ``/vm/*/click``
fails it in the VM's own error shape, and a fault with no path matches both.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from fake_server import FakeOrgo
from fake_server.request_log import redact
from tests.fake_server.vm_api.conftest import Served


def _vm(api: httpx.Client, computer: dict[str, Any]) -> tuple[str, str]:
    details = api.post(f"/computers/{computer['id']}/ensure-running").json()["instance_details"]
    token = api.get(f"/computers/{computer['id']}/vnc-password").json()["desktop_api_token"]
    return f"http://{details['publicHost']}:{details['apiPort']}", token


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_vm_calls_are_logged_under_vm_paths(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, Any]
) -> None:
    origin, token = _vm(api, computer)
    api.post(f"{origin}/click", headers=_auth(token), json={"x": 5, "y": 6})
    api.get(f"{origin}/screenshot", headers=_auth("dat_stale"))
    click, refused = fake.requests(path="/vm/*")
    assert (click.method, click.path, click.status) == ("POST", f"/vm/{computer['id']}/click", 200)
    assert click.body == {"x": 5, "y": 6} and click.key == token
    assert (refused.path, refused.status) == ("/vm/-/screenshot", 401)
    assert fake.requests("POST", "/computers/*/click") == []  # not a platform call


def test_a_vm_fault_fails_the_vm_call_in_the_vms_error_shape(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, Any]
) -> None:
    origin, token = _vm(api, computer)
    fake.inject_fault(status=503, method="POST", path="/vm/*/click")
    failed = api.post(f"{origin}/click", headers=_auth(token), json={"x": 1, "y": 1})
    assert failed.status_code == 503 and failed.json() == {"error": "Injected fault"}
    assert "x-request-id" not in failed.headers  # the VM is not the platform
    platform = api.post(f"/computers/{computer['id']}/click", json={"x": 2, "y": 2})
    assert platform.status_code == 200
    again = api.post(f"{origin}/click", headers=_auth(token), json={"x": 3, "y": 3})
    assert again.status_code == 200  # times=1: used up
    assert [e.status for e in fake.requests("POST", "/vm/*/click")] == [503, 200]


def test_a_429_fault_on_the_vm_carries_retry_after(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, Any]
) -> None:
    origin, token = _vm(api, computer)
    fake.inject_fault(status=429, retry_after=3, path=f"/vm/{computer['id']}/screenshot")
    answer = api.get(f"{origin}/screenshot", headers=_auth(token))
    assert answer.status_code == 429 and answer.headers["retry-after"] == "3"
    assert answer.json() == {"error": "Too many requests"}


def test_a_pathless_fault_matches_the_vm_too(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, Any]
) -> None:
    origin, token = _vm(api, computer)
    fake.inject_fault(status=500, message="down", times=None)
    assert api.get(f"{origin}/screenshot", headers=_auth(token)).json() == {"error": "down"}
    assert api.get(f"/computers/{computer['id']}").status_code == 500


def test_a_dropped_vm_call_loses_its_connection(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, Any]
) -> None:
    origin, token = _vm(api, computer)
    fake.inject_fault(drop=True, path="/vm/*/screenshot")
    with pytest.raises(httpx.RemoteProtocolError):
        api.get(f"{origin}/screenshot", headers=_auth(token))
    assert api.get(f"{origin}/screenshot", headers=_auth(token)).status_code == 200


def test_a_delay_fault_delays_the_vm_answer(fake: FakeOrgo, computer: dict[str, Any]) -> None:
    with fake.state.lock:
        token = fake.state.vm_token(fake.state.computers[computer["id"]])
    fake.inject_fault(delay=2.5, path="/vm/*/screenshot")
    headers = {"authorization": f"Bearer {token}"}  # as the transports pass them: lower case
    answer = fake.vm_dispatcher.handle("GET", "/screenshot", headers=headers)
    assert answer.status == 200 and answer.delay == 2.5  # the transports sleep it


def test_over_http_the_log_shows_vm_calls_with_the_token_redacted(vm: Served) -> None:
    """Loopback and standalone: ``GET /_fake/requests`` and ``POST /_fake/faults``."""
    computer = vm.computer()
    client = vm.mcp()
    host, port = client.vm_endpoint(computer["id"])
    token = client.vm_token(computer["id"])
    fault = {"status": 502, "method": "GET", "path": "/vm/*/screenshot"}
    assert vm.control("POST", "/faults", json=fault).status_code in (200, 201)
    url = f"http://{host}:{port}/screenshot"
    assert vm.http.get(url, headers=_auth(token)).status_code == 502
    assert vm.http.get(url, headers=_auth(token)).status_code == 200
    log = vm.control("GET", "/requests", params={"path": f"/vm/{computer['id']}/*"}).json()
    entries = [(e["method"], e["path"], e["status"], e["key"]) for e in log["requests"]]
    shot = ("GET", f"/vm/{computer['id']}/screenshot")
    assert entries == [(*shot, 502, redact(token)), (*shot, 200, redact(token))]
