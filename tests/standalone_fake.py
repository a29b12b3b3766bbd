"""Starting the fake as a separate process (``python -m fake_server serve --port 0``),
for the tests that need a server outside the test process: live-mode plugin runs,
recording cassettes. Shared by tests/plugin and tests/cassettes."""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
READY = "Fake Orgo API listening: "


def start_standalone_fake(
    stderr: IO[Any] | int = subprocess.DEVNULL, *, timeout: float = 30
) -> tuple[subprocess.Popen[str], str]:
    """The process and its API URL (the first line it prints); fails the test if it
    does not start within ``timeout`` seconds."""
    process = subprocess.Popen(
        [sys.executable, "-m", "fake_server", "serve", "--port", "0", "--log-level", "warning"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    assert process.stdout is not None
    stdout = process.stdout
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
    try:
        first = lines.get(timeout=timeout)
    except queue.Empty:
        first = ""
    if not first.startswith(READY):
        process.kill()
        process.wait()
        pytest.fail(f"the standalone fake did not start: {first!r}")
    return process, first[len(READY) :].strip()
