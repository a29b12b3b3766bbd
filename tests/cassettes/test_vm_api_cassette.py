"""A session that uses the direct VM API records against the standalone fake, then
replays with the server gone: the VM host (``publicHost:apiPort``, a second loopback
port) is covered by the cassette like the platform, and its token is scrubbed."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest
from cassette_helpers import run_subprocess

from tests.cassettes.conftest import FakeProcess

INNER_TESTS = """
import base64, json, os
import httpx
import pytest
from websockets.sync.client import connect

pytestmark = pytest.mark.orgo_cassette

def test_vm_api(orgo_computer, orgo_client):
    key = {"Authorization": "Bearer " + os.environ["ORGO_API_KEY"]}
    base = orgo_client.base_url
    with httpx.Client(timeout=10) as http:
        info = http.post(f"{base}/computers/{orgo_computer.id}/ensure-running", headers=key)
        details = info.json()["instance_details"]
        token = http.get(f"{base}/computers/{orgo_computer.id}/vnc-password", headers=key)
        vm = {"Authorization": "Bearer " + token.json()["desktop_api_token"]}
        origin = f"http://{details['publicHost']}:{details['apiPort']}"
        shot = http.get(f"{origin}/screenshot", headers=vm).json()
        click = http.post(f"{origin}/click", headers=vm, json={"x": 5, "y": 6}).json()
    assert base64.b64decode(shot["image"]).startswith(b"\\x89PNG")
    assert (shot["width"], shot["height"]) == (1280, 720)
    assert click["details"]["x"] == 5
    with open(os.environ["VM_OUT"], "a") as out:
        out.write(json.dumps({"token": token.json()["desktop_api_token"]}) + "\\n")
"""


def test_vm_api_session_replays_offline(
    pytester: pytest.Pytester, fake_process: FakeProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_vm=INNER_TESTS)
    key = f"sk_live_vm_{secrets.token_hex(8)}"
    monkeypatch.setenv("ORGO_API_KEY", key)
    out = pytester.path / "vm.jsonl"
    monkeypatch.setenv("VM_OUT", str(out))
    recording = run_subprocess(
        pytester, "--orgo", "--orgo-base-url", fake_process.url, "--orgo-record-mode=all"
    )
    recording.assert_outcomes(passed=1)
    token = json.loads(out.read_text().splitlines()[0])["token"]

    fake_process.stop()
    files = sorted(p for p in (pytester.path / "cassettes" / "test_vm").iterdir() if p.is_file())
    everything = b"".join(f.read_bytes() for f in files)
    assert key.encode() not in everything and token.encode() not in everything
    cassette = json.loads((pytester.path / "cassettes/test_vm/test_vm_api.yaml").read_text())
    paths = [i["request"]["uri"] for i in cassette["interactions"]]
    assert any(p.endswith("/screenshot") and "/api/" not in p for p in paths), paths

    replay = run_subprocess(pytester)
    replay.assert_outcomes(passed=1)
    replayed = Path(out).read_text().splitlines()
    assert len(replayed) == 2 and json.loads(replayed[1])["token"] != token
