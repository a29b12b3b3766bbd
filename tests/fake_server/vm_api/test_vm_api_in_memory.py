"""The VM API in memory (``fake.transport()`` answers ``{instance_id}.vm.orgo.test``),
and the rules that do not depend on a socket: which host, which token, which state."""

from __future__ import annotations

from typing import Any

import httpx

from fake_server import FakeOrgo


def _vm(api: httpx.Client, computer: dict[str, Any]) -> tuple[str, dict[str, str]]:
    details = api.post(f"/computers/{computer['id']}/ensure-running").json()["instance_details"]
    token = api.get(f"/computers/{computer['id']}/vnc-password").json()["desktop_api_token"]
    return f"http://{details['publicHost']}:{details['apiPort']}", {
        "Authorization": f"Bearer {token}"
    }


def test_in_memory_the_vm_is_a_host_no_dns_answers(
    api: httpx.Client, computer: dict[str, Any]
) -> None:
    details = computer["instance_details"]
    assert details["publicHost"] == f"{computer['instance_id']}.vm.orgo.test"
    assert details["vncHost"] == details["publicHost"] and details["apiPort"] == 80
    origin, auth = _vm(api, computer)
    shot = api.get(f"{origin}/screenshot", headers=auth)
    assert shot.status_code == 200 and set(shot.json()) == {"image", "width", "height"}


def test_a_token_works_only_on_its_own_vm_host(
    fake: FakeOrgo, api: httpx.Client, workspace: dict[str, Any], computer: dict[str, Any]
) -> None:
    other = api.post("/computers", json={"workspace_id": workspace["id"], "name": "pc-2"}).json()
    origin, auth = _vm(api, computer)
    other_origin, other_auth = _vm(api, other)
    assert api.get(f"{other_origin}/screenshot", headers=auth).status_code == 401
    assert api.get(f"{other_origin}/screenshot", headers=other_auth).status_code == 200
    assert api.post(f"{origin}/click", headers=auth, json={"x": 9, "y": 9}).status_code == 200
    assert fake.desktop(computer["id"]).pointer.x == 9
    assert fake.desktop(other["id"]).pointer.x != 9


def test_a_stopped_vm_answers_not_available(api: httpx.Client, computer: dict[str, Any]) -> None:
    origin, auth = _vm(api, computer)
    api.post(f"/computers/{computer['id']}/stop")
    answer = api.get(f"{origin}/screenshot", headers=auth)
    assert answer.status_code == 400
    assert answer.json() == {"error": "Desktop instance not available"}


def test_a_deleted_computers_token_is_refused(api: httpx.Client, computer: dict[str, Any]) -> None:
    origin, auth = _vm(api, computer)
    api.delete(f"/computers/{computer['id']}")
    assert api.get(f"{origin}/screenshot", headers=auth).status_code == 401


def test_the_older_image_switch_and_reset(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, Any]
) -> None:
    fake.set_vm_api(older_images=True)
    secrets = api.get(f"/computers/{computer['id']}/vnc-password").json()
    assert set(secrets) == {"password"}  # section 20: the token field is newer images' only
    details = api.post(f"/computers/{computer['id']}/ensure-running").json()["instance_details"]
    origin = f"http://{details['publicHost']}:{details['apiPort']}"
    auth = {"Authorization": f"Bearer {secrets['password']}"}
    assert api.get(f"{origin}/screenshot", headers=auth).status_code == 200
    fake.reset()  # back to newer images, like every other setting
    assert fake.state.vm_api.older_images is False
