"""Transparent routing: in fake mode, code that hard-codes Orgo's URLs reaches the fake
(requests, httpx sync/async, the official SDK, websockets, websocket-client); nothing
else is touched; in live mode nothing is rerouted."""

from __future__ import annotations

import pytest
from orgo_helpers import StandaloneFake, closed_port, live_args, run, run_subprocess

HTTP_CLIENTS = """
    import httpx
    import pytest
    import requests

    API = "https://www.orgo.ai/api"  # hard-coded, as code under test would
    AUTH = {{"Authorization": "Bearer sk_whatever"}}

    def _ids(listing):
        return [w["id"] for w in listing["workspaces"]]

    def test_requests(orgo_workspace, orgo_server):
        response = requests.get(f"{{API}}/workspaces", headers=AUTH, timeout=5)
        assert response.status_code == 200
        assert orgo_workspace in _ids(response.json())  # the run's own fake answered
        assert response.url == f"{{API}}/workspaces"
        assert orgo_server.requests("GET", "/workspaces")

    def test_httpx_sync(orgo_computer):
        response = httpx.get(f"{{API}}/computers/{{orgo_computer.id}}", headers=AUTH)
        assert response.status_code == 200
        assert response.json()["instance_id"] == orgo_computer.instance_id

    @pytest.mark.asyncio
    async def test_httpx_async(orgo_computer):
        async with httpx.AsyncClient(base_url=API, headers=AUTH) as client:
            response = await client.post(f"/computers/{{orgo_computer.id}}/bash",
                                         json={{"command": "echo routed"}})
        assert response.status_code == 200
        assert response.json()["output"] == "routed\\n"

    def test_sdk_with_no_arguments(orgo_server):
        import os
        import orgo
        assert os.environ["ORGO_API_KEY"] == "sk_test_pytest_orgo"  # set by the plugin
        computer = orgo.Computer(verbose=False)
        assert computer.status()["status"] == "running"
        assert orgo_server.computer(computer.computer_id).name == computer.name
        assert orgo_server.requests("POST", "/computers")[-1].key == "sk_test_pytest_orgo"

    def test_other_hosts_are_untouched():
        # a closed loopback port stays closed: not routed to the fake
        with pytest.raises(httpx.ConnectError):
            httpx.get("http://127.0.0.1:{closed}/api/workspaces", headers=AUTH, timeout=2)
        with pytest.raises(requests.ConnectionError):
            requests.get("http://127.0.0.1:{closed}/api/workspaces", headers=AUTH, timeout=2)
        # and another server's API is that server's, not the run's fake
        for get in (httpx.get, requests.get):
            response = get("{standalone}/workspaces", headers=AUTH, timeout=5)
            assert response.status_code == 200 and response.json()["workspaces"] == []
"""

WEBSOCKETS = """
    import asyncio
    import json
    import pytest
    import websocket
    import websockets.asyncio.client
    import websockets.sync.client

    SUBSCRIBE = json.dumps({"type": "subscribe", "event_types": ["clipboard"]})

    def documented(computer):
        return f"wss://www.orgo.ai/desktops/{computer.instance_id}/ws/events?token={computer.password}"

    def legacy(computer):
        return f"wss://{computer.instance_id}.orgo.dev/events?token={computer.password}"

    @pytest.mark.asyncio
    @pytest.mark.parametrize("form", [documented, legacy])
    async def test_websockets_asyncio(orgo_computer, form):
        async with websockets.asyncio.client.connect(form(orgo_computer), open_timeout=5) as ws:
            await ws.send(SUBSCRIBE)
            reply = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert reply["type"] == "subscribed"

    @pytest.mark.parametrize("form", [documented, legacy])
    def test_websockets_sync(orgo_computer, form):
        with websockets.sync.client.connect(form(orgo_computer), open_timeout=5) as ws:
            ws.send(SUBSCRIBE)
            assert json.loads(ws.recv(timeout=5))["type"] == "subscribed"

    @pytest.mark.parametrize("form", [documented, legacy])
    def test_websocket_client(orgo_computer, form):
        ws = websocket.create_connection(form(orgo_computer), timeout=5)
        try:
            ws.send(SUBSCRIBE)
            assert json.loads(ws.recv())["type"] == "subscribed"
        finally:
            ws.close()

    def test_events_really_flow(orgo_computer):
        ws = websocket.create_connection(documented(orgo_computer), timeout=5)
        try:
            ws.send(SUBSCRIBE)
            assert json.loads(ws.recv())["type"] == "subscribed"
            orgo_computer.desktop.set_clipboard("copied")
            event = json.loads(ws.recv())
        finally:
            ws.close()
        assert event["type"] == "event" and event["event"]["type"] == "clipboard"
"""


