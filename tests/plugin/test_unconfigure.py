"""A run that never starts a session (``--help``, a usage error) still undoes routing
and puts ORGO_API_KEY back: an in-process run must not leave the outer run rerouted."""

from __future__ import annotations

import os

import httpx
import pytest
import requests.adapters
from orgo_helpers import run


@pytest.mark.parametrize("args", [("--help",), ("--orgo-max-computers", "0")])
def test_routing_is_undone_without_a_session(
    pytester: pytest.Pytester, args: tuple[str, ...]
) -> None:
    before = (
        httpx.HTTPTransport.handle_request,
        httpx.AsyncHTTPTransport.handle_async_request,
        requests.adapters.HTTPAdapter.send,
        os.environ.get("ORGO_API_KEY"),
    )
    run(pytester, *args)
    after = (
        httpx.HTTPTransport.handle_request,
        httpx.AsyncHTTPTransport.handle_async_request,
        requests.adapters.HTTPAdapter.send,
        os.environ.get("ORGO_API_KEY"),
    )
    assert after == before
