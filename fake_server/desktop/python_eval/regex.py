"""The simulated Python's ``re``: the ``regex`` package, bounded by the run's deadline.

CPython's ``re`` holds the GIL for as long as a match runs, so one catastrophic
pattern (``re.match('(a+)+$', 'a' * 34 + 'b')``) would freeze every thread of
the fake. ``regex`` speaks the same language, stops at a ``timeout`` and, with
``concurrent=True``, frees the GIL; matches also run outside the fake's lock
(:func:`~fake_server.desktop.cooperative.unlocked`). A match that outlives
the run's deadline ends the run as a timeout, like any other runaway loop.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Final

import regex

from fake_server.desktop import cooperative

# fmt: off
FUNCTIONS: Final = ("search", "match", "fullmatch", "findall", "finditer", "sub", "subn", "split")
CONSTANTS: Final = ("IGNORECASE", "I", "MULTILINE", "M", "DOTALL", "S", "VERBOSE", "X")
# fmt: on
PATTERN_TYPE: Final = type(regex.compile(""))
MATCH_TYPE: Final = type(regex.match("", ""))


class RegexTimeout(Exception):
    """A match ran past the run's deadline; the interpreter reports the run as timed out."""


def bounded(call: Callable[..., Any], deadline: Callable[[], float | None]) -> Callable[..., Any]:
    """``call`` (a ``regex`` function or pattern method) with the remaining time as timeout."""

    def run(*args: Any, **kwargs: Any) -> Any:
        moment = deadline()
        timeout = None if moment is None else max(moment - time.monotonic(), 0.001)
        with cooperative.unlocked():
            try:
                result = call(*args, timeout=timeout, concurrent=True, **kwargs)
                if call.__name__ == "finditer":
                    result = list(result)  # iterate now, under the timeout
            except TimeoutError:
                raise RegexTimeout from None
        return iter(result) if call.__name__ == "finditer" else result

    run.__name__ = call.__name__
    return run


def module_attrs(deadline: Callable[[], float | None]) -> dict[str, Any]:
    """The attributes of the stand-in ``re`` module."""
    attrs: dict[str, Any] = {name: bounded(getattr(regex, name), deadline) for name in FUNCTIONS}
    attrs.update({name: getattr(regex, name) for name in CONSTANTS})
    attrs.update({"compile": regex.compile, "escape": regex.escape, "error": regex.error})
    return attrs


def pattern_attr(pattern: Any, name: str, deadline: Callable[[], float | None]) -> Any:
    """An attribute of a compiled pattern, its matching methods bounded."""
    if name in FUNCTIONS:
        return bounded(getattr(pattern, name), deadline)
    if name in ("pattern", "flags", "groups", "groupindex"):
        return getattr(pattern, name)
    raise AttributeError(f"'Pattern' object has no attribute '{name}'")
