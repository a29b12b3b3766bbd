"""Helpers for the cassette tests (imported by their conftest and modules)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pytest_orgo.cassettes import store
from pytest_orgo.cassettes.format import CassetteData, Connection, Frame, Interaction
from tests.inner_runs import FAST

BASE_INI = "[pytest]\nasyncio_default_fixture_loop_scope = function\n"


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*FAST, *args)


def run_subprocess(pytester: pytest.Pytester, *args: str, timeout: float = 120) -> pytest.RunResult:
    return pytester.runpytest_subprocess(*FAST, *args, timeout=timeout)


def interaction(
    method: str = "GET",
    uri: str = "https://www.orgo.ai/api/computers/x",
    body: bytes = b"",
    response: Any = None,
    *,
    seq: int = 1,
    t_us: int = 0,
    status: int = 200,
) -> Interaction:
    payload = (
        response if isinstance(response, bytes) else json.dumps(response or {"ok": True}).encode()
    )
    return Interaction(
        method=method,
        uri=uri,
        request_headers={"Content-Type": ["application/json"]} if body else {},
        request_body=body,
        status=status,
        reason="OK",
        response_headers={"content-type": ["application/json"]},
        response_body=payload,
        seq=seq,
        t_us=t_us,
    )


def frame(direction: str, text: str | None = None, data: bytes | None = None, **kw: Any) -> Frame:
    if text is not None:
        return Frame(direction=direction, kind="text", text=text, **kw)  # type: ignore[arg-type]
    return Frame(direction=direction, kind="binary", data=data or b"", **kw)  # type: ignore[arg-type]


def write(
    path: Path, interactions: list[Interaction], connections: list[Connection] | None = None
) -> Path:
    store.write_cassette(
        path, CassetteData(interactions=interactions, connections=connections or [])
    )
    return path


def cassette_json(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text()))


def reports(path: Path) -> list[dict[str, object]]:
    """The JSON lines the inner end-to-end tests wrote (one per test)."""
    return [json.loads(line) for line in path.read_text().splitlines()]


def record_live(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    port: int,
    url: str,
    key: str,
    conftest: str,
    **modules: str,
) -> pytest.RunResult:
    """Write the inner suite and record it in live mode against the standalone fake at
    ``url`` with ``key`` (every cassette rewritten); the inner tests report to
    ``recorded.jsonl`` (``E2E_OUT``)."""
    pytester.makeconftest(conftest)
    pytester.makepyfile(**modules)
    monkeypatch.setenv("E2E_PORT", str(port))
    monkeypatch.setenv("ORGO_API_KEY", key)
    monkeypatch.setenv("E2E_OUT", str(pytester.path / "recorded.jsonl"))
    return run_subprocess(pytester, "--orgo", "--orgo-base-url", url, "--orgo-record-mode=all")
