"""Helpers shared by the plugin's tests (imported by conftest.py and the test modules)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.inner_runs import FAST

LIVE_KEY = "sk_live_plugin_tests"
BASE_INI = "asyncio_default_fixture_loop_scope = function\n"


class StandaloneFake:
    """A handle on the standalone fake: its URLs and its ``/_fake`` control surface."""

    def __init__(self, api_url: str) -> None:
        self.url = api_url  # http://127.0.0.1:PORT/api
        self.origin = api_url.rsplit("/api", 1)[0]  # http://127.0.0.1:PORT
        self.state_url = f"{self.origin}/_fake/state"
        self.http = httpx.Client(base_url=self.origin, timeout=10, trust_env=False)

    def state(self) -> dict[str, Any]:
        response = self.http.get("/_fake/state")
        response.raise_for_status()
        return dict(response.json())

    def reset(self) -> None:
        self.http.post("/_fake/reset").raise_for_status()

    def fault(self, **body: Any) -> dict[str, Any]:
        response = self.http.post("/_fake/faults", json=body)
        assert response.status_code == 201, response.text
        return dict(response.json())

    def requests(self, method: str | None = None, path: str | None = None) -> list[dict[str, Any]]:
        params = {k: v for k, v in (("method", method), ("path", path)) if v is not None}
        response = self.http.get("/_fake/requests", params=params)
        response.raise_for_status()
        return list(response.json()["requests"])

    def computer(self, computer_id: str) -> httpx.Response:
        """GET /api/computers/{id} with a key (200 while it exists, 404 after)."""
        return self.http.get(
            f"/api/computers/{computer_id}", headers={"Authorization": f"Bearer {LIVE_KEY}"}
        )


def most_at_once(fake: StandaloneFake) -> int:
    """The most computers alive at once over a whole run, replaying the fake's request
    log in order (a create counts when answered 201, a delete when answered 200)."""
    alive = most = 0
    for entry in fake.requests():
        if entry["method"] == "POST" and entry["path"] == "/computers" and entry["status"] == 201:
            alive += 1
        elif (
            entry["method"] == "DELETE"
            and entry["path"].startswith("/computers/")
            and entry["status"] == 200
        ):
            alive -= 1
        most = max(most, alive)
    return most


def write_ini(pytester: pytest.Pytester, **options: object) -> None:
    """A pytest.ini with these ``orgo_*`` (or other) options."""
    lines = [f"{name} = {value}" for name, value in options.items()]
    pytester.makeini("[pytest]\n" + BASE_INI + "\n".join(lines) + "\n")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """An in-process run (fake mode needs no fresh interpreter)."""
    return pytester.runpytest(*FAST, *args)


def run_subprocess(pytester: pytest.Pytester, *args: str, timeout: float = 60) -> pytest.RunResult:
    """A run in a fresh interpreter (live mode, xdist, signals)."""
    return pytester.runpytest_subprocess(*FAST, *args, timeout=timeout)


def live_args(fake: StandaloneFake, *extra: str) -> tuple[str, ...]:
    return ("--orgo", "--orgo-base-url", fake.url, *extra)


_HELD: list[socket.socket] = []


def closed_port() -> int:
    """A loopback port that refuses connections: bound but never listening, and held for
    the rest of this process so no other program can start listening on it meanwhile."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    _HELD.append(sock)
    return int(sock.getsockname()[1])


def interrupt_while_holding(
    pytester: pytest.Pytester,
    fake: StandaloneFake,
    key: str,
    *extra: str,
    while_held: Callable[[], None] = lambda: None,
) -> tuple[str, str]:
    """Run the live-mode suite in ``pytester`` as a subprocess, wait until its test wrote
    the id of the computer it holds to ``has-computer``, call ``while_held``, then send
    SIGINT: (the run's output, the computer id). The run must end INTERRUPTED."""
    marker = pytester.path / "has-computer"
    command = [
        sys.executable,
        "-m",
        "pytest",
        *FAST,
        *extra,
        f"--basetemp={pytester.path / 'basetemp'}",
        *live_args(fake),
    ]
    process = subprocess.Popen(
        command,
        cwd=pytester.path,
        env=dict(os.environ, ORGO_API_KEY=key),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not marker.exists():
            assert process.poll() is None, process.communicate()[0]
            assert time.monotonic() < deadline, "the test never got its computer"
            time.sleep(0.05)
        while_held()
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == pytest.ExitCode.INTERRUPTED, output
    return output, marker.read_text()
