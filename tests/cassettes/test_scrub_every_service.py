"""Every service's credentials stay out of the cassette by default, in every form the
scrubber covers, and the replay - with other keys in the environment - still passes.

The inner test sends an Anthropic-style ``x-api-key``, a Google key (header and ``key=``),
an OpenAI bearer key, a cookie and a secret-named environment variable's value (in a
header, the query, a JSON body, URL-encoded, base64 and a WebSocket frame) to the
stand-in server, which echoes them all back and sets a cookie of its own.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from cassette_helpers import run
from standins import StandIn

from pytest_orgo.cassettes.forms import all_forms

INNER = """
import base64, json, os
from urllib.parse import quote_plus
import httpx, pytest, requests, websocket

@pytest.mark.orgo_cassette
def test_calls_every_service():
    anthropic = os.environ["ANTHROPIC_API_KEY"]
    google = os.environ["GEMINI_API_KEY"]
    openai_key = os.environ["OPENAI_API_KEY"]
    password = os.environ["MY_SERVICE_PASSWORD"]
    cookie = os.environ["BROWSER_COOKIE_VALUE"]
    base = os.environ["STANDIN_HTTP"]
    sent = {
        "note": f"my password is {password}",
        "blob": base64.b64encode(anthropic.encode()).decode(),
        "form": quote_plus(password),
    }
    with httpx.Client() as http:
        response = http.post(
            f"{base}/echo",
            params={"key": google, "q": password},
            headers={
                "x-api-key": anthropic,
                "x-goog-api-key": google,
                "authorization": f"Bearer {openai_key}",
                "cookie": f"session={cookie}; theme=dark",
                "x-custom": password,
            },
            json=sent,
        )
    echo = response.json()
    assert echo["headers"]["x-api-key"] == anthropic
    assert echo["headers"]["x-goog-api-key"] == google
    assert echo["headers"]["authorization"] == f"Bearer {openai_key}"
    assert echo["headers"]["cookie"] == f"session={cookie}; theme=dark"
    assert echo["query"] == {"key": google, "q": password}
    assert json.loads(echo["body"]) == sent
    assert len(response.cookies["session"]) >= 16  # the server's own session cookie

    legacy = requests.get(f"{base}/echo", headers={"x-anthropic-key": anthropic}, timeout=10)
    assert legacy.json()["headers"]["x-anthropic-key"] == anthropic

    agent = websocket.create_connection(
        f"{os.environ['STANDIN_WS']}/ws/prompt?token={os.environ['ORGO_API_KEY']}", timeout=10
    )
    agent.send(json.dumps({"type": "start", "config": {"instruction": f"log in with {password}"}}))
    frames = [json.loads(agent.recv()) for _ in range(7)]
    agent.close()
    assert frames[1]["data"] == f"The user wants: log in with {password}"
"""


def _secret(prefix: str, n: int) -> str:
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(n))


def _fresh_environment(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {
        "ORGO_API_KEY": _secret("sk_live_", 24),
        "ANTHROPIC_API_KEY": _secret("sk-ant-api03-", 41),  # 54 bytes: whole base64 groups
        "GEMINI_API_KEY": _secret("AIza", 35),
        "OPENAI_API_KEY": _secret("sk-proj-", 40),
        "MY_SERVICE_PASSWORD": _secret('p@ss/"w0rd+', 12),  # URL- and JSON-special
        "BROWSER_COOKIE_VALUE": _secret("ck", 24),  # not secret-named: found as a cookie
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


@pytest.fixture
def standin() -> Iterator[StandIn]:
    server = StandIn(cookie=_secret("srv", 30)).start()
    try:
        yield server
    finally:
        server.stop()


def test_no_cassette_byte_holds_any_key_and_the_replay_passes(
    pytester: pytest.Pytester, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_services=INNER)
    recorded = _fresh_environment(monkeypatch)
    standin.app_token(recorded["ORGO_API_KEY"])
    monkeypatch.setenv("STANDIN_HTTP", standin.http)
    monkeypatch.setenv("STANDIN_WS", standin.ws)
    run(pytester, "--orgo-record-mode=all").assert_outcomes(passed=1)
    standin.stop()

    files = sorted(
        p for p in (pytester.path / "cassettes" / "test_services").iterdir() if p.is_file()
    )
    everything = b"".join(path.read_bytes() for path in files)
    for name, value in [*recorded.items(), ("server cookie", standin.cookie)]:
        for form in all_forms(value):
            assert form.encode() not in everything, f"{name} leaked as {form!r}"
    text = Path(files[0]).read_text()
    for placeholder in (
        "<ENV_ANTHROPIC_API_KEY>",
        "<ENV_GEMINI_API_KEY>",
        "<ENV_OPENAI_API_KEY>",
        "<ENV_MY_SERVICE_PASSWORD>",
        "<COOKIE_",
        "<ORGO_API_KEY>",
        "<ENV_ANTHROPIC_API_KEY.b64.",
    ):
        assert placeholder in text

    _fresh_environment(monkeypatch)  # other keys: the placeholders match, not the values
    run(pytester, "--orgo-record-mode=none").assert_outcomes(passed=1)


def test_scrub_defaults_false_keeps_only_orgo_secrets(
    pytester: pytest.Pytester, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        test_optout="""
        import os, httpx, pytest

        @pytest.mark.orgo_cassette(scrub_defaults=False)
        def test_it():
            httpx.get(os.environ["STANDIN_HTTP"] + "/echo",
                      headers={"x-api-key": os.environ["ANTHROPIC_API_KEY"],
                               "authorization": "Bearer " + os.environ["ORGO_API_KEY"]})
        """
    )
    values = _fresh_environment(monkeypatch)
    monkeypatch.setenv("STANDIN_HTTP", standin.http)
    run(pytester, "--orgo-record-mode=all").assert_outcomes(passed=1)
    text = (pytester.path / "cassettes" / "test_optout" / "test_it.yaml").read_text()
    assert values["ANTHROPIC_API_KEY"] in text  # opted out: the caller's choice
    assert values["ORGO_API_KEY"] not in text and "Bearer <ORGO_API_KEY>" in text
