"""vcrpy-style hooks and filters run on the recording; a WebSocket URL nobody recorded fails."""

from __future__ import annotations

import json

import pytest
from cassette_helpers import run

INNER = """
import os, pytest

def drop_version(request):
    return None if request.uri.endswith("/version") else request

def tag(response):
    response["headers"]["x-recorded"] = ["yes"]
    return response

@pytest.fixture(scope="module")
def orgo_cassette_config():
    return {"filter_headers": ["user-agent"], "before_record_request": drop_version,
            "before_record_response": tag, "scrub_env": ["INNER_SECRET"]}

@pytest.mark.orgo_cassette(record_mode="once")
def test_it(orgo_computer):
    secret = os.environ["INNER_SECRET"]
    assert orgo_computer.bash("echo " + secret) == secret + "\\n"
"""


def test_hooks_filters_and_env_scrubbing_apply(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INNER_SECRET", "hunter2-very-secret")
    pytester.makepyfile(test_inner=INNER)
    run(pytester).assert_outcomes(passed=1)
    text = (pytester.path / "cassettes/test_inner/test_it.yaml").read_text()
    assert "hunter2-very-secret" not in text and "<ENV_INNER_SECRET>" in text
    interaction = json.loads(text)["interactions"][0]
    assert "user-agent" not in interaction["request"]["headers"]
    assert interaction["response"]["headers"]["x-recorded"] == ["yes"]
    run(pytester).assert_outcomes(passed=1)  # replays, the secret mapped back from the env


def test_a_websocket_nobody_recorded_names_the_closest(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_inner="""
        import json, os, pytest
        from websockets.sync.client import connect

        @pytest.mark.orgo_cassette(record_mode="once")
        def test_it(orgo_computer):
            other = os.environ.get("OTHER")
            url = orgo_computer.audio_url if other else orgo_computer.events_url
            with connect(url) as ws:
                ws.send(json.dumps({"type": "ping"}))
        """
    )
    run(pytester).assert_outcomes(passed=1)
    pytester._monkeypatch.setenv("OTHER", "1")
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*no recorded WebSocket connection for",
            "*wss://www.orgo.ai/desktops/<INSTANCE_ID_1>/ws/audio?token=<VNC_PASSWORD_1>",
            "*the closest recorded one is",
            "*wss://www.orgo.ai/desktops/<INSTANCE_ID_1>/ws/events?token=<VNC_PASSWORD_1>",
        ]
    )
