"""Fixtures for the cassette tests: the standalone fake as a process, clean inner runs.

(pytester itself is enabled in ``tests/conftest.py``: ``pytest_plugins`` belongs in a
top-level conftest.)
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cassette_helpers import BASE_INI
from standalone_fake import start_standalone_fake

ROOT = Path(__file__).resolve().parents[2]


def _warm_up_loopback_imports() -> None:
    """In-process pytester runs drop the modules a run imported, but C extensions stay:
    serve a fake once so uvicorn/httptools are imported for good before any inner run."""
    from fake_server import FakeOrgo

    fake = FakeOrgo()
    fake.serve()
    fake.stop()


_warm_up_loopback_imports()


@dataclass
class FakeProcess:
    process: subprocess.Popen[str]
    url: str  # http://127.0.0.1:PORT/api

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1].split("/")[0])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_fake() -> FakeProcess:
    """``python -m fake_server serve --port 0``; its URL is the first line it prints."""
    return FakeProcess(*start_standalone_fake())


@pytest.fixture
def fake_process() -> Iterator[FakeProcess]:
    """A standalone fake of this test's own (the end-to-end test stops it midway)."""
    fake = start_fake()
    try:
        yield fake
    finally:
        fake.stop()
        if fake.process.stdout is not None:
            fake.process.stdout.close()


@pytest.fixture(autouse=True)
def _clean_inner_runs(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Inner runs are not xdist workers of the outer run and start with a plain ini."""
    for name in ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_XDIST_TESTRUNUID"):
        monkeypatch.delenv(name, raising=False)
    if "pytester" in request.fixturenames:
        pytester: pytest.Pytester = request.getfixturevalue("pytester")
        pytester.makeini(BASE_INI)
