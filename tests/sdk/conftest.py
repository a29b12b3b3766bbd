"""The official ``orgo`` SDK against the fake on loopback. The SDK imports only on
Python >= 3.12 (its prompt.py uses an f-string form 3.11 rejects)."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from fake_server import FakeOrgo, LoopbackServer

if sys.version_info < (3, 12):
    pytest.skip("the official orgo SDK imports only on Python >= 3.12", allow_module_level=True)


@pytest.fixture(scope="module")
def sdk_fake() -> FakeOrgo:
    return FakeOrgo(seed=3)


@pytest.fixture(scope="module")
def server(sdk_fake: FakeOrgo) -> Iterator[LoopbackServer]:
    with sdk_fake.serve() as running:
        yield running
