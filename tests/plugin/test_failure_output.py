"""What a failing helper call prints: the test's own line and the message, never the
library's source (every public wait and assert hides its frames with
``__tracebackhide__``), and messages pinned as users read them."""

from __future__ import annotations

import pytest
from orgo_helpers import run

FAILING = """
import pytest
from pytest_orgo.audio import AudioClip

def test_event_timeout(orgo_computer):
    orgo_computer.events.wait_for("clipboard", timeout=0.2)

def test_unexpected_event(orgo_computer):
    orgo_computer.events.subscribe("clipboard")
    orgo_computer.desktop.set_clipboard("oops")
    orgo_computer.events.assert_no_event("clipboard", within=0.2)

def test_terminal_timeout(orgo_computer):
    orgo_computer.terminal.expect("never printed", timeout=0.2)

def test_tone_on_silence(orgo_computer):
    orgo_computer.audio.assert_tone(440, seconds=0.1)

def test_clip_assertion():
    AudioClip(b"\\0\\0" * 2400).assert_tone(440)

@pytest.mark.asyncio
async def test_async_event_timeout(orgo_computer):
    await orgo_computer.async_events.wait_for("clipboard", timeout=0.2)
"""

LIBRARY_SOURCE = (
    "async def _wait",
    "def _wait(",
    "raise EventTimeout",
    "raise UnexpectedEvent",
    "raise TerminalTimeout",
    "raise AssertionError",
    "__tracebackhide__",
    "pytest_orgo/helpers/",
    "_synchronization.py",
)


@pytest.fixture
def output(pytester: pytest.Pytester) -> str:
    pytester.makepyfile(test_failing=FAILING)
    result = run(pytester, "-p", "asyncio", "-o", "asyncio_mode=strict")
    result.assert_outcomes(failed=6)
    return result.stdout.str()


def test_no_library_source_in_the_tracebacks(output: str) -> None:
    shown = [line for line in output.splitlines() if any(s in line for s in LIBRARY_SOURCE)]
    assert shown == []


def test_each_failure_points_at_the_test_line(output: str) -> None:
    for line in (
        '>       orgo_computer.events.wait_for("clipboard", timeout=0.2)',
        '>       orgo_computer.events.assert_no_event("clipboard", within=0.2)',
        '>       orgo_computer.terminal.expect("never printed", timeout=0.2)',
        ">       orgo_computer.audio.assert_tone(440, seconds=0.1)",
        '>       await orgo_computer.async_events.wait_for("clipboard", timeout=0.2)',
    ):
        assert line in output


def test_the_messages_read_as_pinned(output: str) -> None:
    lines = output.splitlines()
    # the public names, not the private modules that define them
    assert (
        "E       pytest_orgo.events.EventTimeout: no clipboard event arrived within 0.2 s." in lines
    )
    assert "pytest_orgo.helpers." not in output
    # the traceback's own lines: the short summary repeats the message as wide as the
    # terminal is, so it is left out of the count
    raised = [line for line in lines if line.startswith("E ")]
    unexpected = [line for line in raised if "expected no clipboard event within 0.2 s" in line]
    assert len(unexpected) == 1 and "'content': 'oops'" in unexpected[0]
    assert "\n".join(raised).count("{'content': 'oops'}") == 1  # named once, not listed again
    assert any(
        line.startswith("E       pytest_orgo.terminal.TerminalTimeout: 'never printed' did not")
        for line in lines
    )
    silent = (
        "E       pytest_orgo.audio.AudioMismatch: "
        "expected a 440 Hz tone, but the audio is silent: RMS -inf dBFS"
    )
    assert sum(line.startswith(silent) for line in lines) == 2  # the stream's and the clip's
