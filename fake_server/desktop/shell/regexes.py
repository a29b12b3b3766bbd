"""Regular expressions as the shell's tools use them: POSIX basic syntax translated for
the ``regex`` package, and every match run under the run's deadline and outside the
fake's lock (see :mod:`~fake_server.desktop.cooperative`), so a catastrophic pattern ends
at the timeout and never stalls other clients."""

from __future__ import annotations

import time
from typing import Any

from fake_server.desktop import cooperative
from fake_server.desktop.shell.runtime import Context, ShellTimeout


def bre_to_python(pattern: str) -> str:
    """Basic regular expressions swap the meaning of escaped and bare ``( ) { } | + ?``."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            out.append(nxt if nxt in "(){}|+?" else c + nxt)
            i += 2
            continue
        out.append("\\" + c if c in "(){}|+?" else c)
        i += 1
    return "".join(out)


def run_regex(ctx: Context, call: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a ``regex`` function under the run's deadline, without the fake's lock."""
    deadline = ctx.deadline()
    timeout = None if deadline is None else max(deadline - time.monotonic(), 0.001)
    with cooperative.unlocked():
        try:
            return call(*args, timeout=timeout, concurrent=True, **kwargs)
        except TimeoutError:
            raise ShellTimeout from None
