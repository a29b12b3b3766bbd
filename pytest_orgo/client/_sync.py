"""The blocking client: :class:`OrgoClient`, on ``httpx.Client``."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Self, TypeVar, cast

import httpx

from ..errors import OrgoConnectionError
from ._base import DEFAULT_BASE_URL, Call, Flow
from ._endpoints import OrgoAPI

__all__ = ["OrgoClient"]

T = TypeVar("T")


class OrgoClient(OrgoAPI):
    """A typed client of the Orgo REST API (or the fake), one method per endpoint.

    ``api_key`` defaults to the ``ORGO_API_KEY`` environment variable. ``transport``
    replaces the network (``httpx.MockTransport``, an ASGI app's transport).
    ``timeout`` is in seconds. A 429 is retried up to ``max_retries`` times, waiting
    ``Retry-After`` or 1, 2, 4 ... s (at most 60) through ``sleep`` (``time.sleep``).
    ``headers`` are added to every request to the API's origin.

    Use it as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 60.0,
        max_retries: int = 6,
        sleep: Callable[[float], None] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(
            api_key, base_url=base_url, timeout=timeout, max_retries=max_retries, headers=headers
        )
        self._sleep = sleep or time.sleep
        self._http = httpx.Client(transport=transport, timeout=timeout)

    def close(self) -> None:
        """Close the connection pool (and the transport)."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _run(self, flow: Flow[T]) -> T:
        """Drive a flow: make each call it yields, send it the answer, return its result."""
        try:
            call = next(flow)
            while True:
                if call.delay is not None:
                    self._sleep(call.delay)
                call = flow.send(self._send(call))
        except StopIteration as done:
            return cast(T, done.value)
        finally:
            flow.close()

    def _send(self, call: Call) -> httpx.Response:
        request = self._build_request(call)
        try:
            return self._http.send(request, follow_redirects=call.follow_redirects)
        except httpx.TransportError as exc:
            raise OrgoConnectionError.from_transport(request, exc) from exc
