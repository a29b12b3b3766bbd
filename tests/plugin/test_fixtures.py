"""The fixtures: orgo_server, orgo_client, orgo_workspace, orgo_computer,
orgo_sdk_computer, and the async twins orgo_async_client / orgo_async_computer."""

from __future__ import annotations

import re
import sys

import pytest
from orgo_helpers import StandaloneFake, live_args, run, run_subprocess


def test_orgo_server_is_the_fake_on_loopback_with_its_control_surface(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import re
        import httpx
        from fake_server import FakeOrgo

        def test_server(orgo_server):
            assert isinstance(orgo_server, FakeOrgo)
            assert re.fullmatch(r"http://127\\.0\\.0\\.1:\\d+", orgo_server.url)
            assert orgo_server.base_url == orgo_server.url + "/api"
            assert orgo_server.ws_url == orgo_server.url.replace("http://", "ws://")
            # a real server: the control surface answers over HTTP too
            state = httpx.get(orgo_server.url + "/_fake/state").json()
            assert state["computers"] == orgo_server.counts()["computers"]

        def test_control_methods(orgo_server, orgo_client):
            orgo_server.inject_fault(status=418, method="GET", path="/workspaces")
            response = httpx.get(orgo_server.base_url + "/workspaces",
                                 headers={"Authorization": "Bearer k"})
            assert response.status_code == 418
            assert orgo_server.requests("GET", "/workspaces")[-1].status == 418
            orgo_server.set_plan(max_running_computers=0)
            assert orgo_server.state.plan.max_running_computers == 0

        def test_faults_and_plan_did_not_leak(orgo_server, orgo_computer):
            assert orgo_server.faults.active() == []
            assert orgo_server.state.plan.max_running_computers is None

        def test_same_server_all_session(orgo_server, request):
            assert orgo_server is request.getfixturevalue("orgo_server")
        """
    )
    run(pytester).assert_outcomes(passed=4)


def test_client_workspace_and_computer_in_fake_mode(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import re
        from urllib.parse import parse_qs, urlsplit
        import pytest
        from pytest_orgo.client import OrgoClient
        from pytest_orgo.computer import OrgoComputer

        SEEN = {}

        def test_client(orgo_client):
            assert isinstance(orgo_client, OrgoClient)
            assert orgo_client.base_url == "https://www.orgo.ai/api"
            assert isinstance(orgo_client.list_workspaces(), list)

        def test_workspace_is_one_per_run(orgo_workspace, orgo_client):
            workspace = orgo_client.get_workspace(orgo_workspace)
            assert workspace.name.startswith("pytest-orgo-") and workspace.name.endswith("-main")
            SEEN["workspace"] = orgo_workspace

        def test_computer(orgo_computer, orgo_workspace, orgo_server):
            assert isinstance(orgo_computer, OrgoComputer)
            assert orgo_workspace == SEEN["workspace"]  # the same one, still
            assert orgo_computer.workspace_id == orgo_workspace
            assert orgo_computer.info.status == "running"
            assert re.fullmatch(r"[0-9a-f-]{36}", orgo_computer.id)
            assert orgo_computer.instance_id and orgo_computer.password
            assert orgo_computer.password == orgo_server.computer(orgo_computer.id).vnc_password
            origin = orgo_server.ws_url
            for kind, url in [("events", orgo_computer.events_url),
                              ("terminal", orgo_computer.terminal_url),
                              ("audio", orgo_computer.audio_url)]:
                parts = urlsplit(url)
                assert url.startswith(f"{origin}/desktops/{orgo_computer.instance_id}/ws/{kind}?")
                assert parse_qs(parts.query)["token"] == [orgo_computer.password]
            assert parse_qs(urlsplit(orgo_computer.terminal_url).query)["cols"] == ["80"]
            # the desktop handle drives the simulated desktop; the REST API sees it
            orgo_computer.desktop.write_file("/home/user/note.txt", "from the handle")
            assert orgo_computer.bash("cat /home/user/note.txt") == "from the handle"
            orgo_computer.bash("echo from-bash > /home/user/out.txt")
            assert orgo_computer.desktop.read_file("/home/user/out.txt") == b"from-bash\\n"
            SEEN["computer"] = orgo_computer.id

        def test_previous_computer_was_deleted(orgo_server, orgo_computer):
            with pytest.raises(KeyError):
                orgo_server.computer(SEEN["computer"])
            assert orgo_server.counts()["computers"] == 1  # just this test's
            assert orgo_computer.id != SEEN["computer"]
        """
    )
    run(pytester).assert_outcomes(passed=4)


