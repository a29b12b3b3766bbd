"""Shared helpers for the plugin's own tests (pytester-based, one file per flag/concern).

* ``standalone_fake``: the fake Orgo API run as a separate process
  (``python -m fake_server serve --port 0``), for live-mode runs
  (``--orgo --orgo-base-url <its url>``). Session-scoped: starting it costs ~1 s.
* ``fake_api``: the same server, reset (``POST /_fake/reset``) before the test.
* an autouse fixture that gives every pytester directory a ``pytest.ini`` and strips
  the outer run's xdist/ORGO variables from the environment, so each inner run starts
  from a clean slate.
"""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from orgo_helpers import BASE_INI, LIVE_KEY, StandaloneFake


ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def standalone_fake() -> Iterator[StandaloneFake]:
    process = subprocess.Popen(
        [sys.executable, "-m", "fake_server", "serve", "--port", "0", "--log-level", "warning"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True).start()  # type: ignore[union-attr]
    try:
        first = lines.get(timeout=20)
    except queue.Empty:
        process.kill()
        pytest.fail("the standalone fake did not print its URL within 20 s")
    assert first.startswith("Fake Orgo API listening: "), first
    fake = StandaloneFake(first.split(": ", 1)[1].strip())
    try:
        yield fake
    finally:
        fake.http.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def fake_api(standalone_fake: StandaloneFake) -> StandaloneFake:
    """The standalone fake, emptied: zero workspaces, zero computers, no faults."""
    standalone_fake.reset()
    assert standalone_fake.state()["computers"] == 0
    return standalone_fake


@pytest.fixture(autouse=True)
def _clean_inner_runs(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Inner runs must not think they are xdist workers of the outer run."""
    for name in ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_XDIST_TESTRUNUID"):
        monkeypatch.delenv(name, raising=False)
    if "pytester" in request.fixturenames:
        pytester: pytest.Pytester = request.getfixturevalue("pytester")
        pytester.makeini("[pytest]\n" + BASE_INI)


@pytest.fixture
def live_env(monkeypatch: pytest.MonkeyPatch) -> str:
    """ORGO_API_KEY for live-mode runs (inherited by subprocess runs)."""
    monkeypatch.setenv("ORGO_API_KEY", LIVE_KEY)
    return LIVE_KEY
