"""Events, terminal and audio failures in the report, with what arrived: real helper
failures against the bundled fake, told apart from ordinary assertion errors."""

from __future__ import annotations

import pytest

from tests.report.report_support import REPORT, run, summary

HELPERS = """
    import pytest

    def test_events(orgo_computer):
        orgo_computer.desktop.type_text("x")  # typing copies nothing: no clipboard event
        orgo_computer.events.wait_for("clipboard", timeout=0.3)

    def test_terminal(orgo_computer):
        orgo_computer.terminal.send_line("echo hello")
        orgo_computer.terminal.expect("never printed", timeout=0.5)

    def test_audio(orgo_computer):
        orgo_computer.audio.read(0.2).assert_tone(440)

    def test_plain():
        assert 1 == 2
"""


def test_helper_failures_are_listed_with_what_arrived(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_helpers=HELPERS)
    result = run(pytester, f"--orgo-report={REPORT}")
    result.assert_outcomes(failed=4)
    data = summary(pytester.path / REPORT)
    found = {f["nodeid"].split("::")[1]: f for f in data["helper_failures"]}
    assert set(found) == {"test_events", "test_terminal", "test_audio"}  # not test_plain
    assert data["totals"]["helper_failures"] == 3
    assert (found["test_events"]["helper"], found["test_events"]["error"]) == (
        "events",
        "EventTimeout",
    )
    assert "clipboard" in found["test_events"]["message"]
    assert found["test_terminal"]["helper"] == "terminal"
    assert "hello" in found["test_terminal"]["message"]  # the screen is shown
    assert found["test_audio"]["helper"] == "audio"
    assert "440" in found["test_audio"]["message"]
    page = (pytester.path / REPORT / "index.html").read_text()
    assert "Events, terminal and audio failures (3)" in page
