"""Replay: mismatches name the request and the closest recording, order and pace hold."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cassette_helpers import frame, interaction, run, write

from pytest_orgo.cassettes.format import Connection, Interaction

BASH = "https://www.orgo.ai/api/computers/<COMPUTER_ID_1>/bash"
EVENTS = "wss://www.orgo.ai/desktops/<INSTANCE_ID_1>/ws/events?token=<VNC_PASSWORD_1>"


def bash(command: str, output: str, *, seq: int, t_us: int = 0) -> Interaction:
    body = json.dumps({"command": command}).encode()
    answer = {
        "success": True,
        "action": "bash",
        "command": command,
        "output": output,
        "exit_code": 0,
    }
    return interaction("POST", BASH, body, answer, seq=seq, t_us=t_us)


def cassette(pytester: pytest.Pytester, name: str = "test_it") -> Path:
    return pytester.path / "cassettes" / "test_inner" / f"{name}.yaml"


def events_recording() -> Connection:
    return Connection(
        url=EVENTS,
        seq=1,
        frames=[
            frame(
                "send",
                text=json.dumps({"type": "subscribe", "event_types": ["file_change"]}),
                seq=2,
            ),
            frame("recv", text='{"type":"subscribed","message":"ok"}', seq=3),
            frame("recv", text='{"type":"event","event":{"type":"file_change","data":{}}}', seq=5),
        ],
    )


def test_an_unmatched_request_names_itself_and_the_closest_recorded(
    pytester: pytest.Pytester,
) -> None:
    write(cassette(pytester), [bash("echo hi", "hi\n", seq=1), bash("ls /tmp", "", seq=2)])
    pytester.makepyfile(
        test_inner="""
        import pytest
        @pytest.mark.orgo_cassette
        def test_it(orgo_computer):
            orgo_computer.bash("echo hello")
        """
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*CassetteMismatch*no recorded response for",
            '*POST https://www.orgo.ai/api/computers/<COMPUTER_ID_1>/bash {"command":"echo hello"}',
            "*the closest recorded request is",
            '*POST https://www.orgo.ai/api/computers/<COMPUTER_ID_1>/bash {"command": "echo hi"}',
            "*(not replayed yet)",
        ]
    )


def test_a_request_beyond_the_recorded_count_fails(pytester: pytest.Pytester) -> None:
    write(cassette(pytester), [bash("echo hi", "hi\n", seq=1)])
    pytester.makepyfile(
        test_inner="""
        import pytest
        @pytest.mark.orgo_cassette
        def test_it(orgo_computer):
            assert orgo_computer.bash("echo hi") == "hi\\n"
            orgo_computer.bash("echo hi")
        """
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*(already replayed)*"])


def test_a_swallowed_mismatch_still_fails_the_test(pytester: pytest.Pytester) -> None:
    write(cassette(pytester), [bash("echo hi", "hi\n", seq=1)])
    pytester.makepyfile(
        test_inner="""
        import pytest
        @pytest.mark.orgo_cassette
        def test_it(orgo_computer):
            try:
                orgo_computer.bash("rm -rf /")
            except Exception:
                pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*the cassette did not match (the client swallowed the error)*"])


def test_a_sent_frame_is_checked_against_the_recording(pytester: pytest.Pytester) -> None:
    write(cassette(pytester), [bash("touch /home/user/Desktop/a", "", seq=4)], [events_recording()])
    pytester.makepyfile(
        test_inner="""
        import json, pytest
        from websockets.sync.client import connect
        @pytest.mark.orgo_cassette
        def test_it(orgo_computer):
            with connect(orgo_computer.events_url) as ws:
                ws.send(json.dumps({"type": "subscribe", "event_types": ["window_open"]}))
        """
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    assert (
        """sent '{"type": "subscribe", "event_types": ["window_open"]}' on wss://www.orgo.ai/"""
        in output
    )
    assert (
        """the recording sent '{"type": "subscribe", "event_types": ["file_change"]}' next"""
        in output
    )


def test_an_event_is_not_delivered_before_the_call_that_caused_it(
    pytester: pytest.Pytester,
) -> None:
    write(cassette(pytester), [bash("touch /home/user/Desktop/a", "", seq=4)], [events_recording()])
    pytester.makepyfile(
        test_inner="""
        import json, os, pytest
        from websockets.sync.client import connect
        @pytest.mark.orgo_cassette
        def test_it(orgo_computer):
            with connect(orgo_computer.events_url) as ws:
                ws.send(json.dumps({"type": "subscribe", "event_types": ["file_change"]}))
                assert json.loads(ws.recv())["type"] == "subscribed"
                if os.environ.get("DO_BASH"):
                    orgo_computer.bash("touch /home/user/Desktop/a")
                assert json.loads(ws.recv())["event"]["type"] == "file_change"
        """
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*was received after HTTP POST https://www.orgo.ai/api/computers/<COMPUTER_ID_1>/bash*"]
    )
    pytester._monkeypatch.setenv("DO_BASH", "1")
    run(pytester).assert_outcomes(passed=1)


@pytest.mark.parametrize("pace", ["fast", "recorded"])
def test_pace(pytester: pytest.Pytester, pace: str) -> None:
    write(
        cassette(pytester),
        [bash("echo a", "a\n", seq=1), bash("echo b", "b\n", seq=2, t_us=1_500_000)],
    )
    pytester.makepyfile(
        test_inner=f"""
        import time, pytest
        @pytest.mark.orgo_cassette(pace="{pace}")
        def test_it(orgo_computer):
            start = time.monotonic()
            assert [orgo_computer.bash("echo a"), orgo_computer.bash("echo b")] == ["a\\n", "b\\n"]
            print("ELAPSED", time.monotonic() - start)
        """
    )
    result = run(pytester, "-s")
    result.assert_outcomes(passed=1)
    elapsed = float(re.search(r"ELAPSED (\S+)", result.stdout.str()).group(1))  # type: ignore[union-attr]
    assert (elapsed >= 1.0) if pace == "recorded" else (elapsed < 0.9)
