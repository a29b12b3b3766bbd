"""The replay examples read their cassettes from the repository's ``cassettes/`` folder.

Overriding ``orgo_cassette_dir`` is the pytest-recording way (``vcr_cassette_dir``) to move
cassettes; the default would be ``examples/replay/cassettes/<module>``.

Re-record them against the standalone fake (see ``README.md`` here)::

    python -m fake_server serve --port 0          # prints its URL
    ORGO_API_KEY=sk_any pytest examples/replay --orgo \\
        --orgo-base-url http://127.0.0.1:PORT/api --orgo-record-mode=all
"""

from __future__ import annotations

from pathlib import Path

import pytest

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"


@pytest.fixture(scope="module")
def orgo_cassette_dir(request: pytest.FixtureRequest) -> str:
    return str(CASSETTES / str(request.module.__name__).split(".")[-1])
