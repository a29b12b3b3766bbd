"""A secret inside a binary response body is scrubbed on record and restored on replay,
byte-exact - inline (small bodies, base64 in the cassette) and in the sidecar (large ones).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from cassette_helpers import run
from standins import StandIn

INNER = """
import os, httpx, pytest, requests

def expected(key, pad):
    return b"\\x89KEY\\x00\\xff" + key.encode() + b"\\x00\\xfe\\x01" + bytes(range(256)) * pad

@pytest.mark.orgo_cassette
@pytest.mark.parametrize("pad", [0, 8])
def test_download_holding_the_key(pad):
    key = os.environ["DOWNLOAD_API_KEY"]
    url = f"{os.environ['STANDIN_HTTP']}/download?pad={pad}"
    body = httpx.get(url, headers={"x-api-key": key}).content
    assert body == expected(key, pad)
    assert requests.get(url, headers={"x-api-key": key}, timeout=10).content == expected(key, pad)
"""


@pytest.fixture
def standin() -> Iterator[StandIn]:
    server = StandIn().start()
    try:
        yield server
    finally:
        server.stop()


def test_binary_body_with_a_key_replays_byte_exact(
    pytester: pytest.Pytester, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_download=INNER)
    key = f"dl-{secrets.token_hex(16)}"
    monkeypatch.setenv("DOWNLOAD_API_KEY", key)
    monkeypatch.setenv("STANDIN_HTTP", standin.http)
    run(pytester, "--orgo-record-mode=all").assert_outcomes(passed=2)
    standin.stop()
    folder = pytester.path / "cassettes" / "test_download"
    files = sorted(p.name for p in folder.iterdir())
    assert any(name.endswith(".bin") for name in files)  # the large body went to the sidecar
    everything = b"".join(p.read_bytes() for p in folder.iterdir() if p.is_file())
    assert key.encode() not in everything and b"<ENV_DOWNLOAD_API_KEY>" in everything

    monkeypatch.setenv("DOWNLOAD_API_KEY", f"dl-{secrets.token_hex(16)}")  # another key
    run(pytester).assert_outcomes(passed=2)
