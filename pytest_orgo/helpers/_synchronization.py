"""The paired primitives the helpers are written against, one async and one sync form each.

The helpers are written once, in async form (``helpers/*/_async.py``), against the
``Async*`` classes here; ``scripts/unasync.py`` rewrites them into the sync form
(``_sync.py``), which uses the class of the same name without the prefix. So each pair
must offer the same methods with the same meaning, differing only in ``async``:

* :class:`AsyncSocket` / :class:`Socket`: one WebSocket connection (``websockets``' asyncio
  and sync clients): ``open``, ``send``, ``recv`` with an optional timeout, ``close``.
* :class:`AsyncCondition` / :class:`Condition`: a lock and a broadcast wake-up. The sync
  form is a ``threading.Condition`` (a worker thread feeds the state). The async form is
  an ``asyncio.Lock`` plus an event made for the loop that uses it, so a helper is not
  tied to the loop that happened to create it (pytest-asyncio gives each test its own).
  ``hold()`` is the lock as a plain ``with`` (for properties; a no-op in async code,
  where nothing runs between two awaits).
* :class:`AsyncWorker` / :class:`Worker`: the background reader (a task on the running
  loop / a daemon thread), its interruptible ``pause`` and its ``stop``.
* :class:`AsyncCloseGuard` / :class:`CloseGuard`: closes a helper nobody closed when its
  event loop ends (nothing to do in the sync form).

And :func:`close_from_sync`, for the async helpers' sync ``close()`` (a fixture's teardown).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Coroutine
from typing import Any

from websockets.asyncio.client import ClientConnection as AsyncClientConnection
from websockets.asyncio.client import connect as async_connect
from websockets.sync.client import ClientConnection, connect

from pytest_orgo.helpers._ws import CLOSE_TIMEOUT

__all__ = [
    "AsyncCloseGuard",
    "AsyncCondition",
    "AsyncSocket",
    "AsyncWorker",
    "CloseGuard",
    "Condition",
    "Socket",
    "Worker",
    "close_from_sync",
]

AsyncTarget = Callable[[], Coroutine[Any, Any, None]]


# -- one WebSocket connection -----------------------------------------------------------


class AsyncSocket:
    """A client WebSocket on the running loop."""

    def __init__(self, ws: AsyncClientConnection) -> None:
        self._ws = ws

    @classmethod
    async def open(cls, url: str, timeout: float) -> AsyncSocket:
        ws = await async_connect(url, open_timeout=timeout, close_timeout=CLOSE_TIMEOUT)
        return cls(ws)

    async def send(self, text: str) -> None:
        await self._ws.send(text)

    async def recv(self, timeout: float | None = None) -> str | bytes:
        """The next message; ``TimeoutError`` if none came within ``timeout`` seconds."""
        if timeout is None:
            return await self._ws.recv()
        async with asyncio.timeout(max(0.0, timeout)):
            return await self._ws.recv()

    async def close(self) -> None:
        await self._ws.close()


class Socket:
    """A client WebSocket read by the calling thread."""

    def __init__(self, ws: ClientConnection) -> None:
        self._ws = ws

    @classmethod
    def open(cls, url: str, timeout: float) -> Socket:
        # Entered as a context manager, because websockets 17.1+ deprecates using
        # connect()'s result directly, while entering it works in every version since 13.
        ws = connect(url, open_timeout=timeout, close_timeout=CLOSE_TIMEOUT).__enter__()
        return cls(ws)

    def send(self, text: str) -> None:
        self._ws.send(text)

    def recv(self, timeout: float | None = None) -> str | bytes:
        """The next message; ``TimeoutError`` if none came within ``timeout`` seconds."""
        return self._ws.recv(timeout=None if timeout is None else max(0.0, timeout))

    def close(self) -> None:
        self._ws.close()


# -- a lock with a broadcast wake-up ----------------------------------------------------


class AsyncCondition:
    """``async with cond:`` holds the lock; ``await cond.wait(t)`` releases it until the
    next ``notify_all()`` or ``t`` seconds, then takes it back."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = asyncio.Lock()
        self._event: asyncio.Event | None = None

    def hold(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()

    async def __aenter__(self) -> None:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new loop (the last one ended): new primitives
            self._loop, self._lock, self._event = loop, asyncio.Lock(), None
        await self._lock.acquire()

    async def __aexit__(self, *exc_info: object) -> None:
        self._lock.release()

    def notify_all(self) -> None:
        if self._event is not None:
            self._event.set()
            self._event = None

    async def wait(self, timeout: float) -> None:
        if self._event is None:
            self._event = asyncio.Event()
        event = self._event
        self._lock.release()
        try:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(0.0, timeout)):
                    await event.wait()
        finally:
            # Take the lock back even if cancelled meanwhile (as asyncio.Condition does),
            # so the caller's ``async with`` releases a lock it holds.
            cancelled = False
            while True:
                try:
                    await self._lock.acquire()
                    break
                except asyncio.CancelledError:
                    cancelled = True
            if cancelled:
                raise asyncio.CancelledError


