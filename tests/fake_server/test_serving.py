"""One app, three ways to serve it: in memory, loopback thread, standalone process."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import httpx
import pytest
import requests

from fake_server import FakeOrgo


def test_loopback_serves_requests_and_control(fake: FakeOrgo) -> None:
    with fake.serve() as server:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api", server.base_url)
        headers = {"Authorization": "Bearer k"}
        workspace = requests.post(
            f"{server.base_url}/workspaces", json={"name": "w"}, headers=headers
        ).json()
        computer = requests.post(
            f"{server.base_url}/computers",
            json={"workspace_id": workspace["id"], "name": "c"},
            headers=headers,
        ).json()
        assert computer["connection_url"] == f"{server.url}/desktops/{computer['instance_id']}"
        assert requests.get(f"{server.url}/_fake/state").json()["computers"] == 1
        missing = requests.get(f"{server.base_url}/nope", headers=headers)
        assert missing.status_code == 404 and missing.json()["error"]


def test_loopback_drop_fault_closes_the_connection(fake: FakeOrgo) -> None:
    fake.inject_fault(drop=True, path="/workspaces")
    with fake.serve() as server:
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{server.base_url}/workspaces", headers={"Authorization": "Bearer k"})
        after = requests.get(f"{server.base_url}/workspaces", headers={"Authorization": "Bearer k"})
        assert after.status_code == 200


def test_loopback_delay_fault_waits(fake: FakeOrgo) -> None:
    fake.inject_fault(delay=0.3, path="/workspaces")
    with fake.serve() as server:
        started = time.monotonic()
        response = httpx.get(f"{server.base_url}/workspaces", headers={"Authorization": "Bearer k"})
        assert response.status_code == 200 and time.monotonic() - started >= 0.3


def test_standalone_command_prints_url_and_checks_keys() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fake_server",
            "serve",
            "--port",
            "0",
            "--api-key",
            "sk_only",
            "--log-level",
            "warning",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+/api)", line)
        assert match, line
        base = match.group(1)
        assert (
            httpx.get(f"{base}/workspaces", headers={"Authorization": "Bearer sk_only"}).status_code
            == 200
        )
        wrong = httpx.get(f"{base}/workspaces", headers={"Authorization": "Bearer sk_other"})
        assert wrong.status_code == 401 and wrong.json()["error"] == "Invalid API key"
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)


def test_console_script_is_installed() -> None:
    script = os.path.join(os.path.dirname(sys.executable), "orgo-fake")
    result = subprocess.run([script, "serve", "--help"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 and "--api-key" in result.stdout


def test_bad_cli_arguments_are_usage_errors() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fake_server", "serve", "--port", "99999"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2 and "--port" in result.stderr
