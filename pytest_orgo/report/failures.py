"""Which failed tests failed on an events, terminal or audio assertion, told from the
exception alone, so those helpers need no hook of their own and may move modules.

Their exceptions (``EventTimeout``, ``TerminalTimeout``, ``AudioTimeout``, ...) are
recognised by class name within ``pytest_orgo``; the audio analysis raises a plain
``AssertionError`` (``assert_tone``, ``assert_silence``), recognised by the
``pytest_orgo`` module it was raised in. Their messages already say what did arrive
(events with their data, the terminal's screen, the frequency and level heard).
"""

from __future__ import annotations

from types import TracebackType

from pytest_orgo.report.model import Helper

BY_CLASS: dict[str, Helper] = {
    "EventTimeout": "events",
    "UnexpectedEvent": "events",
    "EventStreamError": "events",
    "TerminalTimeout": "terminal",
    "TerminalEOF": "terminal",
    "TerminalError": "terminal",
    "AudioTimeout": "audio",
    "AudioFormatError": "audio",
    "AudioStreamError": "audio",
}
BY_MODULE: tuple[tuple[str, Helper], ...] = (
    ("audio", "audio"),
    ("event", "events"),
    ("terminal", "terminal"),
)


def helper_of(error: BaseException) -> Helper | None:
    """The helper whose assertion ``error`` is, or ``None``."""
    for cls in type(error).__mro__:
        if cls.__module__.startswith("pytest_orgo") and cls.__name__ in BY_CLASS:
            return BY_CLASS[cls.__name__]
    if not isinstance(error, AssertionError):
        return None
    module = _raised_in(error.__traceback__)
    if not module.startswith("pytest_orgo.") or module.startswith("pytest_orgo.snapshots"):
        return None
    parts = module.split(".")[1:]  # pytest_orgo.audio, pytest_orgo.helpers.audio._analysis
    return next(
        (helper for part in reversed(parts) for word, helper in BY_MODULE if word in part), None
    )


def _raised_in(traceback: TracebackType | None) -> str:
    """The module of the innermost frame: where the exception was raised."""
    name = ""
    while traceback is not None:
        name = str(traceback.tb_frame.f_globals.get("__name__", ""))
        traceback = traceback.tb_next
    return name
