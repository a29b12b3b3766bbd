"""An httpx transport that hands requests straight to the fake: no socket, no ASGI.

httpx still does everything HTTP-shaped on the client side (URL building, headers,
multipart encoding, cookies, redirects); the transport only translates an
``httpx.Request`` into the dispatcher's call and its answer back into an ``httpx.Response``.
Skipping the ASGI round trip is what keeps an in-memory call within a small factor of
``httpx.MockTransport``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable, Iterator

import httpx

from fake_server.dispatch import Handle
from fake_server.framework import ApiResponse
from fake_server.vm_api.address import is_vm_host


class InMemoryTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Calls ``handle`` for every request, or ``vm_handle`` for one addressed to a
    computer's direct VM API (``{instance_id}.vm.orgo.test``; without a ``vm_handle``
    those go to ``handle`` too)."""

    def __init__(self, handle: Handle, *, vm_handle: Handle | None = None) -> None:
        self.handle = handle
        self.vm_handle = vm_handle

    def _dispatch(self, request: httpx.Request, body: bytes) -> ApiResponse:
        url = request.url
        handle = self.vm_handle if self.vm_handle and is_vm_host(url.host) else self.handle
        return handle(
            request.method,
            url.path,
            query_string=url.query.decode("ascii", "replace"),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=body,
            origin=f"{url.scheme}://{url.netloc.decode('ascii')}",
        )

    @staticmethod
    def _response(request: httpx.Request, answer: ApiResponse) -> httpx.Response:
        if answer.drop:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        headers = {"content-type": answer.media_type, **answer.headers}
        stream = (
            _Streamed(answer.stream)
            if answer.stream is not None
            else httpx.ByteStream(answer.encode())
        )
        return httpx.Response(answer.status, headers=headers, stream=stream, request=request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        answer = self._dispatch(request, request.read())
        if answer.delay > 0:
            time.sleep(answer.delay)
        return self._response(request, answer)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        answer = self._dispatch(request, await request.aread())
        if answer.delay > 0:
            await asyncio.sleep(answer.delay)
        return self._response(request, answer)


class _Streamed(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body the fake produces while the client reads it (server-sent events), chunk
    by chunk, so a streaming client sees each as it comes."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            yield chunk
