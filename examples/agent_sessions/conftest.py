"""The recorded agent sessions read their cassettes from the repository's ``cassettes/``
folder (``cassettes/test_agent_recorded/``), like the replay examples.

Re-record them against the standalone fake::

    python -m fake_server serve --port 0          # prints its URL
    ORGO_API_KEY=sk_any pytest examples/agent_sessions/test_agent_recorded.py --orgo \\
        --orgo-base-url http://127.0.0.1:PORT/api --orgo-record-mode=all
"""

from __future__ import annotations

from pathlib import Path

import pytest

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"


@pytest.fixture(scope="module")
def orgo_cassette_dir(request: pytest.FixtureRequest) -> str:
    return str(CASSETTES / str(request.module.__name__).split(".")[-1])