class Condition:
    """``with cond:`` holds the lock; ``cond.wait(t)`` releases it until the next
    ``notify_all()`` or ``t`` seconds, then takes it back."""

    def __init__(self) -> None:
        self._cond = threading.Condition()

    def hold(self) -> contextlib.AbstractContextManager[bool]:
        return self._cond

    def __enter__(self) -> None:
        self._cond.acquire()

    def __exit__(self, *exc_info: object) -> None:
        self._cond.release()

    def notify_all(self) -> None:
        self._cond.notify_all()

    def wait(self, timeout: float) -> None:
        self._cond.wait(max(0.0, timeout))


# -- the background reader --------------------------------------------------------------


class AsyncWorker:
    """A task on the loop that started it. ``running`` is false on another loop: the last
    loop cancelled the task when it closed, so the helper starts a new one here."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        return self._loop

    @property
    def running(self) -> bool:
        task = self._task
        if task is None or task.done():
            return False
        try:
            return asyncio.get_running_loop() is self._loop
        except RuntimeError:
            return True

    def start(self, target: AsyncTarget) -> None:
        self._loop = asyncio.get_running_loop()
        self._task = self._loop.create_task(target(), name=self._name)

    def finish(self) -> None:
        """Called by the worker itself as it gives up: the next use starts a new one."""
        self._task = None

    async def pause(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def close_from_sync(self, aclose: AsyncTarget) -> None:
        """Run the helper's ``aclose()`` from sync code, on the worker's loop."""
        close_from_sync(self._loop, aclose)


class Worker:
    """A daemon thread; ``pause`` returns early when the worker is stopped."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, target: Callable[[], None]) -> None:
        self._stopping.clear()
        self._thread = threading.Thread(target=target, name=self._name, daemon=True)
        self._thread.start()

    def finish(self) -> None:
        """Called by the worker itself as it gives up: the next use starts a new one."""
        self._thread = None

    def pause(self, seconds: float) -> None:
        self._stopping.wait(seconds)

    def stop(self) -> None:
        self._stopping.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=CLOSE_TIMEOUT + 1.0)


# -- closing what nobody closed ---------------------------------------------------------

_closing: set[asyncio.Task[None]] = set()


class AsyncCloseGuard:
    """A task on the running loop that waits until cancelled, then runs ``aclose()``.

    ``asyncio.Runner`` (hence pytest-asyncio and anyio) cancels every pending task before
    it closes a test's loop, and a fixture's sync teardown often runs only after that. A
    socket helper nobody closed would then leak its transport (a ``ResourceWarning``)
    because nothing can run on a closed loop; this guard closes it while the loop still
    runs. The helper's own ``aclose()`` disarms the guard.
    """

    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    def arm(self, aclose: AsyncTarget) -> None:
        async def guard() -> None:
            try:
                await asyncio.Event().wait()
            finally:
                await aclose()

        self.loop = asyncio.get_running_loop()
        self._task = self.loop.create_task(guard(), name="orgo-socket-guard")
        _closing.add(self._task)
        self._task.add_done_callback(_closing.discard)

    def disarm(self) -> None:
        task, self._task = self._task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()

    def close_from_sync(self, aclose: AsyncTarget) -> None:
        """Run the helper's ``aclose()`` from sync code, on the loop the guard watches."""
        close_from_sync(self.loop, aclose)


class CloseGuard:
    """Nothing to guard: a sync helper's socket is closed by ``close()`` or the GC."""

    def arm(self, close: Callable[[], None]) -> None:
        pass

    def disarm(self) -> None:
        pass


def close_from_sync(loop: asyncio.AbstractEventLoop | None, aclose: AsyncTarget) -> None:
    """Run an async helper's ``aclose()`` from sync code (a fixture's teardown).

    On the helper's own loop when that loop is idle (the usual case in a teardown), as a
    task when called from inside it, across threads when it runs elsewhere. When the loop
    is already closed there is nothing left to run on, and nothing left to do: closing the
    loop cancelled the helper's worker or guard task, which closed the socket.
    """
    if loop is None or loop.is_closed():
        return
    try:
        running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        task = loop.create_task(aclose())
        _closing.add(task)  # a task nobody references may be collected before it runs
        task.add_done_callback(_closing.discard)
    elif loop.is_running():
        future = asyncio.run_coroutine_threadsafe(aclose(), loop)
        with contextlib.suppress(Exception):
            future.result(timeout=CLOSE_TIMEOUT + 1.0)
    elif running is None:
        with contextlib.suppress(Exception):
            loop.run_until_complete(aclose())
