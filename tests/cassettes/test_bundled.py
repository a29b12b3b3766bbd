"""The bundled cassettes: placeholders only, and ``examples/replay`` and the recorded agent
sessions of ``examples/agent_sessions`` replay them offline."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "cassettes"


def test_bundled_cassettes_hold_placeholders_not_secrets() -> None:
    files = sorted(p for p in BUNDLED.rglob("*") if p.is_file())
    assert any(p.suffix == ".yaml" for p in files) and any(p.suffix == ".bin" for p in files)
    for path in files:
        data = path.read_bytes()
        assert not re.search(rb"Bearer (?!<ORGO_API_KEY>)", data), path
        assert not re.search(rb'vnc_password\\?":\s*\\?"(?!<VNC_PASSWORD_\d+>)', data), path
        assert not re.search(rb'\\?"password\\?":\s*\\?"(?!<VNC_PASSWORD_\d+>)', data), path
        # a computer's socket takes its VNC password, the agent's socket the API key
        assert not re.search(rb"token=(?!<VNC_PASSWORD_\d+>|<ORGO_API_KEY>)", data), path
        assert b"sk_live" not in data and b"sk_test" not in data, path


def _run_examples(target: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_XDIST", "ORGO_"))}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", target, "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    return result


def test_recorded_agent_sessions_replay_offline_from_the_bundled_cassettes() -> None:
    """``computer.prompt()`` and the openai SDK's streams, recorded live against the
    standalone fake, replayed with no server and the network blocked."""
    if sys.version_info < (3, 12):
        pytest.skip("the official orgo SDK imports only on Python >= 3.12")
    result = _run_examples("examples/agent_sessions/test_agent_recorded.py")
    assert re.search(r"\b3 passed\b", result.stdout), result.stdout[-3000:]


def test_examples_replay_offline_from_the_bundled_cassettes() -> None:
    result = _run_examples("examples/replay")
    # the official SDK's example needs Python >= 3.12; below that it skips, saying why
    expected = r"\b6 passed\b" if sys.version_info >= (3, 12) else r"\b5 passed, 1 skipped\b"
    assert re.search(expected, result.stdout), result.stdout[-3000:]
