"""Cassettes: load and replay 1,000 interactions beside plain vcrpy, in the same run.

* Whole job (load the file, replay every request through ``httpx``): ours against
  vcrpy's with its JSON serializer and with its YAML one. Target: at least 20x faster
  (ratio <= 0.05) than each.
* Per request: 10 requests replayed from a 10-interaction cassette, and 10 spread over a
  1,000-interaction one. Ours must cost the same per request whatever the size (ratio
  <= 1.5: an index, not a scan); vcrpy's is shown for contrast (no target: it scans).
* Loading the same 1,000-interaction cassette as JSON text (our default, ``json.loads``)
  and as block YAML (libyaml's CSafeLoader): the reason the default is JSON-flavoured
  YAML. Target: JSON at least 4x faster.

* Scrubbing (finding the secrets of a 1,000-interaction agent cassette, 20 base64
  screenshots among them): every service's rules (:mod:`pytest_orgo.cassettes.credentials`)
  at most 3x Orgo's own rules alone, and at most 0.1x Yelp's ``detect-secrets`` with only
  its regex plugins scanning the same cassette - the measurement behind using a pattern
  list rather than that library.

Ratios are of medians measured in this run; absolute times drift from machine to machine.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import vcr

from pytest_orgo.cassettes import format as fmt
from pytest_orgo.cassettes import store
from pytest_orgo.cassettes.config import CassetteConfig
from pytest_orgo.cassettes.format import CassetteData, Interaction
from pytest_orgo.cassettes.session import CassetteSession

Request = tuple[str, str, bytes]
VCR_MATCH = ("method", "scheme", "host", "port", "path", "query")


def _interactions(n: int) -> list[Interaction]:
    items = []
    for i in range(n):
        command = f"echo step-{i}"
        answer = {
            "success": True,
            "action": "bash",
            "command": command,
            "output": f"step-{i}\n",
            "exit_code": 0,
        }
        items.append(
            Interaction(
                method="POST",
                uri=f"https://www.orgo.ai/api/computers/{i:08x}-0000-4000-8000-000000000000/bash",
                request_headers={
                    "authorization": ["Bearer <ORGO_API_KEY>"],
                    "content-type": ["application/json"],
                    "user-agent": ["python-httpx/0.28.1"],
                },
                request_body=json.dumps({"command": command}).encode(),
                status=200,
                reason="OK",
                response_headers={"content-type": ["application/json"], "server": ["uvicorn"]},
                response_body=json.dumps(answer).encode(),
                seq=i + 1,
                t_us=i * 1000,
            )
        )
    return items


@pytest.fixture(scope="module")
def cassettes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("cassettes")
    paths = {}
    for n in (10, 1000):
        data = CassetteData(interactions=_interactions(n))
        paths[f"json-{n}"] = folder / f"json-{n}.yaml"
        store.write_cassette(paths[f"json-{n}"], data)
        paths[f"yaml-{n}"] = folder / f"yaml-{n}.yaml"
        store.write_cassette(paths[f"yaml-{n}"], data, serializer="yaml")
    return paths


def _requests(n: int, picks: int | None = None) -> list[Request]:
    items = _interactions(n)
    if picks is not None:
        step = n // picks
        items = [items[i * step + step - 1] for i in range(picks)]  # spread, latest last
    return [(i.method, i.uri, i.request_body) for i in items]


def _send_all(requests: list[Request]) -> None:
    with httpx.Client() as client:
        for method, url, body in requests:
            response = client.request(
                method, url, content=body, headers={"content-type": "application/json"}
            )
            assert response.status_code == 200


def _ours(path: Path, requests: list[Request]) -> None:
    session = CassetteSession(path, CassetteConfig(record_mode="none"))
    session.start()
    try:
        _send_all(requests)
    finally:
        session.stop()
    assert not session.errors


def _vcrpy(path: Path, serializer: str, requests: list[Request]) -> None:
    with vcr.use_cassette(str(path), record_mode="none", serializer=serializer, match_on=VCR_MATCH):
        _send_all(requests)


def _declare(benchmark: Any, baseline: str | None = None, target: float | None = None) -> None:
    if baseline is not None:
        benchmark.extra_info["baseline"] = baseline
    if target is not None:
        benchmark.extra_info["target"] = target


# -- the whole job: load 1,000 and replay 1,000 -------------------------------------


def test_vcrpy_yaml_load_and_replay_1000(benchmark: Any, cassettes: dict[str, Path]) -> None:
    requests = _requests(1000)
    benchmark.pedantic(
        _vcrpy, args=(cassettes["yaml-1000"], "yaml", requests), rounds=1, iterations=1
    )
    _declare(benchmark)


def test_vcrpy_json_load_and_replay_1000(benchmark: Any, cassettes: dict[str, Path]) -> None:
    requests = _requests(1000)
    benchmark.pedantic(
        _vcrpy, args=(cassettes["json-1000"], "json", requests), rounds=1, iterations=1
    )
    _declare(benchmark)


def test_orgo_load_and_replay_1000(benchmark: Any, cassettes: dict[str, Path]) -> None:
    requests = _requests(1000)
    benchmark.pedantic(_ours, args=(cassettes["json-1000"], requests), rounds=5, iterations=1)
    _declare(benchmark, "test_vcrpy_json_load_and_replay_1000", 0.05)


def test_orgo_load_and_replay_1000_vs_vcrpy_yaml(
    benchmark: Any, cassettes: dict[str, Path]
) -> None:
    requests = _requests(1000)
    benchmark.pedantic(_ours, args=(cassettes["json-1000"], requests), rounds=5, iterations=1)
    _declare(benchmark, "test_vcrpy_yaml_load_and_replay_1000", 0.05)


# -- per request: does it grow with the cassette? -----------------------------------


class _Loaded:
    """A session per round, loaded in the round's setup: only the requests are timed."""

    def __init__(self, path: Path, requests: list[Request]) -> None:
        self.path = path
        self.requests = requests
        self.session: CassetteSession | None = None

    def setup(self) -> tuple[tuple[list[Request]], dict[str, Any]]:
        self.close()
        self.session = CassetteSession(self.path, CassetteConfig(record_mode="none"))
        self.session.start()
        return (self.requests,), {}

    def close(self) -> None:
        if self.session is not None:
            self.session.stop()
            assert not self.session.errors
            self.session = None


