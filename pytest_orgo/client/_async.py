"""The asynchronous client: :class:`AsyncOrgoClient`, on ``httpx.AsyncClient``.

It has the same methods as :class:`OrgoClient`, defined once in :mod:`._endpoints`;
here each returns a coroutine. Works under asyncio and trio (it sleeps with anyio).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import Self, TypeVar, cast

import anyio
import httpx

from ..errors import OrgoConnectionError
from ._base import DEFAULT_BASE_URL, Call, Flow
from ._endpoints import OrgoAPI

__all__ = ["AsyncOrgoClient"]

T = TypeVar("T")


class AsyncOrgoClient(OrgoAPI):
    """The async twin of :class:`OrgoClient`: same arguments, awaitable methods.

    ``sleep`` is awaited between 429 retries (default ``anyio.sleep``). Use it as an
    async context manager, or call :meth:`aclose`.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 60.0,
        max_retries: int = 6,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(
            api_key, base_url=base_url, timeout=timeout, max_retries=max_retries, headers=headers
        )
        self._sleep = sleep or anyio.sleep
        self._http = httpx.AsyncClient(transport=transport, timeout=timeout)

    async def aclose(self) -> None:
        """Close the connection pool (and the transport)."""
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _run(self, flow: Flow[T]) -> T:
        """Drive a flow: make each call it yields, send it the answer, return its result."""
        try:
            call = next(flow)
            while True:
                if call.delay is not None:
                    await self._sleep(call.delay)
                call = flow.send(await self._send(call))
        except StopIteration as done:
            return cast(T, done.value)
        finally:
            flow.close()

    async def _send(self, call: Call) -> httpx.Response:
        request = self._build_request(call)
        try:
            return await self._http.send(request, follow_redirects=call.follow_redirects)
        except httpx.TransportError as exc:
            raise OrgoConnectionError.from_transport(request, exc) from exc
