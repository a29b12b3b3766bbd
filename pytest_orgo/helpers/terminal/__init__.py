"""Driving the desktop's terminal socket like pexpect: ``computer.terminal`` (sync) and
``computer.async_terminal`` (asyncio).

::

    term = computer.terminal
    term.send_line("echo $((6 * 7))")
    term.expect("42")                      # a str is literal; pass re.compile(...) for a regex
    term.send_line("exit 3")
    assert term.expect_exit() == 3

Why it reads this way:

* The socket sends output in arbitrary chunks with ANSI colours and CRLF line ends, and
  echoes what was typed. Matching runs on a **screen buffer**: the output with escape
  sequences removed, ``\\r\\n`` as ``\\n`` (lone ``\\r`` dropped) and backspaces applied,
  so patterns stay plain.
* ``expect`` searches from the end of the previous match (pexpect's consumption), so
  output that arrived early is not lost and an old match is not found twice. Note that
  the echo of the typed command is output too: expect something the command *prints*
  that its own text does not contain (``$((6 * 7))`` prints 42; its echo does not).
* Every failure (:class:`TerminalTimeout`, :class:`TerminalEOF`) carries the last lines of
  the screen and the unmatched output, because "timed out" alone never explains a
  terminal test. The URL in messages has its token blanked.
* A terminal session is a shell: it cannot be resumed after a drop, so unlike the events
  helper this one does not reconnect; a closed socket ends it (:class:`TerminalEOF`).
  ``computer.terminal`` is one session per computer; for another, open
  ``Terminal(computer.terminal_url)``.
* A str pattern is literal (prompts are full of ``$`` and ``.``); a compiled regex is
  searched from the end of the previous match, so ``^`` needs ``re.MULTILINE``.

Output is read on demand (inside ``expect``), so the sync form needs no thread of its own.
The async form (``_async.py``) is the one source; the sync form (``_sync.py``) is generated
from it by ``scripts/unasync.py``.
The async form's socket is closed when its event loop ends, if the test did not close it.
"""

from __future__ import annotations

from pytest_orgo.helpers.terminal._async import AsyncTerminal
from pytest_orgo.helpers.terminal._core import (
    Screen,
    TerminalEOF,
    TerminalError,
    TerminalTimeout,
    strip_ansi,
)
from pytest_orgo.helpers.terminal._sync import Terminal

__all__ = [
    "AsyncTerminal",
    "Screen",
    "Terminal",
    "TerminalEOF",
    "TerminalError",
    "TerminalTimeout",
    "strip_ansi",
]