@pytest.mark.parametrize("size", [10, 1000])
def test_orgo_replay_10_requests(benchmark: Any, cassettes: dict[str, Path], size: int) -> None:
    loaded = _Loaded(cassettes[f"json-{size}"], _requests(size, picks=10))
    try:
        benchmark.pedantic(_send_all, setup=loaded.setup, rounds=40, iterations=1)
    finally:
        loaded.close()
    if size == 1000:
        _declare(benchmark, "test_orgo_replay_10_requests[10]", 1.5)


@pytest.mark.parametrize("size", [10, 1000])
def test_vcrpy_replay_10_requests(benchmark: Any, cassettes: dict[str, Path], size: int) -> None:
    requests = _requests(size, picks=10)
    contexts: list[Any] = []

    def setup() -> tuple[tuple[list[Request]], dict[str, Any]]:
        while contexts:
            contexts.pop().__exit__(None, None, None)
        context = vcr.use_cassette(
            str(cassettes[f"json-{size}"]),
            record_mode="none",
            serializer="json",
            match_on=VCR_MATCH,
        )
        context.__enter__()
        contexts.append(context)
        return (requests,), {}

    try:
        benchmark.pedantic(_send_all, setup=setup, rounds=10, iterations=1)
    finally:
        while contexts:
            contexts.pop().__exit__(None, None, None)
    if size == 1000:
        _declare(benchmark, "test_vcrpy_replay_10_requests[10]")


