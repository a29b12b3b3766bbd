"""``orgo-fake serve --vm-port``: the VM API listener's port, checked like ``--port``."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from fake_server.__main__ import main
from tests.standalone_fake import ROOT


def test_vm_port_out_of_range_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--vm-port", "70000"]) == 2
    assert "--vm-port must be between 0 and 65535" in capsys.readouterr().err


def test_a_taken_vm_port_fails_with_a_message_not_a_traceback() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = [sys.executable, "-m", "fake_server", "serve", "--port", "0"]
        command += ["--vm-port", str(port), "--log-level", "critical"]
        done = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
        )
    assert done.returncode == 1
    assert "the VM API" in done.stderr and "Traceback" not in done.stderr
