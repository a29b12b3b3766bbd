"""httpx response bodies recorded and replayed chunk by chunk (server-sent events).

Why not vcrpy's httpx stub here: it reads the whole response before handing it to the
client, so while recording, a streaming client (the ``openai`` SDK with ``stream=True``)
sees nothing until the server has finished, a stream that never ends hangs the test, and
the chunk boundaries are lost. Instead the real response is handed to the client at
once, its body passed through as the client reads it; each chunk is kept with its time
offset, and the interaction is recorded when the client has read to the end or closed
the response (what it *read*, like WebSocket frames). On replay the chunks come back in
order, each as its own read, and the stream ends as the recording did; ``pace="recorded"``
holds each chunk until its recorded offset.

A response with a fixed ``Content-Length`` is stored as one body (its chunking is only
the network's); one without (``text/event-stream``, chunked transfer) keeps its chunks,
as ``chunks: [[size, t_us], ...]`` beside the vcrpy body, which still holds the whole
text so vcrpy can read the cassette.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import httpx

from pytest_orgo.cassettes.format import Interaction

Chunk = tuple[int, int]  # (size in bytes, t_us)


class RecordingStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """The real body, passed through as the client reads it, and kept."""

    def __init__(self, inner: Any, now_us: Callable[[], int], done: Callable[[Any], None]):
        self.inner = inner
        self.now_us = now_us
        self.done = done
        self.parts: list[bytes] = []
        self.times: list[int] = []
        self.finished = False
        self._lock = threading.Lock()

    def _keep(self, chunk: bytes) -> None:
        if chunk:
            self.parts.append(bytes(chunk))
            self.times.append(self.now_us())

    def finish(self) -> None:
        with self._lock:
            if self.finished:
                return
            self.finished = True
        self.done(self)

    def __iter__(self) -> Iterator[bytes]:
        try:
            for chunk in self.inner:
                self._keep(chunk)
                yield chunk
        finally:
            self.finish()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self.inner:
                self._keep(chunk)
                yield chunk
        finally:
            self.finish()

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            self.finish()

    async def aclose(self) -> None:
        try:
            await self.inner.aclose()
        finally:
            self.finish()


def interaction_of(
    request: Any,
    request_body: bytes,
    response: Any,
    stream: RecordingStream,
    started: tuple[int, int],
    end_us: int,
) -> Interaction:
    """The recorded interaction, bodies decoded as vcrpy decodes them (gzip, deflate)."""
    from vcr.filters import decode_response

    headers: dict[str, list[str]] = {}
    for name, value in response.headers.multi_items():
        headers.setdefault(name, []).append(value)
    body = b"".join(stream.parts)
    decoded = decode_response(
        copy.deepcopy({"headers": headers, "body": {"string": body}, "status": {}})
    )
    chunks: list[Chunk] = []
    fixed = any(name.lower() == "content-length" for name in headers)
    if decoded["body"]["string"] == body and len(stream.parts) > 1 and not fixed:
        chunks = [(len(p), t) for p, t in zip(stream.parts, stream.times, strict=True)]
    seq, t_us = started
    return Interaction(
        method=request.method.upper(),
        uri=str(request.url),
        request_headers={name: [value] for name, value in request.headers.items()},
        request_body=request_body,
        status=response.status_code,
        reason=response.reason_phrase,
        response_headers={
            str(k): [str(x) for x in (v if isinstance(v, list) else [v])]
            for k, v in decoded["headers"].items()
        },
        response_body=decoded["body"]["string"],
        seq=seq,
        t_us=t_us,
        duration_us=max(0, end_us - t_us),
        chunks=chunks,
    )


class ReplayStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """Recorded chunks, one per read, each paced by ``wait``/``await_`` (no-ops when fast)."""

    def __init__(
        self,
        parts: list[bytes],
        times: list[int],
        wait: Callable[[int], None],
        delay: Callable[[int], float],
    ) -> None:
        self.parts = parts
        self.times = times
        self.wait = wait
        self.delay = delay

    def __iter__(self) -> Iterator[bytes]:
        for part, t_us in zip(self.parts, self.times, strict=True):
            self.wait(t_us)
            yield part

    async def __aiter__(self) -> AsyncIterator[bytes]:
        import asyncio

        for part, t_us in zip(self.parts, self.times, strict=True):
            pause = self.delay(t_us)
            if pause > 0:
                await asyncio.sleep(pause)
            yield part

    def close(self) -> None:
        return None

    async def aclose(self) -> None:
        return None


@dataclass(frozen=True)
class Flavour:
    """The stream classes for one httpx-like module: its client asserts that a response
    stream is an instance of *its* ``SyncByteStream``/``AsyncByteStream``."""

    recording: type[RecordingStream]
    replaying: type[ReplayStream]


_FLAVOURS: dict[str, Flavour] = {"httpx": Flavour(RecordingStream, ReplayStream)}


def flavour(mod: ModuleType) -> Flavour:
    name = mod.__name__
    if name not in _FLAVOURS:
        bases = (mod.SyncByteStream, mod.AsyncByteStream)
        _FLAVOURS[name] = Flavour(
            type("RecordingStream", (RecordingStream, *bases), {}),
            type("ReplayStream", (ReplayStream, *bases), {}),
        )
    return _FLAVOURS[name]
