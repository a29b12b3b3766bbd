"""The contract suite itself, run the way a user with a key runs it: ``--orgo`` against
an endpoint (here a local fake on loopback, standing in for the live API), in a
subprocess. Why: live mode is the point of the suite, and nobody's CI has a key; this
proves the suite needs nothing of the fake's internals, cleans up after itself, and
reports what an endpoint that drifted actually answered.

Deselected when the outer run is itself live (it would start a local fake there)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fake_server import FakeOrgo

ROOT = Path(__file__).resolve().parents[2]
KEY = "sk_live_contract_self_test"
QUIET = ("-p", "no:cacheprovider", "-p", "no:benchmark", "-p", "no:schemathesis")


@pytest.fixture
def endpoint() -> Iterator[FakeOrgo]:
    """A fake that knows one key, like a real account (unknown keys are 401)."""
    fake = FakeOrgo(api_keys=[KEY])
    with fake.serve():
        yield fake


def _run_live(fake: FakeOrgo, report: Path, *targets: str) -> tuple[int, str, dict[str, Any]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "ORGO_"))}
    env["ORGO_API_KEY"] = KEY
    command = [sys.executable, "-m", "pytest", *targets, *QUIET, "-q", "--orgo"]
    command += ["--orgo-base-url", fake.base_url, "--orgo-contract-report", str(report)]
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    output = done.stdout + done.stderr
    assert report.exists(), output
    return done.returncode, output, json.loads(report.read_text())


def test_live_mode_passes_against_a_faithful_endpoint_and_cleans_up(
    endpoint: FakeOrgo, tmp_path: Path
) -> None:
    code, output, report = _run_live(endpoint, tmp_path / "live.json", "tests/contract")
    assert code == 0, output
    assert "2 deselected" in output  # this file's tests, in the inner live run
    assert str(tmp_path / "live.json") in output  # the summary names the report
    assert (report["mode"], report["base_url"]) == ("live", endpoint.base_url)
    assert report["summary"] == {"passed": len(report["checks"])} and len(report["checks"]) > 60
    assert endpoint.counts() == {"workspaces": 0, "computers": 0}  # nothing left behind
    assert endpoint.requests("POST", "/computers")  # it really went over HTTP
    exchanges = [e for check in report["checks"] for e in check["exchanges"]]
    vm_socket = endpoint.vm_url.replace("http://", "ws://", 1)  # the VM's WS /terminal
    assert all(
        e["request"]["url"].startswith((endpoint.url, endpoint.vm_url, vm_socket))
        or "storage" in e["request"]["url"]
        for e in exchanges
    )
    sockets = [e for e in exchanges if e["request"]["method"] == "WEBSOCKET"]
    assert {e["response"]["status"] for e in sockets} == {101, 401}  # the VM's terminal
    assert KEY not in json.dumps(report)  # keys never enter the report


def test_a_drifted_answer_is_reported_with_the_request_and_what_came_back(
    endpoint: FakeOrgo, tmp_path: Path
) -> None:
    endpoint.inject_fault(
        status=502, message="upstream hiccup", method="POST", path="/computers/*/bash", times=None
    )
    code, output, report = _run_live(
        endpoint, tmp_path / "drift.json", "tests/contract/test_contract_actions.py::test_bash"
    )
    assert code == 1, output
    failed = sorted(
        c["name"].rsplit("::", 1)[-1] for c in report["checks"] if c["outcome"] == "failed"
    )
    assert failed == ["test_bash", "test_bash > a command that succeeds"]
    step = next(c for c in report["checks"] if c["name"].endswith("> a command that succeeds"))
    assert step["outcome"] == "failed" and "502" in (step["message"] or "")
    (seen,) = step["exchanges"]
    assert seen["request"]["method"] == "POST" and seen["request"]["url"].endswith("/bash")
    assert seen["request"]["body"] == {"command": "echo hello"}
    assert seen["response"]["status"] == 502
    assert seen["response"]["body"]["error"] == "upstream hiccup"
    test_level = next(c for c in report["checks"] if c["name"].endswith("::test_bash"))
    assert test_level["outcome"] == "failed"
