"""Sharing the fake with a long ``bash``/``exec`` run: it gives the lock and the GIL away often.

A simulated command runs under the fake's state lock (it changes the desktop,
whose listeners expect the lock held), so a run that computes for seconds would
make every other client wait. The caller of a run wraps it in
:func:`cooperative`; the interpreters call :func:`yield_now` at every command,
loop turn and Python step, and every :data:`SLICE` seconds of holding it the
run releases the lock fully and sleeps :data:`PAUSE` (which frees the GIL too),
so a waiting request gets in within about a slice. C code that can run long
(regular expressions, through the ``regex`` package which frees the GIL) runs
inside :func:`unlocked`. Outside :func:`cooperative` (a test calling the shell
directly) both are no-ops.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Final

#: Seconds a run may hold the lock before it yields; short next to a request's own cost.
SLICE: Final = 0.0005
#: Seconds it then stays away, so waiting threads are scheduled and take the lock and GIL.
#: A long run thus computes about a fifth of the time: the simulated computer is slower
#: than the host, and the other clients of the fake barely notice it (issue 12's check).
PAUSE: Final = 0.002


@dataclass
class _Holder:
    lock: threading.RLock
    since: float


_current: ContextVar[_Holder | None] = ContextVar("shell_cooperative", default=None)


@contextmanager
def cooperative(lock: threading.RLock) -> Iterator[None]:
    """Run the body (a bash or exec run, the lock already held) yielding ``lock`` regularly."""
    token = _current.set(_Holder(lock, time.monotonic()))
    try:
        yield
    finally:
        _current.reset(token)


def _release_all(lock: threading.RLock) -> int:
    count = 0
    while True:
        try:
            lock.release()
        except RuntimeError:  # no longer held by this thread
            return count
        count += 1


def yield_now() -> None:
    """Give the lock and the GIL away if the run has held them for a slice."""
    holder = _current.get()
    if holder is None:
        return
    now = time.monotonic()
    if now - holder.since < SLICE:
        return
    count = _release_all(holder.lock)
    try:
        time.sleep(PAUSE)
    finally:
        for _ in range(count):
            holder.lock.acquire()
        holder.since = time.monotonic()


@contextmanager
def unlocked() -> Iterator[None]:
    """Release the lock around C code that frees the GIL and may run long (a regex match)."""
    holder = _current.get()
    if holder is None:
        yield
        return
    count = _release_all(holder.lock)
    try:
        yield
    finally:
        for _ in range(count):
            holder.lock.acquire()
        holder.since = time.monotonic()
