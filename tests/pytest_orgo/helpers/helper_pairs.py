"""The paired test utilities the generated helper tests use, one async and one sync form
each (``scripts/unasync.py`` turns ``async_wait_until`` into ``wait_until`` and
``AsyncBackground`` into ``Background``), like the library's own ``_synchronization``."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

import numpy as np

from fake_server import FakeOrgo
from fake_server.handle import DesktopHandle
from pytest_orgo.computer import OrgoComputer

T = TypeVar("T")


async def async_wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll ``condition`` without blocking the loop (the helper's worker runs on it)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


class AsyncBackground(Generic[T]):
    """A call left running while the test goes on: a task on the test's loop."""

    def __init__(self, call: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> None:
        async def run() -> T:
            return await call(*args, **kwargs)

        self._task = asyncio.get_running_loop().create_task(run())

    async def result(self, timeout: float) -> T:
        return await asyncio.wait_for(self._task, timeout)


class Background(Generic[T]):
    """A call left running while the test goes on: a thread."""

    def __init__(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> None:
        self._pool = ThreadPoolExecutor(1)
        self._future: Future[T] = self._pool.submit(call, *args, **kwargs)

    def result(self, timeout: float) -> T:
        try:
            return self._future.result(timeout)
        finally:
            self._pool.shutdown(wait=False)


def desktop(computer: OrgoComputer) -> DesktopHandle:
    assert computer.desktop is not None, "these tests drive the fake's desktop"
    return computer.desktop


def server_subscribed(fake: FakeOrgo, computer_id: str, kind: str) -> Callable[[], bool]:
    """True once an open events connection of the computer is subscribed to ``kind``
    on the server's side (so an event produced from now on is delivered)."""

    def check() -> bool:
        return any(c.open and kind in c.subscriptions for c in fake.event_connections(computer_id))

    return check


def fast(url: str) -> str:
    """The audio URL asking the fake to stream as fast as the reader takes it."""
    return url + "&pace=fast"


def sine(frequency: float, seconds: float, rate: int = 24_000, amplitude: float = 0.5) -> bytes:
    t = np.arange(round(seconds * rate)) / rate
    return (np.sin(2 * np.pi * frequency * t) * amplitude * 32767).astype("<i2").tobytes()
