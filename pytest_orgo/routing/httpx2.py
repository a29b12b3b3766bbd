"""httpx2 requests answered by an httpx transport (the fake's in-memory one).

The ``openai`` SDK talks through ``httpx2``, a renamed fork of httpx with its own
classes, so the fake's :class:`~fake_server.transport.InMemoryTransport` (an httpx
transport) cannot take its requests as they are. This module crosses over once each way:
the httpx2 request becomes an httpx one (method, URL, raw headers, body), and the httpx
answer becomes an httpx2 response whose body is the httpx one's raw stream, read as the
client reads it - a streamed completion's server-sent events still arrive chunk by chunk.
A dropped connection stays one (``RemoteProtocolError`` in httpx2's own class).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx


def _request(request: Any, body: bytes) -> httpx.Request:
    return httpx.Request(
        request.method, str(request.url), headers=list(request.headers.raw), content=body
    )


def _response(httpx2: Any, request: Any, answer: httpx.Response, stream: Any) -> Any:
    return httpx2.Response(
        answer.status_code, headers=list(answer.headers.raw), stream=stream, request=request
    )


def forward(transport: httpx.BaseTransport, request: Any) -> Any:
    import httpx2

    try:
        answer = transport.handle_request(_request(request, request.read()))
    except httpx.RemoteProtocolError as exc:
        raise httpx2.RemoteProtocolError(str(exc), request=request) from exc

    class Stream(httpx2.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            yield from answer.iter_raw()

        def close(self) -> None:
            answer.close()

    return _response(httpx2, request, answer, Stream())


async def forward_async(transport: httpx.AsyncBaseTransport, request: Any) -> Any:
    import httpx2

    try:
        answer = await transport.handle_async_request(_request(request, await request.aread()))
    except httpx.RemoteProtocolError as exc:
        raise httpx2.RemoteProtocolError(str(exc), request=request) from exc

    class Stream(httpx2.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            async for chunk in answer.aiter_raw():
                yield chunk

        async def aclose(self) -> None:
            await answer.aclose()

    return _response(httpx2, request, answer, Stream())
