"""What the sync and async terminal helpers share: the screen buffer (ANSI stripped), the
session's state, the exceptions and the failure messages. Import the public names from
:mod:`pytest_orgo.terminal`."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable

from pytest_orgo.errors import OrgoError
from pytest_orgo.helpers._ws import UrlSource

ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor movement, erase
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: window titles
    r"|\x1b[PX^_][^\x1b]*\x1b\\"  # DCS, SOS, PM, APC strings
    r"|\x1b[()][0-9A-Za-z]"  # character set selection
    r"|\x1b[@-Z\\-_=>]"  # the other two-byte escapes
)
SCREEN_LINES = 24
"""Lines of screen shown in a failure message."""


class TerminalTimeout(AssertionError, TimeoutError, OrgoError):
    """The pattern (or the exit) did not come in time; the message shows the screen."""

    __module__ = "pytest_orgo.terminal"  # its public path, as failures and pickles name it


class TerminalEOF(AssertionError, OrgoError):
    """The session ended (the shell exited, or the socket closed) before what was awaited."""

    __module__ = "pytest_orgo.terminal"  # its public path, as failures and pickles name it


class TerminalError(ConnectionError, OrgoError):
    """The terminal socket could not be opened."""

    __module__ = "pytest_orgo.terminal"  # its public path, as failures and pickles name it


def strip_ansi(text: str) -> str:
    """``text`` without ANSI escape sequences (colours, cursor moves, titles)."""
    return ANSI.sub("", text)


def compile_pattern(pattern: str | re.Pattern[str]) -> re.Pattern[str]:
    return re.compile(re.escape(pattern)) if isinstance(pattern, str) else pattern


def describe_pattern(pattern: str | re.Pattern[str]) -> str:
    return repr(pattern) if isinstance(pattern, str) else f"regex {pattern.pattern!r}"


class Screen:
    """The terminal's output as plain text, and where the next ``expect`` starts.

    Keeps the last ``limit`` characters; an escape sequence split across two messages is
    held back until its end arrives.
    """

    def __init__(self, limit: int = 1_000_000) -> None:
        self.text = ""
        self.consumed = 0
        self._limit = limit
        self._partial = ""

    def feed(self, data: str) -> None:
        data, self._partial = self._partial + data, ""
        escape = data.rfind("\x1b")
        if escape != -1 and not ANSI.match(data, escape) and len(data) - escape < 64:
            data, self._partial = data[:escape], data[escape:]
        clean = strip_ansi(data).replace("\r\n", "\n").replace("\r", "")
        pieces = clean.split("\b")
        text = self.text + pieces[0]
        for piece in pieces[1:]:  # a backspace erases one character, never consumed ones
            if len(text) > self.consumed:
                text = text[:-1]
            text += piece
        if len(text) > self._limit:
            cut = len(text) - self._limit
            text, self.consumed = text[cut:], max(0, self.consumed - cut)
        self.text = text

    @property
    def unmatched(self) -> str:
        """Output after the last match: where the next ``expect`` looks."""
        return self.text[self.consumed :]

    def tail(self, lines: int = SCREEN_LINES) -> str:
        return "\n".join(self.text.split("\n")[-lines:])


class Session:
    """What both forms share: the screen, the exit code, the messages."""

    def __init__(self, url: UrlSource, timeout: float, connect_timeout: float) -> None:
        self.url = url
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.screen = Screen()
        self.exit_code: int | None = None
        self.match: re.Match[str] | None = None
        self.before = ""
        self.errors: list[str] = []
        self.ended: str | None = None  # how the socket closed, once it has
        self.shown_url = ""

    def handle(self, raw: str | bytes) -> None:
        try:
            body = json.loads(raw)
        except ValueError:
            self.errors.append(f"unreadable message {raw[:80]!r}")
            return
        if not isinstance(body, dict):
            return
        kind = body.get("type")
        if kind == "output" and isinstance(body.get("data"), str):
            self.screen.feed(body["data"])
        elif kind == "exit":
            code = body.get("code")
            self.exit_code = code if isinstance(code, int) else -1
        elif kind == "error":
            self.errors.append(str(body.get("message", body)))

    def search(self, regex: re.Pattern[str]) -> re.Match[str] | None:
        found = regex.search(self.screen.text, self.screen.consumed)
        if found is not None:
            self.before = self.screen.text[self.screen.consumed : found.start()]
            self.screen.consumed = found.end()
            self.match = found
        return found

    def message(self, text: str) -> str:
        __tracebackhide__ = True
        if self.exit_code is not None:
            raise TerminalEOF(
                self.report(f"cannot send {text!r}: the shell exited with code {self.exit_code}")
            )
        if self.ended is not None:
            raise TerminalEOF(self.report(f"cannot send {text!r}: the socket {self.ended}"))
        return json.dumps({"type": "input", "data": text})

    def ending(self) -> str | None:
        """Why nothing more can come, if so."""
        if self.exit_code is not None:
            return f"the shell exited with code {self.exit_code}"
        if self.ended is not None:
            return f"the socket {self.ended}"
        return None

    def report(self, headline: str) -> str:
        lines = [headline + ".", f"Screen (last {SCREEN_LINES} lines, ANSI stripped):"]
        lines += ["  | " + line for line in self.screen.tail().split("\n")]
        unmatched = self.screen.unmatched
        shown = unmatched if len(unmatched) <= 300 else "..." + unmatched[-300:]
        lines.append(f"Unmatched output (where expect looks): {shown!r}")
        if self.errors:
            lines.append("Server errors: " + "; ".join(self.errors[-5:]))
        state = self.ending() or "open"
        lines.append(f"Terminal: {state} ({self.shown_url or 'not connected'}).")
        return "\n".join(lines)

    def waiting_for(
        self, pattern: str | re.Pattern[str], timeout: float | None
    ) -> Callable[[], re.Match[str] | float]:
        """One step of ``expect``, for both forms: each call returns the match once it is
        in the output, raises once it can no longer come (exit, close, deadline), and
        otherwise returns how long to wait for more output."""
        regex, limit = compile_pattern(pattern), self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit

        def step() -> re.Match[str] | float:
            __tracebackhide__ = True
            found = self.search(regex)
            if found is not None:
                return found
            ending = self.ending()
            if ending is not None:
                raise TerminalEOF(
                    self.report(f"{describe_pattern(pattern)} never appeared: {ending}")
                )
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                headline = f"{describe_pattern(pattern)} did not appear within {limit:g} s"
                raise TerminalTimeout(self.report(headline))
            return remaining

        return step

    def waiting_for_exit(self, timeout: float | None) -> Callable[[], int | float]:
        """One step of ``expect_exit``: the exit code, an error, or the time to wait."""
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit

        def step() -> int | float:
            __tracebackhide__ = True
            if self.exit_code is not None:
                return self.exit_code
            if self.ended is not None:
                raise TerminalEOF(self.report(f"the socket {self.ended} without an exit code"))
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TerminalTimeout(self.report(f"the shell did not exit within {limit:g} s"))
            return remaining

        return step


class Readable:
    """The read-only face both forms share."""

    _session: Session

    @property
    def exit_code(self) -> int | None:
        """The shell's exit code once it has exited, else None."""
        return self._session.exit_code

    @property
    def screen(self) -> str:
        """The last lines of output, ANSI stripped (what a person would see)."""
        return self._session.screen.tail()

    @property
    def transcript(self) -> str:
        """All the output so far (up to a million characters), ANSI stripped."""
        return self._session.screen.text

    @property
    def before(self) -> str:
        """The output between the previous match and the last one."""
        return self._session.before

    @property
    def match(self) -> re.Match[str] | None:
        return self._session.match
