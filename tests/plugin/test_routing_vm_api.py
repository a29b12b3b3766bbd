"""Transparent routing covers each computer's direct VM API: in fake mode
``instance_details`` names ``{instance_id}.vm.orgo.test`` on port 80, a host no DNS
answers, and httpx (in memory), requests, websockets and websocket-client reach the
computer's VM API there with its token, as the MCP server builds the URL."""

from __future__ import annotations

import pytest
from orgo_helpers import run

VM_CLIENTS = """
    import base64, json
    import httpx
    import pytest
    import requests
    import websocket
    import websockets.sync.client

    API = "https://www.orgo.ai/api"
    AUTH = {"Authorization": "Bearer sk_whatever"}

    @pytest.fixture
    def vm(orgo_computer):
        info = httpx.post(f"{API}/computers/{orgo_computer.id}/ensure-running", headers=AUTH)
        details = info.json()["instance_details"]
        token = httpx.get(f"{API}/computers/{orgo_computer.id}/vnc-password", headers=AUTH)
        assert details["publicHost"] == f"{orgo_computer.instance_id}.vm.orgo.test"
        assert details["apiPort"] == 80
        origin = f"http://{details['publicHost']}:{details['apiPort']}"
        return origin, {"Authorization": "Bearer " + token.json()["desktop_api_token"]}

    def test_httpx_screenshot(vm):
        origin, auth = vm
        shot = httpx.get(f"{origin}/screenshot", headers=auth).json()
        assert base64.b64decode(shot["image"]).startswith(b"\\x89PNG")

    def test_requests_click(vm, orgo_server, orgo_computer):
        origin, auth = vm
        answer = requests.post(f"{origin}/click", headers=auth, json={"x": 7, "y": 8}, timeout=5)
        assert answer.json()["details"]["x"] == 7
        assert orgo_server.desktop(orgo_computer.id).pointer.x == 7

    def test_another_vms_host_refuses_the_token(vm, orgo_computer):
        origin, auth = vm
        other = origin.replace(orgo_computer.instance_id, "00000000")
        assert httpx.get(f"{other}/screenshot", headers=auth).status_code == 401

    def test_websockets_terminal(vm):
        origin, auth = vm
        url = origin.replace("http://", "ws://") + "/terminal"
        with websockets.sync.client.connect(url, additional_headers=auth, open_timeout=5) as ws:
            ws.recv(timeout=5)  # the prompt
            ws.send(json.dumps({"type": "input", "data": "echo via-vm\\r"}))
            seen = ""
            while "via-vm\\r\\n" not in seen:
                seen += json.loads(ws.recv(timeout=5)).get("data", "")

    def test_websocket_client_terminal(vm):
        origin, auth = vm
        url = origin.replace("http://", "ws://") + "/terminal"
        header = [f"Authorization: {auth['Authorization']}"]
        ws = websocket.create_connection(url, header=header, timeout=5)
        try:
            ws.send(json.dumps({"type": "ping"}))
            kinds = [json.loads(ws.recv())["type"] for _ in range(2)]
        finally:
            ws.close()
        assert "pong" in kinds
"""


def test_vm_api_hosts_are_routed_to_the_fake(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_vm=VM_CLIENTS)
    run(pytester).assert_outcomes(passed=5)