# -- loading: JSON text against block YAML -----------------------------------------


def test_load_block_yaml_1000(benchmark: Any, cassettes: dict[str, Path]) -> None:
    text = cassettes["yaml-1000"].read_text()
    document = benchmark(fmt.loads, text)
    assert len(document["interactions"]) == 1000


def test_load_json_1000(benchmark: Any, cassettes: dict[str, Path]) -> None:
    text = cassettes["json-1000"].read_text()
    document = benchmark(fmt.loads, text)
    assert len(document["interactions"]) == 1000
    _declare(benchmark, "test_load_block_yaml_1000", 0.25)


# -- scrubbing: every service's secrets, and what a secret-detection library costs ---------

_DETECT_SECRETS_PLUGINS = [
    "AWSKeyDetector",
    "ArtifactoryDetector",
    "AzureStorageKeyDetector",
    "DiscordBotTokenDetector",
    "GitHubTokenDetector",
    "GitLabTokenDetector",
    "JwtTokenDetector",
    "MailchimpDetector",
    "NpmDetector",
    "OpenAIDetector",
    "PrivateKeyDetector",
    "PypiTokenDetector",
    "SendGridDetector",
    "SlackDetector",
    "SquareOAuthDetector",
    "StripeDetector",
    "TelegramBotTokenDetector",
    "TwilioKeyDetector",
]


def _agent_cassette(n: int) -> CassetteData:
    """1,000 interactions as an agent test makes them: provider headers, JSON bodies, and
    one 200 kB base64 screenshot every 50."""
    import base64
    import os

    items = _interactions(n)
    screenshot = base64.b64encode(os.urandom(150_000)).decode()
    for i, item in enumerate(items):
        item.request_headers["x-api-key"] = ["sk-ant-api03-" + "k" * 40]
        item.request_headers["cookie"] = [f"session=cookie-value-{i:08d}"]
        if i % 50 == 0:
            item.response_body = json.dumps({"image": screenshot}).encode()
    return CassetteData(interactions=items)


def _scrub(data: CassetteData, defaults: bool) -> None:
    from pytest_orgo.cassettes import scrub

    settings = scrub.ScrubConfig(api_keys=("sk_live_benchmark_key",), defaults=defaults)
    bindings = scrub.Bindings()
    scrub.prebind(bindings, settings)
    scrub.discover(data, bindings, settings)


def test_scrub_discover_orgo_only_1000(benchmark: Any) -> None:
    data = _agent_cassette(1000)
    benchmark.pedantic(_scrub, args=(data, False), rounds=5, iterations=1)


def test_scrub_discover_every_service_1000(benchmark: Any) -> None:
    data = _agent_cassette(1000)
    benchmark.pedantic(_scrub, args=(data, True), rounds=5, iterations=1)
    _declare(benchmark, "test_scrub_discover_orgo_only_1000", 3.0)


def _detect_secrets(lines: list[str]) -> int:
    from detect_secrets.core.scan import scan_line
    from detect_secrets.settings import transient_settings

    config = {"plugins_used": [{"name": n} for n in _DETECT_SECRETS_PLUGINS], "filters_used": []}
    with transient_settings(config):
        return sum(1 for line in lines for _ in scan_line(line))


def test_detect_secrets_regex_plugins_1000(benchmark: Any) -> None:
    """The library alternative, with its regex plugins only (its entropy plugins flag every
    screenshot): the same cassette's text, line by line as it scans."""
    document, _ = fmt.to_document(_agent_cassette(1000))
    lines = fmt.dumps(document).splitlines()
    benchmark.pedantic(_detect_secrets, args=(lines,), rounds=2, iterations=1)


def test_scrub_discover_every_service_vs_detect_secrets(benchmark: Any) -> None:
    data = _agent_cassette(1000)
    benchmark.pedantic(_scrub, args=(data, True), rounds=5, iterations=1)
    _declare(benchmark, "test_detect_secrets_regex_plugins_1000", 0.1)
