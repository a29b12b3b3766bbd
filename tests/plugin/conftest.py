"""Shared helpers for the plugin's own tests (pytester-based, one file per flag/concern).

* ``standalone_fake``: the fake Orgo API run as a separate process
  (``python -m fake_server serve --port 0``), for live-mode runs
  (``--orgo --orgo-base-url <its url>``). Session-scoped: starting it costs ~1 s.
* ``fake_api``: the same server, reset (``POST /_fake/reset``) before the test.
* an autouse fixture that gives every pytester directory an ini file and strips the
  outer run's xdist variables from the environment (an inner run must not think it is
  an xdist worker of the outer one).
* ``live_env``: ORGO_API_KEY for live-mode runs; ``official_sdk``: the SDK imported once.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from orgo_helpers import BASE_INI, LIVE_KEY, StandaloneFake
from standalone_fake import start_standalone_fake

# (pytester is enabled in tests/conftest.py: pytest_plugins belongs in a top-level conftest.)

ROOT = Path(__file__).resolve().parents[2]


def _warm_up_lazy_imports() -> None:
    """In-process pytester runs snapshot sys.modules and drop whatever a run imported, so
    a module imported lazily inside one run is imported afresh by the next while other
    modules still hold the old one. Exceptions then stop matching: uvicorn no longer
    catches httptools' HttpParserUpgrade (every WebSocket handshake fails), and httpx
    no longer maps httpcore's ConnectError to its own. Doing those lazy imports once
    here, before any inner run, keeps them for good: serve (and stop) a fake on
    loopback, and open the httpx clients (httpx imports httpcore on first use)."""
    import httpx

    from fake_server import FakeOrgo

    fake = FakeOrgo()
    fake.serve()
    fake.stop()
    httpx.Client().close()
    httpx.AsyncClient()


_warm_up_lazy_imports()


@pytest.fixture(scope="session")
def standalone_fake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StandaloneFake]:
    """``python -m fake_server serve --port 0``; its URL is the first line it prints."""
    log = tmp_path_factory.mktemp("standalone-fake") / "stderr.log"
    with log.open("w") as stderr:
        process, url = start_standalone_fake(stderr, timeout=20)
    fake = StandaloneFake(url)
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
        if process.stdout is not None:
            process.stdout.close()


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


@pytest.fixture(scope="session")
def official_sdk() -> None:
    """Import the official SDK (~2 s: it pulls in anthropic) once in this process, so
    in-process runs that use it do not each import it afresh (pytester drops modules a
    run imported). Below Python 3.12 the SDK cannot import: tests needing it skip."""
    if sys.version_info < (3, 12):
        pytest.skip("the official orgo SDK imports only on Python >= 3.12")
    import orgo  # noqa: F401
