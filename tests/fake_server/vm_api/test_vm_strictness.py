"""Where the VM API refuses what production refuses (section 20), so a client that works
on the fake does not break live: the VM has no ``/files/export`` (404 at the time of the
live checks), takes its token only as ``Authorization: Bearer`` on REST, never an API
key, and older images answer ``vnc-password`` without ``desktop_api_token``."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from fake_server import FakeOrgo


def _origin(api: httpx.Client, computer: dict[str, Any]) -> str:
    details = api.post(f"/computers/{computer['id']}/ensure-running").json()["instance_details"]
    return f"http://{details['publicHost']}:{details['apiPort']}"


def _token(api: httpx.Client, computer: dict[str, Any]) -> str:
    return str(api.get(f"/computers/{computer['id']}/vnc-password").json()["desktop_api_token"])


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_vm_has_no_files_export(
    api: httpx.Client, computer: dict[str, Any], method: str
) -> None:
    auth = {"Authorization": f"Bearer {_token(api, computer)}"}
    answer = api.request(
        method, f"{_origin(api, computer)}/files/export", headers=auth, json={"path": "a"}
    )
    assert answer.status_code == 404 and set(answer.json()) == {"error"}


def test_the_token_in_the_query_is_refused_on_rest(
    api: httpx.Client, computer: dict[str, Any]
) -> None:
    answer = api.get(
        f"{_origin(api, computer)}/screenshot", params={"token": _token(api, computer)}
    )
    assert answer.status_code == 401


def test_an_api_key_is_not_a_vm_token(api: httpx.Client, computer: dict[str, Any]) -> None:
    key = api.headers["authorization"]  # "Bearer sk_..."
    answer = api.get(f"{_origin(api, computer)}/screenshot", headers={"Authorization": key})
    assert answer.status_code == 401


def test_older_images_answer_the_password_alone(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, Any]
) -> None:
    fake.set_vm_api(older_images=True)
    answer = api.get(f"/computers/{computer['id']}/vnc-password").json()
    assert set(answer) == {"password"}
    fake.set_vm_api(older_images=False)
    answer = api.get(f"/computers/{computer['id']}/vnc-password").json()
    assert set(answer) == {"password", "desktop_api_token"}