def test_http_clients_reach_the_fake_in_fake_mode(
    pytester: pytest.Pytester,
    standalone_fake: StandaloneFake,
    monkeypatch: pytest.MonkeyPatch,
    official_sdk: None,
) -> None:
    standalone_fake.reset()
    monkeypatch.delenv("ORGO_API_KEY", raising=False)  # the plugin must set one itself
    pytester.makepyfile(HTTP_CLIENTS.format(closed=closed_port(), standalone=standalone_fake.url))
    result = run(pytester, "-v")
    result.assert_outcomes(passed=5)
    # the other server was reached directly (and only by the test that meant to)
    assert [r["path"] for r in standalone_fake.requests()] == ["/workspaces", "/workspaces"]


def test_websockets_reach_the_fake_in_fake_mode(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(WEBSOCKETS)
    result = run(pytester, "-v")
    result.assert_outcomes(passed=7)


def test_routing_is_undone_after_the_run(pytester: pytest.Pytester) -> None:
    """The patches are installed for the run and removed at its end."""
    import httpx
    import requests.adapters
    import websocket

    before = (
        httpx.HTTPTransport.handle_request,
        httpx.AsyncHTTPTransport.handle_async_request,
        requests.adapters.HTTPAdapter.send,
        websocket.WebSocket.connect,
    )
    pytester.makepyfile(
        """
        import httpx
        def test_patched():
            assert httpx.HTTPTransport.handle_request.__qualname__.endswith("handle_request")
        """
    )
    run(pytester).assert_outcomes(passed=1)
    after = (
        httpx.HTTPTransport.handle_request,
        httpx.AsyncHTTPTransport.handle_async_request,
        requests.adapters.HTTPAdapter.send,
        websocket.WebSocket.connect,
    )
    assert after == before


def test_nothing_is_rerouted_in_live_mode(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    """With --orgo pointed at the standalone fake, a request to the real Orgo URL goes to
    the real Orgo URL: with no internet here it fails to connect; the fake never sees it."""
    pytester.makepyfile(
        """
        import httpx
        import pytest
        import requests
        import websocket
        import websockets.sync.client

        def test_real_orgo_is_not_the_fake(orgo_computer):
            with pytest.raises(httpx.ConnectError):
                httpx.get("https://www.orgo.ai/api/workspaces", timeout=3)
            with pytest.raises(requests.ConnectionError):
                requests.get("https://www.orgo.ai/api/workspaces", timeout=3)
            url = f"wss://www.orgo.ai/desktops/{orgo_computer.instance_id}/ws/events?token=x"
            with pytest.raises(websocket.WebSocketAddressException):  # DNS: no internet
                websocket.create_connection(url, timeout=3)
            with pytest.raises(websocket.WebSocketAddressException):
                websocket.create_connection(
                    f"wss://{orgo_computer.instance_id}.orgo.dev/events?token=x", timeout=3)
            with pytest.raises(OSError):  # socket.gaierror
                websockets.sync.client.connect(url, open_timeout=3)
        """
    )
    result = run_subprocess(pytester, *live_args(fake_api))
    result.assert_outcomes(passed=1)
    # only the plugin's own provisioning reached the fake
    paths = [(r["method"], r["path"].split("/")[1]) for r in fake_api.requests()]
    assert set(paths) == {
        ("POST", "workspaces"),
        ("POST", "computers"),
        ("DELETE", "computers"),
        ("DELETE", "workspaces"),
    }