def test_sdk_computer_is_bound_to_the_same_computer(
    pytester: pytest.Pytester, official_sdk: None
) -> None:
    pytester.makepyfile(
        """
        import orgo

        def test_sdk(orgo_sdk_computer, orgo_computer, orgo_server):
            assert isinstance(orgo_sdk_computer, orgo.Computer)
            assert orgo_sdk_computer.computer_id == orgo_computer.id
            assert orgo_sdk_computer.bash("echo hi") == "hi\\n"
            orgo_sdk_computer.bash("echo sdk > /home/user/sdk.txt")
            assert orgo_computer.desktop.read_file("/home/user/sdk.txt") == b"sdk\\n"
            assert orgo_server.requests("POST", f"/computers/{orgo_computer.id}/bash")
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_a_test_with_two_computers_gets_them_together_and_loses_none(
    pytester: pytest.Pytester,
) -> None:
    """``orgo_computer`` and ``orgo_async_computer`` in one test are leased at once (so
    runs sharing a plan limit cannot deadlock); when the test's setup fails between the
    two fixtures, the computer leased for the second is deleted with the first."""
    pytester.makepyfile(
        """
        import pytest

        @pytest.fixture
        def broken(orgo_computer):
            raise RuntimeError("setup failed between the two computers")

        def test_two(orgo_computer, orgo_async_computer, orgo_server):
            assert orgo_computer.id != orgo_async_computer.id
            assert len(orgo_server.state.computers) == 2

        def test_broken(orgo_computer, broken, orgo_async_computer):
            pass

        def test_after(orgo_server):
            assert orgo_server.state.computers == {}
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*setup failed between the two computers*"])


def test_async_twins_under_pytest_asyncio_and_anyio(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from pytest_orgo.client import AsyncOrgoClient

        @pytest.mark.asyncio
        async def test_asyncio_client(orgo_async_client, orgo_workspace):
            assert isinstance(orgo_async_client, AsyncOrgoClient)
            workspace = await orgo_async_client.get_workspace(orgo_workspace)
            assert workspace.id == orgo_workspace

        @pytest.mark.asyncio
        async def test_asyncio_computer(orgo_async_computer):
            client = orgo_async_computer.async_client
            result = await client.bash(orgo_async_computer.id, "echo async")
            assert result.output == "async\\n"
            info = await client.get_computer(orgo_async_computer.id)
            assert info.status == "running"

        @pytest.fixture
        def anyio_backend():
            return "asyncio"

        @pytest.mark.anyio
        async def test_anyio_client_and_computer(orgo_async_client, orgo_async_computer):
            info = await orgo_async_client.get_computer(orgo_async_computer.id)
            assert info.instance_id == orgo_async_computer.instance_id
            computer = orgo_async_computer
            result = await computer.async_client.bash(computer.id, "echo anyio")
            assert result.output == "anyio\\n"
        """
    )
    result = run(pytester, "-W", "error::pytest.PytestUnraisableExceptionWarning")
    result.assert_outcomes(passed=3)


def test_fixtures_in_live_mode(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    """Against a "live" API (the standalone fake): orgo_server skips clearly; the rest
    work, with no desktop handle; the workspace is deleted at the end."""
    pytester.makepyfile(
        f"""
        import pytest

        def test_server(orgo_server):
            pass

        def test_computer(orgo_computer, orgo_workspace, orgo_client):
            assert orgo_computer.desktop is None
            assert orgo_computer.events_url.startswith(
                {fake_api.origin.replace("http://", "ws://")!r} + "/desktops/")
            assert orgo_client.get_workspace(orgo_workspace).desktops[0].id == orgo_computer.id
            print("WORKSPACE", orgo_workspace)

        def test_sdk(orgo_sdk_computer):
            assert orgo_sdk_computer.bash("echo hi") == "hi\\n"

        @pytest.mark.asyncio
        async def test_async(orgo_async_computer):
            result = await orgo_async_computer.async_client.bash(orgo_async_computer.id, "echo a")
            assert result.output == "a\\n"
        """
    )
    result = run_subprocess(pytester, "-rs", "-s", *live_args(fake_api))
    sdk_runs = sys.version_info >= (3, 12)  # below, orgo_sdk_computer skips and says why
    result.assert_outcomes(passed=3 if sdk_runs else 2, skipped=1 if sdk_runs else 2)
    result.stdout.fnmatch_lines(
        ["SKIPPED*orgo_server is the bundled fake, and this run uses the live Orgo API (--orgo)"]
    )
    found = re.search(r"WORKSPACE (\S+)", result.stdout.str())
    assert found is not None
    assert len(fake_api.requests("POST", "/workspaces")) == 1  # one for the run
    deleted = fake_api.requests("DELETE", f"/workspaces/{found.group(1)}")
    assert [r["status"] for r in deleted] == [200]
    assert len(fake_api.requests("POST", "/computers")) == 3
    state = fake_api.state()
    assert (state["workspaces"], state["computers"]) == (0, 0)
